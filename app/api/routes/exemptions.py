"""Exemptions (豁免): reviewers and admins only."""

from __future__ import annotations

from fastapi import APIRouter, Query

from app.api.auth import Reviewer
from app.api.deps import DetectorDep, IdPath, IdQuery, Limit, Offset, ReadSessionDep, SessionDep
from app.api.schemas import ErrorResponse
from app.schemas.exemptions import (
    ExemptionCreate,
    ExemptionCreated,
    ExemptionPreview,
    ExemptionPreviewed,
    ExemptionPublic,
    ExemptionsPublic,
)
from app.services import exemptions
from app.vocabulary import ExemptionScope

router = APIRouter(prefix="/api", tags=["豁免"])

_ERRORS = {404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}}


@router.post("/exemptions", status_code=201, response_model=ExemptionCreated, responses=_ERRORS)
def create_exemption(
    body: ExemptionCreate, session: SessionDep, detector: DetectorDep, user: Reviewer
) -> ExemptionCreated:
    """新增豁免：立即排除范围内匹配的待审核命中（记入审核记录），以后入库的文章也不再报。
    不填 created_by 时记为令牌名称。"""
    if body.created_by is None:
        body = body.model_copy(update={"created_by": user.name})
    exemption, dismissed = exemptions.create_exemption(session=session, detector=detector, exemption_in=body)
    return ExemptionCreated(**ExemptionPublic.model_validate(exemption).model_dump(), dismissed=dismissed)


@router.post("/exemptions/preview", response_model=ExemptionPreviewed, responses=_ERRORS)
def preview_exemption(
    body: ExemptionPreview, session: ReadSessionDep, detector: DetectorDep, _user: Reviewer
) -> ExemptionPreviewed:
    """新增豁免之前：它现在会排除多少条待审核命中（请求体同 POST /api/exemptions，理由可省略）。不保存任何内容。"""
    count = exemptions.preview_exemption(session=session, detector=detector, exemption_in=body)
    return ExemptionPreviewed(would_dismiss=count)


@router.get("/exemptions", response_model=ExemptionsPublic, responses=_ERRORS)
def read_exemptions(
    session: ReadSessionDep,
    _user: Reviewer,
    scope: ExemptionScope | None = None,
    account_id: IdQuery = None,
    organization_id: IdQuery = None,
    include_deleted: bool = Query(False, description="也列出已删除的豁免"),
    limit: Limit = 50,
    offset: Offset = 0,
) -> ExemptionsPublic:
    """列出豁免。"""
    items, total = exemptions.list_exemptions(
        session=session,
        scope=scope,
        account_id=account_id,
        organization_id=organization_id,
        include_deleted=include_deleted,
        limit=limit,
        offset=offset,
    )
    return ExemptionsPublic(items=[ExemptionPublic.model_validate(e) for e in items], total=total)


@router.delete("/exemptions/{exemption_id}", response_model=ExemptionPublic, responses=_ERRORS)
def delete_exemption(
    exemption_id: IdPath,
    session: SessionDep,
    user: Reviewer,
    by: str | None = Query(None, max_length=100, description="删除人（默认为令牌名称）"),
) -> ExemptionPublic:
    """删除豁免：以后的检查不再豁免；记录保留，已排除的命中保持排除。"""
    return ExemptionPublic.model_validate(
        exemptions.delete_exemption(session=session, exemption_id=exemption_id, by=by or user.name)
    )
