"""A queued re-scan on PostgreSQL with two `cuomin worker` processes, one of them killed (SIGKILL) or frozen
(SIGSTOP past the stall timeout, then SIGCONT) after it committed batches of a chunk: the chunk is retried by
the other worker, and the outcome is exactly that of one uninterrupted scan.

Runs in a database of its own, created and dropped here (other test runs share the server). Skipped, saying
why, where no PostgreSQL answers at TEST_DATABASE_URL.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.clock import CST
from app.db import create_db_engine, session_factory, upgrade
from app.detection.detector import STORED_PROFILE, Detector
from app.models import Account, Article, HitRecord, RescanChunk, RescanJob, ReviewLog
from app.services import chunks, review
from app.services.queue import defer_chunks
from app.services.rescan import ACTOR
from app.vocabulary import HitStatus
from tests.conftest import MINI_LEXICON, TEST_DATABASE_URL

ARTICLES = 3200
CHUNK = 500  # 7 chunks
BATCH = 20
STALL_SECONDS = 3
SENTENCES = (
    "截止目前，工作进展顺利。",
    "他做为党员冲锋在前。",
    "村干部带头参加劳动。",
    "推进一带一路战略合作。",
    "群众满意度持续提升，各项任务稳步推进。",
    "今年以来，全镇完成植树造林一千余亩。",
)
CUOMIN = [sys.executable, "-m", "app.cli"]
Key = tuple[int, str, str, int, int]  # article, field, rule, start, end


def _server() -> str | None:
    """Why the test cannot run, or None."""
    if not TEST_DATABASE_URL or make_url(TEST_DATABASE_URL).get_backend_name() != "postgresql":
        return "TEST_DATABASE_URL 未设置为 PostgreSQL：队列上的重新扫描只在 PostgreSQL 上运行"
    engine = create_db_engine(TEST_DATABASE_URL)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        return f"PostgreSQL 无应答（{type(exc).__name__}）"
    finally:
        engine.dispose()
    return None


pytestmark = pytest.mark.skipif(_server() is not None, reason=_server() or "")


@dataclass
class World:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    lexicon: Path
    old: Detector
    new: Detector
    env: dict[str, str]


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    assert TEST_DATABASE_URL
    name = f"cuomin_queue_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_db_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    engine = create_db_engine(url)
    try:
        upgrade(engine)
        lexicon = tmp_path / "lexicons"
        shutil.copytree(MINI_LEXICON, lexicon)
        old = Detector.from_dir(lexicon)
        path = lexicon / "mini.yaml"
        # The new lexicons drop 做为 and list 村干部 under the same rule.
        path.write_text(path.read_text(encoding="utf-8").replace("term: 做为", "term: 村干部"), encoding="utf-8")
        new = Detector.from_dir(lexicon)
        env = {
            **os.environ,
            "CUOMIN_DATABASE_URL": url,
            "CUOMIN_LEXICON_DIR": str(lexicon),
            "CUOMIN_CACHE_DIR": str(tmp_path / "cache"),
            "CUOMIN_RESCAN_STALL_SECONDS": str(STALL_SECONDS),
            "CUOMIN_RESCAN_BATCH": str(BATCH),
            "CUOMIN_LOG_LEVEL": "warning",
        }
        yield World(url, engine, session_factory(engine), lexicon, old, new, env)
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _text(i: int) -> str:
    return "".join(SENTENCES[(i * 7 + j * (i % 5 + 1)) % len(SENTENCES)] for j in range(40))


def _day(i: int) -> dt.date:
    return dt.date(2023, 4, 1) + dt.timedelta(days=i % 91)


def _keys(detector: Detector, ids: dict[int, int]) -> set[Key]:
    keys = set()
    for i, article_id in ids.items():
        for hit in detector.check_article(f"第{i}篇", _text(i), date=_day(i), profile=STORED_PROFILE):
            keys.add((article_id, hit.field, hit.rule_id, hit.start, hit.end))
    return keys


def _seed(w: World) -> tuple[dict[int, int], dict[Key, str]]:
    """Articles scanned with the old lexicons, some hits reviewed: {index: article id}, {key: status}."""
    now = dt.datetime.now(dt.UTC)
    with w.sessions() as session:
        account = Account(filing_no="A", name="甲镇发布", platform="wechat")
        session.add(account)
        session.flush()
        rows = [
            {
                "account_id": account.id,
                "title": f"第{i}篇",
                "url": f"https://a/{i}",
                "published_at": dt.datetime.combine(_day(i), dt.time(9), tzinfo=CST),
                "text": _text(i),
                "content_hash": f"{i:064d}",
                "lexicon_version": w.old.version,
                "ingested_at": now,
            }
            for i in range(ARTICLES)
        ]
        session.execute(insert(Article), rows)
        ids = dict(enumerate(session.scalars(select(Article.id).order_by(Article.id))))
        hit_rows = []
        for i, article_id in ids.items():
            for hit in w.old.check_article(f"第{i}篇", _text(i), date=_day(i), profile=STORED_PROFILE):
                hit_rows.append(HitRecord.row(hit.as_dict(), w.old.version, article_id, now))
        session.execute(insert(HitRecord), hit_rows)
        session.commit()
        # Reviewer decisions: every third article's 截止 confirmed (it stays found), every fourth's 做为 dismissed
        # (it vanishes: obsolete, and the decision is in the log).
        decided: dict[Key, str] = {}
        for hit in session.scalars(select(HitRecord)):
            index = hit.article_id - ids[0]
            status = None
            if hit.text == "截止" and index % 3 == 0:
                status = HitStatus.confirmed.value
            elif hit.text == "做为" and index % 4 == 0:
                status = HitStatus.dismissed.value
            if status:
                review.change_status(session=session, hit=hit, to=HitStatus(status), actor="李", note="审核")
                decided[(hit.article_id, hit.field, hit.rule_id, hit.start, hit.end)] = status
        session.commit()
    return ids, decided


def _stored(w: World) -> dict[Key, tuple[int, str, str | None]]:
    with w.sessions() as session:
        rows = session.execute(
            select(
                HitRecord.article_id,
                HitRecord.field,
                HitRecord.rule_id,
                HitRecord.start,
                HitRecord.end,
                HitRecord.id,
                HitRecord.status,
                HitRecord.reviewer,
            )
        ).all()
    return {(r[0], r[1], r[2], r[3], r[4]): (r[5], r[6], r[7]) for r in rows}


def _workers(w: World, n: int = 2) -> list[subprocess.Popen[bytes]]:
    processes = [
        subprocess.Popen([*CUOMIN, "worker"], env=w.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(n)
    ]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with w.engine.connect() as connection:
            ready = connection.scalar(text("SELECT count(*) FROM procrastinate_workers"))
        if ready == n:
            return processes
        assert all(p.poll() is None for p in processes), [p.stderr.read().decode() for p in processes if p.stderr]
        time.sleep(0.2)
    raise AssertionError("工作进程没有在 60 秒内就绪")


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGCONT)
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _victim_chunk(w: World, processes: list[subprocess.Popen[bytes]]) -> tuple[subprocess.Popen[bytes], int, str]:
    """The first worker seen with a running chunk of at least two committed batches of its own."""
    deadline = time.monotonic() + 120
    pids = {p.pid: p for p in processes}
    while time.monotonic() < deadline:
        with w.sessions() as session:
            for chunk_id, owner, _batches in session.execute(
                select(RescanChunk.id, RescanChunk.owner, RescanChunk.batches).where(
                    RescanChunk.status == "running",
                    RescanChunk.attempts == 1,
                    # two batches committed, and far from the chunk's end: still running when the signal lands
                    RescanChunk.batches.between(2, CHUNK // BATCH - 8),
                )
            ):
                pid = int(owner.split(":")[1])
                if pid in pids:
                    return pids[pid], chunk_id, owner
        time.sleep(0.005)
    raise AssertionError("没有工作进程在 120 秒内提交两批")


def _wait_done(w: World, job_id: int, seconds: float = 180) -> RescanJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with w.sessions() as session:
            job = session.get(RescanJob, job_id)
            if job.status != "running":
                return job
        time.sleep(0.2)
    raise AssertionError(f"重新扫描没有在 {seconds} 秒内完成")


def _check(w: World, job: RescanJob, ids: dict[int, int], before: dict, decided: dict, reviewed: dict) -> None:
    expected, old = _keys(w.new, ids), set(before)
    after = _stored(w)
    live = {key for key, (_, status, _) in after.items() if status != HitStatus.obsolete.value}
    # Live hits equal those of one uninterrupted scan; no span twice.
    assert live == expected
    with w.sessions() as session:
        doubled = session.execute(
            select(HitRecord.article_id, HitRecord.field, HitRecord.rule_id, HitRecord.start, HitRecord.end)
            .group_by(HitRecord.article_id, HitRecord.field, HitRecord.rule_id, HitRecord.start, HitRecord.end)
            .having(func.count() > 1)
        ).all()
        assert doubled == []
        # Every vanished hit is obsolete, with exactly one log entry of the re-scan.
        vanished = old - expected
        assert vanished and all(after[key][1] == HitStatus.obsolete.value for key in vanished)
        logged = Counter(
            session.scalars(select(ReviewLog.hit_id).where(ReviewLog.actor == ACTOR, ReviewLog.to_status == "obsolete"))
        )
        assert logged == Counter({after[key][0]: 1 for key in vanished})
        # Every article on the job's lexicon version.
        versions = set(session.scalars(select(Article.lexicon_version).distinct()))
        assert versions == {w.new.version} == {job.lexicon_version}
    # Review decisions kept: those before the re-scan and those made while it ran.
    for key, status in {**decided, **reviewed}.items():
        if key in expected:
            assert after[key][1:] == (status, "李"), key
    # The counters are exact: every article once, no batch counted twice.
    assert (job.status, job.total, job.done) == ("done", ARTICLES, ARTICLES)
    assert (job.added, job.kept, job.obsolete) == (len(expected - old), len(expected & old), len(vanished))


def _review_meanwhile(w: World, ids: dict[int, int], before: dict) -> dict[Key, str]:
    """A reviewer dismisses hits that stay found while the re-scan runs: the re-scan must not undo it."""
    chosen = [k for k, (_, status, _) in before.items() if k[2] == "test.jie-zhi" and status == "pending"][-40:]
    with w.sessions() as session:
        review.review_hits(
            session=session, ids=[before[k][0] for k in chosen], status="dismissed", note="并发审核", reviewer="李"
        )
    return dict.fromkeys(chosen, HitStatus.dismissed.value)


def _start(w: World) -> int:
    with w.sessions() as session:
        job, chunk_ids = chunks.start(
            session=session,
            since=dt.date(2023, 4, 1),
            until=dt.date(2023, 6, 30),
            label="2023Q2",
            lexicon_version=w.new.version,
            size=CHUNK,
        )
    assert len(chunk_ids) >= 6
    assert defer_chunks(w.url, chunk_ids) == chunk_ids
    return job.id


def test_a_killed_worker_s_chunk_is_retried_and_the_outcome_is_exact(world: World) -> None:
    ids, decided = _seed(world)
    before = _stored(world)
    processes = _workers(world)
    try:
        job_id = _start(world)
        victim, chunk_id, owner = _victim_chunk(world, processes)
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        reviewed = _review_meanwhile(world, ids, before)
        job = _wait_done(world, job_id)
    finally:
        _stop(processes)
    with world.sessions() as session:
        chunk = session.get(RescanChunk, chunk_id)
        # The stalled chunk was retried by the other worker, from the killed one's checkpoint.
        assert chunk.status == "done" and chunk.attempts >= 2 and chunk.owner != owner
        assert session.scalar(select(func.count()).where(RescanChunk.job_id == job_id)) >= 7
    _check(world, job, ids, before, decided, reviewed)


def test_a_frozen_worker_is_fenced_when_it_wakes_up(world: World) -> None:
    ids, decided = _seed(world)
    before = _stored(world)
    processes = _workers(world)
    try:
        job_id = _start(world)
        victim, chunk_id, owner = _victim_chunk(world, processes)
        os.kill(victim.pid, signal.SIGSTOP)
        try:
            # Past the stall timeout, the other worker takes the chunk over.
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                with world.sessions() as session:
                    if session.get(RescanChunk, chunk_id).owner != owner:
                        break
                time.sleep(0.2)
            else:
                raise AssertionError("停滞的块没有在 60 秒内交给其他工作进程")
            reviewed = _review_meanwhile(world, ids, before)
        finally:
            os.kill(victim.pid, signal.SIGCONT)  # it wakes up with a batch scanned and must not write it
        job = _wait_done(world, job_id)
        time.sleep(STALL_SECONDS)  # the woken worker's attempt, if any, is over
        with world.sessions() as session:
            job = session.get(RescanJob, job_id)
            chunk = session.get(RescanChunk, chunk_id)
            assert chunk.status == "done" and chunk.attempts >= 2 and chunk.owner != owner
    finally:
        _stop(processes)
    _check(world, job, ids, before, decided, reviewed)
    # The job's numbers did not move after it was done (the woken worker wrote nothing).
    with world.sessions() as session:
        assert (session.get(RescanJob, job_id).done, job.done) == (ARTICLES, ARTICLES)
        assert session.scalar(select(func.sum(RescanChunk.done)).where(RescanChunk.job_id == job_id)) == ARTICLES


def test_cuomin_rescan_queue_follows_the_workers_to_the_end(world: World) -> None:
    now = dt.datetime.now(dt.UTC)
    with world.sessions() as session:
        account = Account(filing_no="A", name="甲镇发布", platform="wechat")
        session.add(account)
        session.flush()
        rows = [
            {
                "account_id": account.id,
                "title": f"第{i}篇",
                "published_at": dt.datetime.combine(_day(i), dt.time(9), tzinfo=CST),
                "text": _text(i),
                "content_hash": f"{i:064d}",
                "lexicon_version": world.old.version,
                "ingested_at": now,
            }
            for i in range(300)
        ]
        session.execute(insert(Article), rows)
        session.commit()
    processes = _workers(world, 1)
    try:
        env = {**world.env, "CUOMIN_RESCAN_CHUNK_ARTICLES": "100"}
        done = subprocess.run(
            [*CUOMIN, "rescan", "--quarter", "2023Q2", "--queue"], env=env, capture_output=True, text=True, timeout=180
        )
    finally:
        _stop(processes)
    assert done.returncode == 0, done.stderr
    assert "已放进任务队列：300 篇，3 块" in done.stderr
    assert "完成：300 篇" in done.stdout
