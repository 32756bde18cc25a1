"""Hits in titles: each hit says which part of the article it lies in, the title or the body

Revision ID: 7d1e3f5a9b20
Revises: dcd52f94bcc5
Create Date: 2026-12-01 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7d1e3f5a9b20"
down_revision: str | Sequence[str] | None = "dcd52f94bcc5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every hit stored before this revision was found in the body. One row per span and rule now means per
    # field too: a title and a body may hold the same rule at the same offsets.
    op.drop_index("uq_hit_article_id_rule_id_start_end", table_name="hit")
    with op.batch_alter_table("hit") as batch:
        batch.add_column(sa.Column("field", sa.String(length=8), server_default="body", nullable=False))
        batch.create_check_constraint("field", "field IN ('title', 'body')")
    op.create_index(
        "uq_hit_article_id_field_rule_id_start_end",
        "hit",
        ["article_id", "field", "rule_id", "start", "end"],
        unique=True,
    )


def downgrade() -> None:
    # Title hits have no place in the old schema, where every offset counts in the body.
    op.execute("DELETE FROM review_log WHERE hit_id IN (SELECT id FROM hit WHERE field = 'title')")
    op.execute("DELETE FROM hit WHERE field = 'title'")
    op.drop_index("uq_hit_article_id_field_rule_id_start_end", table_name="hit")
    with op.batch_alter_table("hit") as batch:
        batch.drop_constraint("field", type_="check")
        batch.drop_column("field")
    op.create_index(
        "uq_hit_article_id_rule_id_start_end", "hit", ["article_id", "rule_id", "start", "end"], unique=True
    )
