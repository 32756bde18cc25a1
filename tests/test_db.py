"""The database at service start: SQLite settings, refusing a database behind head, the embedded default."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.config import Settings
from app.db import SchemaOutOfDate, create_db_engine, current_revision, downgrade, head_revision, upgrade
from app.main import create_app
from tests.conftest import ADMIN, ADMIN_TOKEN, MINI_LEXICON, DatabaseUnderTest


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'sub' / 'dir' / 'x.db'}")  # directories are created
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_foreign_keys_are_enforced(db: DatabaseUnderTest) -> None:
    from sqlalchemy.exc import IntegrityError

    with db.engine.connect() as connection, pytest.raises(IntegrityError):
        connection.execute(
            text(
                "INSERT INTO account (filing_no, name, platform, organization_id, active, created_at, updated_at) "
                "VALUES ('x', 'x', 'wechat', 999, true, '2024-01-01', '2024-01-01')"
            )
        )
        connection.commit()


def test_the_database_refuses_values_outside_the_closed_sets(db: DatabaseUnderTest) -> None:
    from sqlalchemy.exc import IntegrityError

    with db.engine.connect() as connection, pytest.raises(IntegrityError):
        connection.execute(
            text(
                "INSERT INTO account (filing_no, name, platform, active, created_at, updated_at) "
                "VALUES ('x', 'x', 'myspace', true, '2024-01-01', '2024-01-01')"
            )
        )
        connection.commit()


def test_the_service_refuses_a_database_that_is_not_at_head(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    settings = Settings(lexicon_dir=MINI_LEXICON, database_url=url, admin_token=ADMIN_TOKEN)
    with pytest.raises(SchemaOutOfDate, match="请先运行 `cuomin db upgrade`"), TestClient(create_app(settings)):
        pass
    engine = create_db_engine(url)
    upgrade(engine)
    downgrade(engine, "base")
    with pytest.raises(SchemaOutOfDate, match="结构版本是 空"), TestClient(create_app(settings)):
        pass
    upgrade(engine)
    engine.dispose()
    with TestClient(create_app(settings), headers=ADMIN) as client:
        assert client.get("/api/accounts").json() == {"items": [], "total": 0}


def test_the_embedded_default_upgrades_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CUOMIN_DATABASE_URL")
    settings = Settings(lexicon_dir=MINI_LEXICON, admin_token=ADMIN_TOKEN)
    assert settings.db_embedded and settings.db_url == f"sqlite:///{tmp_path / 'var' / 'cuomin.db'}"
    with TestClient(create_app(settings), headers=ADMIN) as client:
        assert client.get("/api/hits").json() == {"items": [], "total": 0}
    engine = create_db_engine(settings.db_url)
    assert current_revision(engine) == head_revision()
    engine.dispose()
