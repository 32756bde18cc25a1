"""The service's database at start and stop: the embedded default upgrades itself, any other must
already be at the head revision (the service refuses to start otherwise)."""

from __future__ import annotations

from fastapi import FastAPI

from app.config import Settings
from app.db import create_db_engine, ensure_schema, session_factory


def open_database(app: FastAPI, settings: Settings) -> None:
    engine = create_db_engine(settings.db_url)
    try:
        ensure_schema(engine, auto_upgrade=settings.db_embedded)
    except BaseException:
        engine.dispose()
        raise
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.read_sessions = session_factory(engine, read_only=True)


def close_database(app: FastAPI) -> None:
    app.state.engine.dispose()
