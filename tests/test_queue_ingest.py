"""A large ingest on the PostgreSQL job queue, ingested by `cuomin worker` processes: the outcome is that of
`ingest_many` in one process (the same articles and hits, the same counts, the bad lines by number), also
when a worker is killed (SIGKILL) half way through a chunk, and a file given twice is all duplicates.

Runs in a database of its own, created and dropped here. Skipped, saying why, where no PostgreSQL answers at
TEST_DATABASE_URL.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import create_db_engine, session_factory, upgrade
from app.detection.detector import Detector
from app.main import create_app
from app.models import Account, Article, HitRecord, IngestChunk, IngestJob
from app.schemas.articles import BatchResult
from app.services import queued_ingest
from app.services.batch_ingestion import ingest_many
from app.services.queue import INGEST_CHUNK, defer_chunks
from app.services.scanning import ScanPool
from tests.conftest import ADMIN, ADMIN_TOKEN, MINI_LEXICON, TEST_DATABASE_URL
from tests.test_queue_rescan import CUOMIN, SENTENCES, _server, _stop, _workers

pytestmark = pytest.mark.skipif(_server() is not None, reason=_server() or "")

STALL_SECONDS = 5
LIMIT = 2 * 1024 * 1024
ArticleKey = tuple[str, str | None, str, str]  # title, url, text, content hash
HitKey = tuple[str, str, str, int, int]  # article title, field, rule, start, end


@dataclass
class World:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    lexicon: Path
    detector: Detector
    env: dict[str, str]
    tmp: Path


def _database(name: str) -> str:
    assert TEST_DATABASE_URL
    return make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    assert TEST_DATABASE_URL
    name = f"cuomin_ingest_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_db_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = _database(name)
    engine = create_db_engine(url)
    try:
        upgrade(engine)
        lexicon = tmp_path / "lexicons"
        shutil.copytree(MINI_LEXICON, lexicon)
        sessions = session_factory(engine)
        _accounts(sessions)
        env = {
            **os.environ,
            "CUOMIN_DATABASE_URL": url,
            "CUOMIN_LEXICON_DIR": str(lexicon),
            "CUOMIN_CACHE_DIR": str(tmp_path / "cache"),
            "CUOMIN_RESCAN_STALL_SECONDS": str(STALL_SECONDS),
            "CUOMIN_LOG_LEVEL": "warning",
        }
        yield World(url, engine, sessions, lexicon, Detector.from_dir(lexicon), env, tmp_path)
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _accounts(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        session.add_all(
            [
                Account(filing_no="A", name="甲镇发布", platform="wechat"),
                Account(filing_no="B", name="乙镇发布", platform="wechat"),
            ]
        )
        session.commit()


def _text(i: int, sentences: int) -> str:
    return "".join(SENTENCES[(i * 7 + j * (i % 5 + 1)) % len(SENTENCES)] for j in range(sentences)) + f"（{i}）"


def _lines(n: int, sentences: int = 40) -> list[str]:
    """n lines: articles of two accounts, every 97th repeating an earlier one (same account and url), every
    101st not JSON, every 103rd for an account that does not exist, every 107th without a text."""
    lines = []
    for i in range(n):
        filing_no = "AB"[i % 2]
        item: dict[str, Any] = {
            "filing_no": filing_no,
            "title": f"第{i}篇",
            "url": f"https://{filing_no}/{i}",
            "published_at": f"2024-05-{i % 28 + 1:02d}T09:00:00+08:00",
            "text": _text(i, sentences),
        }
        if i % 97 == 96:
            item = {**json.loads(lines[i - 50]), "title": f"重发第{i}篇"}  # same account and url as line i - 49
        if i % 103 == 102:
            item["filing_no"] = "NOPE"
        if i % 107 == 106:
            del item["text"]
        lines.append("{不是 JSON" if i % 101 == 100 else json.dumps(item, ensure_ascii=False))
    return lines


def _reference(w: World, lines: list[str]) -> tuple[BatchResult, list[int], dict[ArticleKey, set[HitKey]]]:
    """What `ingest_many` in this process makes of the JSON lines, in a database of its own (SQLite): its
    result, the line number of each item, and the stored articles with their hits."""
    engine = create_db_engine(f"sqlite:///{w.tmp / f'reference-{secrets.token_hex(4)}.db'}")
    try:
        upgrade(engine)
        sessions = session_factory(engine)
        _accounts(sessions)
        numbered = [(n, json.loads(line)) for n, line in enumerate(lines, start=1) if not line.startswith("{不是")]
        result = ingest_many(
            sessions=sessions,
            pool=ScanPool(w.detector, 1),
            items=[item for _n, item in numbered],
            max_article_bytes=LIMIT,
        )
        return result, [n for n, _item in numbered], _stored(sessions)
    finally:
        engine.dispose()


def _stored(sessions: sessionmaker[Session]) -> dict[ArticleKey, set[HitKey]]:
    with sessions() as session:
        stored: dict[ArticleKey, set[HitKey]] = {
            (a.title, a.url, a.text, a.content_hash): set() for a in session.scalars(select(Article))
        }
        rows = session.execute(
            select(Article.title, Article.url, Article.text, Article.content_hash, HitRecord.field)
            .add_columns(HitRecord.rule_id, HitRecord.start, HitRecord.end)
            .join(HitRecord, HitRecord.article_id == Article.id)
        )
        for title, url, body, digest, field, rule, start, end in rows:
            stored[(title, url, body, digest)].add((title, field, rule, start, end))
    return stored


def _wait_done(w: World, job_id: int, seconds: float = 240) -> IngestJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with w.sessions() as session:
            job = session.get(IngestJob, job_id)
            if job is not None and job.status != "running":
                return job
        time.sleep(0.2)
    raise AssertionError(f"入库任务没有在 {seconds} 秒内完成")


def _write(w: World, lines: list[str], name: str = "文章.jsonl") -> Path:
    path = w.tmp / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _check_like_reference(w: World, job: IngestJob, lines: list[str]) -> None:
    reference, numbers, expected = _reference(w, lines)
    assert _stored(w.sessions) == expected  # the same articles, the same hits
    bad = [n for n, line in enumerate(lines, start=1) if line.startswith("{不是")]
    assert (job.status, job.total) == ("done", len(lines))
    assert (job.created, job.duplicates, job.errors) == (
        len(reference.created),
        len(reference.duplicates),
        len(reference.errors) + len(bad),
    )
    assert job.hits == sum(c.hits for c in reference.created)
    with w.sessions() as session:
        state = queued_ingest.progress(session=session, job_id=job.id)
        # Every article once, and the job's created are exactly those it wrote.
        assert session.scalar(select(func.count()).select_from(Article)) == len(expected) == job.created
        assert session.scalar(select(func.count()).where(Article.ingest_chunk_id.is_(None))) == 0
    expected_problems = sorted(
        [(n, "invalid_json") for n in bad] + [(numbers[e.index], e.code) for e in reference.errors]
    )
    assert [(p["line"], p["code"]) for p in state.problems] == expected_problems


def test_a_queued_ingest_by_two_workers_is_that_of_ingest_many(world: World) -> None:
    lines = _lines(1650)
    path = _write(world, lines)
    processes = _workers(world)
    try:
        env = {**world.env, "CUOMIN_INGEST_CHUNK_ARTICLES": "400"}
        done = subprocess.run(
            [*CUOMIN, "ingest", str(path), "--queue"], env=env, capture_output=True, text=True, timeout=240
        )
    finally:
        _stop(processes)
    assert done.returncode == 1, done.stderr  # some lines failed
    assert "块。" in done.stderr and "第 101 行：不是有效的 JSON" in done.stderr
    with world.sessions() as session:
        job = session.scalars(select(IngestJob)).one()
        chunks = session.scalars(select(IngestChunk).where(IngestChunk.job_id == job.id)).all()
        # 1,617 first copies in chunks of 400, and the file's 17 repeats in one chunk that runs last
        assert sorted(c.kind for c in chunks) == ["lines"] * 5 + ["repeats"]
        assert {c.status for c in chunks} == {"done"}
        assert len({c.owner.split(":")[1] for c in chunks if c.owner}) == 2  # both workers took chunks
    _check_like_reference(world, job, lines)
    assert f"新入库 {job.created} 篇，已入库过 {job.duplicates} 篇，出错 {job.errors} 篇。" in done.stdout
    # The same numbers and failed lines through the API.
    settings = Settings(lexicon_dir=world.lexicon, database_url=world.url, admin_token=ADMIN_TOKEN)
    with TestClient(create_app(settings), headers=ADMIN) as client:
        shown = client.get(f"/api/ingests/{job.id}").json()
    assert (shown["status"], shown["done"], shown["created"], shown["errors"]) == (
        "done",
        len(lines),
        job.created,
        job.errors,
    )
    assert {"line": 101, "code": "invalid_json", "error": "不是有效的 JSON"} in shown["problems"]


def _victim(w: World, processes: list[subprocess.Popen[bytes]], first: int, last: int) -> tuple[Any, int, str]:
    """The first worker seen half way through its first attempt at a chunk: some of its articles written
    (at least `first`), at least two writes still to come (at most `last`)."""
    pids = {p.pid: p for p in processes}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with w.sessions() as session:
            rows = session.execute(
                select(IngestChunk.id, IngestChunk.owner, func.count(Article.id))
                .join(Article, Article.ingest_chunk_id == IngestChunk.id)
                .where(IngestChunk.status == "running", IngestChunk.attempts == 1)
                .group_by(IngestChunk.id, IngestChunk.owner)
            ).all()
        for chunk_id, owner, written in rows:
            pid = int(owner.split(":")[1])
            if first <= written <= last and pid in pids:
                return pids[pid], chunk_id, owner
        time.sleep(0.005)
    raise AssertionError("没有工作进程在 120 秒内写入一块的一部分")


def test_a_worker_killed_half_way_through_a_chunk_changes_nothing_of_the_outcome(world: World) -> None:
    lines = _lines(2000, sentences=80)
    processes = _workers(world)
    try:
        with world.sessions() as session, _write(world, lines).open(encoding="utf-8") as file:
            job, ids = queued_ingest.start(session=session, lines=file, label="文章.jsonl", size=1000)
        assert defer_chunks(world.url, ids, INGEST_CHUNK) == ids and len(ids) == 2
        # ingest_many writes 250 articles per transaction: after the first, before the third
        victim, chunk_id, owner = _victim(world, processes, 200, 500)
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        with world.sessions() as session:
            killed_wrote = session.scalar(select(func.count()).where(Article.ingest_chunk_id == chunk_id))
        job = _wait_done(world, job.id)
    finally:
        _stop(processes)
    with world.sessions() as session:
        chunk = session.get(IngestChunk, chunk_id)
        # The stalled chunk was retried by the other worker, after the killed one wrote part of it.
        assert chunk.status == "done" and chunk.attempts >= 2 and chunk.owner != owner
        assert 0 < killed_wrote < chunk.created
    _check_like_reference(world, job, lines)


def test_the_same_file_twice_is_all_duplicates_the_second_time(world: World) -> None:
    lines = [line for line in _lines(300) if not line.startswith("{不是")]
    path = _write(world, lines)
    processes = _workers(world, 1)
    try:
        env = {**world.env, "CUOMIN_INGEST_CHUNK_ARTICLES": "100"}
        first = subprocess.run(
            [*CUOMIN, "ingest", str(path), "--queue", "--no-wait"], env=env, capture_output=True, text=True, timeout=120
        )
        assert first.returncode == 0, first.stderr
        job = _wait_done(world, int(first.stdout.strip()))
        created = job.created
        # The second time through the API: an upload, 202 and the job's id.
        settings = Settings(
            lexicon_dir=world.lexicon, database_url=world.url, admin_token=ADMIN_TOKEN, ingest_chunk_articles=100
        )
        with TestClient(create_app(settings), headers=ADMIN) as client:
            started = client.post("/api/ingests", files={"file": ("文章.jsonl", path.read_bytes())})
            assert started.status_code == 202, started.text
            assert started.json()["chunks"] == 3
            again = _wait_done(world, started.json()["id"])
            shown = client.get(f"/api/ingests/{again.id}").json()
    finally:
        _stop(processes)
    # The first time: new articles, and the file's own repeats; the second time every one is a duplicate.
    assert created > 250 and job.duplicates == 3
    assert (again.created, again.duplicates, again.errors) == (0, created + 3, job.errors)
    assert (shown["created"], shown["duplicates"], shown["created_by"]) == (0, created + 3, "CUOMIN_ADMIN_TOKEN")
    with world.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == created
