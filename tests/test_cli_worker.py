"""The job queue's commands refuse the embedded SQLite with a clear message (it needs no queue)."""

from __future__ import annotations

from pathlib import Path

from tests.test_cli_db import run


def test_the_queue_commands_need_postgresql(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cuomin.db'}"
    worker = run(["worker"], url)
    assert worker.returncode == 1 and "cuomin worker 需要 PostgreSQL" in worker.stderr
    queued = run(["rescan", "--quarter", "2023Q2", "--queue"], url)
    assert queued.returncode == 2 and "--queue 需要 PostgreSQL" in queued.stderr
