"""Accounts (政务新媒体) and organisations."""

from __future__ import annotations

from fastapi import APIRouter, Query

from app.api.deps import ReadSessionDep, SessionDep
from app.api.schemas import ErrorResponse
from app.models import Platform
from app.schemas.accounts import (
    AccountCreate,
    AccountPublic,
    AccountsPublic,
    AccountUpdate,
    OrganizationPublic,
    OrganizationsPublic,
)
from app.services import accounts
from app.services.errors import Invalid

router = APIRouter(prefix="/api", tags=["账号"])

_ERRORS = {404: {"model": ErrorResponse}, 409: {"model": ErrorResponse}, 422: {"model": ErrorResponse}}


@router.post("/accounts", status_code=201, response_model=AccountPublic, responses=_ERRORS)
def create_account(body: AccountCreate, session: SessionDep) -> AccountPublic:
    """登记账号（备案单号唯一；类型可用代码或中文名称；所属组织按名称，不存在时创建）。"""
    return AccountPublic.model_validate(accounts.create_account(session=session, account_in=body))


@router.get("/accounts", response_model=AccountsPublic, responses=_ERRORS)
def read_accounts(
    session: ReadSessionDep,
    platform: str | None = Query(None, description="类型：代码或中文名称"),
    organization_id: int | None = None,
    active: bool | None = Query(None, description="只看启用（true）或停用（false）的账号"),
    q: str | None = Query(None, description="名称或备案单号中包含的文字"),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> AccountsPublic:
    """列出账号，按编号排序。"""
    try:
        wanted = Platform.parse(platform) if platform else None
    except ValueError as exc:
        raise Invalid("bad_platform", str(exc)) from None
    items, total = accounts.list_accounts(
        session=session,
        platform=wanted,
        organization_id=organization_id,
        active=active,
        q=q,
        limit=limit,
        offset=offset,
    )
    return AccountsPublic(items=[AccountPublic.model_validate(a) for a in items], total=total)


@router.get("/accounts/{account_id}", response_model=AccountPublic, responses=_ERRORS)
def read_account(account_id: int, session: ReadSessionDep) -> AccountPublic:
    """一个账号。"""
    return AccountPublic.model_validate(accounts.get_account(session=session, account_id=account_id))


@router.patch("/accounts/{account_id}", response_model=AccountPublic, responses=_ERRORS)
def update_account(account_id: int, body: AccountUpdate, session: SessionDep) -> AccountPublic:
    """修改账号的名称、类型、所属组织或启用状态（备案单号不可改）。"""
    account = accounts.update_account(session=session, account_id=account_id, account_in=body)
    return AccountPublic.model_validate(account)


@router.delete("/accounts/{account_id}", response_model=AccountPublic, responses=_ERRORS)
def delete_account(account_id: int, session: SessionDep) -> AccountPublic:
    """停用账号：不再接收文章；账号、文章和命中都保留。"""
    return AccountPublic.model_validate(accounts.deactivate_account(session=session, account_id=account_id))


@router.get("/organizations", response_model=OrganizationsPublic)
def read_organizations(session: ReadSessionDep) -> OrganizationsPublic:
    """全部所属组织（按名称排序）。"""
    items = accounts.list_organizations(session=session)
    return OrganizationsPublic(items=[OrganizationPublic.model_validate(o) for o in items], total=len(items))
