"""Disclosure platforms and the quarter's counts: the inspection office (reviewers, admins) manages them; an editor
reads its own organisation's units."""

from __future__ import annotations

from fastapi import APIRouter, Query

from app.api.auth import CurrentUser, Reviewer
from app.api.deps import IdPath, Limit, Offset, ReadSessionDep, SessionDep
from app.api.schemas import ErrorResponse
from app.reports import Quarter
from app.reports.platforms import UnitKind
from app.schemas.platforms import (
    ColumnCreate,
    ColumnUpdate,
    CycleSet,
    CyclesPublic,
    FiguresIn,
    FiguresPublic,
    UnitCreate,
    UnitPublic,
    UnitsPublic,
    UnitUpdate,
)
from app.services import disclosures, platforms
from app.services.errors import Invalid

router = APIRouter(prefix="/api", tags=["信息公开平台"])

_ERRORS = {404: {"model": ErrorResponse}, 409: {"model": ErrorResponse}, 422: {"model": ErrorResponse}}


@router.get("/platforms", response_model=UnitsPublic, responses=_ERRORS)
def read_platforms(
    session: ReadSessionDep,
    user: CurrentUser,
    kind: str | None = Query(None, description="平台类别：镇办、部门、村（居）或其代码"),
    active: bool | None = Query(None, description="只看启用（true）或停用（false）的"),
    q: str | None = Query(None, max_length=200, description="单位名称中包含的文字"),
    limit: Limit = 50,
    offset: Offset = 0,
) -> UnitsPublic:
    """信息公开平台的责任单位及其栏目、更新周期和更新日期（编辑只看到本组织的）。"""
    try:
        wanted = UnitKind.parse(kind) if kind else None
    except ValueError as exc:
        raise Invalid("bad_kind", str(exc)) from None
    items, total = platforms.list_units(
        session=session,
        kind=wanted,
        active=active,
        q=q,
        limit=limit,
        offset=offset,
        organization_scope=user.organization_scope,
    )
    return UnitsPublic(items=items, total=total)


@router.post("/platforms", status_code=201, response_model=UnitPublic, responses=_ERRORS)
def create_platform(body: UnitCreate, session: SessionDep, _user: Reviewer) -> UnitPublic:
    """登记责任单位（名称唯一；村（居）须给出已登记的所属镇办）。"""
    unit = platforms.create_unit(session=session, unit_in=body)
    return platforms.public_unit(session=session, unit=platforms.get_unit(session=session, unit_id=unit.id))


@router.get("/platforms/{unit_id}", response_model=UnitPublic, responses=_ERRORS)
def read_platform(unit_id: IdPath, session: ReadSessionDep, user: CurrentUser) -> UnitPublic:
    """一个责任单位（其他组织的对编辑而言不存在：404）。"""
    unit = platforms.get_unit(session=session, unit_id=unit_id, organization_scope=user.organization_scope)
    return platforms.public_unit(session=session, unit=unit)


@router.patch("/platforms/{unit_id}", response_model=UnitPublic, responses=_ERRORS)
def update_platform(unit_id: IdPath, body: UnitUpdate, session: SessionDep, _user: Reviewer) -> UnitPublic:
    """修改所属镇办、简称、所属组织或启用状态（停用的不再检查）。"""
    unit = platforms.update_unit(session=session, unit_id=unit_id, unit_in=body)
    return platforms.public_unit(session=session, unit=unit)


@router.post("/platforms/{unit_id}/columns", status_code=201, response_model=UnitPublic, responses=_ERRORS)
def create_column(unit_id: IdPath, body: ColumnCreate, session: SessionDep, _user: Reviewer) -> UnitPublic:
    """给单位加一个栏目（可带更新周期和一次更新日期）。"""
    unit = platforms.add_column(session=session, unit_id=unit_id, column_in=body)
    return platforms.public_unit(session=session, unit=unit)


@router.patch("/platform-columns/{column_id}", response_model=UnitPublic, responses=_ERRORS)
def update_column(column_id: IdPath, body: ColumnUpdate, session: SessionDep, _user: Reviewer) -> UnitPublic:
    """设置栏目的更新周期（null 则用同名栏目的设置或国家规定），或再记一次更新日期。"""
    unit = platforms.update_column(session=session, column_id=column_id, column_in=body)
    return platforms.public_unit(session=session, unit=unit)


@router.get("/platform-cycles", response_model=CyclesPublic)
def read_cycles(session: ReadSessionDep, _user: CurrentUser) -> CyclesPublic:
    """办公室为各栏目名称设置的更新周期，以及国家规定的默认周期和出处。"""
    return platforms.list_cycles(session=session)


@router.put("/platform-cycles", response_model=CyclesPublic, responses=_ERRORS)
def set_cycle(body: CycleSet, session: SessionDep, _user: Reviewer) -> CyclesPublic:
    """设置某个栏目名称的更新周期：所有同名且自己没有周期的栏目都用它。"""
    return platforms.set_cycle(session=session, name=body.name, cycle=body.cycle)


def _quarter(quarter: str) -> Quarter:
    try:
        return Quarter.parse(quarter)
    except ValueError as exc:
        raise Invalid("bad_quarter", str(exc)) from None


@router.get("/disclosures/{quarter}", response_model=FiguresPublic, responses=_ERRORS)
def read_figures(quarter: str, session: ReadSessionDep, _user: Reviewer) -> FiguresPublic:
    """本季度录入的主动公开条数、依申请公开（按单位和渠道）和问政信件（按部门和类型）。"""
    return disclosures.get_figures(session=session, quarter=_quarter(quarter))


@router.put("/disclosures/{quarter}", response_model=FiguresPublic, responses=_ERRORS)
def replace_figures(quarter: str, body: FiguresIn, session: SessionDep, _user: Reviewer) -> FiguresPublic:
    """录入（替换）本季度的数字，通报总体情况（一）（二）据此写出。"""
    return disclosures.replace_figures(session=session, quarter=_quarter(quarter), figures_in=body)
