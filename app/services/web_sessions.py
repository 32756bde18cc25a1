"""The pages' sessions, kept on the server: the browser's cookie holds a random session id, never the API
token, and only the id's sha256 is stored. Logging out ends the session on the server (a copied cookie is
then worthless), and so do its expiry and the revocation of the token it was opened with."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import ApiToken, WebSession

SESSION_PREFIX = "cs_"
MAX_ID_CHARS = 100


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", errors="surrogatepass")).hexdigest()


def admin_token_hash(admin_token: str) -> str:
    return _digest(admin_token)


def open_session(*, session: Session, token_id: int | None, admin_token: str | None, lifetime: dt.timedelta) -> str:
    """A new session for an API token (token_id) or for CUOMIN_ADMIN_TOKEN; returns the id for the cookie.
    Sessions ended or expired for a day are cleared on the way."""
    now = utcnow()
    session.execute(delete(WebSession).where(WebSession.expires_at < now - dt.timedelta(days=1)))
    clear = SESSION_PREFIX + secrets.token_urlsafe(32)
    session.add(
        WebSession(
            session_hash=_digest(clear),
            token_id=token_id,
            admin_token_hash=admin_token_hash(admin_token) if token_id is None and admin_token else None,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    session.commit()
    return clear


def find_session(*, session: Session, session_id: str) -> tuple[WebSession, ApiToken | None] | None:
    """The live session of this id and its token (None for CUOMIN_ADMIN_TOKEN's); None when there is
    none, or it ended, expired, or its token was revoked."""
    if not session_id.startswith(SESSION_PREFIX) or len(session_id) > MAX_ID_CHARS:
        return None
    found = session.scalar(select(WebSession).where(WebSession.session_hash == _digest(session_id)))
    if found is None or found.ended_at is not None or found.expires_at <= utcnow():
        return None
    if found.token_id is None:
        return found, None
    token = session.get(ApiToken, found.token_id)
    if token is None or token.revoked:
        return None
    return found, token


def end_session(*, session: Session, session_id: str) -> None:
    session.execute(
        update(WebSession)
        .where(WebSession.session_hash == _digest(session_id), WebSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    session.commit()
