"""Large ingests on the PostgreSQL job queue: ingest jobs, their chunks, and the chunk that wrote an article

Revision ID: e3f7a1c9d52b
Revises: b81f3d6a2c90
Create Date: 2026-12-01 08:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e3f7a1c9d52b"
down_revision: str | Sequence[str] | None = "b81f3d6a2c90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ingest_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("organization_scope", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("line_errors", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("status IN ('running', 'done')", name=op.f("ck_ingest_job_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingest_job")),
    )
    op.create_table(
        "ingest_chunk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("first_line", sa.Integer(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'running', 'done')", name=op.f("ck_ingest_chunk_status")),
        sa.CheckConstraint("kind IN ('lines', 'repeats')", name=op.f("ck_ingest_chunk_kind")),
        sa.ForeignKeyConstraint(
            ["job_id"], ["ingest_job.id"], name=op.f("fk_ingest_chunk_job_id_ingest_job"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingest_chunk")),
        sa.UniqueConstraint("job_id", "seq", name=op.f("uq_ingest_chunk_job_id_seq")),
    )
    op.create_index(op.f("ix_ingest_chunk_job_id"), "ingest_chunk", ["job_id"], unique=False)
    # Nullable, no default: on PostgreSQL a catalog-only change, the million rows are not rewritten.
    op.add_column("article", sa.Column("ingest_chunk_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN on both backends (SQLite 3.35+), never SQLite's batch copy of the table.
    op.execute("ALTER TABLE article DROP COLUMN ingest_chunk_id")
    op.drop_index(op.f("ix_ingest_chunk_job_id"), table_name="ingest_chunk")
    op.drop_table("ingest_chunk")
    op.drop_table("ingest_job")
