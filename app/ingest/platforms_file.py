"""Disclosure-platform lists and the quarter's counts as offices keep them: CSV or XLSX, one header row (on one
of the first rows), columns in any order, extra columns ignored. Per-row errors as in `accounts_file`.

Platforms (`read_platforms_file`), one row per column of a unit (a unit may also stand alone, without 栏目):
责任单位, 平台类别 (镇办／部门／村（居）), 所属镇办 (villages), 栏目, 更新周期, 最近更新日期; optional 所属组织, 简称.

Counts (`read_figures_file`): 类别 (主动公开／依申请公开／问政信件), 单位 (or 部门), 渠道或类型, 数量 (受理数), 办结数
(答复／回复数); optional 季度 (2023Q2) when the command is not given one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from app.ingest.accounts_file import AccountsFileError, _csv_rows, _xlsx_rows
from app.reports.cycles import UpdateCycle, parse_cycle
from app.reports.platforms import UnitKind

_HEADER_SEARCH_ROWS = 10
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")

PLATFORM_COLUMNS = {
    "unit": ("责任单位", "单位", "单位名称", "责任单位名称"),
    "kind": ("平台类别", "类别", "平台类型", "单位类别"),
    "town": ("所属镇办", "所属镇", "所属乡镇", "所属镇（街道）", "上级单位"),
    "column": ("栏目", "栏目名称"),
    "cycle": ("更新周期", "周期"),
    "updated": ("最近更新日期", "更新日期", "最近更新", "最后更新日期"),
    "organization": ("所属组织",),
    "short_name": ("简称",),
}
FIGURE_COLUMNS = {
    "quarter": ("季度",),
    "kind": ("类别", "数据类别"),
    "unit": ("单位", "部门", "责任单位", "受理单位"),
    "detail": ("渠道或类型", "渠道", "受理渠道", "类型", "信件类型"),
    "received": ("数量", "受理数", "件数", "条数", "受理件数"),
    "answered": ("办结数", "答复数", "回复数", "办结件数"),
}
FIGURE_KINDS = {"主动公开": "proactive", "依申请公开": "request", "问政信件": "letter", "问政": "letter"}


class PlatformsFileError(AccountsFileError):
    """The file cannot be read as a platform or counts list at all."""


@dataclass(frozen=True, slots=True)
class PlatformRow:
    line: int
    unit: str
    kind: UnitKind
    town: str | None
    column: str | None
    cycle: UpdateCycle | None
    cycle_text: str | None  # as written, stored with the column
    updated: dt.date | None
    organization: str | None
    short_name: str | None


@dataclass(frozen=True, slots=True)
class FigureRow:
    line: int
    quarter: str | None
    kind: str  # proactive, request, letter
    unit: str
    detail: str
    received: int
    answered: int


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    message: str


def read_rows(path: Path) -> list[list[str]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_rows(path.read_bytes())
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path.read_bytes())
    raise PlatformsFileError(f"不支持的文件类型“{path.suffix}”：请使用 .csv 或 .xlsx")


def read_platforms_file(path: Path) -> list[PlatformRow | RowError]:
    return list(parse_platform_rows(read_rows(path)))


def read_figures_file(path: Path) -> list[FigureRow | RowError]:
    return list(parse_figure_rows(read_rows(path)))


def parse_date(value: str) -> dt.date:
    """2023-06-30, 2023/6/30, 2023.6.30, 2023年6月30日 (an Excel date cell too); ValueError in Chinese otherwise."""
    match = _DATE_RE.match(value.strip())
    if match is None:
        raise ValueError(f"日期“{value}”格式不正确，应为如 2023-06-30")
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError(f"日期“{value}”不存在") from None


def parse_platform_rows(rows: list[list[str]]) -> Iterator[PlatformRow | RowError]:
    header_at, columns = _find_header(rows, PLATFORM_COLUMNS, required=("unit", "kind"))
    for number, cells in _data_rows(rows, header_at, columns):
        missing = [PLATFORM_COLUMNS[f][0] for f in ("unit", "kind") if not cells[f]]
        if missing:
            yield RowError(number, f"第 {number} 行缺少{'、'.join(missing)}")
            continue
        try:
            kind = UnitKind.parse(cells["kind"])
            cycle = parse_cycle(cells["cycle"]) if cells["cycle"] else None
            updated = parse_date(cells["updated"]) if cells["updated"] else None
        except ValueError as exc:
            yield RowError(number, f"第 {number} 行：{exc}")
            continue
        if kind is UnitKind.village and not cells["town"]:
            yield RowError(number, f"第 {number} 行：村（居）“{cells['unit']}”缺少所属镇办")
            continue
        if kind is not UnitKind.village and cells["town"]:
            yield RowError(number, f"第 {number} 行：只有村（居）才有所属镇办，“{cells['unit']}”是{kind.label}")
            continue
        if (updated or cycle) and not cells["column"]:
            yield RowError(number, f"第 {number} 行：填了更新周期或日期，但没有栏目名称")
            continue
        if (
            any(len(cells[f]) > 200 for f in ("unit", "town", "column", "organization"))
            or len(cells["short_name"]) > 100
        ):
            yield RowError(number, f"第 {number} 行：单位、栏目或组织名称过长")
            continue
        yield PlatformRow(
            line=number,
            unit=cells["unit"],
            kind=kind,
            town=cells["town"] or None,
            column=cells["column"] or None,
            cycle=cycle,
            cycle_text=cycle.label if cycle else None,
            updated=updated,
            organization=cells["organization"] or None,
            short_name=cells["short_name"] or None,
        )


def parse_figure_rows(rows: list[list[str]]) -> Iterator[FigureRow | RowError]:
    header_at, columns = _find_header(rows, FIGURE_COLUMNS, required=("kind", "received"))
    for number, cells in _data_rows(rows, header_at, columns):
        kind = FIGURE_KINDS.get(cells["kind"].removesuffix("类"))
        if kind is None:
            yield RowError(
                number, f"第 {number} 行：未知的类别“{cells['kind']}”，应为主动公开、依申请公开、问政信件之一"
            )
            continue
        if kind != "proactive" and not (cells["unit"] and cells["detail"]):
            what = "受理渠道" if kind == "request" else "信件类型"
            yield RowError(number, f"第 {number} 行：{cells['kind']}须填写单位和{what}")
            continue
        try:
            received = _count(cells["received"], "数量")
            answered = (
                _count(cells["answered"], "办结数") if cells["answered"] else (received if kind == "proactive" else 0)
            )
        except ValueError as exc:
            yield RowError(number, f"第 {number} 行：{exc}")
            continue
        if answered > received:
            yield RowError(number, f"第 {number} 行：办结数 {answered} 大于受理数 {received}")
            continue
        if len(cells["unit"]) > 200 or len(cells["detail"]) > 100:
            yield RowError(number, f"第 {number} 行：单位或渠道、类型过长")
            continue
        yield FigureRow(number, cells["quarter"] or None, kind, cells["unit"], cells["detail"], received, answered)


def _count(value: str, what: str) -> int:
    text = value.strip().removesuffix(".0")  # Excel stores whole numbers as 3.0
    if not text.isdigit() or len(text) > 9:
        raise ValueError(f"{what}“{value}”应为非负整数")
    return int(text)


def _data_rows(
    rows: list[list[str]], header_at: int, columns: dict[str, int | None]
) -> Iterator[tuple[int, dict[str, str]]]:
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        cells = {field: _cell(row, index) for field, index in columns.items()}
        if any(cells.values()):
            yield number, cells


def _cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return " ".join(str(row[index]).split())


def _find_header(
    rows: list[list[str]], aliases: dict[str, tuple[str, ...]], *, required: tuple[str, ...]
) -> tuple[int, dict[str, int | None]]:
    for at, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        names = [" ".join(str(c).split()) for c in row]
        columns = {
            field: next((i for i, n in enumerate(names) if n in spellings), None)
            for field, spellings in aliases.items()
        }
        if all(columns[f] is not None for f in required):
            return at, columns
    wanted = "、".join(spellings[0] for spellings in aliases.values())
    raise PlatformsFileError(f"前 {_HEADER_SEARCH_ROWS} 行中没有找到表头（应有列：{wanted}）")
