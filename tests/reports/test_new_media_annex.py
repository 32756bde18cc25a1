from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.text.run import Run
from openpyxl import load_workbook

from app.reports import ANNEX_COLUMNS, Report, build_report
from app.reports.new_media_annex import HIT_COLUMNS, to_csv, to_docx, to_xlsx
from tests.reports import world

TITLE = "检查政务新媒体发现的问题清单（2023年第二季度）"


@pytest.fixture(scope="module")
def report() -> Report:
    hits = world.hits()
    # Wording that a spreadsheet would take for a formula must stay text.
    hits[1] = dataclasses.replace(hits[1], text="=1+1", article_title="+86 通知")
    return build_report(world.Q2, world.accounts(), hits)


def test_xlsx_annex_sheet(report: Report) -> None:
    book = load_workbook(io.BytesIO(to_bytes(report, "xlsx")))
    assert book.sheetnames == ["附件1", "错敏问题明细"]
    sheet = book["附件1"]
    assert sheet["A1"].value == TITLE
    assert "A1:E1" in {str(r) for r in sheet.merged_cells.ranges}
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == ANNEX_COLUMNS
    assert rows[2:] == world.SEED_ANNEX
    long_no = sheet["A7"]
    assert long_no.value == "1001049716300575024"
    assert long_no.data_type == "s" and long_no.number_format == "@"
    assert sheet.max_column == 5


def test_xlsx_hits_sheet(report: Report) -> None:
    sheet = load_workbook(io.BytesIO(to_bytes(report, "xlsx")))["错敏问题明细"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("错敏问题明细（2023年第二季度）",) + (None,) * (len(HIT_COLUMNS) - 1)
    assert rows[1] == HIT_COLUMNS
    body = [dict(zip(HIT_COLUMNS, row, strict=True)) for row in rows[2:]]
    assert len(body) == len(report.hits) == 24
    assert sum(row["严重程度"] == "严重表述错误" for row in body) == 21
    first = next(row for row in body if row["备案单号"] == "70743")
    assert first == {
        "政务新媒体名称": "新时代新万店",
        "备案单号": "70743",
        "文章标题": "70743的第0篇文章",
        "发布日期": dt.datetime(2023, 4, 1),  # 2023-03-31 17:00 UTC, in Beijing
        "链接": "https://mp.weixin.qq.com/s/70743-0",
        "错误表述": "做为",
        "上下文": "……他做为一名党员冲锋在前……",
        "修改建议": "作为",
        "审核人": "张艳艳",
        "严重程度": "严重表述错误",
        "类别": "常见错别字",
    }
    formula_like = next(row for row in body if row["错误表述"] == "=1+1")
    assert formula_like["文章标题"] == "+86 通知"
    links = {cell.value: cell.hyperlink.target for (cell,) in sheet.iter_rows(min_row=3, min_col=5, max_col=5)}
    assert links["https://mp.weixin.qq.com/s/70743-0"] == "https://mp.weixin.qq.com/s/70743-0"
    assert {row["政务新媒体名称"] for row in body} >= {"曾都发布", "曾都统计"}  # warnings of accounts without problems


def test_xlsx_cells_that_look_like_formulas_are_text(report: Report) -> None:
    sheet = load_workbook(io.BytesIO(to_bytes(report, "xlsx")))["错敏问题明细"]
    cells = [cell for row in sheet.iter_rows(min_row=3) for cell in row if cell.value == "=1+1"]
    assert len(cells) == 1 and cells[0].data_type == "s"


def test_docx(report: Report) -> None:
    document = Document(io.BytesIO(to_bytes(report, "docx")))
    texts = [p.text for p in document.paragraphs]
    assert texts[:2] == ["附件1", TITLE]
    assert len(document.tables) == 1
    table = document.tables[0]
    rows = [tuple(cell.text for cell in row.cells) for row in table.rows]
    assert rows[0] == ANNEX_COLUMNS
    assert rows[1:] == world.SEED_ANNEX
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert section.page_width < section.page_height  # portrait

    def east_asia(run: Run) -> str:
        return run._element.rPr.rFonts.get(qn("w:eastAsia"))

    assert east_asia(document.paragraphs[0].runs[0]) == "黑体"
    assert east_asia(document.paragraphs[1].runs[0]) == "宋体"
    assert {east_asia(cell.paragraphs[0].runs[0]) for cell in table.rows[0].cells} == {"黑体"}
    body = {east_asia(cell.paragraphs[0].runs[0]) for row in table.rows[1:] for cell in row.cells}
    assert body == {"仿宋"}
    # The header row repeats on every page; the columns fill the text width.
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert abs(sum(cell.width for cell in table.rows[1].cells) - (Cm(21) - Cm(2.8) - Cm(2.6))) < Cm(0.01)
    assert table.style.name == "Table Grid"


def test_csv(report: Report) -> None:
    data = to_bytes(report, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert tuple(rows[0]) == ANNEX_COLUMNS
    assert [tuple(row) for row in rows[1:]] == world.SEED_ANNEX


def test_empty_annex_still_has_the_header() -> None:
    empty = build_report(world.Q2, [], [])
    assert list(csv.reader(io.StringIO(to_bytes(empty, "csv").decode("utf-8-sig")))) == [list(ANNEX_COLUMNS)]
    assert [
        tuple(c.text for c in row.cells) for row in Document(io.BytesIO(to_bytes(empty, "docx"))).tables[0].rows
    ] == [ANNEX_COLUMNS]
    sheets = load_workbook(io.BytesIO(to_bytes(empty, "xlsx")))
    assert list(sheets["附件1"].iter_rows(min_row=2, values_only=True)) == [ANNEX_COLUMNS]
    assert list(sheets["错敏问题明细"].iter_rows(min_row=3, values_only=True)) == []


def to_bytes(report: Report, fmt: str) -> bytes:
    return {"xlsx": to_xlsx, "docx": to_docx, "csv": to_csv}[fmt](report)


# -- hostile values (issue 15: items 5 and 6) ------------------------------------------------------


@pytest.fixture(scope="module")
def hostile() -> Report:
    accounts = [
        dataclasses.replace(a, name=f"=1+1\x0b{a.name}\x1b", organization="@SUM(A1)\x0c") for a in world.accounts()
    ]
    hits = world.hits()
    hits = [
        dataclasses.replace(h, article_title="标题\x0b含控制字符\x1b", context="上下文\x0c", url="javascript:alert(1)")
        for h in hits
    ]
    hits[0] = dataclasses.replace(hits[0], url="https://mp.weixin.qq.com/s/abc")
    return build_report(world.Q2, accounts, hits)


def test_control_characters_do_not_break_xlsx_or_docx(hostile: Report) -> None:
    book = load_workbook(io.BytesIO(to_bytes(hostile, "xlsx")))
    values = [c for row in book["错敏问题明细"].iter_rows(min_row=3, values_only=True) for c in row]
    assert "标题含控制字符" in values and not any(isinstance(v, str) and "\x0b" in v for v in values)
    annex = [c for row in book["附件1"].iter_rows(min_row=3, values_only=True) for c in row]
    assert annex and all(c.startswith("=1+1") for c in annex[1::5]) and "@SUM(A1)" in annex
    document = Document(io.BytesIO(to_bytes(hostile, "docx")))
    names = [row.cells[1].text for row in document.tables[0].rows[1:]]
    assert names and all(name.startswith("=1+1") and "\x0b" not in name for name in names)


def test_only_web_links_become_hyperlinks(hostile: Report) -> None:
    sheet = load_workbook(io.BytesIO(to_bytes(hostile, "xlsx")))["错敏问题明细"]
    links = {cell.value: cell.hyperlink for (cell,) in sheet.iter_rows(min_row=3, min_col=5, max_col=5) if cell.value}
    assert links["https://mp.weixin.qq.com/s/abc"].target == "https://mp.weixin.qq.com/s/abc"
    assert links["javascript:alert(1)"] is None


def test_csv_cells_are_never_formulas(hostile: Report) -> None:
    rows = list(csv.reader(io.StringIO(to_bytes(hostile, "csv").decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert any(cell.startswith("'=1+1\x0b") for cell in cells) and "'@SUM(A1)" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
