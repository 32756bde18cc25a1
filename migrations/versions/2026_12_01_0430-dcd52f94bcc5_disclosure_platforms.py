"""Disclosure platforms: units, their columns and updates, cycles per column name, the quarter's counts

Revision ID: dcd52f94bcc5
Revises: 7b3e0c5a91f4
Create Date: 2026-12-01 04:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "dcd52f94bcc5"
down_revision: str | Sequence[str] | None = "7b3e0c5a91f4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "disclosure_cycle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("cycle", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_cycle")),
        sa.UniqueConstraint("name", name=op.f("uq_disclosure_cycle_name")),
    )
    op.create_table(
        "disclosure_figure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.String(length=100), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('proactive', 'request', 'letter')", name=op.f("ck_disclosure_figure_kind")),
        sa.CheckConstraint(
            "received >= 0 AND answered >= 0 AND answered <= received", name=op.f("ck_disclosure_figure_counts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_figure")),
        sa.UniqueConstraint(
            "quarter", "kind", "unit", "detail", name=op.f("uq_disclosure_figure_quarter_kind_unit_detail")
        ),
    )
    with op.batch_alter_table("disclosure_figure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disclosure_figure_quarter"), ["quarter"], unique=False)

    op.create_table(
        "disclosure_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("short_name", sa.String(length=100), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(kind = 'village' AND parent_id IS NOT NULL) OR (kind <> 'village' AND parent_id IS NULL)",
            name=op.f("ck_disclosure_unit_parent"),
        ),
        sa.CheckConstraint("kind IN ('town', 'department', 'village')", name=op.f("ck_disclosure_unit_kind")),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organization.id"], name=op.f("fk_disclosure_unit_organization_id_organization")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["disclosure_unit.id"], name=op.f("fk_disclosure_unit_parent_id_disclosure_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_unit")),
        sa.UniqueConstraint("name", name=op.f("uq_disclosure_unit_name")),
    )
    with op.batch_alter_table("disclosure_unit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disclosure_unit_organization_id"), ["organization_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_disclosure_unit_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "disclosure_column",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("cycle", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["disclosure_unit.id"],
            name=op.f("fk_disclosure_column_unit_id_disclosure_unit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_column")),
        sa.UniqueConstraint("unit_id", "name", name=op.f("uq_disclosure_column_unit_id_name")),
    )
    with op.batch_alter_table("disclosure_column", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disclosure_column_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "disclosure_column_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("column_id", sa.Integer(), nullable=False),
        sa.Column("updated_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["column_id"],
            ["disclosure_column.id"],
            name=op.f("fk_disclosure_column_update_column_id_disclosure_column"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_column_update")),
        sa.UniqueConstraint("column_id", "updated_on", name=op.f("uq_disclosure_column_update_column_id_updated_on")),
    )
    with op.batch_alter_table("disclosure_column_update", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disclosure_column_update_column_id"), ["column_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("disclosure_column_update", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disclosure_column_update_column_id"))

    op.drop_table("disclosure_column_update")
    with op.batch_alter_table("disclosure_column", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disclosure_column_unit_id"))

    op.drop_table("disclosure_column")
    with op.batch_alter_table("disclosure_unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disclosure_unit_parent_id"))
        batch_op.drop_index(batch_op.f("ix_disclosure_unit_organization_id"))

    op.drop_table("disclosure_unit")
    with op.batch_alter_table("disclosure_figure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disclosure_figure_quarter"))

    op.drop_table("disclosure_figure")
    op.drop_table("disclosure_cycle")
