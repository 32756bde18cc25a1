"""API tokens: create (the token is shown once), list, revoke, and find the token a request presents.

A token is "cm_" and 43 URL-safe characters (256 random bits). Only its sha256 is stored: a random
token of that entropy needs no salt or slow hash (nobody can guess it, and the hash of a stolen table
leads nowhere). A presented token is looked up by its hash and the stored hash compared again in
constant time. The first characters (`prefix`) are kept in clear to tell tokens apart in lists.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import ApiToken, Organization
from app.services.errors import Invalid, NotFound
from app.vocabulary import Role

TOKEN_PREFIX = "cm_"
PREFIX_CHARS = 10  # "cm_" and 7 random characters: shown in lists, never enough to guess the rest
MAX_TOKEN_CHARS = 200  # anything longer is not one of ours; refuse it before hashing


def generate() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", errors="surrogatepass")).hexdigest()


def organization_for(*, session: Session, organization: str) -> Organization:
    """An existing organisation, by id or by exact name."""
    found = None
    if organization.strip().isdigit():
        found = session.get(Organization, int(organization.strip()))
    if found is None:
        found = session.scalar(select(Organization).where(Organization.name == organization.strip()))
    if found is None:
        raise NotFound(
            "organization_not_found",
            f"组织不存在：{organization}。组织随账号登记产生：先用 cuomin accounts import 导入账号表"
            "（或在网页“账号管理”登记账号）；全新安装时也可以在 cuomin tokens create 后加"
            " --create-org 直接新建这个组织",
        )
    return found


def create_token(
    *, session: Session, role: Role, name: str | None = None, organization: str | None = None
) -> tuple[ApiToken, str]:
    """A new token and its clear text, which is not stored anywhere: show it once."""
    if role is Role.editor and not organization:
        raise Invalid("organization_required", "编辑令牌必须绑定一个组织（--org 组织名称或编号）")
    if role is not Role.editor and organization:
        raise Invalid("organization_not_allowed", f"{role.label}令牌不绑定组织（可查看全部组织），请去掉 --org")
    if name is not None and not (name := name.strip()):
        raise Invalid("name_empty", "令牌名称不能为空")
    if name is not None and len(name) > 100:
        raise Invalid("name_too_long", "令牌名称最多 100 个字符")
    org = organization_for(session=session, organization=organization) if organization else None
    clear = generate()
    token = ApiToken(
        name=name or role.value,
        role=role.value,
        organization=org,
        token_hash=token_hash(clear),
        prefix=clear[:PREFIX_CHARS],
    )
    session.add(token)
    session.flush()
    if name is None:
        token.name = f"{role.value}-{token.id}"
    session.commit()
    return token, clear


def list_tokens(*, session: Session, include_revoked: bool = True) -> Sequence[ApiToken]:
    query = select(ApiToken).order_by(ApiToken.id)
    if not include_revoked:
        query = query.where(ApiToken.revoked.is_(False))
    return session.scalars(query).all()


def revoke_token(*, session: Session, ident: str) -> ApiToken:
    """Revoke by id or by prefix (as `cuomin tokens list` shows them). Revoking twice is fine."""
    ident = ident.strip()
    query = select(ApiToken)
    if ident.isdigit():
        query = query.where(ApiToken.id == int(ident))
    elif ident.startswith(TOKEN_PREFIX) and len(ident) >= PREFIX_CHARS:
        query = query.where(ApiToken.prefix == ident[:PREFIX_CHARS])
    else:
        raise Invalid("bad_token_id", f"请给出令牌编号或前缀（如 {TOKEN_PREFIX}Ab12Cd3），收到：{ident}")
    matches = session.scalars(query.limit(2)).all()
    if not matches:
        raise NotFound("token_not_found", f"令牌不存在：{ident}")
    if len(matches) > 1:
        raise Invalid("token_ambiguous", f"前缀 {ident} 对应多个令牌，请用编号")
    token = matches[0]
    if not token.revoked:
        token.revoked = True
        token.revoked_at = utcnow()
    session.commit()
    return token


def find_active(*, session: Session, token: str) -> ApiToken | None:
    """The unrevoked token whose hash matches, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > MAX_TOKEN_CHARS:
        return None
    digest = token_hash(token)
    found = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if found is None or found.revoked or not hmac.compare_digest(found.token_hash, digest):
        return None
    return found


def touch(*, session: Session, token_id: int) -> None:
    """Record a use (last_used_at)."""
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow()))
    session.commit()


def any_active(*, session: Session) -> bool:
    return session.scalar(select(ApiToken.id).where(ApiToken.revoked.is_(False)).limit(1)) is not None
