"""Stored hits: search, review one or many, read the review log."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from app.api.deps import ReadSessionDep, SessionDep
from app.api.schemas import ErrorResponse
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

router = APIRouter(prefix="/api", tags=["命中审核"])

_ERRORS = {404: {"model": ErrorResponse}, 409: {"model": ErrorResponse}, 422: {"model": ErrorResponse}}


@router.get("/hits", response_model=HitRecordsPublic, responses={422: {"model": ErrorResponse}})
def read_hits(
    session: ReadSessionDep,
    account_id: int | None = None,
    organization_id: int | None = None,
    category: str | None = Query(None, description="类别，如 常见错别字"),
    severity: Literal["serious", "warning", "info"] | None = None,
    status: Literal["pending", "confirmed", "dismissed", "obsolete"] | None = None,
    rule_id: str | None = None,
    date_from: Annotated[dt.date | None, Query(description="发布日期起（含，北京时间）")] = None,
    date_to: Annotated[dt.date | None, Query(description="发布日期止（含）")] = None,
    q: str | None = Query(None, description="命中文字、上下文或文章标题中包含的文字"),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> HitRecordsPublic:
    """按账号、组织、类别、严重程度、状态、日期范围和文字筛选命中，分页返回（新文章在前）。"""
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
    )
    items, total = review.list_hits(session=session, filters=filters, limit=limit, offset=offset)
    return HitRecordsPublic(items=[HitRecordPublic.of(h) for h in items], total=total)


@router.get("/hits/{hit_id}", response_model=HitRecordPublic, responses=_ERRORS)
def read_hit(hit_id: int, session: ReadSessionDep) -> HitRecordPublic:
    """一条命中。"""
    return HitRecordPublic.of(review.get_hit(session=session, hit_id=hit_id))


@router.patch("/hits/{hit_id}", response_model=HitRecordPublic, responses=_ERRORS)
def update_hit(hit_id: int, body: HitUpdate, session: SessionDep) -> HitRecordPublic:
    """审核一条命中：确认（confirmed）、排除（dismissed）或退回待审（pending），可附备注。"""
    hits, _ = review.review_hits(
        session=session, ids=[hit_id], status=body.status, note=body.note, reviewer=body.reviewer
    )
    return HitRecordPublic.of(hits[0])


@router.post("/hits/review", response_model=HitsReviewed, responses=_ERRORS)
def review_hits(body: HitsReview, session: SessionDep) -> HitsReviewed:
    """一次审核多条命中：全部成功，或（有编号不存在、已过时时）全部不变。"""
    hits, changed = review.review_hits(
        session=session, ids=body.ids, status=body.status, note=body.note, reviewer=body.reviewer
    )
    return HitsReviewed(updated=changed, items=[HitRecordPublic.of(h) for h in hits])


@router.get("/hits/{hit_id}/log", response_model=ReviewLogsPublic, responses=_ERRORS)
def read_hit_log(hit_id: int, session: ReadSessionDep) -> ReviewLogsPublic:
    """一条命中的全部状态变更（谁、何时、从何状态到何状态、备注），按时间顺序。"""
    entries = review.hit_log(session=session, hit_id=hit_id)
    return ReviewLogsPublic(items=[ReviewLogPublic.model_validate(e) for e in entries], total=len(entries))
