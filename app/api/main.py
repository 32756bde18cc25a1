"""The FastAPI application: builds the detector once and serves the routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app import __version__
from app.api import errors
from app.api.routes import check
from app.config import Settings, get_settings
from app.detection.detector import DetectorHolder
from app.detection.segment import tokenizer


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.detectors = DetectorHolder(settings.lexicon_dir, context_chars=settings.context_chars)
        tokenizer()  # pay jieba's dictionary load at start, not on the first request
        yield

    app = FastAPI(
        title="cuomin 错敏检查",
        version=__version__,
        description="政务新媒体错敏信息检查：草稿预检（先审后发）、文章入库与命中审核。",
        lifespan=lifespan,
    )
    errors.install(app)
    app.include_router(check.router)
    return app
