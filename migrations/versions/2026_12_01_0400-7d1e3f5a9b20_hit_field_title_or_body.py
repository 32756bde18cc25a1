"""Hits in titles: each hit says which part of the article it lies in, the title or the body

Revision ID: 7d1e3f5a9b20
Revises: 5e2a9c41b7d3
Create Date: 2026-12-01 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7d1e3f5a9b20"
down_revision: str | Sequence[str] | None = "5e2a9c41b7d3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every hit stored before this revision was found in the body.
    with op.batch_alter_table("hit") as batch:
        batch.add_column(sa.Column("field", sa.String(length=8), server_default="body", nullable=False))
        batch.create_check_constraint("field", "field IN ('title', 'body')")


def downgrade() -> None:
    # Title hits have no place in the old schema, where every offset counts in the body.
    op.execute("DELETE FROM review_log WHERE hit_id IN (SELECT id FROM hit WHERE field = 'title')")
    op.execute("DELETE FROM hit WHERE field = 'title'")
    with op.batch_alter_table("hit") as batch:
        batch.drop_constraint("field", type_="check")
        batch.drop_column("field")
