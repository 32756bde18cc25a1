"""Batch review under concurrency (issue 15, item 11): overlapping batches never deadlock."""

from __future__ import annotations

import random
import threading

import pytest
from sqlalchemy import select

from app.db import session_factory
from app.detection.detector import Detector
from app.models import Account, Article, HitRecord
from app.schemas.articles import ArticleCreate
from app.services import ingestion, review
from tests.conftest import DatabaseUnderTest


def test_overlapping_batches_at_once_all_succeed(db: DatabaseUnderTest, mini: Detector) -> None:
    """The probe: concurrent POST /api/hits/review on overlapping ids, an occasional DeadlockDetected on
    PostgreSQL: each batch locked its rows in the order it happened to scan them."""
    if db.backend != "postgresql":
        pytest.skip("row locks are PostgreSQL's: SQLite lets one writer in at a time (set TEST_DATABASE_URL)")
    sessions = session_factory(db.engine)
    with sessions() as session:
        session.add(Account(filing_no="A", name="甲镇发布", platform="wechat"))
        session.commit()
    for n in range(60):
        with sessions() as session:
            article_in = ArticleCreate(
                filing_no="A",
                title=f"第{n}篇",
                published_at="2024-05-01T10:00:00+08:00",
                text="他做为党员，截止目前。" * 3,
            )
            ingestion.ingest_article(session=session, detector=mini, article_in=article_in, max_article_bytes=10**6)
    with sessions() as session:
        ids = list(session.scalars(select(HitRecord.id).join(Article)))
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def reviewer(seed: int) -> None:
        rng = random.Random(seed)
        barrier.wait()
        for round_ in range(15):
            batch = rng.sample(ids, k=len(ids) // 2)
            status = ("confirmed", "dismissed", "pending")[(seed + round_) % 3]
            try:
                with sessions() as session:
                    review.review_hits(session=session, ids=batch, status=status, note=None, reviewer=f"审{seed}")
            except BaseException as exc:  # any failure is the finding
                errors.append(exc)

    threads = [threading.Thread(target=reviewer, args=(seed,)) for seed in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
