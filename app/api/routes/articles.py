"""Ingesting articles: each is scanned as it arrives and its hits stored with the lexicon version.
Any role ingests and reads; an editor only for its organisation's accounts (others do not exist for it)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Response

from app.api.auth import CurrentUser, ensure_visible
from app.api.deps import DetectorDep, IdPath, ReadSessionDep, ScanPoolDep, SessionDep, SessionsDep, SettingsDep
from app.api.schemas import ErrorResponse
from app.schemas.articles import (
    MAX_BATCH_ITEMS,
    ArticleCreate,
    ArticleIngested,
    ArticlePublic,
    BatchResult,
    IngestedHit,
)
from app.services import batch_ingestion, ingestion
from app.services.errors import Invalid, NotFound, TooLarge

router = APIRouter(prefix="/api", tags=["文章"])

_ERRORS = {
    404: {"model": ErrorResponse, "description": "账号不存在"},
    409: {"model": ErrorResponse, "description": "账号已停用"},
    413: {"model": ErrorResponse, "description": "文章过大"},
    422: {"model": ErrorResponse, "description": "缺少字段、日期无效、网页没有正文……"},
}


@router.post(
    "/articles",
    status_code=201,
    response_model=ArticleIngested,
    responses={200: {"model": ArticleIngested, "description": "已入库过的文章：返回其编号，不新增任何内容"}, **_ERRORS},
)
def create_article(
    body: ArticleCreate,
    response: Response,
    session: SessionDep,
    detector: DetectorDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> ArticleIngested:
    """入库一篇文章（正文或保存的公众号网页），检查并保存命中。编辑只能入库本组织的账号。"""
    ingested = ingestion.ingest_article(
        session=session,
        detector=detector,
        article_in=body,
        max_article_bytes=settings.max_article_bytes,
        organization_scope=user.organization_scope,
    )
    if not ingested.created:
        response.status_code = 200
    article = ingested.article
    return ArticleIngested(
        id=article.id,
        duplicate=not ingested.created,
        lexicon_version=article.lexicon_version,
        hits=[IngestedHit.model_validate(h) for h in article.hits],
    )


@router.post(
    "/articles/batch",
    response_model=BatchResult,
    responses={413: {"model": ErrorResponse}, 422: {"model": ErrorResponse}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "array",
                        "maxItems": MAX_BATCH_ITEMS,
                        "items": {"$ref": "#/components/schemas/ArticleCreate"},
                    }
                }
            },
        }
    },
)
def create_articles(
    items: Annotated[Any, Body()],
    sessions: SessionsDep,
    pool: ScanPoolDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> BatchResult:
    """批量入库（JSON 数组，最多 1,000 篇）：一篇出错（按序号报告）不影响其他各篇；已入库过的不再新增。"""
    if not isinstance(items, list):
        raise Invalid("batch_not_array", "请求体应为 JSON 数组，每项是一篇文章")
    if len(items) > MAX_BATCH_ITEMS:
        raise TooLarge("batch_too_large", f"一批最多 {MAX_BATCH_ITEMS:,} 篇，收到 {len(items):,} 篇，请分批提交")
    return batch_ingestion.ingest_many(
        sessions=sessions,
        pool=pool,
        items=items,
        max_article_bytes=settings.max_article_bytes,
        organization_scope=user.organization_scope,
    )


@router.get("/articles/{article_id}", response_model=ArticlePublic, responses={404: {"model": ErrorResponse}})
def read_article(article_id: IdPath, session: ReadSessionDep, user: CurrentUser) -> ArticlePublic:
    """一篇已入库的文章及其命中（其他组织的文章对编辑而言不存在：404）。"""
    article = ingestion.get_article(session=session, article_id=article_id)
    missing = NotFound("article_not_found", f"文章不存在：编号 {article_id}")
    ensure_visible(user, article.account.organization_id, missing)
    return ArticlePublic.model_validate(article)
