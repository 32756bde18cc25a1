"""The stored side of the command line: db upgrade/current, ingest, accounts import, serve's refusal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Account, Article, HitRecord
from tests.conftest import BACKENDS, MINI_LEXICON, DatabaseUnderTest, fresh_database

CUOMIN = [sys.executable, "-m", "app.cli"]


def run(args: list[str], url: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CUOMIN_LEXICON_DIR": str(MINI_LEXICON), "CUOMIN_DATABASE_URL": url}
    return subprocess.run([*CUOMIN, *args], capture_output=True, text=True, env=env, timeout=120, cwd=cwd)


@pytest.mark.parametrize("backend", BACKENDS)
def test_db_upgrade_and_current(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        before = run(["db", "current"], url)
        assert before.returncode == 1 and "当前：空" in before.stdout
        refused = run(["ingest", str(tmp_path / "none.jsonl")], url)
        assert refused.returncode != 0
        (tmp_path / "a.jsonl").write_text("", encoding="utf-8")
        refused = run(["ingest", str(tmp_path / "a.jsonl")], url)
        assert refused.returncode == 1 and "请先运行 `cuomin db upgrade`" in refused.stderr
        upgraded = run(["db", "upgrade"], url)
        # An empty database gets its tables, and says so (not "already up to date").
        assert upgraded.returncode == 0 and "已在空数据库中建表" in upgraded.stdout
        # Which database: a server may use another one than the shell's default.
        assert "数据库：" in upgraded.stderr and "CUOMIN_DATABASE_URL" in upgraded.stderr
        assert run(["db", "current"], url).returncode == 0
        again = run(["db", "upgrade"], url)  # twice is fine
        assert again.returncode == 0 and "数据库已是最新结构" in again.stdout


def test_serve_refuses_a_database_behind_head(tmp_path: Path) -> None:
    result = run(["serve", "--port", "1"], f"sqlite:///{tmp_path / 'empty.db'}")
    assert result.returncode == 1
    assert "请先运行 `cuomin db upgrade`" in result.stderr


def test_ingest_jsonl(db: DatabaseUnderTest, tmp_path: Path) -> None:
    with Session(db.engine) as session:
        session.add(Account(filing_no="A", name="甲", platform="wechat"))
        session.commit()
    good = {"filing_no": "A", "title": "一", "published_at": "2024-05-01", "text": "截止目前，他做为党员。"}
    lines = [
        json.dumps(good, ensure_ascii=False),
        "",
        "{not json",
        json.dumps({**good, "filing_no": "NOPE"}, ensure_ascii=False),
        json.dumps(good, ensure_ascii=False),  # a duplicate
        json.dumps({**good, "title": "二", "text": "他做为党员。"}, ensure_ascii=False),
    ]
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(["ingest", str(path)], db.url)
    assert result.returncode == 1
    assert "新入库 2 篇，已入库过 1 篇，出错 2 篇。" in result.stdout
    assert "第 3 行：不是有效的 JSON" in result.stderr
    assert "第 4 行：账号不存在：备案单号 NOPE" in result.stderr
    with Session(db.engine) as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 2
        assert session.scalar(select(func.count()).select_from(HitRecord)) == 3
    again = run(["ingest", str(path)], db.url)
    assert "新入库 0 篇，已入库过 3 篇" in again.stdout


def test_accounts_import_creates_then_updates(db: DatabaseUnderTest, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "备案单号,政务新媒体名称,类型,所属组织\nA,甲发布,微信,甲县\nB,乙发布,微博,甲县\nC,丙,火星,\nA,重复,微信,\n",
        encoding="gbk",
    )
    first = run(["accounts", "import", str(path)], db.url)
    assert first.returncode == 1  # rows were skipped
    assert "新增 2 个，更新 0 个，未变 0 个，跳过 2 行。" in first.stdout
    assert "第 4 行：未知的类型“火星”" in first.stderr and "与第 2 行重复" in first.stderr
    path.write_text(
        "备案单号,政务新媒体名称,类型,所属组织\nA,甲发布,微信公众号,甲县\nB,乙融媒,微博,乙县\n", encoding="utf-8"
    )
    second = run(["accounts", "import", str(path)], db.url)
    assert second.returncode == 0 and "新增 0 个，更新 1 个，未变 1 个，跳过 0 行。" in second.stdout
    with Session(db.engine) as session:
        accounts = {a.filing_no: a for a in session.scalars(select(Account))}
        assert accounts["B"].name == "乙融媒" and accounts["B"].organization is not None
        assert accounts["B"].organization.name == "乙县" and accounts["A"].organization.name == "甲县"
    bad = tmp_path / "list.pdf"
    bad.write_bytes(b"%PDF")
    result = run(["accounts", "import", str(bad)], db.url)
    assert result.returncode == 1 and "不支持的文件类型" in result.stderr


def test_click_speaks_chinese(tmp_path: Path) -> None:
    helped = run(["db", "-h"], f"sqlite:///{tmp_path / 'x.db'}")
    assert helped.returncode == 0
    assert "显示本帮助并退出" in helped.stdout and "Show this message" not in helped.stdout
    assert "用法：" in helped.stdout and "命令" in helped.stdout and "Usage:" not in helped.stdout
    wrong = run(["tokens", "create"], f"sqlite:///{tmp_path / 'x.db'}")
    assert wrong.returncode == 2
    assert "错误：缺少选项 --role。" in wrong.stderr and "Error:" not in wrong.stderr
    assert "用法：" in wrong.stderr
    unknown = run(["no-such-command"], f"sqlite:///{tmp_path / 'x.db'}")
    assert unknown.returncode == 2 and "没有这个命令" in unknown.stderr
