"""Ingestion under failure and under concurrency."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.db import session_factory
from app.detection.detector import Detector
from app.models import Account, Article, HitRecord
from app.schemas.articles import BatchResult
from app.services import batch_ingestion, review
from app.services.scanning import ScanPool
from tests.conftest import DatabaseUnderTest

LIMIT = 2 * 1024 * 1024


@pytest.fixture
def sessions(db: DatabaseUnderTest) -> Iterator[sessionmaker[Session]]:
    factory = session_factory(db.engine)
    with factory() as session:
        session.add(Account(filing_no="A", name="甲", platform="wechat"))
        session.commit()
    yield factory


def item(number: int) -> dict:
    return {
        "filing_no": "A",
        "title": f"第{number}篇",
        "published_at": "2024-05-01",
        "url": f"https://a/{number}",
        "text": f"第{number}篇：截止目前，他做为党员。",
    }


def ingest(sessions: sessionmaker[Session], detector: Detector, items: list) -> BatchResult:
    return batch_ingestion.ingest_many(
        sessions=sessions, pool=ScanPool(detector, 1), items=items, max_article_bytes=LIMIT
    )


def stored(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions() as session:
        rows = session.execute(
            select(Article.title, func.count(HitRecord.id)).outerjoin(HitRecord).group_by(Article.id, Article.title)
        ).all()
    return dict(rows)  # type: ignore[arg-type]


def test_an_interrupted_batch_keeps_whole_articles_only(
    sessions: sessionmaker[Session], mini: Detector, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch_ingestion, "CHUNK", 2)
    real_commit = Session.commit
    calls = {"n": 0}

    def interrupted_commit(self: Session) -> None:
        calls["n"] += 1
        if calls["n"] == 3:  # the look-up, the first chunk, then the second chunk's write…
            self.flush()
            raise KeyboardInterrupt  # …when the process is stopped mid-write
        real_commit(self)

    monkeypatch.setattr(Session, "commit", interrupted_commit)
    with pytest.raises(KeyboardInterrupt):
        ingest(sessions, mini, [item(n) for n in range(1, 6)])
    monkeypatch.setattr(Session, "commit", real_commit)
    assert stored(sessions) == {"第1篇": 2, "第2篇": 2}
    # Sending the batch again completes it, without duplicating what was stored.
    result = ingest(sessions, mini, [item(n) for n in range(1, 6)])
    assert [d.index for d in result.duplicates] == [0, 1] and [c.index for c in result.created] == [2, 3, 4]
    assert stored(sessions) == {f"第{n}篇": 2 for n in range(1, 6)}


def test_concurrent_writers_never_fail(db: DatabaseUnderTest, sessions: sessionmaker[Session], mini: Detector) -> None:
    """Ingestion and review from many threads at once: no "database is locked", nothing lost."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker(number: int) -> None:
        try:
            barrier.wait()
            for k in range(10):
                outcome = ingest(sessions, mini, [item(number * 100 + k)])
                assert len(outcome.created) == 1, outcome.errors
                # Everyone also re-sends one shared article: exactly one of them creates it.
                assert not ingest(sessions, mini, [item(0)]).errors
                with sessions() as session:
                    article_id = outcome.created[0].id
                    hit_ids = list(session.scalars(select(HitRecord.id).where(HitRecord.article_id == article_id)))
                    review.review_hits(
                        session=session, ids=hit_ids, status="confirmed", note=None, reviewer=str(number)
                    )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    counts = stored(sessions)
    assert len(counts) == 81 and set(counts.values()) == {2}
    with sessions() as session:
        assert session.scalar(select(func.count()).where(HitRecord.status == "confirmed")) == 160
