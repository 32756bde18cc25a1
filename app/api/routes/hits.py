"""Stored hits: search and read (any role; editors their organisation's), review (reviewers and admins)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from app.api.auth import CurrentUser, Principal, Reviewer, ensure_visible
from app.api.deps import DetectorDep, IdPath, IdQuery, Limit, Offset, ReadSessionDep, SessionDep
from app.api.schemas import ErrorResponse
from app.detection.labels import rule_label
from app.models import HitRecord
from app.schemas.hits import (
    HitRecordPublic,
    HitRecordsPublic,
    HitsReview,
    HitsReviewed,
    HitsReviewedMatching,
    HitsReviewMatching,
    HitUpdate,
    ReviewLogPublic,
    ReviewLogsPublic,
)
from app.services import hit_export, review
from app.services.errors import NotFound
from app.vocabulary import HitStatus, Severity

router = APIRouter(prefix="/api", tags=["命中审核"])

_ERRORS = {404: {"model": ErrorResponse}, 409: {"model": ErrorResponse}, 422: {"model": ErrorResponse}}


def hit_filter(
    user: CurrentUser,
    account_id: IdQuery = None,
    organization_id: IdQuery = None,
    category: str | None = Query(None, max_length=64, description="类别，如 常见错别字"),
    severity: Severity | None = None,
    status: HitStatus | None = None,
    rule_id: str | None = Query(None, max_length=200),
    date_from: Annotated[dt.date | None, Query(description="发布日期起（含，北京时间）")] = None,
    date_to: Annotated[dt.date | None, Query(description="发布日期止（含）")] = None,
    q: str | None = Query(None, max_length=200, description="命中文字、上下文或文章标题中包含的文字"),
) -> review.HitFilter:
    """The hit filters of the query string; an editor's are limited to their organisation."""
    return review.HitFilter(
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


HitFilterDep = Annotated[review.HitFilter, Depends(hit_filter)]
Sort = Annotated[
    Literal["newest", "oldest", "severity", "account"],
    Query(description="排序：newest 发布日期新的在前（默认）/ oldest 早的在前 / severity 严重程度 / account 账号"),
]


@router.get("/hits", response_model=HitRecordsPublic, responses={422: {"model": ErrorResponse}})
def read_hits(
    session: ReadSessionDep, filters: HitFilterDep, limit: Limit = 50, offset: Offset = 0, sort: Sort = "newest"
) -> HitRecordsPublic:
    """按账号、组织、类别、严重程度、状态、日期范围和文字筛选命中，分页返回（默认新文章在前，同一篇里标题的命中在前）。
    编辑只看到本组织账号的命中。"""
    items, total = review.list_hits(session=session, filters=filters, limit=limit, offset=offset, sort=sort)
    return HitRecordsPublic(items=[HitRecordPublic.of(h) for h in items], total=total)


@router.get(
    "/hits/export",
    responses={
        200: {
            "description": "XLSX 工作簿",
            "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}},
        },
        422: {"model": ErrorResponse},
    },
    response_class=Response,
)
def export_hits(
    session: ReadSessionDep, filters: HitFilterDep, detector: DetectorDep, sort: Sort = "newest"
) -> Response:
    """按与 GET /api/hits 相同的筛选导出全部命中（不分页，最多 50,000 条）为 XLSX：状态、严重程度、
    规则（中文名和编号）、命中文字、建议、上下文、账号、文章、审核人与备注。编辑只导出本组织的。"""
    data, total = hit_export.hits_xlsx(
        session=session, filters=filters, sort=sort, rule_label=lambda rule_id: rule_label(detector, rule_id)
    )
    filename = quote(f"命中清单（{total}条）.xlsx")
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename=hits.xlsx; filename*=UTF-8''{filename}"},
    )


@router.post("/hits/review-matching", response_model=HitsReviewedMatching, responses=_ERRORS)
def review_matching(body: HitsReviewMatching, session: SessionDep, user: Reviewer) -> HitsReviewedMatching:
    """审核符合筛选的全部命中（不止当前页，最多 20,000 条），一个事务：`expected` 是页面上显示的条数，
    实际条数不同（期间有新入库或别人审核过）时 409、什么也不改。已过时的命中不审核，只计数。"""
    done = review.review_matching(
        session=session,
        filters=review.HitFilter(**body.filter.model_dump()),
        expected=body.expected,
        status=body.status,
        note=body.note,
        reviewer=body.reviewer or user.name,
    )
    return HitsReviewedMatching(ids=done.ids, updated=done.changed, obsolete=done.obsolete)


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


def _visible_hit(session: Session, hit_id: int, user: Principal) -> HitRecord:
    hit = review.get_hit(session=session, hit_id=hit_id)
    ensure_visible(user, hit.article.account.organization_id, NotFound("hit_not_found", f"命中不存在：编号 {hit_id}"))
    return hit
