"""Initial schema: organisations, accounts, articles, hits, review log, exemptions

Revision ID: 1c7b1fc68671
Revises:
Create Date: 2026-11-27 06:35:59.146311
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "1c7b1fc68671"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organization",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization")),
        sa.UniqueConstraint("name", name=op.f("uq_organization_name")),
    )
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filing_no", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "platform IN ('wechat', 'weibo', 'douyin', 'toutiao', 'kuaishou', 'bilibili', 'website', 'other')",
            name=op.f("ck_account_platform"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organization.id"], name=op.f("fk_account_organization_id_organization")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("filing_no", name=op.f("uq_account_filing_no")),
    )
    op.create_index(op.f("ix_account_name"), "account", ["name"])
    op.create_index(op.f("ix_account_organization_id"), "account", ["organization_id"])

    op.create_table(
        "article",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("lexicon_version", sa.String(length=64), nullable=False),
        sa.Column("ingested_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name=op.f("fk_article_account_id_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article")),
        sa.UniqueConstraint("account_id", "content_hash", name=op.f("uq_article_account_id_content_hash")),
        sa.UniqueConstraint("account_id", "url", name=op.f("uq_article_account_id_url")),
    )
    op.create_index(op.f("ix_article_published_at"), "article", ["published_at"])

    op.create_table(
        "exemption",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_by", sa.String(length=100), nullable=True),
        sa.CheckConstraint(
            "(scope = 'global' AND organization_id IS NULL AND account_id IS NULL)"
            " OR (scope = 'organization' AND organization_id IS NOT NULL AND account_id IS NULL)"
            " OR (scope = 'account' AND account_id IS NOT NULL AND organization_id IS NULL)",
            name=op.f("ck_exemption_scope"),
        ),
        sa.CheckConstraint("kind IN ('phrase', 'rule')", name=op.f("ck_exemption_kind")),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name=op.f("fk_exemption_account_id_account")),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organization.id"], name=op.f("fk_exemption_organization_id_organization")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exemption")),
    )
    op.create_index(op.f("ix_exemption_account_id"), "exemption", ["account_id"])
    op.create_index(op.f("ix_exemption_organization_id"), "exemption", ["organization_id"])

    op.create_table(
        "hit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=200), nullable=False),
        sa.Column("lexicon_version", sa.String(length=64), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("suggestions", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reviewer", sa.String(length=100), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('pending', 'confirmed', 'dismissed', 'obsolete')", name=op.f("ck_hit_status")),
        sa.CheckConstraint('start >= 0 AND "end" >= start', name=op.f("ck_hit_span")),
        sa.ForeignKeyConstraint(
            ["article_id"], ["article.id"], name=op.f("fk_hit_article_id_article"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hit")),
    )
    op.create_index(op.f("ix_hit_article_id"), "hit", ["article_id"])
    op.create_index(op.f("ix_hit_category"), "hit", ["category"])
    op.create_index(op.f("ix_hit_rule_id"), "hit", ["rule_id"])
    op.create_index(op.f("ix_hit_status_severity"), "hit", ["status", "severity"])

    op.create_table(
        "review_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hit_id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=False),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("exemption_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["exemption_id"], ["exemption.id"], name=op.f("fk_review_log_exemption_id_exemption")),
        sa.ForeignKeyConstraint(["hit_id"], ["hit.id"], name=op.f("fk_review_log_hit_id_hit"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_log")),
    )
    op.create_index(op.f("ix_review_log_hit_id"), "review_log", ["hit_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_review_log_hit_id"), table_name="review_log")

    op.drop_table("review_log")
    op.drop_index(op.f("ix_hit_status_severity"), table_name="hit")
    op.drop_index(op.f("ix_hit_rule_id"), table_name="hit")
    op.drop_index(op.f("ix_hit_category"), table_name="hit")
    op.drop_index(op.f("ix_hit_article_id"), table_name="hit")

    op.drop_table("hit")
    op.drop_index(op.f("ix_exemption_organization_id"), table_name="exemption")
    op.drop_index(op.f("ix_exemption_account_id"), table_name="exemption")

    op.drop_table("exemption")
    op.drop_index(op.f("ix_article_published_at"), table_name="article")

    op.drop_table("article")
    op.drop_index(op.f("ix_account_organization_id"), table_name="account")
    op.drop_index(op.f("ix_account_name"), table_name="account")

    op.drop_table("account")
    op.drop_table("organization")
