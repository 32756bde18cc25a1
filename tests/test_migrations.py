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
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                assert compare_metadata(context, Base.metadata) == []
        finally:
            engine.dispose()


def test_revisions_form_one_line_and_carry_a_date_prefix() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    files = sorted(p.name for p in (MIGRATIONS_DIR / "versions").glob("*.py"))
    assert files and all(re.match(r"\d{4}_\d{2}_\d{2}_\d{4}-[0-9a-f]+_\w+\.py$", name) for name in files)
    assert len(files) == len(list(script.walk_revisions()))
