"""The report service: what it loads for the quarter, and the pending hits that may still change it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from app.models import HitRecord
from app.reports import Quarter
from app.services import review
from app.services.errors import Invalid
from app.services.reports import pending_in, quarter_report
from tests.services.conftest import Seeded, hit_ids

Q2 = Quarter(2023, 2)


def test_pending_hits_of_the_quarter_by_beijing_date(seeded: Seeded) -> None:
    ids = hit_ids(seeded.sessions, seeded.other)
    with seeded.sessions() as session:
        session.execute(update(HitRecord).where(HitRecord.id == ids[0]).values(severity="serious"))
        session.commit()
        pending = pending_in(session=session, period=Q2)
        assert (pending.total, pending.serious) == (4, 1)  # 甲一 and 乙一 (23:30 on 30 June in Beijing)
        assert pending_in(session=session, period=Quarter(2023, 3)).total == 2


def test_only_confirmed_serious_hits_make_a_wording_problem(seeded: Seeded) -> None:
    ids = hit_ids(seeded.sessions, seeded.other)
    with seeded.sessions() as session:
        session.execute(update(HitRecord).where(HitRecord.id.in_(ids)).values(severity="serious"))
        session.commit()
        review.review_hits(session=session, ids=ids[:1], status="confirmed", note=None, reviewer="审")
        report = quarter_report(session=session, period=Q2, inspection_date=dt.date(2023, 6, 30))
    assert report.summary.accounts_checked == 2
    assert (report.summary.wording_accounts, report.summary.wording_hits) == (1, 1)
    other = next(f for f in report.accounts if f.key == seeded.other)
    assert (other.serious_hits, other.confirmed_hits, other.platform) == (1, 1, "抖音")
    assert [row.name for row in report.annex if "出现严重表述错误" in row.problems] == ["乙镇发布"]


def test_a_bad_inspection_date_is_a_clear_error(seeded: Seeded) -> None:
    with seeded.sessions() as session, pytest.raises(Invalid):
        quarter_report(session=session, period=Q2, inspection_date=dt.date(2023, 1, 1))
