"""Account lists as the circulars publish them: CSV or XLSX with the columns 备案单号, 政务新媒体名称,
类型, 所属组织 (in any order, extra columns ignored, the header on one of the first rows)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from app.ingest.encoding import decode_bytes
from app.vocabulary import Platform

COLUMNS = {"filing_no": "备案单号", "name": "政务新媒体名称", "platform": "类型", "organization": "所属组织"}
# Header spellings seen in circulars besides the canonical ones.
_ALIASES = {
    "filing_no": {"备案单号", "备案号", "备案编号"},
    "name": {"政务新媒体名称", "账号名称", "名称"},
    "platform": {"类型", "平台", "平台类型"},
    "organization": {"所属组织", "主办单位", "所属单位", "开办主体"},
}
_HEADER_SEARCH_ROWS = 10


class AccountsFileError(ValueError):
    """The file cannot be read as an account list at all."""


@dataclass(frozen=True, slots=True)
class AccountRow:
    line: int  # 1-based row number in the file, for messages
    filing_no: str
    name: str
    platform: Platform
    organization: str | None


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    message: str


def read_accounts_file(path: Path) -> list[AccountRow | RowError]:
    """Every data row of a .csv or .xlsx file, parsed or with the reason it could not be."""
    return read_accounts_data(path.read_bytes(), path.name)


def read_accounts_data(data: bytes, filename: str) -> list[AccountRow | RowError]:
    """The same, for a file's bytes (an upload); its name tells the format."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(data)
    elif suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(data)
    else:
        raise AccountsFileError(f"不支持的文件类型“{suffix or filename}”：请使用 .csv 或 .xlsx")
    return list(parse_rows(rows))


def _csv_rows(data: bytes) -> list[list[str]]:
    # Excel in Chinese locales saves CSV as GBK; everything else is UTF-8 (perhaps with a BOM).
    text = decode_bytes(data)
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:  # a NUL byte, an unterminated quote…: an upload may be anything
        raise AccountsFileError(f"无法读取 CSV 文件：{exc}") from None


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise AccountsFileError(f"无法读取 Excel 文件：{exc}") from exc
    try:
        sheet = book.worksheets[0]
        return [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def parse_rows(rows: list[list[str]]) -> Iterator[AccountRow | RowError]:
    header_at, columns = _find_header(rows)
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        cells = {field: _cell(row, index) for field, index in columns.items()}
        if not any(cells.values()):
            continue  # blank line
        missing = [COLUMNS[f] for f in ("filing_no", "name", "platform") if not cells[f]]
        if missing:
            yield RowError(number, f"第 {number} 行缺少{'、'.join(missing)}")
            continue
        try:
            platform = Platform.parse(cells["platform"])
        except ValueError as exc:
            yield RowError(number, f"第 {number} 行：{exc}")
            continue
        if len(cells["filing_no"]) > 64 or len(cells["name"]) > 200 or len(cells.get("organization", "")) > 200:
            yield RowError(number, f"第 {number} 行：备案单号、名称或所属组织过长")
            continue
        yield AccountRow(number, cells["filing_no"], cells["name"], platform, cells.get("organization") or None)


def _cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return " ".join(str(row[index]).split())


def _find_header(rows: list[list[str]]) -> tuple[int, dict[str, int | None]]:
    for at, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        names = [" ".join(str(c).split()) for c in row]
        columns: dict[str, int | None] = {}
        for field, aliases in _ALIASES.items():
            columns[field] = next((i for i, name in enumerate(names) if name in aliases), None)
        if columns["filing_no"] is not None and columns["name"] is not None:
            missing = [COLUMNS[f] for f in ("platform",) if columns[f] is None]
            if missing:
                raise AccountsFileError(f"表头缺少列：{'、'.join(missing)}")
            return at, columns
    raise AccountsFileError(f"前 {_HEADER_SEARCH_ROWS} 行中没有找到表头（应有列：{'、'.join(COLUMNS.values())}）")
