"""The whole circular on the command line: platforms import (CSV and XLSX, per-row errors), cycles per column
name, the quarter's counts, and `cuomin report` with all four sections and annexes 1–3."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from docx import Document
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import DisclosureColumn, DisclosureColumnUpdate, DisclosureUnit
from tests.conftest import DatabaseUnderTest
from tests.reports import platform_world as pw
from tests.test_cli_db import run


def write_csv(path: Path, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["曾都区政府信息公开平台栏目表"])  # a title row above the header, as offices keep them
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def load_world(db: DatabaseUnderTest, tmp_path: Path) -> None:
    rows = pw.platform_rows()
    half = len(rows) // 2
    # Half as CSV, half as XLSX: the second file adds dates and units to the first one's.
    first = run(["platforms", "import", str(write_csv(tmp_path / "a.csv", pw.PLATFORM_HEADER, rows[:half]))], db.url)
    assert first.returncode in (0, 1), first.stderr
    second = run(["platforms", "import", str(write_xlsx(tmp_path / "b.xlsx", pw.PLATFORM_HEADER, rows))], db.url)
    assert second.returncode == 0, second.stderr
    assert "跳过 0 行" in second.stdout
    pairs = [f"{name}={cycle.label}" for name, cycle in pw.OFFICE_CYCLES.items()]
    assert run(["platforms", "cycle", *pairs], db.url).returncode == 0
    figures = write_csv(tmp_path / "figures.csv", ("类别", "单位", "渠道或类型", "数量", "办结数"), pw.figure_rows())
    done = run(["disclosures", "import", str(figures), "--quarter", "2023Q2"], db.url)
    assert done.returncode == 0, done.stderr
    assert "已录入：2023Q2 17 行" in done.stdout


def test_import_then_the_whole_circular(db: DatabaseUnderTest, tmp_path: Path) -> None:
    load_world(db, tmp_path)
    with Session(db.engine) as session:
        assert session.scalar(select(func.count()).select_from(DisclosureUnit)) == 32
        columns = session.scalar(select(func.count()).select_from(DisclosureColumn))
        updates = session.scalar(select(func.count()).select_from(DisclosureColumnUpdate))
        assert updates == len(pw.platform_rows()) and columns < updates  # most columns have two dates
    # Importing the same file again changes nothing.
    again = run(["platforms", "import", str(tmp_path / "b.xlsx")], db.url)
    assert "新增单位 0 个，更新 0 个，新增栏目 0 个，记录更新日期 0 次，跳过 0 行" in again.stdout

    text = run(["report", "2023Q2", "--urged"], db.url)
    assert text.returncode == 0, text.stderr
    for paragraph in (pw.SEED_DISCLOSURE, pw.SEED_LETTERS, pw.SEED_PLATFORMS):
        assert paragraph + "\n" in text.stdout
    assert "万店镇人民政府、曾都经济开发区管理委员会等2家“镇办信息公开平台”多个栏目应更新未更新。" in text.stdout
    assert "\n".join("\t".join(row) for row in pw.SEED_ANNEX2) in text.stdout
    assert "\n".join("\t".join(row) for row in pw.SEED_ANNEX3) in text.stdout
    assert "注意" not in text.stderr  # every column has a cycle, every count is recorded

    out = tmp_path / "通报.docx"
    assert run(["report", "2023Q2", "--urged", "--format", "docx", "-o", str(out)], db.url).returncode == 0
    tables = Document(str(out)).tables
    assert [tuple(c.text for c in row.cells) for row in tables[1].rows][1:] == pw.SEED_ANNEX2
    xlsx = tmp_path / "附件.xlsx"
    assert run(["report", "2023Q2", "--format", "xlsx", "-o", str(xlsx)], db.url).returncode == 0
    assert list(load_workbook(xlsx)["附件3"].iter_rows(min_row=3, values_only=True)) == pw.SEED_ANNEX3
    annex2 = run(["report", "2023Q2", "--format", "csv", "--annex", "2"], db.url).stdout
    assert [tuple(r) for r in csv.reader(io.StringIO(annex2.lstrip("\ufeff")))][1:] == pw.SEED_ANNEX2


def test_rows_with_errors_are_named_and_the_rest_imported(db: DatabaseUnderTest, tmp_path: Path) -> None:
    rows = [
        ("万店镇人民政府", "镇办", "", "通知公告", "6个月", "2023-05-01"),
        ("兴隆村村民委员会", "村（居）", "", "村务公开", "", "2023-05-01"),  # no town
        ("泉水寺村村民委员会", "村（居）", "何店镇人民政府", "村务公开", "", "2023-05-01"),  # town not registered
        ("区司法局", "学校", "", "通知公告", "", "2023-05-01"),  # unknown kind
        ("区财政局", "部门", "", "通知公告", "经常", "2023-05-01"),  # unknown cycle
        ("区统计局", "部门", "", "数据解读", "", "2023-13-01"),  # no such date
        ("区卫生健康局", "部门", "", "机构简介", "", ""),  # no date, no cycle: imported with warnings
        ("新店村村民委员会", "村（居）", "万店镇人民政府", "村简介", "一年", "2023年5月1日"),
    ]
    result = run(["platforms", "import", str(write_csv(tmp_path / "p.csv", pw.PLATFORM_HEADER, rows))], db.url)
    assert result.returncode == 1
    errors = result.stderr
    assert "第 3 行：村（居）“兴隆村村民委员会”缺少所属镇办" in errors
    assert "第 4 行：所属镇办“何店镇人民政府”未登记，也不在本文件中，已跳过" in errors
    assert "第 5 行：未知的平台类别“学校”" in errors
    assert "第 6 行：无法识别更新周期“经常”" in errors
    assert "第 7 行：日期“2023-13-01”不存在" in errors
    assert "第 8 行：区卫生健康局的“机构简介”栏目没有更新日期，报告中按从未更新列出" in errors
    assert "第 8 行：区卫生健康局的“机构简介”栏目没有更新周期（国家规定也没有）" in errors
    assert "新增单位 3 个，更新 0 个，新增栏目 3 个，记录更新日期 2 次，跳过 5 行。" in result.stdout
    report = run(["report", "2023Q2"], db.url)
    assert "注意：区卫生健康局的“机构简介”栏目没有更新周期，无法判断是否应更新未更新" in report.stderr
    assert "注意：没有录入2023年第二季度的主动公开信息条数" in report.stderr
    assert "（一）信息公开检查情况。第二季度的信息公开数据尚未录入。" in report.stdout


def test_bad_files_and_arguments(db: DatabaseUnderTest, tmp_path: Path) -> None:
    wrong = write_csv(tmp_path / "w.csv", ("名称", "备注"), [("甲", "乙")])
    result = run(["platforms", "import", str(wrong)], db.url)
    assert result.returncode == 1 and "没有找到表头" in result.stderr
    text = tmp_path / "p.txt"
    text.write_text("x", encoding="utf-8")
    assert "不支持的文件类型" in run(["platforms", "import", str(text)], db.url).stderr
    refused = run(["platforms", "cycle", "村简介=20个工作日"], db.url)
    assert refused.returncode == 2 and "按工作日计" in refused.stderr
    assert "应写成 栏目名称=更新周期" in run(["platforms", "cycle", "村简介"], db.url).stderr
    figures = write_csv(
        tmp_path / "f.csv",
        ("类别", "单位", "渠道或类型", "数量", "办结数"),
        [("问政信件", "区民政局", "建议", "2", "3")],
    )
    result = run(["disclosures", "import", str(figures)], db.url)
    assert result.returncode == 1 and "第 2 行：办结数 3 大于受理数 2" in result.stderr
    no_quarter = write_csv(tmp_path / "g.csv", ("类别", "数量"), [("主动公开", "5")])
    result = run(["disclosures", "import", str(no_quarter)], db.url)
    assert result.returncode == 1 and "没有季度" in result.stderr
