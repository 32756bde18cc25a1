"""Stored hits: search and read (any role; editors their organisation's), review (reviewers and admins)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from app.api.auth import CurrentUser, Principal, Reviewer, ensure_visible
from app.api.deps import IdPath, IdQuery, Limit, Offset, ReadSessionDep, SessionDep
from app.api.schemas import ErrorResponse
from app.models import Hit
from app.schemas.hits import (
    HitRecordPublic,
    HitRecordsPublic,
    HitsReview,
    HitsReviewed,
    HitUpdate,
    ReviewLogPublic,
    ReviewLogsPublic,
)
from app.services import review
from app.services.errors import NotFound

router = APIRouter(prefix="/api", tags=["命中审核"])

_ERRORS = {404: {"model": ErrorResponse}, 409: {"model": ErrorResponse}, 422: {"model": ErrorResponse}}


@router.get("/hits", response_model=HitRecordsPublic, responses={422: {"model": ErrorResponse}})
def read_hits(
    session: ReadSessionDep,
    user: CurrentUser,
    account_id: IdQuery = None,
    organization_id: IdQuery = None,
    category: str | None = Query(None, max_length=64, description="类别，如 常见错别字"),
    severity: Literal["serious", "warning", "info"] | None = None,
    status: Literal["pending", "confirmed", "dismissed", "obsolete"] | None = None,
    rule_id: str | None = Query(None, max_length=200),
    date_from: Annotated[dt.date | None, Query(description="发布日期起（含，北京时间）")] = None,
    date_to: Annotated[dt.date | None, Query(description="发布日期止（含）")] = None,
    q: str | None = Query(None, max_length=200, description="命中文字、上下文或文章标题中包含的文字"),
    limit: Limit = 50,
    offset: Offset = 0,
) -> HitRecordsPublic:
    """按账号、组织、类别、严重程度、状态、日期范围和文字筛选命中，分页返回（新文章在前）。
    编辑只看到本组织账号的命中。"""
    filters = review.HitFilter(
        account_id=account_id,
        organization_id=organization_id,
        category=category,
        severity=severity,
        status=status,
        rule_id=rule_id,
        date_from=date_from,
        date_to=date_to,
        q=q,
        organization_scope=user.organization_scope,
    )
    items, total = review.list_hits(session=session, filters=filters, limit=limit, offset=offset)
    return HitRecordsPublic(items=[HitRecordPublic.of(h) for h in items], total=total)


@router.get("/hits/{hit_id}", response_model=HitRecordPublic, responses=_ERRORS)
def read_hit(hit_id: IdPath, session: ReadSessionDep, user: CurrentUser) -> HitRecordPublic:
    """一条命中（其他组织的命中对编辑而言不存在：404）。"""
    return HitRecordPublic.of(_visible_hit(session, hit_id, user))


@router.patch("/hits/{hit_id}", response_model=HitRecordPublic, responses=_ERRORS)
def update_hit(hit_id: IdPath, body: HitUpdate, session: SessionDep, user: Reviewer) -> HitRecordPublic:
    """审核一条命中：确认（confirmed）、排除（dismissed）或退回待审（pending），可附备注。
    不填 reviewer 时记为令牌名称。"""
    hits, _ = review.review_hits(
        session=session, ids=[hit_id], status=body.status, note=body.note, reviewer=body.reviewer or user.name
    )
    return HitRecordPublic.of(hits[0])


@router.post("/hits/review", response_model=HitsReviewed, responses=_ERRORS)
def review_hits(body: HitsReview, session: SessionDep, user: Reviewer) -> HitsReviewed:
    """一次审核多条命中：全部成功，或（有编号不存在、已过时时）全部不变。"""
    hits, changed = review.review_hits(
        session=session, ids=body.ids, status=body.status, note=body.note, reviewer=body.reviewer or user.name
    )
    return HitsReviewed(updated=changed, items=[HitRecordPublic.of(h) for h in hits])


@router.get("/hits/{hit_id}/log", response_model=ReviewLogsPublic, responses=_ERRORS)
def read_hit_log(hit_id: IdPath, session: ReadSessionDep, user: CurrentUser) -> ReviewLogsPublic:
    """一条命中的全部状态变更（谁、何时、从何状态到何状态、备注），按时间顺序。"""
    _visible_hit(session, hit_id, user)
    entries = review.hit_log(session=session, hit_id=hit_id)
    return ReviewLogsPublic(items=[ReviewLogPublic.model_validate(e) for e in entries], total=len(entries))


def _visible_hit(session: Session, hit_id: int, user: Principal) -> Hit:
    hit = review.get_hit(session=session, hit_id=hit_id)
    ensure_visible(user, hit.article.account.organization_id, NotFound("hit_not_found", f"命中不存在：编号 {hit_id}"))
    return hit
