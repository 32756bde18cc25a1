"""The accounts pages' figures: activity per account, its articles, hits per month, staleness on a day."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from app.clock import CST
from app.models import HitRecord
from app.services import overview, review
from tests.services.conftest import Seeded, hit_ids


def test_activity_counts_articles_and_hits_by_status(seeded: Seeded) -> None:
    ids = hit_ids(seeded.sessions, seeded.own)
    with seeded.sessions() as session:
        review.review_hits(session=session, ids=ids[:1], status="confirmed", note=None, reviewer="甲")
        activity = overview.account_activity(session=session, account_ids=[seeded.own, seeded.other, seeded.own])
    own = activity[seeded.own]
    assert own.articles == 2 and own.latest == dt.datetime(2023, 8, 2, 9, tzinfo=CST)
    assert own.hits == {"pending": 3, "confirmed": 1, "dismissed": 0, "obsolete": 0} and own.open_hits == 3
    assert activity[seeded.other].articles == 1 and activity[seeded.other].open_hits == 2


def test_articles_newest_first_with_live_hits_only(seeded: Seeded) -> None:
    ids = hit_ids(seeded.sessions, seeded.own)
    with seeded.sessions() as session:
        session.execute(update(HitRecord).where(HitRecord.id == ids[-1]).values(status="obsolete"))
        session.execute(update(HitRecord).where(HitRecord.id == ids[0]).values(severity="serious"))
        session.commit()
        rows, total = overview.account_articles(session=session, account_id=seeded.own)
    assert total == 2 and [(r.title, r.hits, r.serious) for r in rows] == [("甲二", 1, 0), ("甲一", 2, 1)]


def test_hits_per_month_include_the_empty_months(seeded: Seeded) -> None:
    with seeded.sessions() as session:
        months = overview.hits_per_month(session=session, account_id=seeded.own, months=4)
        assert overview.hits_per_month(session=session, account_id=999_999) == []
    assert [(m.month, m.total) for m in months] == [("2023-05", 2), ("2023-06", 0), ("2023-07", 0), ("2023-08", 2)]


def test_staleness_on_a_day() -> None:
    latest = dt.datetime(2023, 8, 2, 9, tzinfo=CST)
    assert not overview.staleness_on(latest, dt.date(2023, 8, 16), 14).stale
    assert overview.staleness_on(latest, dt.date(2023, 8, 17), 14).stale
    assert overview.staleness_on(None, dt.date(2023, 8, 17), 14).stale  # never published
