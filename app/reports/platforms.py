"""政府信息公开平台检查: which units' columns were not updated in time, 附件2 and 附件3, and the circular's words.

Pure: the caller passes the units (责任单位) with their columns, update dates and cycles; `check_platforms`
decides the rest.

- A unit is a town (镇办: a town government, a street office, a development zone's committee), a department (部门)
  or a village or residents' committee (村（居）), which belongs to a town. Only active units are checked.
- A column is overdue when the inspection date is past its last update (on or before the inspection date) plus its
  cycle (see `cycles`). A column with no update on record is overdue too, written 从未更新; a column whose cycle is
  unknown is not judged. Both become notes, so nothing is skipped silently; so does a checked unit with no columns
  and a village without its town.
- 附件2 lists towns and villages, 附件3 departments. Towns come in the office's order, each followed by its
  villages in the office's order; a village is named with its town's place name in front (万店镇兴隆村村民委员会).
- A unit's problems group its overdue columns by cycle, in column order: “财政专项资金”栏目超1年未更新,
  “惠民惠农补贴、村务公开”2个栏目超6个月未更新, groups joined by "；".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.reports.cycles import UpdateCycle, resolve_cycle
from app.reports.quarter import Period

TOWN_ANNEX_TITLE = "检查镇村信息公开平台发现的问题清单"
DEPARTMENT_ANNEX_TITLE = "检查部门信息公开平台发现的问题清单"
PLATFORM_ANNEX_COLUMNS = ("序号", "责任单位", "存在的突出问题")
NEVER_UPDATED = "从未更新"

# Suffixes of a town's full name; what is left is the place name villages are prefixed with.
_TOWN_SUFFIXES = ("人民政府", "管理委员会", "管委会", "办事处")


class UnitKind(StrEnum):
    """平台类别, in the order the circular names them."""

    town = "town"
    department = "department"
    village = "village"

    @property
    def label(self) -> str:
        return {"town": "镇办", "department": "部门", "village": "村（居）"}[self.value]

    @property
    def platform_name(self) -> str:
        """镇办信息公开平台"""
        return f"{self.label}信息公开平台"

    @classmethod
    def parse(cls, value: str) -> UnitKind:
        """A code, a label or a common spelling (镇、街道、乡镇、区直部门、村、社区、村居…); ValueError otherwise."""
        key = "".join(str(value).split()).lower().replace("(", "（").replace(")", "）")
        key = key.removesuffix("信息公开平台").removesuffix("平台")
        for kind, spellings in _KIND_SPELLINGS.items():
            if key == kind.value or key in spellings:
                return kind
        raise ValueError(f"未知的平台类别“{value}”，应为镇办、部门、村（居）之一（或其代码 town、department、village）")


_KIND_SPELLINGS = {
    UnitKind.town: {"镇办", "镇", "乡镇", "镇街", "街道", "乡镇街道", "镇（街道）", "开发区", "园区"},
    UnitKind.department: {"部门", "区直部门", "县直部门", "市直部门", "单位", "区直单位"},
    UnitKind.village: {"村（居）", "村居", "村", "居", "社区", "村委会", "居委会", "村（社区）"},
}


def place_name(town_name: str) -> str:
    """万店镇人民政府 → 万店镇, 曾都经济开发区管理委员会 → 曾都经济开发区, 西城街道办事处 → 西城街道."""
    for suffix in _TOWN_SUFFIXES:
        if town_name.endswith(suffix) and len(town_name) > len(suffix):
            return town_name.removesuffix(suffix)
    return town_name


@dataclass(frozen=True)
class ColumnInput:
    name: str  # 栏目名称
    updates: Sequence[dt.date] = ()  # dates of its updates (any order; those after the inspection date are ignored)
    cycle: UpdateCycle | None = None  # its own cycle; None: the office's for the name, else the national default


@dataclass(frozen=True)
class UnitInput:
    key: Hashable  # whatever identifies the unit to the caller; a village's `parent` is its town's key
    name: str  # 责任单位 as registered: 万店镇人民政府, 区司法局, 兴隆村村民委员会
    kind: UnitKind
    parent: Hashable | None = None  # villages: their town
    short_name: str | None = None  # towns: the place name villages are prefixed with (default: from the name)
    active: bool = True
    columns: Sequence[ColumnInput] = ()


@dataclass(frozen=True)
class OverdueColumn:
    name: str
    cycle: UpdateCycle
    last_update: dt.date | None  # None: never updated

    @property
    def due(self) -> dt.date | None:
        return None if self.last_update is None else self.cycle.due(self.last_update)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "cycle": self.cycle.label,
            "last_update": self.last_update.isoformat() if self.last_update else None,
            "due": self.due.isoformat() if self.due else None,
        }


@dataclass(frozen=True)
class UnitFinding:
    key: Hashable
    name: str  # as registered
    display_name: str  # as the annex names it: a village with its town's place name in front
    kind: UnitKind
    town: str | None  # a village's town (its registered name)
    overdue: tuple[OverdueColumn, ...]

    @property
    def problems(self) -> str:
        return problems_text(self.overdue)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "display_name": self.display_name,
            "kind": self.kind.value,
            "kind_label": self.kind.label,
            "town": self.town,
            "overdue": [column.as_dict() for column in self.overdue],
            "problems": self.problems,
        }


@dataclass(frozen=True)
class PlatformAnnexRow:
    number: int  # 序号
    unit: str  # 责任单位
    problems: str  # 存在的突出问题

    def cells(self) -> tuple[str, str, str]:
        return (str(self.number), self.unit, self.problems)


@dataclass(frozen=True)
class PlatformCheck:
    period: Period
    inspection_date: dt.date
    units_checked: int
    findings: tuple[UnitFinding, ...]  # units with overdue columns: towns and villages in annex order, then departments
    notes: tuple[str, ...] = field(default=())  # what could not be judged, and why

    @property
    def town_annex(self) -> tuple[PlatformAnnexRow, ...]:
        """附件2: towns and villages."""
        rows = [f for f in self.findings if f.kind is not UnitKind.department]
        return tuple(PlatformAnnexRow(n, f.display_name, f.problems) for n, f in enumerate(rows, start=1))

    @property
    def department_annex(self) -> tuple[PlatformAnnexRow, ...]:
        """附件3: departments."""
        rows = [f for f in self.findings if f.kind is UnitKind.department]
        return tuple(PlatformAnnexRow(n, f.display_name, f.problems) for n, f in enumerate(rows, start=1))

    @property
    def town_annex_title(self) -> str:
        return f"{TOWN_ANNEX_TITLE}（{self.period.label}）"

    @property
    def department_annex_title(self) -> str:
        return f"{DEPARTMENT_ANNEX_TITLE}（{self.period.label}）"

    def overview(self, *, urged: bool = False) -> str:
        """总体情况（四）. `urged`: the office has urged the units repeatedly (the circular then says so)."""
        heading = "（四）政府信息公开平台检查情况。"
        if self.units_checked == 0:
            return f"{heading}辖区内没有登记运行中的政府信息公开平台，未开展检查。"
        if not self.findings:
            return f"{heading}检查了辖区运行中的政府信息公开平台，检查中未发现栏目应更新未更新的单位。"
        annexes = "、".join(number for number, rows in (("2", self.town_annex), ("3", self.department_annex)) if rows)
        urging = "，并且多次督促仍未整改" if urged else ""
        return (
            f"{heading}检查了辖区运行中的政府信息公开平台，检查中发现存在问题的单位有{len(self.findings)}家"
            f"{urging}（具体问题详见附件{annexes}）。"
        )

    def problem_sentences(self) -> tuple[str, ...]:
        """存在主要问题（一）: one sentence per kind of platform with overdue columns, naming the units."""
        sentences = []
        for kind in UnitKind:
            units = [f for f in self.findings if f.kind is kind]
            if not units:
                continue
            names = _village_names(units) if kind is UnitKind.village else "、".join(f.name for f in units)
            many_columns = len(units) > 1 or len(units[0].overdue) > 1
            columns = "多个栏目" if many_columns else "栏目"
            count = f"等{len(units)}家" if len(units) > 1 else ""
            sentences.append(f"{names}{count}“{kind.platform_name}”{columns}应更新未更新。")
        return tuple(sentences)

    def as_dict(self) -> dict[str, Any]:
        return {
            "inspection_date": self.inspection_date.isoformat(),
            "units_checked": self.units_checked,
            "units_with_problems": len(self.findings),
            "findings": [f.as_dict() for f in self.findings],
            "annex2": [_row_dict(row) for row in self.town_annex],
            "annex3": [_row_dict(row) for row in self.department_annex],
            "notes": list(self.notes),
        }


def _row_dict(row: PlatformAnnexRow) -> dict[str, Any]:
    return {"number": row.number, "unit": row.unit, "problems": row.problems}


def _village_names(units: Sequence[UnitFinding]) -> str:
    """万店镇兴隆村村民委员会、泉水寺村村民委员会，何店镇乔麦河村村民委员会: the town's place name once per town."""
    groups: list[list[str]] = []
    town: object = object()
    for unit in units:
        if unit.town != town or not groups:
            groups.append([unit.display_name])
            town = unit.town
        else:
            groups[-1].append(unit.name)
    return "，".join("、".join(group) for group in groups)


def problems_text(overdue: Sequence[OverdueColumn]) -> str:
    """“A、B”2个栏目超6个月未更新；“C”栏目超1年未更新: columns grouped by cycle (and never-updated ones)."""
    groups: dict[str, list[str]] = {}
    for column in overdue:
        wording = NEVER_UPDATED if column.last_update is None else f"超{column.cycle.label}未更新"
        groups.setdefault(wording, []).append(column.name)
    parts = []
    for wording, names in groups.items():
        count = f"{len(names)}个" if len(names) > 1 else ""
        parts.append(f"“{'、'.join(names)}”{count}栏目{wording}")
    return "；".join(parts)


def check_platforms(
    period: Period,
    units: Iterable[UnitInput],
    *,
    inspection_date: dt.date | None = None,
    cycles: Mapping[str, UpdateCycle] | None = None,
) -> PlatformCheck:
    """The platform findings for the period. `cycles`: the office's cycle per column name.

    What the data lacks (columns, cycles, update dates, a village's town) goes into the notes, never an exception;
    two units with one key, or an inspection date before the period, are the caller's errors (ValueError)."""
    inspection = inspection_date or period.end
    if inspection < period.start:
        raise ValueError(f"检查日期 {inspection.isoformat()} 早于{period.label}的第一天 {period.start.isoformat()}")
    by_name = dict(cycles or {})
    units = list(units)
    notes: list[str] = []
    seen: set[Hashable] = set()
    checked: list[UnitInput] = []
    for unit in units:
        if unit.key in seen:
            raise ValueError(f"责任单位 key 重复：{unit.key!r}")
        seen.add(unit.key)
        if unit.active:
            checked.append(unit)
    towns = {u.key: u for u in checked if u.kind is UnitKind.town}

    findings: dict[Hashable, UnitFinding] = {}
    for unit in checked:
        if not unit.columns:
            notes.append(f"{unit.name}没有登记栏目，未检查其“{unit.kind.platform_name}”。")
            continue
        town = towns.get(unit.parent) if unit.kind is UnitKind.village else None
        if unit.kind is UnitKind.village and town is None:
            notes.append(f"{unit.name}没有所属镇办（或其镇办未启用），附件2 中按其本名列在最后。")
        overdue = []
        for column in unit.columns:
            cycle = resolve_cycle(column.name, column.cycle, by_name)
            if cycle is None:
                notes.append(
                    f"{unit.name}的“{column.name}”栏目没有更新周期，无法判断是否应更新未更新：请设置其更新周期。"
                )
                continue
            done = [d for d in column.updates if d <= inspection]
            if not done:
                notes.append(f"{unit.name}的“{column.name}”栏目没有更新记录，按{NEVER_UPDATED}列入问题清单。")
                overdue.append(OverdueColumn(column.name, cycle, None))
            elif cycle.overdue(max(done), inspection):
                overdue.append(OverdueColumn(column.name, cycle, max(done)))
        if overdue:
            display = unit.name
            if town is not None:
                prefix = (town.short_name or place_name(town.name)).strip()
                display = unit.name if unit.name.startswith(prefix) else f"{prefix}{unit.name}"
            findings[unit.key] = UnitFinding(
                key=unit.key,
                name=unit.name,
                display_name=display,
                kind=unit.kind,
                town=town.name if town is not None else None,
                overdue=tuple(overdue),
            )

    ordered: list[UnitFinding] = []
    for town in towns.values():
        if town.key in findings:
            ordered.append(findings[town.key])
        ordered += [
            findings[u.key]
            for u in checked
            if u.kind is UnitKind.village and u.parent == town.key and u.key in findings
        ]
    ordered += [f for f in findings.values() if f.kind is UnitKind.village and f.town is None]
    ordered += [f for f in findings.values() if f.kind is UnitKind.department]
    return PlatformCheck(
        period=period,
        inspection_date=inspection,
        units_checked=len(checked),
        findings=tuple(ordered),
        notes=tuple(notes),
    )
