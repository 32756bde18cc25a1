"""Hardening: one running re-scan at a time, one hit per span, who runs a re-scan, server-side web sessions

- rescan_job: a partial unique index lets at most one job be 'running' (two concurrent starts: the
  database refuses the second, 409); `runner` names the process running the job, so a restarted server
  recognises a job abandoned by a killed one at once.
- hit: one row per (article, rule, start, end). Duplicates that concurrent re-scans stored before are
  merged first: the row with a reviewer's decision (else the oldest) stays, and the review log of the
  others moves to it, so no decision and no history is lost.
- web_session: the pages' sessions, revocable and expiring on the server (the cookie holds only a
  random session id, never the API token).

Revision ID: 7b3e0c5a91f4
Revises: 5e2a9c41b7d3
Create Date: 2026-12-01 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7b3e0c5a91f4"
down_revision: str | Sequence[str] | None = "5e2a9c41b7d3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RUNNING = sa.text("status = 'running'")


def upgrade() -> None:
    with op.batch_alter_table("rescan_job") as batch:
        batch.add_column(sa.Column("runner", sa.String(length=200), nullable=True))
    # Two jobs left running by a crash before this revision: the older one becomes failed.
    op.execute(
        "UPDATE rescan_job SET status = 'failed', error = '任务中断（升级时发现多个进行中的任务）' "
        "WHERE status = 'running' AND id < (SELECT max(id) FROM rescan_job WHERE status = 'running')"
    )
    op.create_index(
        "uq_rescan_job_running",
        "rescan_job",
        ["status"],
        unique=True,
        postgresql_where=RUNNING,
        sqlite_where=RUNNING,
    )

    _merge_duplicate_hits()
    op.create_index(
        "uq_hit_article_id_rule_id_start_end", "hit", ["article_id", "rule_id", "start", "end"], unique=True
    )

    op.create_table(
        "web_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_hash", sa.String(length=64), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("admin_token_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["token_id"], ["api_token.id"], name=op.f("fk_web_session_token_id_api_token"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_session")),
        sa.UniqueConstraint("session_hash", name=op.f("uq_web_session_session_hash")),
    )
    op.create_index(op.f("ix_web_session_token_id"), "web_session", ["token_id"], unique=False)


def _merge_duplicate_hits() -> None:
    bind = op.get_bind()
    groups = bind.execute(
        sa.text(
            'SELECT article_id, rule_id, start, "end" FROM hit '
            'GROUP BY article_id, rule_id, start, "end" HAVING count(*) > 1'
        )
    ).all()
    for article_id, rule_id, start, end in groups:
        rows = bind.execute(
            sa.text(
                'SELECT id FROM hit WHERE article_id = :a AND rule_id = :r AND start = :s AND "end" = :e '
                "ORDER BY CASE WHEN status IN ('confirmed', 'dismissed') THEN 0 ELSE 1 END, id"
            ),
            {"a": article_id, "r": rule_id, "s": start, "e": end},
        ).scalars()
        keep, *others = list(rows)
        for other in others:
            bind.execute(
                sa.text("UPDATE review_log SET hit_id = :keep WHERE hit_id = :other"), {"keep": keep, "other": other}
            )
            bind.execute(sa.text("DELETE FROM hit WHERE id = :other"), {"other": other})


def downgrade() -> None:
    op.drop_index(op.f("ix_web_session_token_id"), table_name="web_session")
    op.drop_table("web_session")
    op.drop_index("uq_hit_article_id_rule_id_start_end", table_name="hit")
    op.drop_index("uq_rescan_job_running", table_name="rescan_job")
    with op.batch_alter_table("rescan_job") as batch:
        batch.drop_column("runner")
