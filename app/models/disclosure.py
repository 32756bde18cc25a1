"""Disclosure platforms (政府信息公开平台): responsible units, their columns and updates, the office's cycles per
column name, and the quarter's disclosure and letters counts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.db import Base
from app.models.account import Organization
from app.reports.platforms import UnitKind

FIGURE_KINDS = ("proactive", "request", "letter")  # 主动公开、依申请公开、问政信件


class DisclosureUnit(Base):
    """责任单位 with a platform: a town, a department, or a village (or residents') committee of a town."""

    __tablename__ = "disclosure_unit"
    __table_args__ = (
        CheckConstraint("kind IN (" + ", ".join(f"'{k.value}'" for k in UnitKind) + ")", name="kind"),
        # A village belongs to a town; towns and departments belong to no one.
        CheckConstraint(
            "(kind = 'village' AND parent_id IS NOT NULL) OR (kind <> 'village' AND parent_id IS NULL)", name="parent"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("disclosure_unit.id"), index=True)
    short_name: Mapped[str | None] = mapped_column(String(100))  # a town's place name (万店镇), when not derivable
    # Editors of this organisation see the unit (a village: by default its town's organisation).
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    parent: Mapped[DisclosureUnit | None] = relationship(remote_side=[id], lazy="joined", join_depth=1)
    organization: Mapped[Organization | None] = relationship(lazy="joined")
    columns: Mapped[list[DisclosureColumn]] = relationship(
        back_populates="unit", order_by="DisclosureColumn.id", cascade="all, delete-orphan"
    )


class DisclosureColumn(Base):
    """栏目 of a unit's platform, with its own update cycle (as written) when it has one."""

    __tablename__ = "disclosure_column"
    __table_args__ = (UniqueConstraint("unit_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("disclosure_unit.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    cycle: Mapped[str | None] = mapped_column(String(40))  # 6个月, 一年 …; None: the name's or the national default
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    unit: Mapped[DisclosureUnit] = relationship(back_populates="columns")
    updates: Mapped[list[DisclosureColumnUpdate]] = relationship(
        order_by="DisclosureColumnUpdate.updated_on", cascade="all, delete-orphan"
    )


class DisclosureColumnUpdate(Base):
    """A day a column was updated: the history, so an earlier quarter's report stays what it was."""

    __tablename__ = "disclosure_column_update"
    __table_args__ = (UniqueConstraint("column_id", "updated_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    column_id: Mapped[int] = mapped_column(ForeignKey("disclosure_column.id", ondelete="CASCADE"), index=True)
    updated_on: Mapped[dt.date]


class DisclosureCycle(Base):
    """The office's update cycle for every column of a name (over the national default)."""

    __tablename__ = "disclosure_cycle"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    cycle: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DisclosureFigure(Base):
    """A count of the quarter: proactive disclosures (unit may be empty: the total), requests for disclosure per
    unit and channel, letters per department and type."""

    __tablename__ = "disclosure_figure"
    __table_args__ = (
        UniqueConstraint("quarter", "kind", "unit", "detail"),
        CheckConstraint("kind IN (" + ", ".join(f"'{k}'" for k in FIGURE_KINDS) + ")", name="kind"),
        CheckConstraint("received >= 0 AND answered >= 0 AND answered <= received", name="counts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quarter: Mapped[str] = mapped_column(String(8), index=True)  # 2023Q2
    kind: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str] = mapped_column(String(200), default="")  # 单位 or 部门; "" for the total of proactive ones
    detail: Mapped[str] = mapped_column(String(100), default="")  # channel (渠道) or letter type (类型)
    received: Mapped[int]  # 主动公开条数, 受理件数
    answered: Mapped[int] = mapped_column(default=0)  # 答复 or 回复件数
    position: Mapped[int] = mapped_column(default=0)  # the order the office recorded them in
