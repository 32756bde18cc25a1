"""The application: the detector built once, the JSON API (app/api) and the pages (app/web) mounted side by side.

The one module that knows both front ends; neither imports the other's wiring (the pages use the API's
dependencies, the API nothing of the pages)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app import __version__
from app.api import access_log, auth, docs, errors, replicas
from app.api.balance import Balance, WorkerLoad
from app.api.database import close_database, open_database
from app.api.limits import BodyLimit
from app.api.routes import (
    accounts,
    articles,
    check,
    exemptions,
    hits,
    ingests,
    languagetool,
    me,
    platforms,
    reports,
    rescans,
)
from app.api.token_path import TokenInPath
from app.api.workers import LEXICON_MARKER, SharedDetectorHolder, state_dir
from app.config import Settings, get_settings
from app.detection.cache import load_detector
from app.detection.detector import Detector, DetectorHolder
from app.detection.segment import tokenizer
from app.services import rescan
from app.services.scanning import PoolKeeper, default_workers
from app.web import routes as pages


def _detector_holder(settings: Settings) -> DetectorHolder:
    """The detector from the compiled cache; with several workers, one that follows their reloads."""

    def load(directory: Path, **options: object) -> Detector:
        detector = load_detector(directory, cache_dir=settings.cache_dir, **options)
        # Before it serves (at start, and before a reload swaps it in): otherwise each worker's first
        # requests take a second or more, and every request queued behind them waits as long.
        detector.warm()
        return detector

    shared = state_dir()
    if shared is not None:
        marker = shared / LEXICON_MARKER
        return SharedDetectorHolder(
            settings.lexicon_dir, marker, load=load, context_chars=settings.context_chars, typo=settings.typo_layer
        )
    return DetectorHolder(
        settings.lexicon_dir, load=load, context_chars=settings.context_chars, typo=settings.typo_layer
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.detector_holder = _detector_holder(settings)
        tokenizer()  # pay jieba's dictionary load at start, not on the first request
        open_database(app, settings)  # refuses a database that is not at the head revision
        replicas.install(app, settings)  # PostgreSQL: rate limit and lexicon version shared by every replica
        # A re-scan left running by a killed server resumes now, not when its heartbeat goes stale.
        workers = settings.rescan_workers or rescan.default_workers()
        rescan.recover(sessions=app.state.sessions, detector=app.state.detector_holder.current, workers=workers)
        # Batch ingestion checks in worker processes, started with the first big batch.
        app.state.scan_pools = PoolKeeper(settings.ingest_workers or default_workers(), settings.cache_dir)
        shared = state_dir()
        app.state.worker_load = WorkerLoad(shared) if shared is not None else None
        try:
            yield
        finally:
            if app.state.worker_load is not None:
                app.state.worker_load.close()
            app.state.scan_pools.close()
            replicas.close(app)
            close_database(app)

    app = FastAPI(
        title="cuomin 错敏检查",
        version=__version__,
        description="政务新媒体错敏信息检查：草稿预检（先审后发）、文章入库与命中审核。",
        lifespan=lifespan,
        docs_url=None,  # served from local files instead: see app/api/docs.py
        redoc_url=None,
    )
    errors.install(app)
    docs.install(app)
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
        ingests.router,
        reports.router,
        platforms.router,
    ):
        app.include_router(router)
    pages.install(app)  # the pages (登录, 草稿检查, 审核, 账号, 季度报告), outside the OpenAPI document
    limits = {
        "/api/articles": (settings.max_article_bytes, "文章"),
        "/api/articles/batch": (settings.max_batch_bytes, "批量入库请求"),
        "/api/ingests": (settings.max_ingest_file_bytes, "入库文件"),
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
    app.add_middleware(Balance)  # `cuomin serve --workers N`: the workers even out their connections
    app.add_middleware(TokenInPath)  # /lt/<token>/v2/… loses its token before anything logs the path
    if settings.forwarded_allow_ips:  # the client's address and scheme as the configured proxy says
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)
    auth.document(app)  # after every router: 401/403/429 in the OpenAPI responses of protected routes
    return app
