"""Accounts (政务新媒体) and organisations: everyone reads (editors their own organisation's); admins change."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile
from starlette.concurrency import run_in_threadpool

from app.api.auth import Admin, CurrentUser, ensure_visible
from app.api.deps import IdPath, IdQuery, Limit, Offset, ReadSessionDep, SessionDep
from app.api.schemas import ErrorResponse
from app.ingest.accounts_file import AccountRow, AccountsFileError, RowError, read_accounts_data
from app.schemas.accounts import (
    AccountCreate,
    AccountPublic,
    AccountsPublic,
    AccountUpdate,
    ImportProblem,
    ImportReport,
    OrganizationPublic,
    OrganizationsPublic,
)
from app.services import accounts
from app.services.errors import Invalid, NotFound
from app.vocabulary import Platform

router = APIRouter(prefix="/api", tags=["账号"])

_ERRORS = {404: {"model": ErrorResponse}, 409: {"model": ErrorResponse}, 422: {"model": ErrorResponse}}


@router.post("/accounts", status_code=201, response_model=AccountPublic, responses=_ERRORS)
def create_account(body: AccountCreate, session: SessionDep, _user: Admin) -> AccountPublic:
    """登记账号（备案单号唯一；类型可用代码或中文名称；所属组织按名称，不存在时创建）。仅管理员。"""
    return AccountPublic.model_validate(accounts.create_account(session=session, account_in=body))


@router.post("/accounts/import", response_model=ImportReport, responses=_ERRORS)
async def import_accounts(
    session: SessionDep,
    _user: Admin,
    file: Annotated[UploadFile, File(description="账号表 .xlsx 或 .csv（备案单号、政务新媒体名称、类型、所属组织）")],
) -> ImportReport:
    """导入账号表（与 `cuomin accounts import` 相同）：按备案单号新增或更新；有问题的行不导入，在 errors 里给出行号
    和原因，其余照常导入。仅管理员。"""
    data = await file.read()
    try:
        parsed = await run_in_threadpool(read_accounts_data, data, file.filename or "")
    except AccountsFileError as exc:
        raise Invalid("bad_accounts_file", str(exc)) from None
    rows = [row for row in parsed if isinstance(row, AccountRow)]
    report = await run_in_threadpool(accounts.import_accounts, session=session, rows=rows)
    problems = [ImportProblem(line=row.line, message=row.message) for row in parsed if isinstance(row, RowError)]
    report.errors = sorted(problems + report.errors, key=lambda problem: problem.line)
    return report


@router.get("/accounts", response_model=AccountsPublic, responses=_ERRORS)
def read_accounts(
    session: ReadSessionDep,
    user: CurrentUser,
    platform: str | None = Query(None, description="类型：代码或中文名称"),
    organization_id: IdQuery = None,
    active: bool | None = Query(None, description="只看启用（true）或停用（false）的账号"),
    q: str | None = Query(None, max_length=200, description="名称或备案单号中包含的文字"),
    limit: Limit = 50,
    offset: Offset = 0,
) -> AccountsPublic:
    """列出账号，按编号排序（编辑只看到本组织的账号）。"""
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
        organization_scope=user.organization_scope,
    )
    return AccountsPublic(items=[AccountPublic.model_validate(a) for a in items], total=total)


@router.get("/accounts/{account_id}", response_model=AccountPublic, responses=_ERRORS)
def read_account(account_id: IdPath, session: ReadSessionDep, user: CurrentUser) -> AccountPublic:
    """一个账号（其他组织的账号对编辑而言不存在：404）。"""
    account = accounts.get_account(session=session, account_id=account_id)
    ensure_visible(user, account.organization_id, NotFound("account_not_found", f"账号不存在：编号 {account_id}"))
    return AccountPublic.model_validate(account)


@router.patch("/accounts/{account_id}", response_model=AccountPublic, responses=_ERRORS)
def update_account(account_id: IdPath, body: AccountUpdate, session: SessionDep, _user: Admin) -> AccountPublic:
    """修改账号的名称、类型、所属组织或启用状态（备案单号不可改）。仅管理员。"""
    account = accounts.update_account(session=session, account_id=account_id, account_in=body)
    return AccountPublic.model_validate(account)


@router.delete("/accounts/{account_id}", response_model=AccountPublic, responses=_ERRORS)
def delete_account(account_id: IdPath, session: SessionDep, _user: Admin) -> AccountPublic:
    """停用账号：不再接收文章；账号、文章和命中都保留。仅管理员。"""
    return AccountPublic.model_validate(accounts.deactivate_account(session=session, account_id=account_id))


@router.get("/organizations", response_model=OrganizationsPublic)
def read_organizations(session: ReadSessionDep, user: CurrentUser) -> OrganizationsPublic:
    """全部所属组织（按名称排序；编辑只看到本组织）。"""
    items = accounts.list_organizations(session=session, organization_scope=user.organization_scope)
    return OrganizationsPublic(items=[OrganizationPublic.model_validate(o) for o in items], total=len(items))
