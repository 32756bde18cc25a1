"""The job queue's commands (cuomin worker, rescan --queue, ingest --queue) refuse the embedded SQLite with a
clear message (it needs no queue)."""

from __future__ import annotations

from pathlib import Path

from tests.test_cli_db import run


def test_the_queue_commands_need_postgresql(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cuomin.db'}"
    worker = run(["worker"], url)
    assert worker.returncode == 1 and "cuomin worker 需要 PostgreSQL" in worker.stderr
    queued = run(["rescan", "--quarter", "2023Q2", "--queue"], url)
    assert queued.returncode == 2 and "--queue 需要 PostgreSQL" in queued.stderr


def test_a_queued_ingest_needs_postgresql(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cuomin.db'}"
    file = tmp_path / "文章.jsonl"
    file.write_text('{"filing_no": "A", "title": "t", "text": "截止目前。"}\n', encoding="utf-8")
    queued = run(["ingest", str(file), "--queue"], url)
    assert queued.returncode == 2 and "--queue 需要 PostgreSQL" in queued.stderr
    alone = run(["ingest", str(file), "--no-wait"], url)
    assert alone.returncode == 2 and "--no-wait 只能与 --queue 一起使用" in alone.stderr
