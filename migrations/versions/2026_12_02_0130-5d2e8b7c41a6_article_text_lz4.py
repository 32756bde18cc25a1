"""Article texts compressed with lz4 on PostgreSQL (where the server has it)

An article of 3,000 characters is stored compressed out of line (TOAST); pglz, the default, spent about as much
of the server's CPU on each batch-ingested article as everything else it does for it, lz4 half of that. Only
new values are written with lz4: the stored ones stay as they are, and both read back the same. SQLite: nothing.

Revision ID: 5d2e8b7c41a6
Revises: e3f7a1c9d52b
Create Date: 2026-12-02 01:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5d2e8b7c41a6"
down_revision: str | Sequence[str] | None = "e3f7a1c9d52b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Lists lz4 only on PostgreSQL 14 and later built with it (the setting does not exist before 14).
HAS_LZ4 = sa.text(
    "SELECT EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals))"
)


def _has_lz4() -> bool:
    bind = op.get_bind()
    return bind.dialect.name == "postgresql" and bool(bind.execute(HAS_LZ4).scalar())


def upgrade() -> None:
    if _has_lz4():
        op.execute("ALTER TABLE article ALTER COLUMN text SET COMPRESSION lz4")


def downgrade() -> None:
    if _has_lz4():
        op.execute("ALTER TABLE article ALTER COLUMN text SET COMPRESSION DEFAULT")
