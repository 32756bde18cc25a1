"""Re-scans on a PostgreSQL job queue: procrastinate's schema, re-scan chunks, queued jobs

Revision ID: a4c9e2f17b35
Revises: 7d1e3f5a9b20
Create Date: 2026-12-01 07:30:00
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision: str = "a4c9e2f17b35"
down_revision: str | Sequence[str] | None = "7d1e3f5a9b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# procrastinate's own schema file of the version pyproject.toml pins, copied here so that this revision
# applies the same objects whatever version is installed later (a newer procrastinate brings a new revision
# with its migration files).
PROCRASTINATE_SCHEMA = Path(__file__).resolve().parent.parent / "procrastinate" / "schema-3.10.0.sql"


def upgrade() -> None:
    op.add_column("rescan_job", sa.Column("queued", sa.Boolean(), server_default=sa.text("false"), nullable=False))
    op.create_table(
        "rescan_chunk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("first_id", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("checkpoint", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("kept", sa.Integer(), nullable=False),
        sa.Column("obsolete", sa.Integer(), nullable=False),
        sa.Column("batches", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("kind IN ('range', 'sweep')", name=op.f("ck_rescan_chunk_kind")),
        sa.CheckConstraint("status IN ('pending', 'running', 'done')", name=op.f("ck_rescan_chunk_status")),
        sa.ForeignKeyConstraint(
            ["job_id"], ["rescan_job.id"], name=op.f("fk_rescan_chunk_job_id_rescan_job"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rescan_chunk")),
        sa.UniqueConstraint("job_id", "seq", name=op.f("uq_rescan_chunk_job_id_seq")),
    )
    op.create_index(op.f("ix_rescan_chunk_job_id"), "rescan_chunk", ["job_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        # Through the driver without parameters: the file's functions contain % signs.
        op.get_bind().connection.cursor().execute(PROCRASTINATE_SCHEMA.read_text(encoding="utf-8"))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ("procrastinate_events", "procrastinate_periodic_defers", "procrastinate_jobs"):
            op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
        op.execute("DROP TABLE IF EXISTS procrastinate_workers CASCADE")
        # Every procrastinate function of this schema, whatever its arguments.
        op.execute(
            """
            DO $$
            DECLARE f regprocedure;
            BEGIN
                FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
                         WHERE p.pronamespace = current_schema()::regnamespace
                           AND p.proname LIKE 'procrastinate\\_%'
                LOOP
                    EXECUTE 'DROP FUNCTION ' || f || ' CASCADE';
                END LOOP;
            END $$;
            """
        )
        for kind in ("procrastinate_job_to_defer_v1", "procrastinate_job_event_type", "procrastinate_job_status"):
            op.execute(f"DROP TYPE IF EXISTS {kind} CASCADE")
    op.drop_index(op.f("ix_rescan_chunk_job_id"), table_name="rescan_chunk")
    op.drop_table("rescan_chunk")
    # A plain DROP COLUMN on both backends (SQLite 3.35+), never SQLite's batch copy of the table.
    op.execute("ALTER TABLE rescan_job DROP COLUMN queued")
