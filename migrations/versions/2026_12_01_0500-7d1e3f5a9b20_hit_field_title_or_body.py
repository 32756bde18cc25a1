"""Hits in titles: each hit says which part of the article it lies in, the title or the body

Revision ID: 7d1e3f5a9b20
Revises: dcd52f94bcc5
Create Date: 2026-12-01 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "7d1e3f5a9b20"
down_revision: str | Sequence[str] | None = "dcd52f94bcc5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every hit stored before this revision was found in the body. One row per span and rule now means per
    # field too: a title and a body may hold the same rule at the same offsets.
    op.drop_index("uq_hit_article_id_rule_id_start_end", table_name="hit")
    # A plain ADD COLUMN on both backends, never SQLite's batch copy of the table: dropping the old copy
    # would cascade to review_log (foreign keys are on) and lose every hit's review record.
    op.execute(
        "ALTER TABLE hit ADD COLUMN field VARCHAR(8) DEFAULT 'body' NOT NULL "
        "CONSTRAINT ck_hit_field CHECK (field IN ('title', 'body'))"
    )
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
    # SQLite drops the column by copying the table; dropping the old copy cascades to review_log, so the
    # review records are kept aside and put back.
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("CREATE TEMP TABLE review_log_kept AS SELECT * FROM review_log")
    with op.batch_alter_table("hit") as batch:
        batch.drop_constraint("field", type_="check")
        batch.drop_column("field")
    if sqlite:
        op.execute("INSERT INTO review_log SELECT * FROM review_log_kept WHERE id NOT IN (SELECT id FROM review_log)")
        op.execute("DROP TABLE review_log_kept")
    op.create_index(
        "uq_hit_article_id_rule_id_start_end", "hit", ["article_id", "rule_id", "start", "end"], unique=True
    )
