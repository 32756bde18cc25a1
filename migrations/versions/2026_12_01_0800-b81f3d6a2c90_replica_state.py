"""State shared by API replicas: the check rate limit's buckets and the installed lexicon version

Revision ID: b81f3d6a2c90
Revises: a4c9e2f17b35
Create Date: 2026-12-01 08:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b81f3d6a2c90"
down_revision: str | Sequence[str] | None = "a4c9e2f17b35"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_bucket",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_bucket")),
    )
    op.create_table(
        "lexicon_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("reloaded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lexicon_state")),
    )


def downgrade() -> None:
    op.drop_table("lexicon_state")
    op.drop_table("rate_bucket")
