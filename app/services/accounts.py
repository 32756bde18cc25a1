"""Accounts and organisations: register, change, deactivate (never delete), import a circular's list."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.ingest.accounts_file import AccountRow
from app.models import Account, Organization
from app.schemas.accounts import AccountCreate, AccountUpdate, ImportProblem, ImportReport
from app.services.errors import Conflict, Invalid, NotFound
from app.vocabulary import Platform


def organization_named(*, session: Session, name: str) -> Organization:
    """The organisation with this name, created when new (a concurrent creation is tolerated)."""
    found = session.scalar(select(Organization).where(Organization.name == name))
    if found is not None:
        return found
    try:
        with session.begin_nested():
            organization = Organization(name=name)
            session.add(organization)
        return organization
    except IntegrityError:
        return session.scalars(select(Organization).where(Organization.name == name)).one()


def list_organizations(*, session: Session, organization_scope: int | None = None) -> list[Organization]:
    """Every organisation, or only organization_scope (an editor's own)."""
    query = select(Organization).order_by(Organization.name)
    if organization_scope is not None:
        query = query.where(Organization.id == organization_scope)
    return list(session.scalars(query))


def create_account(*, session: Session, account_in: AccountCreate) -> Account:
    if session.scalar(select(Account.id).where(Account.filing_no == account_in.filing_no)) is not None:
        raise Conflict("account_exists", f"备案单号 {account_in.filing_no} 已登记")
    account = Account(
        filing_no=account_in.filing_no,
        name=account_in.name,
        platform=account_in.platform.value,
        organization=organization_named(session=session, name=account_in.organization)
        if account_in.organization
        else None,
        active=account_in.active,
    )
    session.add(account)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict("account_exists", f"备案单号 {account_in.filing_no} 已登记") from None
    return account


def get_account(*, session: Session, account_id: int) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound("account_not_found", f"账号不存在：编号 {account_id}")
    return account


def list_accounts(
    *,
    session: Session,
    platform: Platform | None = None,
    organization_id: int | None = None,
    active: bool | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
    organization_scope: int | None = None,
) -> tuple[list[Account], int]:
    """Accounts matching the filters; organization_scope (an editor's organisation) restricts them further."""
    query = select(Account)
    if organization_scope is not None:
        query = query.where(Account.organization_id == organization_scope)
    if platform is not None:
        query = query.where(Account.platform == platform.value)
    if organization_id is not None:
        query = query.where(Account.organization_id == organization_id)
    if active is not None:
        query = query.where(Account.active == active)
    if q:
        query = query.where(Account.name.contains(q, autoescape=True) | Account.filing_no.contains(q, autoescape=True))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(query.order_by(Account.id).limit(limit).offset(offset)).all()
    return list(items), total


def update_account(*, session: Session, account_id: int, account_in: AccountUpdate) -> Account:
    account = get_account(session=session, account_id=account_id)
    given = account_in.model_fields_set
    if "name" in given:
        if account_in.name is None:
            raise Invalid("name_required", "名称不能为空")
        account.name = account_in.name
    if "platform" in given:
        if account_in.platform is None:
            raise Invalid("platform_required", "类型不能为空")
        account.platform = account_in.platform.value
    if "organization" in given:
        account.organization = (
            organization_named(session=session, name=account_in.organization) if account_in.organization else None
        )
    if "active" in given:
        if account_in.active is None:
            raise Invalid("active_required", "“是否启用”应为 true 或 false")
        account.active = account_in.active
    session.commit()
    return account


def deactivate_account(*, session: Session, account_id: int) -> Account:
    """DELETE keeps the account, its articles and hits: it only stops taking new articles."""
    account = get_account(session=session, account_id=account_id)
    account.active = False
    session.commit()
    return account


def resolve_account(
    *,
    session: Session,
    account_id: int | None = None,
    filing_no: str | None = None,
    nickname: str | None = None,
    organization_scope: int | None = None,
) -> Account:
    """The account an article names: by id, by filing number, or by the nickname of a WeChat page.
    With organization_scope, an account of another organisation is one that does not exist."""
    if account_id is not None:
        account = session.get(Account, account_id)
        if account is None or (organization_scope is not None and account.organization_id != organization_scope):
            raise NotFound("account_not_found", f"账号不存在：编号 {account_id}")
    elif filing_no:
        account = session.scalar(select(Account).where(Account.filing_no == filing_no))
        if account is None or (organization_scope is not None and account.organization_id != organization_scope):
            raise NotFound("account_not_found", f"账号不存在：备案单号 {filing_no}")
    elif nickname:
        same_name = select(Account).where(Account.name == nickname, Account.platform == Platform.wechat.value)
        if organization_scope is not None:
            same_name = same_name.where(Account.organization_id == organization_scope)
        matches = session.scalars(same_name.limit(2)).all()
        if len(matches) != 1:
            raise NotFound(
                "account_not_found",
                f"按网页中的公众号名称“{nickname}”{'找到多个' if matches else '没有找到'}账号，"
                "请给出 filing_no 或 account_id",
            )
        account = matches[0]
    else:
        raise Invalid("account_missing", "缺少账号：请给出 filing_no（备案单号）或 account_id")
    if not account.active:
        raise Conflict("account_inactive", f"账号“{account.name}”已停用，不再接收文章")
    return account


def import_accounts(*, session: Session, rows: Iterable[AccountRow]) -> ImportReport:
    """Create or update accounts by filing number, in one transaction."""
    created = updated = unchanged = 0
    seen: dict[str, int] = {}
    errors: list[ImportProblem] = []
    for row in rows:
        if row.filing_no in seen:
            message = f"第 {row.line} 行：备案单号 {row.filing_no} 与第 {seen[row.filing_no]} 行重复，已跳过"
            errors.append(ImportProblem(line=row.line, message=message))
            continue
        seen[row.filing_no] = row.line
        organization = organization_named(session=session, name=row.organization) if row.organization else None
        account = session.scalar(select(Account).where(Account.filing_no == row.filing_no))
        if account is None:
            session.add(
                Account(filing_no=row.filing_no, name=row.name, platform=row.platform.value, organization=organization)
            )
            created += 1
            continue
        new = (row.name, row.platform.value, organization.id if organization else None)
        if (account.name, account.platform, account.organization_id) == new:
            unchanged += 1
            continue
        account.name, account.platform, account.organization = row.name, row.platform.value, organization
        updated += 1
    session.commit()
    return ImportReport(created=created, updated=updated, unchanged=unchanged, errors=errors)
