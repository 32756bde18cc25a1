"""Dependencies shared by the routes.

The ones that only read app.state are `async def`: FastAPI runs a plain `def` dependency in its
thread pool, a hop that costs more than the work, on every request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.detection.detector import Detector, DetectorHolder
from app.schemas.common import MAX_ID, MAX_OFFSET, MAX_PAGE_SIZE
from app.services.scanning import ScanPool


async def get_holder(request: Request) -> DetectorHolder:
    return request.app.state.detector_holder


async def get_detector(request: Request) -> Detector:
    return request.app.state.detector_holder.current


async def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_scan_pool(request: Request) -> ScanPool:
    """The worker processes that check batches, for the current detector."""
    return request.app.state.scan_pools.pool(request.app.state.detector_holder.current)


HolderDep = Annotated[DetectorHolder, Depends(get_holder)]
DetectorDep = Annotated[Detector, Depends(get_detector)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
ScanPoolDep = Annotated[ScanPool, Depends(get_scan_pool)]


# -- the database (accounts, articles, hits) ------------------------------------------------------


def get_session(request: Request) -> Iterator[Session]:
    """A session for a request that writes; the services commit."""
    with request.app.state.sessions() as session:
        yield session


def get_read_session(request: Request) -> Iterator[Session]:
    """A session for a request that only reads (takes no SQLite write lock)."""
    with request.app.state.read_sessions() as session:
        yield session


def get_sessions(request: Request) -> sessionmaker[Session]:
    """The factory itself, for work that needs one transaction per item (batches)."""
    return request.app.state.sessions


SessionDep = Annotated[Session, Depends(get_session)]
ReadSessionDep = Annotated[Session, Depends(get_read_session)]
SessionsDep = Annotated[sessionmaker[Session], Depends(get_sessions)]


# -- parameters shared by the routes: bounded ids and pages --------------------------------------

IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="编号")]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"每页条数（最多 {MAX_PAGE_SIZE}）")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="跳过的条数")]
