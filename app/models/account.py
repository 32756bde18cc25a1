"""Organisations (所属组织) and the accounts (政务新媒体) they run."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.db import Base
from app.vocabulary import Platform


class Organization(Base):
    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Account(Base):
    __tablename__ = "account"
    __table_args__ = (
        CheckConstraint("platform IN (" + ", ".join(f"'{p.value}'" for p in Platform) + ")", name="platform"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_no: Mapped[str] = mapped_column(String(64), unique=True)  # 备案单号
    name: Mapped[str] = mapped_column(String(200), index=True)  # 政务新媒体名称
    platform: Mapped[str] = mapped_column(String(16))  # 类型, a Platform code
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization | None] = relationship(lazy="joined")
