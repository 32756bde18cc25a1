"""Batch review under concurrency (issue 15, item 11): overlapping batches never deadlock."""

from __future__ import annotations

import datetime as dt
import random
import threading

import pytest
from sqlalchemy import select

from app.db import session_factory
from app.detection.detector import Detector
from app.models import Account, Article, HitRecord
from app.schemas.articles import ArticleCreate
from app.services import ingestion, review
from app.services.errors import Conflict, Invalid, NotFound
from tests.conftest import DatabaseUnderTest
from tests.services.conftest import Seeded, hit_ids


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


# -- the review itself: filters, all-or-none batches, the log, "all that match" -------------------------


def test_filters_narrow_the_queue_to_what_the_caller_may_see(seeded: Seeded) -> None:
    with seeded.sessions() as session:
        _, total = review.list_hits(session=session, filters=review.HitFilter())
        assert total == 6
        _, own = review.list_hits(session=session, filters=review.HitFilter(organization_scope=seeded.own_organization))
        assert own == 4
        found, total = review.list_hits(
            session=session, filters=review.HitFilter(date_from=dt.date(2023, 4, 1), date_to=dt.date(2023, 6, 30))
        )
        # Beijing dates: 乙一 was published at 23:30 on 30 June, Beijing time, which is in the second quarter.
        assert total == 4 and {h.article.title for h in found} == {"甲一", "乙一"}
        _, total = review.list_hits(session=session, filters=review.HitFilter(q="乙一", rule_id="test.zuo-wei"))
        assert total == 1
        assert review.quarters_with_data(session=session) == [(2023, 3), (2023, 2)]


def test_a_batch_with_a_missing_hit_changes_nothing(seeded: Seeded) -> None:
    ids = hit_ids(seeded.sessions, seeded.own)
    with seeded.sessions() as session:
        with pytest.raises(NotFound, match="命中不存在：编号 999999"):
            review.review_hits(session=session, ids=[*ids, 999_999], status="confirmed", note=None, reviewer="甲")
        with pytest.raises(Invalid, match="审核只能设为"):
            review.review_hits(session=session, ids=ids, status="obsolete", note=None, reviewer="甲")
    with seeded.sessions() as session:
        assert {review.get_hit(session=session, hit_id=i).status for i in ids} == {"pending"}
        hits, changed = review.review_hits(
            session=session, ids=[ids[0], ids[0], ids[1]], status="confirmed", note="确属错误", reviewer="甲"
        )
        assert changed == 2 and [h.id for h in hits] == ids[:2]
        log = review.hit_log(session=session, hit_id=ids[0])
        assert [(e.from_status, e.to_status, e.actor, e.note) for e in log] == [
            ("pending", "confirmed", "甲", "确属错误")
        ]


def test_reviewing_all_that_match_refuses_a_changed_selection(seeded: Seeded) -> None:
    filters = review.HitFilter(account_id=seeded.other)
    with seeded.sessions() as session:
        with pytest.raises(Conflict, match="现在 2 条，页面上是 3 条"):
            review.review_matching(
                session=session, filters=filters, expected=3, status="dismissed", note=None, reviewer="乙"
            )
        done = review.review_matching(
            session=session, filters=filters, expected=2, status="dismissed", note=None, reviewer="乙"
        )
        assert (len(done.ids), done.changed, done.obsolete) == (2, 2, 0)
        _, pending = review.list_hits(session=session, filters=review.HitFilter(status="pending"))
        assert pending == 4
