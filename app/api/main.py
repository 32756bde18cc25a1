"""The FastAPI application: builds the detector once and serves the routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from app import __version__
from app.api import access_log, auth, errors
from app.api.database import close_database, open_database
from app.api.limits import BodyLimit
from app.api.routes import accounts, articles, check, exemptions, hits, languagetool, me, platforms, reports, rescans
from app.api.token_path import TokenInPath
from app.config import Settings, get_settings
from app.detection.detector import DetectorHolder
from app.detection.segment import tokenizer
from app.web import routes as web


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.detectors = DetectorHolder(settings.lexicon_dir, context_chars=settings.context_chars)
        tokenizer()  # pay jieba's dictionary load at start, not on the first request
        open_database(app, settings)  # refuses a database that is not at the head revision
        try:
            yield
        finally:
            close_database(app)

    app = FastAPI(
        title="cuomin 错敏检查",
        version=__version__,
        description="政务新媒体错敏信息检查：草稿预检（先审后发）、文章入库与命中审核。",
        lifespan=lifespan,
    )
    errors.install(app)
    auth.install(app, settings)
    access_log.configure(settings.log_level)
    app.include_router(check.router)
    app.include_router(languagetool.router)
    for router in (
        accounts.router,
        articles.router,
        hits.router,
        exemptions.router,
        me.router,
        rescans.router,
        reports.router,
        platforms.router,
    ):
        app.include_router(router)
    app.include_router(web.router)  # the pages (登录, 草稿检查, 审核, 账号, 季度报告), outside the OpenAPI document
    app.mount("/static", StaticFiles(directory=web.STATIC), name="static")
    limits = {
        "/api/articles": (settings.max_article_bytes, "文章"),
        "/api/articles/batch": (settings.max_batch_bytes, "批量入库请求"),
    }
    app.add_middleware(BodyLimit, limits=limits, default=(settings.max_body_bytes, "请求"))
    if settings.cors_origin_list:  # browser-based LanguageTool clients (Obsidian, web editors) call from other origins
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin_list,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(access_log.AccessLog)  # logs every answer, 413 and CORS preflights included
    app.add_middleware(TokenInPath)  # outermost: /lt/<token>/v2/… loses its token before anything logs the path
    auth.document(app)  # after every router: 401/403/429 in the OpenAPI responses of protected routes
    return app
