"""The whole circular as files: DOCX (the body and the three annex tables), XLSX (one sheet per annex, and the hits),
CSV (one annex per file). `export.FORMATS` offers them to `GET /api/reports/{quarter}?format=`, `cuomin report
--format` and the report page.

- DOCX: A4 with the GB/T 9704 margins; title in 宋体, headings in 黑体, body in 仿宋 三号 with a two-character
  first-line indent; after 附件： the annex list, then each annex on a new page as `export.to_docx` prints 附件1
  (黑体 label, 宋体 title, a Word table whose header row repeats on every page).
- XLSX: sheets 附件1, 附件2, 附件3 (title row, the annex's columns), then 错敏问题明细 (as `export.to_xlsx`).
- CSV: UTF-8 with BOM, the annex's columns, no title row; cells a spreadsheet would run as formulas start with '.
Every cell goes through `cells`: imported names may carry control characters or start like a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from docx.document import Document as DocumentType
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Length, Pt
from openpyxl import load_workbook

from app.reports.cells import csv_text, xml_text
from app.reports.circular import Circular
from app.reports.findings import ANNEX_COLUMNS
from app.reports.new_media_annex import (
    BODY_FONT,
    HEADER_FONT,
    TITLE_FONT,
    _cell,
    _repeat_header,
    _run,
    _xlsx_table,
    a4_document,
)
from app.reports.new_media_annex import to_xlsx as new_media_xlsx
from app.reports.platforms import PLATFORM_ANNEX_COLUMNS

_ANNEX1_WIDTHS = (Cm(4.4), Cm(3.0), Cm(1.5), Cm(3.5), Cm(3.2))
_PLATFORM_WIDTHS = (Cm(1.6), Cm(5.4), Cm(8.6))  # 15.6 cm: the text width


@dataclass(frozen=True)
class Annex:
    number: int
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    centered: tuple[int, ...]  # columns printed centered


def annexes(circular: Circular) -> tuple[Annex, Annex, Annex]:
    platforms = circular.platforms
    return (
        Annex(1, circular.report.annex_title, ANNEX_COLUMNS, tuple(r.cells() for r in circular.report.annex), (0, 2)),
        Annex(
            2, platforms.town_annex_title, PLATFORM_ANNEX_COLUMNS, tuple(r.cells() for r in platforms.town_annex), (0,)
        ),
        Annex(
            3,
            platforms.department_annex_title,
            PLATFORM_ANNEX_COLUMNS,
            tuple(r.cells() for r in platforms.department_annex),
            (0,),
        ),
    )


def get_annex(circular: Circular, number: int) -> Annex:
    if number not in (1, 2, 3):
        raise ValueError(f"附件只有 1、2、3，没有附件{number}")
    return annexes(circular)[number - 1]


def to_csv(circular: Circular, annex: int = 1) -> bytes:
    chosen = get_annex(circular, annex)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(chosen.columns)
    writer.writerows([csv_text(cell) for cell in row] for row in chosen.rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(circular: Circular) -> bytes:
    # 附件1 and the hits sheet are defined once, in export.to_xlsx; the platform annexes go in between.
    book = load_workbook(io.BytesIO(new_media_xlsx(circular.report)))
    for annex in annexes(circular)[1:]:
        sheet = book.create_sheet(f"附件{annex.number}", index=annex.number - 1)
        rows: list[tuple[object, ...]] = [tuple(xml_text(cell) for cell in row) for row in annex.rows]
        _xlsx_table(sheet, xml_text(annex.title), annex.columns, rows, (8, 40, 70))
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_docx(circular: Circular) -> bytes:
    document = a4_document(Pt(16))  # 三号

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(16)
    _run(title, xml_text(circular.title), TITLE_FONT, Pt(22), bold=True)  # 二号
    _heading(document, "总体情况")
    for text in circular.sections:
        _body(document, text)
    _heading(document, "存在主要问题")
    for text in circular.problems:
        _body(document, text)
    listing = document.add_paragraph()
    listing.paragraph_format.space_before = Pt(16)
    _run(listing, "附件：" + circular.annex_list[0], BODY_FONT, Pt(16))
    for line in circular.annex_list[1:]:
        item = document.add_paragraph()
        item.paragraph_format.left_indent = Pt(48)  # under the first title, past "附件："
        _run(item, line, BODY_FONT, Pt(16))

    for annex in annexes(circular):
        label = document.add_paragraph()
        label.add_run().add_break(WD_BREAK.PAGE)
        _run(label, f"附件{annex.number}", HEADER_FONT, Pt(16))
        heading = document.add_paragraph()
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        heading.paragraph_format.space_after = Pt(12)
        _run(heading, xml_text(annex.title), TITLE_FONT, Pt(18), bold=True)
        widths = _ANNEX1_WIDTHS if annex.number == 1 else _PLATFORM_WIDTHS
        _table(document, annex, widths)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _heading(document: DocumentType, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Pt(32)
    _run(paragraph, text, HEADER_FONT, Pt(16))


def _body(document: DocumentType, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = Pt(32)  # two characters of 三号
    paragraph.paragraph_format.line_spacing = Pt(28)
    _run(paragraph, xml_text(text), BODY_FONT, Pt(16))


def _table(document: DocumentType, annex: Annex, widths: Sequence[Length]) -> None:
    table = document.add_table(rows=1, cols=len(annex.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header = table.rows[0]
    _repeat_header(header)
    for cell, text in zip(header.cells, annex.columns, strict=True):
        _cell(cell, text, HEADER_FONT, center=True)
    for row in annex.rows:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, row, strict=True)):
            _cell(cell, xml_text(text), BODY_FONT, center=index in annex.centered)
    # Word reads the cell widths, LibreOffice and WPS the grid: set both.
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for table_row in table.rows:
        for cell, width in zip(table_row.cells, widths, strict=True):
            cell.width = width
