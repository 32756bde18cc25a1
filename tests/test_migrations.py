"""Migrations on every backend: empty → head → base → head, and the models match the head revision."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

import app.models  # noqa: F401
from app.db import (
    MIGRATIONS_DIR,
    Base,
    alembic_config,
    create_db_engine,
    current_revision,
    downgrade,
    head_revision,
    ours,
    upgrade,
)
from tests.conftest import BACKENDS, fresh_database

TABLES = {"organization", "account", "article", "hit", "review_log", "exemption"}


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_downgrade_upgrade_and_no_drift(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        engine = create_db_engine(url)
        try:
            assert current_revision(engine) is None
            upgrade(engine)
            assert current_revision(engine) == head_revision()
            assert TABLES <= set(inspect(engine).get_table_names())
            downgrade(engine, "base")
            assert current_revision(engine) is None
            assert not TABLES & set(inspect(engine).get_table_names())
            upgrade(engine)
            assert current_revision(engine) == head_revision()
            with engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": ours})
                assert compare_metadata(context, Base.metadata) == []
        finally:
            engine.dispose()


def test_revisions_form_one_line_and_carry_a_date_prefix() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    files = sorted(p.name for p in (MIGRATIONS_DIR / "versions").glob("*.py"))
    assert files and all(re.match(r"\d{4}_\d{2}_\d{2}_\d{4}-[0-9a-f]+_\w+\.py$", name) for name in files)
    assert len(files) == len(list(script.walk_revisions()))


@pytest.mark.parametrize("backend", BACKENDS)
def test_duplicate_hits_are_merged_without_losing_a_decision(backend: str, tmp_path: Path) -> None:
    """Concurrent re-scans stored the same span twice before the unique index: the upgrade keeps the row a
    reviewer decided on, moves the other rows' review log to it, and leaves one running job at most."""
    from sqlalchemy import text

    with fresh_database(backend, tmp_path) as url:
        engine = create_db_engine(url)
        try:
            upgrade(engine, "5e2a9c41b7d3")
            hit = (
                'INSERT INTO hit (id, article_id, rule_id, lexicon_version, start, "end", text, context, category,'
                " severity, message, suggestions, status, created_at) VALUES (:id, 1, 'r', 'v', 0, 2, '做为', '做为',"
                " 'c', 'warning', 'm', '[]', :status, '2024-01-01')"
            )
            log = (
                "INSERT INTO review_log (hit_id, actor, at, from_status, to_status) "
                "VALUES (:hit, '李', '2024-01-02', 'pending', :to)"
            )
            job = (
                "INSERT INTO rescan_job (label, since, until, status, lexicon_version, total, done, added, kept,"
                " obsolete, last_article_id, started_at, heartbeat_at) VALUES ('q', '2024-01-01', '2024-03-31',"
                " 'running', 'v', 0, 0, 0, 0, 0, 0, '2024-01-01', '2024-01-01')"
            )
            with engine.begin() as connection:
                connection.execute(
                    text("INSERT INTO organization (id, name, created_at) VALUES (1, '甲', '2024-01-01')")
                )
                connection.execute(
                    text(
                        "INSERT INTO account (id, filing_no, name, platform, organization_id, active, created_at, updated_at)"
                        " VALUES (1, 'A', '甲', 'wechat', 1, true, '2024-01-01', '2024-01-01')"
                    )
                )
                connection.execute(
                    text(
                        "INSERT INTO article (id, account_id, title, published_at, text, content_hash,"
                        " lexicon_version, ingested_at) VALUES (1, 1, 't', '2024-01-01', '做为', 'h', 'v', '2024-01-01')"
                    )
                )
                for hit_id, status in ((1, "pending"), (2, "confirmed"), (3, "pending")):
                    connection.execute(text(hit), {"id": hit_id, "status": status})
                connection.execute(text(log), {"hit": 2, "to": "confirmed"})
                connection.execute(text(log), {"hit": 3, "to": "dismissed"})
                connection.execute(text(job))
                connection.execute(text(job))
            upgrade(engine)
            with engine.connect() as connection:
                assert connection.execute(text("SELECT id, status FROM hit")).all() == [(2, "confirmed")]
                assert connection.execute(text("SELECT hit_id FROM review_log ORDER BY id")).scalars().all() == [2, 2]
                statuses = connection.execute(text("SELECT status FROM rescan_job ORDER BY id")).scalars().all()
                assert statuses == ["failed", "running"]
        finally:
            engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_article_text_is_compressed_with_lz4_where_the_server_has_it(backend: str, tmp_path: Path) -> None:
    """pglz cost the server about twice lz4's CPU per batch-ingested article; a downgrade gives the default back."""
    from sqlalchemy import text

    compression = text(
        "SELECT attcompression FROM pg_attribute WHERE attrelid = 'article'::regclass AND attname = 'text'"
    )
    with fresh_database(backend, tmp_path) as url:
        engine = create_db_engine(url)
        try:
            upgrade(engine)
            if backend == "sqlite":
                assert current_revision(engine) == head_revision()  # nothing to set on SQLite, and no error
                return
            with engine.connect() as connection:
                has_lz4 = connection.execute(
                    text("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
                ).scalar()
                assert connection.execute(compression).scalar() == ("l" if has_lz4 else "")
            downgrade(engine, "e3f7a1c9d52b")
            with engine.connect() as connection:
                assert connection.execute(compression).scalar() == ""
        finally:
            engine.dispose()
