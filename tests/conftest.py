from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from app.config import DEFAULT_LEXICON_DIR
from app.detection.detector import Detector

# Hypothesis's per-example deadline measures the machine's load, not the code's behaviour: off.
hypothesis_settings.register_profile("cuomin", deadline=None)
hypothesis_settings.load_profile("cuomin")

# The per-token check rate limit is off in tests (tests/api/test_hardening.py turns it on where tested);
# subprocesses (`cuomin serve`) inherit it.
os.environ["CUOMIN_CHECK_RATE_LIMIT"] = "0"
# A CUOMIN_ADMIN_TOKEN for the apps the tests build (Settings(admin_token=ADMIN_TOKEN)) and the servers they start.
ADMIN_TOKEN = "test-admin-token-0123456789abcdef"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

TESTS = Path(__file__).resolve().parent
MINI_LEXICON = TESTS / "detection" / "data" / "mini"
SHARED = TESTS.parent.parent / "shared"
OFFICIAL_CORPUS = SHARED / "corpus" / "official"


@pytest.fixture(scope="session")
def detector() -> Detector:
    """The shipped lexicons."""
    return Detector.from_dir(DEFAULT_LEXICON_DIR)


@pytest.fixture(scope="session")
def mini() -> Detector:
    """A small lexicon whose entries each exercise one engine rule."""
    return Detector.from_dir(MINI_LEXICON)


# -- databases: every service test runs on SQLite, and again on PostgreSQL when TEST_DATABASE_URL is set --

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", *(["postgresql"] if TEST_DATABASE_URL else [])]


@contextmanager
def fresh_database(backend: str, directory: Path) -> Iterator[str]:
    """The URL of an empty database: an SQLite file in directory, or a new schema on TEST_DATABASE_URL
    (dropped afterwards), reached through search_path so that the tables and alembic_version land in it."""
    from app.db import create_db_engine

    if backend == "sqlite":
        yield f"sqlite:///{directory / f'cuomin-{secrets.token_hex(4)}.db'}"
        return
    assert TEST_DATABASE_URL
    schema = f"cuomin_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_db_engine(TEST_DATABASE_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(TEST_DATABASE_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@dataclass(frozen=True)
class DatabaseUnderTest:
    backend: str
    url: str
    engine: Engine


@pytest.fixture(scope="session", params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseUnderTest]:
    """One database per backend for the session, at the head revision."""
    from app.db import create_db_engine, upgrade

    with fresh_database(request.param, tmp_path_factory.mktemp("db")) as url:
        engine = create_db_engine(url)
        upgrade(engine)
        yield DatabaseUnderTest(request.param, url, engine)
        engine.dispose()


@pytest.fixture
def db(database: DatabaseUnderTest) -> Iterator[DatabaseUnderTest]:
    """The session's database, emptied after the test."""
    yield database
    from app.db import Base

    with database.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(scope="session", autouse=True)
def _default_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Apps that name no database (e.g. the /api/check tests) get a throw-away one at head, never var/."""
    from app.db import create_db_engine, upgrade

    path = tmp_path_factory.mktemp("default-db") / "cuomin.db"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    saved = os.environ.get("CUOMIN_DATABASE_URL")
    os.environ["CUOMIN_DATABASE_URL"] = f"sqlite:///{path}"
    yield
    if saved is None:
        os.environ.pop("CUOMIN_DATABASE_URL", None)
    else:
        os.environ["CUOMIN_DATABASE_URL"] = saved
