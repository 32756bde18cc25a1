"""A server killed (SIGKILL) in the middle of a batch ingestion restarts cleanly: the database passes an
integrity check, every article the client was told was stored is there, and resending the interrupted
batch stores each of its articles exactly once. On SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.
About 10 s per database (two starts of `cuomin serve` with the mini lexicon)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.db import create_db_engine
from app.models import Article, HitRecord
from tests.conftest import ADMIN, ADMIN_TOKEN, BACKENDS, MINI_LEXICON, fresh_database
from tests.serving import cuomin_serve

BATCH = 1000  # several chunks of the batch path (250 each): the kill lands between them


@contextmanager
def serve(url: str, workdir: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    env = {"CUOMIN_DATABASE_URL": url, "CUOMIN_LEXICON_DIR": str(MINI_LEXICON), "CUOMIN_ADMIN_TOKEN": ADMIN_TOKEN}
    with cuomin_serve(workdir, env) as running:
        yield running.process, running.url


def articles(first: int, count: int) -> list[dict[str, str]]:
    body = "他做为一名党员冲锋在前。" + "全县已完成隐患排查工作，群众满意度持续提升。" * 135  # 3,000 characters, 1 hit
    return [
        {
            "filing_no": "K-1",
            "title": f"第{n}篇",
            "url": f"https://example.gov.cn/{n}",
            "published_at": "2024-05-01T10:00:00+08:00",
            "text": f"（{n}）{body}",
        }
        for n in range(first, first + count)
    ]


def integrity(url: str) -> None:
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            orphans = connection.execute(
                text(
                    "SELECT count(*) FROM hit LEFT JOIN article ON article.id = hit.article_id WHERE article.id IS NULL"
                )
            ).scalar()
            assert orphans == 0
            # An article is stored whole, with its hits, or not at all: every article here has its 1 hit.
            partial = connection.execute(
                text(
                    "SELECT count(*) FROM article WHERE (SELECT count(*) FROM hit WHERE hit.article_id = article.id) <> 1"
                )
            ).scalar()
            assert partial == 0
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_sigkill_mid_batch(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        subprocess.run(
            [sys.executable, "-m", "app.cli", "db", "upgrade"],
            env={**os.environ, "CUOMIN_DATABASE_URL": url},
            check=True,
            capture_output=True,
        )
        engine = create_db_engine(url)
        told_stored: set[int] = set()
        with serve(url, tmp_path) as (process, base):
            client = httpx.Client(base_url=base, headers=ADMIN, timeout=120)
            account = {"filing_no": "K-1", "name": "测试账号", "platform": "微信"}
            assert client.post("/api/accounts", json=account).status_code == 201
            for first in (0, 50):  # two small batches answered in full
                result = client.post("/api/articles/batch", json=articles(first, 50)).json()
                assert len(result["created"]) == 50
                told_stored |= {c["id"] for c in result["created"]}

            interrupted = articles(100, BATCH)
            outcome: dict[str, object] = {}

            def send() -> None:
                try:
                    outcome["response"] = client.post("/api/articles/batch", json=interrupted)
                except httpx.HTTPError as exc:
                    outcome["error"] = exc

            sender = threading.Thread(target=send)
            sender.start()
            deadline = time.monotonic() + 60
            while True:  # kill once the batch has stored some of its articles, not all
                with Session(engine) as session:
                    stored = session.scalar(select(func.count()).select_from(Article)) or 0
                if stored >= len(told_stored) + 10:
                    break
                assert time.monotonic() < deadline and sender.is_alive(), "the batch ended before it could be killed"
                time.sleep(0.02)
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
            sender.join(timeout=30)
            client.close()
        assert "error" in outcome, "the client was answered: the server was not killed mid-batch"
        engine.dispose()

        integrity(url)
        engine = create_db_engine(url)
        with Session(engine) as session:
            ids = set(session.scalars(select(Article.id)))
            assert told_stored <= ids
            stored_before = len(ids) - len(told_stored)
            assert 10 <= stored_before < BATCH  # the kill came in the middle

        with (
            serve(url, tmp_path) as (_process, base),
            httpx.Client(base_url=base, headers=ADMIN, timeout=120) as client,
        ):
            result = client.post("/api/articles/batch", json=interrupted).json()
            assert result["errors"] == []
            assert len(result["duplicates"]) == stored_before  # those stored before the kill are not stored again
            assert len(result["created"]) == BATCH - stored_before
        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(Article)) == 100 + BATCH
            assert session.scalar(select(func.count()).select_from(HitRecord)) == 100 + BATCH
        engine.dispose()
        integrity(url)
