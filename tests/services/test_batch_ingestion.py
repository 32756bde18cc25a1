"""Batch ingestion: errors by index, duplicates in the database and in the batch, exactly once under
two clients at once, whole chunks only after a failure, and worker processes that check as this one does."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.db import session_factory
from app.detection.detector import Detector
from app.models import Account, Article, HitRecord
from app.schemas.articles import BatchResult
from app.services import batch_ingestion
from app.services.scanning import ScanJob, ScanPool
from tests.conftest import DatabaseUnderTest

LIMIT = 2 * 1024 * 1024
DAY = dt.date(2024, 5, 1)


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


def ingest(sessions: sessionmaker[Session], pool: ScanPool, items: list) -> BatchResult:
    return batch_ingestion.ingest_many(sessions=sessions, pool=pool, items=items, max_article_bytes=LIMIT)


def stored(sessions: sessionmaker[Session]) -> dict[str, int]:
    """Title -> number of hits, for every stored article."""
    with sessions() as session:
        rows = session.execute(
            select(Article.title, func.count(HitRecord.id)).outerjoin(HitRecord).group_by(Article.id, Article.title)
        ).all()
    return dict(rows)  # type: ignore[arg-type]


def test_errors_by_index_and_duplicates_in_the_batch(sessions: sessionmaker[Session], mini: Detector) -> None:
    pool = ScanPool(mini, 1)
    items = [
        item(0),
        "不是对象",
        item(1, title=None),
        item(2),
        item(3, url="https://a/0"),  # the url of item 0
        item(0, url="https://a/other"),  # the content of item 0
        item(4, filing_no="NONE"),
        item(5, text="  "),
    ]
    result = ingest(sessions, pool, items)
    created = {c.index: c for c in result.created}
    assert sorted(created) == [0, 3]
    assert [(d.index, d.id) for d in result.duplicates] == [(4, created[0].id), (5, created[0].id)]
    assert [(e.index, e.code) for e in result.errors] == [
        (1, "invalid_request"),
        (2, "title_missing"),
        (6, "account_not_found"),
        (7, "text_empty"),
    ]
    assert created[0].hits == 2 and stored(sessions) == {"第0篇": 2, "第2篇": 2}
    with sessions() as session:
        hit = session.scalars(select(HitRecord).order_by(HitRecord.id)).first()
        assert hit is not None and hit.status == "pending" and hit.lexicon_version == mini.version
        assert hit.article.text[hit.start : hit.end] == hit.text and hit.suggestions == ["截至"]

    again = ingest(sessions, pool, [item(0), item(2)])
    assert not again.created and not again.errors
    assert [(d.index, d.id) for d in again.duplicates] == [(0, created[0].id), (1, created[3].id)]


def test_two_clients_sending_the_same_batch_at_once_store_each_article_once(
    sessions: sessionmaker[Session], mini: Detector, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch_ingestion, "CHUNK", 7)  # several chunks, so that the two interleave
    pool = ScanPool(mini, 1)
    items = [item(n) for n in range(40)]
    results: list[BatchResult] = []
    start = threading.Barrier(2)

    def client() -> None:
        start.wait()
        results.append(ingest(sessions, pool, items))

    threads = [threading.Thread(target=client) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2 and not results[0].errors and not results[1].errors
    for index in range(40):
        answers = [(c.id, "created") for r in results for c in r.created if c.index == index]
        answers += [(d.id, "duplicate") for r in results for d in r.duplicates if d.index == index]
        assert sorted(kind for _, kind in answers) == ["created", "duplicate"], index
        assert len({article_id for article_id, _ in answers}) == 1, index
    assert stored(sessions) == {f"第{n}篇": 2 for n in range(40)}


def test_a_chunk_that_fails_to_write_leaves_nothing_of_it(
    sessions: sessionmaker[Session], mini: Detector, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch_ingestion, "CHUNK", 3)
    real = batch_ingestion._hit_rows
    calls = {"n": 0}

    def failing(article_id: int, *args: object) -> list:
        calls["n"] += 1
        if calls["n"] == 5:  # the second article of the second chunk: its article rows are written
            raise RuntimeError("disk full")
        return real(article_id, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(batch_ingestion, "_hit_rows", failing)
    result = ingest(sessions, ScanPool(mini, 1), [item(n) for n in range(8)])
    assert sorted(c.index for c in result.created) == [0, 1, 2, 6, 7]
    assert [(e.index, e.code) for e in result.errors] == [
        (3, "internal_error"),
        (4, "internal_error"),
        (5, "internal_error"),
    ]
    assert stored(sessions) == {f"第{n}篇": 2 for n in (0, 1, 2, 6, 7)}
    monkeypatch.setattr(batch_ingestion, "_hit_rows", real)
    again = ingest(sessions, ScanPool(mini, 1), [item(n) for n in range(8)])
    assert sorted(c.index for c in again.created) == [3, 4, 5] and len(again.duplicates) == 5


def test_worker_processes_find_what_this_process_finds(
    mini: Detector, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs = [ScanJob(f"第{n}篇：截止目前，他做为党员，推进一带一路战略。" * (n % 3 + 1), DAY) for n in range(20)]
    jobs.append(ScanJob("截止目前，他做为党员。", DAY, ("做为党员",), ("test.jie-zhi",)))
    pool = ScanPool(mini, 2, cache_dir=tmp_path)
    try:
        in_workers = pool.check(jobs)
    finally:
        pool.close()
    here = ScanPool(mini, 1).check(jobs)
    assert in_workers == here and all(here[:20]) and here[20] == []


def test_a_chunk_whose_check_fails_is_reported_by_index_while_the_next_is_checked_ahead(
    sessions: sessionmaker[Session], mini: Detector, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next chunk is checked while this one is written; a failed check fails its own chunk only, and
    every chunk is written in order with its own hits."""
    monkeypatch.setattr(batch_ingestion, "CHUNK", 3)
    pool = ScanPool(mini, 1)
    real = pool.check
    checked: list[list[str]] = []

    def check(jobs: list[ScanJob]) -> list:
        checked.append([job.title for job in jobs])
        if len(checked) == 2:
            raise RuntimeError("a checking process died")
        return real(jobs)

    monkeypatch.setattr(pool, "check", check)
    result = ingest(sessions, pool, [item(n) for n in range(8)])
    assert checked == [["第0篇", "第1篇", "第2篇"], ["第3篇", "第4篇", "第5篇"], ["第6篇", "第7篇"]]
    assert sorted(c.index for c in result.created) == [0, 1, 2, 6, 7]
    assert [(e.index, e.code) for e in result.errors] == [
        (3, "internal_error"),
        (4, "internal_error"),
        (5, "internal_error"),
    ]
    assert stored(sessions) == {f"第{n}篇": 2 for n in (0, 1, 2, 6, 7)}
    with sessions() as session:
        ids = [c.id for c in sorted(result.created, key=lambda c: c.index)]
        titles = dict(session.execute(select(Article.id, Article.title).where(Article.id.in_(ids))).all())
    assert [titles[i] for i in ids] == [f"第{n}篇" for n in (0, 1, 2, 6, 7)]


def test_written_rows_read_back_as_sent(sessions: sessionmaker[Session], mini: Detector) -> None:
    """Articles and hits go in by COPY on PostgreSQL and by one prepared INSERT on SQLite: characters COPY's text
    format escapes, times and the suggestions' JSON come back unchanged, and the ids follow the stored ones."""
    first = ingest(sessions, ScanPool(mini, 1), [item(0)]).created[0].id
    odd = "截止目前，\t他做为\\N党员。\n第二行\\.\r\n"
    items = [item(1, title="标题\t含\\反斜杠", text=odd, published_at="2024-05-01T10:00:00+08:00"), item(2)]
    result = ingest(sessions, ScanPool(mini, 1), items)
    ids = [c.id for c in sorted(result.created, key=lambda c: c.index)]
    assert len(ids) == 2 and min(ids) > first and len(set(ids)) == 2
    with sessions() as session:
        article = session.get(Article, ids[0])
        assert article is not None
        assert (article.title, article.text, article.url) == ("标题\t含\\反斜杠", odd, "https://a/1")
        assert article.published_at == dt.datetime(2024, 5, 1, 2, tzinfo=dt.UTC)
        assert article.ingest_chunk_id is None and article.ingested_at.tzinfo is not None
        hits = [(h.rule_id, h.text, h.suggestions, h.status, h.field) for h in article.hits]
        assert ("test.jie-zhi", "截止", ["截至"], "pending", "body") in hits
