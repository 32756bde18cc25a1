"""The whole circular as DOCX, XLSX and CSV, read back."""

from __future__ import annotations

import csv
import dataclasses
import io
import json

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from app.reports import ANNEX_COLUMNS, build_report
from app.reports.circular import Circular
from app.reports.circular_export import to_csv, to_docx, to_xlsx
from app.reports.export import DOWNLOADS, FORMATS
from app.reports.platforms import PLATFORM_ANNEX_COLUMNS, ColumnInput, UnitInput, UnitKind, check_platforms
from tests.reports import platform_world as pw
from tests.reports import world


@pytest.fixture(scope="module")
def circular() -> Circular:
    report = build_report(world.Q2, world.accounts(), world.hits())
    return Circular(report, pw.COUNTS, check_platforms(world.Q2, pw.units(), cycles=pw.OFFICE_CYCLES), urged=True)


def test_docx_is_the_whole_circular(circular: Circular) -> None:
    document = Document(io.BytesIO(to_docx(circular)))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[:3] == [circular.title, "总体情况", pw.SEED_DISCLOSURE]
    body = texts[: texts.index("附件：1.检查政务新媒体发现的问题清单")]
    assert body == [circular.title, *circular.paragraphs]
    assert "2.检查镇村信息公开平台发现的问题清单" in texts and "3.检查部门信息公开平台发现的问题清单" in texts
    for label, title in [
        ("附件1", circular.report.annex_title),
        ("附件2", circular.platforms.town_annex_title),
        ("附件3", circular.platforms.department_annex_title),
    ]:
        assert texts[texts.index(label) + 1] == title
    tables = [[tuple(c.text for c in row.cells) for row in table.rows] for table in document.tables]
    assert tables == [
        [ANNEX_COLUMNS, *world.SEED_ANNEX],
        [PLATFORM_ANNEX_COLUMNS, *pw.SEED_ANNEX2],
        [PLATFORM_ANNEX_COLUMNS, *pw.SEED_ANNEX3],
    ]

    def east_asia(paragraph_text: str) -> str:
        paragraph = next(p for p in document.paragraphs if p.text == paragraph_text)
        return paragraph.runs[-1]._element.rPr.rFonts.get(qn("w:eastAsia"))

    assert east_asia(circular.title) == "宋体"
    assert east_asia("总体情况") == east_asia("附件2") == "黑体"
    assert east_asia(pw.SEED_LETTERS) == "仿宋"
    for table in document.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_xlsx_has_a_sheet_per_annex(circular: Circular) -> None:
    book = load_workbook(io.BytesIO(to_xlsx(circular)))
    assert book.sheetnames == ["附件1", "附件2", "附件3", "错敏问题明细"]
    assert list(book["附件1"].iter_rows(min_row=3, values_only=True)) == world.SEED_ANNEX
    for name, title, rows in [
        ("附件2", circular.platforms.town_annex_title, pw.SEED_ANNEX2),
        ("附件3", circular.platforms.department_annex_title, pw.SEED_ANNEX3),
    ]:
        sheet = book[name]
        assert sheet["A1"].value == title
        assert next(sheet.iter_rows(min_row=2, max_row=2, values_only=True)) == PLATFORM_ANNEX_COLUMNS
        assert list(sheet.iter_rows(min_row=3, values_only=True)) == rows
    assert len(list(book["错敏问题明细"].iter_rows(min_row=3))) == 24


def test_csv_per_annex(circular: Circular) -> None:
    for annex, rows in [(1, world.SEED_ANNEX), (2, pw.SEED_ANNEX2), (3, pw.SEED_ANNEX3)]:
        data = to_csv(circular, annex)
        assert data.startswith(b"\xef\xbb\xbf")
        assert [tuple(r) for r in csv.reader(io.StringIO(data.decode("utf-8-sig")))][1:] == rows
    with pytest.raises(ValueError, match="没有附件4"):
        to_csv(circular, 4)
    assert FORMATS["csv"].filename(circular, 2) == "检查镇村信息公开平台发现的问题清单（2023年第二季度）.csv"
    assert FORMATS["docx"].filename(circular) == "关于2023年第二季度全区政府网站与政务新媒体检查情况的通报.docx"


def test_imported_names_cannot_break_or_attack_the_files(circular: Circular) -> None:
    """A unit name with a control character, a column name that reads as a formula."""
    units = [
        UnitInput(
            1,
            '=HYPERLINK("http://x")区\x07局',
            UnitKind.department,
            columns=[ColumnInput("@SUM(1)", (world.Q2.start.replace(year=2020),), pw.parse_cycle("1年"))],
        )
    ]
    hostile = dataclasses.replace(circular, platforms=check_platforms(world.Q2, units))
    (row,) = list(csv.reader(io.StringIO(to_csv(hostile, 3).decode("utf-8-sig"))))[1:]
    assert row[1] == '\'=HYPERLINK("http://x")区局' and row[2] == "“@SUM(1)”栏目超1年未更新"
    sheet = load_workbook(io.BytesIO(to_xlsx(hostile)))["附件3"]
    assert sheet["B3"].value == '=HYPERLINK("http://x")区局' and sheet["B3"].data_type == "s"
    table = Document(io.BytesIO(to_docx(hostile))).tables[2]
    assert table.rows[1].cells[1].text == '=HYPERLINK("http://x")区局'


def test_one_list_of_formats_for_every_front_end(circular: Circular) -> None:
    """The CLI offers every format, the API json and the downloads, the report page the downloads."""
    assert list(FORMATS) == ["text", "json", "xlsx", "docx", "csv"]
    assert DOWNLOADS == ("xlsx", "docx", "csv")
    assert FORMATS["docx"].media_type.endswith("wordprocessingml.document")
    assert FORMATS["csv"].media_type.startswith("text/csv")
    # The annex matters to CSV only (a DOCX's bytes hold the time it was written: compare the words).
    first, third = (
        [p.text for p in Document(io.BytesIO(FORMATS["docx"].render(circular, n))).paragraphs] for n in (1, 3)
    )
    assert first == third
    assert FORMATS["csv"].render(circular, 2) == to_csv(circular, 2)
    text = FORMATS["text"].render(circular).decode()
    assert text.startswith(circular.title + "\n\n" + circular.text)
    assert "\n附件3\n" in text and "\t".join(PLATFORM_ANNEX_COLUMNS) in text
    assert json.loads(FORMATS["json"].render(circular)) == json.loads(
        json.dumps(circular.as_dict(), ensure_ascii=False)
    )
