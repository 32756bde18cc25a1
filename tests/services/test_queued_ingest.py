"""Queued ingests without the queue: a file stored as a job and its chunks, a chunk ingested by a worker,
the fence that stops a worker taken for dead, and exact counts when a killed attempt's chunk is retried."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from functools import partial

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.db import session_factory
from app.detection.detector import Detector
from app.models import Account, Article, HitRecord, IngestChunk, IngestJob
from app.services import queued_ingest
from app.services.batch_ingestion import Fenced, Origin, ingest_many
from app.services.errors import Invalid
from app.services.scanning import ScanPool
from tests.conftest import DatabaseUnderTest

LIMIT = 2 * 1024 * 1024
STALL = dt.timedelta(seconds=60)
LONG_AGO = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def sessions(db: DatabaseUnderTest) -> Iterator[sessionmaker[Session]]:
    factory = session_factory(db.engine)
    with factory() as session:
        session.add(Account(filing_no="A", name="甲", platform="wechat"))
        session.commit()
    yield factory


def item(number: int, **changes: object) -> dict:
    return {
        "filing_no": "A",
        "title": f"第{number}篇",
        "published_at": "2024-05-01",
        "url": f"https://a/{number}",
        "text": f"第{number}篇：截止目前，他做为党员。",
        **changes,
    }


def worker(sessions: sessionmaker[Session], detector: Detector) -> queued_ingest.IngestWorker:
    reads = sessionmaker(bind=sessions.kw["bind"], expire_on_commit=False)
    return queued_ingest.IngestWorker(
        sessions=sessions, reads=reads, detector=detector, stall=STALL, max_article_bytes=LIMIT
    )


def start(sessions: sessionmaker[Session], lines: list[str], size: int = 3) -> tuple[int, list[int]]:
    with sessions() as session:
        job, ids = queued_ingest.start(session=session, lines=lines, label="文章.jsonl", size=size)
    return job.id, ids


def articles(sessions: sessionmaker[Session]) -> dict[str, tuple[int | None, int]]:
    """Title -> (the chunk that wrote it, its number of hits)."""
    with sessions() as session:
        rows = session.execute(
            select(Article.title, Article.ingest_chunk_id, func.count(HitRecord.id))
            .outerjoin(HitRecord)
            .group_by(Article.id, Article.title, Article.ingest_chunk_id)
        ).all()
    return {title: (chunk, hits) for title, chunk, hits in rows}


def age(sessions: sessionmaker[Session], chunk_id: int) -> None:
    """The chunk's owner looks dead: its heartbeat is older than the stall timeout."""
    with sessions() as session:
        session.execute(update(IngestChunk).where(IngestChunk.id == chunk_id).values(heartbeat_at=LONG_AGO))
        session.commit()


def test_a_file_becomes_chunks_that_workers_ingest_with_each_line_accounted_for(
    sessions: sessionmaker[Session], mini: Detector
) -> None:
    ingest_many(sessions=sessions, pool=ScanPool(mini, 1), items=[item(0)], max_article_bytes=LIMIT)
    lines = [
        json.dumps(item(1)),  # line 1
        "",  # blank: not a line of the job
        "{不是 JSON",  # line 3
        json.dumps(item(2)),
        json.dumps(item(0)),  # line 5: stored before
        "[1, 2]",  # line 6: not an object
        json.dumps(item(3)),
        json.dumps(item(2, title="再发第2篇")),  # line 8: line 4's url again: a repeat, after the rest
        json.dumps(item(4, filing_no="NOPE")),  # line 9: no such account
        json.dumps(item(5)),
    ]
    job_id, ids = start(sessions, lines)
    with sessions() as session:
        job = session.get(IngestJob, job_id)
        assert (job.status, job.total, job.errors) == ("running", 9, 1)
        assert job.line_errors == [{"line": 3, "code": "invalid_json", "error": "不是有效的 JSON"}]
        chunks = session.scalars(select(IngestChunk).where(IngestChunk.job_id == job_id).order_by(IngestChunk.seq))
        layout = [(c.kind, c.first_line, [n for n, _ in c.items], c.status) for c in chunks]
        assert layout == [
            ("lines", 1, [1, 4, 5], "pending"),
            ("lines", 6, [6, 7, 9], "pending"),
            ("lines", 10, [10], "pending"),
            ("repeats", 8, [8], "pending"),
        ]
        repeats = session.scalar(select(IngestChunk.id).where(IngestChunk.kind == "repeats"))
        # Put on the queue: the chunks of first copies; the repeats wait for them (stalled() holds them back).
        assert repeats not in ids and len(ids) == 3
        assert queued_ingest.stalled(session, dt.timedelta(0)) == ids  # pending: the queue may have missed them
    w = worker(sessions, mini)
    assert w.run(repeats, "w0") == "busy"  # not its turn
    assert w.run(ids[0], "w1") == "done"
    with sessions() as session:  # progress while the job runs: the sum of its chunks
        state = queued_ingest.progress(session=session, job_id=job_id)
        assert (state.job.status, state.done, state.chunks, state.chunks_done) == ("running", 4, 4, 1)
        assert (state.job.created, state.job.duplicates, state.job.errors) == (2, 1, 1)
    assert w.run(ids[0], "w1") == "busy"  # done: a second delivery of the task does nothing
    assert w.run(ids[1], "w2") == "done"
    with sessions() as session:
        assert queued_ingest.stalled(session, dt.timedelta(0)) == [ids[2]]
    assert w.run(ids[2], "w3") == "done"  # the last chunk of first copies: its worker runs the repeats too
    with sessions() as session:
        state = queued_ingest.progress(session=session, job_id=job_id)
        job = state.job
        assert (job.status, job.total, state.done, state.chunks_done) == ("done", 9, 9, 4)
        assert (job.created, job.duplicates, job.errors, job.hits) == (4, 2, 3, 8)
        assert [(p["line"], p["code"]) for p in state.problems] == [
            (3, "invalid_json"),
            (6, "invalid_request"),
            (9, "account_not_found"),
        ]
        # The items are gone once ingested: the articles and the problems keep what matters.
        assert set(session.scalars(select(IngestChunk.items).where(IngestChunk.job_id == job_id))) == {None}
        assert queued_ingest.stalled(session, dt.timedelta(0)) == []
    stored = articles(sessions)
    assert sorted(stored) == ["第0篇", "第1篇", "第2篇", "第3篇", "第5篇"]  # the first copy of line 4's url
    assert stored["第0篇"][0] is None and {stored[f"第{n}篇"][0] for n in (1, 2)} == {ids[0]}
    assert all(hits == 2 for _chunk, hits in stored.values())  # 截止 and 做为


def test_a_retried_chunk_counts_what_its_killed_attempt_wrote_once(
    sessions: sessionmaker[Session], mini: Detector
) -> None:
    pool = ScanPool(mini, 1)
    ingest_many(sessions=sessions, pool=pool, items=[item(0)], max_article_bytes=LIMIT)
    numbered = [item(1), item(2), item(1), item(0), item(3), item(4), item(5, text="第2篇：截止目前，他做为党员。")]
    # item 6 has item 2's content under another url: a duplicate of it (same account and content)
    numbered[6]["title"] = "第2篇"
    job_id, (chunk_id,) = start(sessions, [json.dumps(i) for i in numbered], size=100)
    with sessions() as session:  # items 2 and 6 repeat earlier ones: they wait in the repeats chunk
        firsts = session.get(IngestChunk, chunk_id).items
    assert [line for line, _item in firsts] == [1, 2, 4, 5, 6]
    a, b = worker(sessions, mini), worker(sessions, mini)
    assert a._claim(chunk_id, "A")
    # A writes the first articles of the chunk, then is killed (it records nothing).
    fence = Origin(chunk_id, partial(a._fence, chunk_id, "A"))
    first = ingest_many(sessions=sessions, pool=pool, items=numbered[:2], max_article_bytes=LIMIT, origin=fence)
    assert len(first.created) == 2
    assert not b._claim(chunk_id, "B")  # A's heartbeat is fresh
    age(sessions, chunk_id)
    assert b.run(chunk_id, "B") == "done"
    with sessions() as session:
        chunk = session.get(IngestChunk, chunk_id)
        assert (chunk.status, chunk.owner, chunk.attempts) == ("done", "B", 2)
        # created: items 1, 2, 3, 4 (1 and 2 by A's attempt, counted once); duplicate: the article stored before
        assert (chunk.created, chunk.duplicates, chunk.errors, chunk.hits) == (4, 1, 0, 8)
        job = session.get(IngestJob, job_id)
        assert (job.status, job.created, job.duplicates) == ("done", 4, 3)
    stored = articles(sessions)
    assert sorted(stored) == ["第0篇", "第1篇", "第2篇", "第3篇", "第4篇"]  # each once (unique constraints)
    assert {stored[f"第{n}篇"][0] for n in range(1, 5)} == {chunk_id}


def test_a_worker_taken_for_dead_is_fenced_and_writes_nothing(sessions: sessionmaker[Session], mini: Detector) -> None:
    job_id, (chunk_id,) = start(sessions, [json.dumps(item(n)) for n in range(4)], size=10)
    a, b = worker(sessions, mini), worker(sessions, mini)
    assert a._claim(chunk_id, "A")
    age(sessions, chunk_id)  # A froze
    assert b._claim(chunk_id, "B")
    # A wakes up: its writes and its outcome are refused, and nothing of them is stored.
    fence = Origin(chunk_id, partial(a._fence, chunk_id, "A"))
    with pytest.raises(Fenced):
        ingest_many(sessions=sessions, pool=ScanPool(mini, 1), items=[item(0)], max_article_bytes=LIMIT, origin=fence)
    assert articles(sessions) == {}
    assert b.run(chunk_id, "B") == "done"
    with sessions() as session, pytest.raises(Fenced):
        a._fence(chunk_id, "A", session)
    with sessions() as session:
        job = session.get(IngestJob, job_id)
        assert (job.status, job.created) == ("done", 4)


def test_the_same_file_twice_is_all_duplicates_the_second_time(sessions: sessionmaker[Session], mini: Detector) -> None:
    lines = [json.dumps(item(n)) for n in range(5)]
    for expected in ((5, 0), (0, 5)):
        job_id, ids = start(sessions, lines, size=2)
        for chunk_id in ids:
            worker(sessions, mini).run(chunk_id, "w")
        with sessions() as session:
            job = session.get(IngestJob, job_id)
            assert (job.status, job.created, job.duplicates, job.errors) == ("done", *expected, 0)
    assert len(articles(sessions)) == 5


def test_a_file_of_nothing_to_queue_is_done_at_once_and_one_not_utf8_stores_nothing(
    sessions: sessionmaker[Session],
) -> None:
    job_id, ids = start(sessions, ["\n", "不是 JSON\n"])
    with sessions() as session:
        job = session.get(IngestJob, job_id)
        assert (ids, job.status, job.total, job.errors) == ([], "done", 1, 1)
    # Fields of the wrong types are the workers' to report, like any invalid article.
    _job_id, ids = start(sessions, ['{"filing_no": "A", "title": {"x": 1}, "text": [1]}'])
    assert len(ids) == 1
    latin = io.TextIOWrapper(io.BytesIO(json.dumps(item(1)).encode() + b"\n\xff\xfe\n"), encoding="utf-8-sig")
    with sessions() as session, pytest.raises(Invalid, match="不是 UTF-8"):
        queued_ingest.start(session=session, lines=latin, label="坏.jsonl")
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(IngestJob)) == 2
        assert session.scalar(select(func.count()).select_from(IngestChunk)) == 1
