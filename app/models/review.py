"""The append-only review log and the exemptions (豁免)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.db import Base
from app.models.account import Account, Organization
from app.vocabulary import ExemptionKind, ExemptionScope


class ReviewLog(Base):
    """Every status change of a hit: who, when, from, to, note. Rows are never updated or deleted."""

    __tablename__ = "review_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    hit_id: Mapped[int] = mapped_column(ForeignKey("hit.id", ondelete="CASCADE"), index=True)
    actor: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    exemption_id: Mapped[int | None] = mapped_column(ForeignKey("exemption.id"))  # set when an exemption did it


@event.listens_for(ReviewLog, "before_update")
@event.listens_for(ReviewLog, "before_delete")
def _append_only(_mapper: Any, _connection: Any, target: ReviewLog) -> None:
    raise RuntimeError(f"审核记录只能追加，不能修改或删除（id={target.id}）")


class Exemption(Base):
    """A phrase or rule id not to report, for everyone, one organisation or one account."""

    __tablename__ = "exemption"
    __table_args__ = (
        CheckConstraint("kind IN (" + ", ".join(f"'{k.value}'" for k in ExemptionKind) + ")", name="kind"),
        CheckConstraint(
            "(scope = 'global' AND organization_id IS NULL AND account_id IS NULL)"
            " OR (scope = 'organization' AND organization_id IS NOT NULL AND account_id IS NULL)"
            " OR (scope = 'account' AND account_id IS NOT NULL AND organization_id IS NULL)",
            name="scope",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(500))
    scope: Mapped[str] = mapped_column(String(16), default=ExemptionScope.global_.value)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Deleting keeps the row (the log refers to it): it only stops applying to later scans.
    deleted_at: Mapped[dt.datetime | None]
    deleted_by: Mapped[str | None] = mapped_column(String(100))

    organization: Mapped[Organization | None] = relationship(lazy="joined")
    account: Mapped[Account | None] = relationship(lazy="joined")
