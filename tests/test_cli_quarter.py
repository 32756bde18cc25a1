"""Quarter end on the command line: cuomin rescan and cuomin report."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.models import Account, HitRecord
from tests.conftest import DatabaseUnderTest
from tests.test_cli_db import run


def world(db: DatabaseUnderTest, tmp_path: Path) -> None:
    with Session(db.engine) as session:
        session.add_all(
            [
                Account(filing_no="1001049716300575024", name="曾都南郊", platform="wechat"),
                Account(filing_no="72188", name="曾都区科经局", platform="wechat"),
            ]
        )
        session.commit()
    lines = [
        {
            "filing_no": "1001049716300575024",
            "title": f"动态{n}",
            "published_at": f"2023-06-{n:02d}",
            "text": f"第{n}期：推进一带一路战略。",
        }
        for n in range(1, 29, 3)
    ] + [{"filing_no": "72188", "title": "旧闻", "published_at": "2023-05-01", "text": "区里开会。"}]
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    assert run(["ingest", str(path)], db.url).returncode == 0
    with Session(db.engine) as session:
        session.execute(update(HitRecord).values(status="confirmed", reviewer="王科员"))
        session.commit()


def test_rescan_then_report_in_every_format(db: DatabaseUnderTest, tmp_path: Path) -> None:
    world(db, tmp_path)
    done = run(["rescan", "--quarter", "2023Q2", "--workers", "1"], db.url)
    assert done.returncode == 0, done.stderr
    assert "完成：11 篇，新增命中 0，保留 10，标为过时 0" in done.stdout
    with Session(db.engine) as session:
        assert set(session.scalars(select(HitRecord.status))) == {"confirmed"}

    text = run(["report", "2023Q2"], db.url)
    assert text.returncode == 0, text.stderr
    assert "检查了辖区运行中的2个政务新媒体，检查比例100%，检查中发现存在问题的政务新媒体有2家" in text.stdout
    assert "1001049716300575024\t曾都南郊\t微信\t\t出现严重表述错误" in text.stdout
    assert "72188\t曾都区科经局\t微信\t\t超2周未更新" in text.stdout

    summary = json.loads(run(["report", "2023Q2", "--format", "json"], db.url).stdout)["summary"]
    assert (summary["wording_hits"], summary["wording_accounts"], summary["stale_accounts"]) == (10, 1, 1)
    # A longer tolerance: 60 days without an update is not stale.
    relaxed = json.loads(run(["report", "2023Q2", "--format", "json", "--stale-days", "60"], db.url).stdout)
    assert relaxed["summary"]["stale_accounts"] == 0

    xlsx = tmp_path / "附件1.xlsx"
    assert run(["report", "2023Q2", "--format", "xlsx", "-o", str(xlsx)], db.url).returncode == 0
    rows = list(load_workbook(xlsx).worksheets[0].iter_rows(values_only=True))
    assert rows[2][0] == "1001049716300575024"  # text, not a rounded number
    out = run(["report", "2023Q2", "--format", "csv"], db.url).stdout
    assert next(csv.reader(io.StringIO(out.lstrip("\ufeff"))))[0] == "备案单号"


def test_quarter_end_errors(db: DatabaseUnderTest) -> None:
    bad = run(["rescan", "--quarter", "2023Q5"], db.url)
    assert bad.returncode == 2 and "Q1～Q4" in bad.stderr
    both = run(["rescan"], db.url)
    assert both.returncode == 2 and "请给出季度" in both.stderr
    binary = run(["report", "2023Q2", "--format", "docx"], db.url)
    assert binary.returncode == 2 and "请用 -o" in binary.stderr
    unwritable = run(["report", "2023Q2", "--format", "csv", "-o", "/nonexistent/dir/a.csv"], db.url)
    assert unwritable.returncode == 1 and "无法写入" in unwritable.stderr
