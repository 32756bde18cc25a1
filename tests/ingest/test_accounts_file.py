"""Account lists in the circular's format, as CSV (UTF-8 or GBK) or XLSX."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from app.ingest.accounts_file import AccountRow, AccountsFileError, RowError, read_accounts_file
from app.vocabulary import Platform

ROWS = [
    ["备案单号", "政务新媒体名称", "类型", "所属组织"],
    ["GZ-001", "某某县发布", "微信公众号", "某某县人民政府办公室"],
    ["GZ-002", "某某县公安", "抖音号", "某某县公安局"],
    ["", "", "", ""],
    ["GZ-003", "某某发布", "脸书", "某某县"],
    ["GZ-004", "", "微博", ""],
    ["GZ-005", "某某网站", "website", ""],
]


def write_csv(path: Path, rows: list[list[str]], encoding: str) -> Path:
    path.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding=encoding)
    return path


def check(parsed: list[AccountRow | RowError]) -> None:
    rows = [r for r in parsed if isinstance(r, AccountRow)]
    errors = [r for r in parsed if isinstance(r, RowError)]
    assert [(r.line, r.filing_no, r.platform, r.organization) for r in rows] == [
        (2, "GZ-001", Platform.wechat, "某某县人民政府办公室"),
        (3, "GZ-002", Platform.douyin, "某某县公安局"),
        (7, "GZ-005", Platform.website, None),
    ]
    assert [(e.line, e.message) for e in errors] == [
        (5, "第 5 行：未知的类型“脸书”，应为微信、微博、抖音、今日头条、快手、哔哩哔哩、网站、其他之一"
            "（或其代码 wechat, weibo, douyin, toutiao, kuaishou, bilibili, website, other）"),
        (6, "第 6 行缺少政务新媒体名称"),
    ]  # fmt: skip


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_any_common_encoding(tmp_path: Path, encoding: str) -> None:
    check(read_accounts_file(write_csv(tmp_path / "list.csv", ROWS, encoding)))


def test_xlsx_with_a_title_row_and_columns_in_another_order(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["2024年第二季度政务新媒体名录"])  # a title above the header
    order = [3, 0, 2, 1]
    for row in ROWS:
        sheet.append([row[i] for i in order] + ["备注"])
    book.save(tmp_path / "list.xlsx")
    parsed = read_accounts_file(tmp_path / "list.xlsx")
    assert [r.line for r in parsed] == [3, 4, 6, 7, 8]
    assert isinstance(parsed[0], AccountRow) and parsed[0].name == "某某县发布"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("list.txt", b"x", "不支持的文件类型"),
        ("list.csv", "名称,类型\n甲,微信\n".encode(), "没有找到表头"),
        ("list.csv", "备案单号,政务新媒体名称\nA,甲\n".encode(), "表头缺少列：类型"),
        ("list.xlsx", b"not a zip", "无法读取 Excel 文件"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(AccountsFileError, match=message):
        read_accounts_file(path)
