"""Ingested articles and the hits found in them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.db import Base
from app.detection.hit import BODY, TITLE
from app.models.account import Account
from app.vocabulary import HitStatus


class Article(Base):
    __tablename__ = "article"
    # Re-ingesting is idempotent: the same account and url, or the same account and content.
    __table_args__ = (
        UniqueConstraint("account_id", "url"),
        UniqueConstraint("account_id", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    title: Mapped[str] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(2000))
    published_at: Mapped[dt.datetime] = mapped_column(index=True)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))  # sha256 of title and text
    lexicon_version: Mapped[str] = mapped_column(String(64))  # the lexicon of the last scan
    ingested_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The queued ingest chunk that wrote it (app/services/queued_ingest.py), so that a chunk retried after a
    # killed attempt counts the articles that attempt wrote as its own, not as duplicates. A marker, not a
    # relation: no foreign key, the article outlives the chunk's bookkeeping.
    ingest_chunk_id: Mapped[int | None]

    account: Mapped[Account] = relationship(lazy="joined")
    # Title hits first ("title" sorts after "body"), then by position.
    hits: Mapped[list[HitRecord]] = relationship(
        back_populates="article", order_by="[HitRecord.field.desc(), HitRecord.start]"
    )

    def field_text(self, field: str) -> str:
        """The text a hit's offsets count in: the title or the body."""
        return self.title if field == TITLE else self.text


class HitRecord(Base):
    __tablename__ = "hit"
    __table_args__ = (
        CheckConstraint("status IN (" + ", ".join(f"'{s.value}'" for s in HitStatus) + ")", name="status"),
        CheckConstraint('start >= 0 AND "end" >= start', name="span"),
        CheckConstraint(f"field IN ('{TITLE}', '{BODY}')", name="field"),
        Index("ix_hit_status_severity", "status", "severity"),
        # One row per field, span and rule: a second writer of the same hit fails instead of doubling it.
        Index(
            "uq_hit_article_id_field_rule_id_start_end", "article_id", "field", "rule_id", "start", "end", unique=True
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"), index=True)
    rule_id: Mapped[str] = mapped_column(String(200), index=True)
    lexicon_version: Mapped[str] = mapped_column(String(64))
    # Which part the hit lies in, "title" or "body"; start and end count from the start of that part.
    field: Mapped[str] = mapped_column(String(8), default=BODY, server_default=BODY)
    start: Mapped[int]
    end: Mapped[int]
    text: Mapped[str] = mapped_column(Text)  # the matched text: article.field_text(field)[start:end]
    context: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(64), index=True)
    severity: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    suggestions: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=HitStatus.pending.value)
    reviewer: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[dt.datetime | None]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(back_populates="hits")

    @classmethod
    def found(cls, hit: Mapping[str, Any], lexicon_version: str, **fields: Any) -> HitRecord:
        """A new (pending) row for a hit the engine found, given as `app.detection.Hit.as_dict()`."""
        return cls(
            rule_id=hit["rule_id"],
            lexicon_version=lexicon_version,
            start=hit["start"],
            end=hit["end"],
            text=hit["text"],
            context=hit["context"],
            category=hit["category"],
            severity=hit["severity"],
            message=hit["message"],
            suggestions=list(hit["suggestions"]),
            field=hit.get("field", BODY),
            **fields,
        )

    @staticmethod
    def row(hit: Mapping[str, Any], lexicon_version: str, article_id: int, now: dt.datetime) -> dict[str, Any]:
        """The columns of a new (pending) hit, for a batched Core INSERT (ingestion, re-scans)."""
        fields = ("rule_id", "start", "end", "text", "context", "category", "severity", "message")
        return {name: hit[name] for name in fields} | {
            "article_id": article_id,
            "lexicon_version": lexicon_version,
            "suggestions": list(hit["suggestions"]),
            "field": hit.get("field", BODY),
            "status": HitStatus.pending.value,
            "created_at": now,
        }
