"""附件1 (the new-media accounts' problems) alone as XLSX, DOCX and CSV, and the office-file building blocks
(fonts, Word cells and runs, sheet tables) that the whole circular's files (`circular_export`) reuse.

- XLSX: sheet 附件1 with the title row and the circular's five columns (备案单号 stored as text, so
  1001049716300575024 stays exact), and sheet 错敏问题明细 with every confirmed hit of the period.
- DOCX: 附件1 as the circular prints it: A4, "附件1" in 黑体, the title in 宋体, a real Word table with a
  黑体 header row (repeated on every page) and 仿宋 cells; fonts are set per run including w:eastAsia, so
  they survive being pasted into the office's circular.
- CSV: UTF-8 with BOM (Excel then reads the Chinese correctly), the five columns, no title row. The values
  are exact; Excel opening the CSV directly shows a 19-digit 备案单号 as a rounded number, so the
  XLSX is the file to open in Excel.

Whatever was ingested, the files open safely: control characters that XML cannot hold (U+000B, U+001B…)
are dropped, a CSV cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) starts
with an apostrophe (OWASP "CSV injection"), and only http(s) links become hyperlinks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Length, Pt
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.reports.findings import ANNEX_COLUMNS, Report

HIT_COLUMNS = (
    "政务新媒体名称",
    "备案单号",
    "文章标题",
    "发布日期",
    "链接",
    "错误表述",
    "上下文",
    "修改建议",
    "审核人",
    "严重程度",
    "类别",
)
ANNEX_SHEET = "附件1"
HITS_SHEET = "错敏问题明细"
ANNEX_LABEL = "附件1"

# Fonts of Chinese official documents (GB/T 9704): 仿宋 for text, 黑体 for headings, 宋体 for titles.
BODY_FONT = "仿宋"
HEADER_FONT = "黑体"
TITLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_WEB_LINK = re.compile(r"^https?://", re.IGNORECASE)


def _printable(text: str) -> str:
    """text without the control characters an XML document (XLSX, DOCX) cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _csv_cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(report: Report) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(ANNEX_COLUMNS)
    writer.writerows([_csv_cell(cell) for cell in row.cells()] for row in report.annex)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    annex = workbook.active
    assert annex is not None
    annex.title = ANNEX_SHEET
    _xlsx_table(annex, report.annex_title, ANNEX_COLUMNS, [row.cells() for row in report.annex], (22, 18, 8, 26, 30))
    annex.page_setup.paperSize = annex.PAPERSIZE_A4

    names = {finding.key: finding for finding in report.accounts}
    rows = [
        (
            names[hit.account_key].name,
            names[hit.account_key].filing_no,
            hit.article_title,
            hit.published_on,
            hit.url or "",
            hit.text,
            hit.context,
            "、".join(hit.suggestions),
            hit.reviewer or "",
            hit.severity_label,
            hit.category,
        )
        for hit in report.hits
    ]
    hits = workbook.create_sheet(HITS_SHEET)
    title = f"错敏问题明细（{report.quarter.label}）"
    _xlsx_table(hits, title, HIT_COLUMNS, rows, (18, 22, 36, 12, 40, 14, 40, 16, 10, 12, 14))
    hits.auto_filter.ref = f"A2:{get_column_letter(len(HIT_COLUMNS))}{len(rows) + 2}"
    for row in hits.iter_rows(min_row=3, min_col=5, max_col=5):
        for cell in row:
            if cell.value and _WEB_LINK.match(str(cell.value)):  # never javascript: or file:
                cell.hyperlink = str(cell.value)
                cell.font = Font(name=BODY_FONT, size=11, color="0563C1", underline="single")

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_table(
    sheet: Worksheet, title: str, columns: tuple[str, ...], rows: Sequence[tuple[object, ...]], widths: tuple[int, ...]
) -> None:
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    sheet.cell(1, 1).font = Font(name=TITLE_FONT, size=16, bold=True)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 30
    sheet.append(list(columns))
    for cell in sheet[2]:
        cell.font = Font(name=HEADER_FONT, size=11, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    for values in rows:
        sheet.append([_xlsx_value(value) for value in values])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(name=BODY_FONT, size=11)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            cell.border = border
            if isinstance(cell.value, str):
                # Text, never a number or a formula: 备案单号 keeps all its digits, "=…" stays as written.
                cell.data_type = "s"
                cell.number_format = "@"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"


def _xlsx_value(value: object) -> object:
    if isinstance(value, dt.date):
        return value
    return _printable(value if isinstance(value, str) else str(value))


# Column widths of the DOCX table (sum = A4 text width with the GB/T 9704 margins, 15.6 cm).
_DOCX_WIDTHS = (Cm(4.4), Cm(3.0), Cm(1.5), Cm(3.5), Cm(3.2))


def a4_document(body_size: Length) -> DocumentType:
    """A new A4 document with the margins of GB/T 9704, its text in 仿宋 (Latin in Times New Roman) at body_size."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = body_size
    _east_asia(normal.element.get_or_add_rPr(), BODY_FONT)
    return document


def to_docx(report: Report) -> bytes:
    document = a4_document(Pt(12))

    label = document.add_paragraph()
    _run(label, ANNEX_LABEL, HEADER_FONT, Pt(16))  # 三号黑体
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(12)
    _run(title, report.annex_title, TITLE_FONT, Pt(18), bold=True)  # 小二号宋体

    table = document.add_table(rows=1, cols=len(ANNEX_COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header = table.rows[0]
    _repeat_header(header)
    for cell, text in zip(header.cells, ANNEX_COLUMNS, strict=True):
        _cell(cell, text, HEADER_FONT, center=True)
    for row in report.annex:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, row.cells(), strict=True)):
            _cell(cell, text, BODY_FONT, center=index in (0, 2))
    # Word reads the cell widths, LibreOffice and WPS the grid: set both.
    for column, width in zip(table.columns, _DOCX_WIDTHS, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, _DOCX_WIDTHS, strict=True):
            cell.width = width

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _cell(cell: _Cell, text: str, font: str, *, center: bool) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
    _run(paragraph, text, font, Pt(12))  # 小四号


def _run(paragraph: Paragraph, text: str, font: str, size: Length, *, bold: bool = False) -> Run:
    run = paragraph.add_run(_printable(text))
    run.font.size = size
    run.font.bold = bold
    run.font.name = LATIN_FONT
    _east_asia(run._element.get_or_add_rPr(), font)
    return run


def _east_asia(rpr: BaseOxmlElement, font: str) -> None:
    """Word picks a run's font for Chinese characters from w:rFonts/@w:eastAsia, not from w:ascii."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), font)
    fonts.set(qn("w:hint"), "eastAsia")


def _repeat_header(row: _Row) -> None:
    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)
