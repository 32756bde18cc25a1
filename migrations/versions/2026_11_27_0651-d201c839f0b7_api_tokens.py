"""API tokens: hashed tokens with a role (editor bound to one organisation, reviewer, admin)

Revision ID: d201c839f0b7
Revises: 1c7b1fc68671
Create Date: 2026-11-27 06:51:06.440110
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d201c839f0b7"
down_revision: str | Sequence[str] | None = "1c7b1fc68671"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "(role = 'editor' AND organization_id IS NOT NULL) OR (role <> 'editor' AND organization_id IS NULL)",
            name=op.f("ck_api_token_scope"),
        ),
        sa.CheckConstraint("role IN ('editor', 'reviewer', 'admin')", name=op.f("ck_api_token_role")),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organization.id"], name=op.f("fk_api_token_organization_id_organization")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    op.create_index(op.f("ix_api_token_organization_id"), "api_token", ["organization_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_api_token_organization_id"), table_name="api_token")
    op.drop_table("api_token")
