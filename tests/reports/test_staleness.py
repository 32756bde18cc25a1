from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.reports import DateRange, Quarter, account_staleness, stale_problem
from app.reports.staleness import Gap

Q2 = Quarter(2023, 2)
D = dt.date


@pytest.mark.parametrize(("latest", "days", "stale"), [(D(2023, 6, 16), 14, False), (D(2023, 6, 15), 15, True)])
def test_more_than_fourteen_days_is_stale(latest: dt.date, days: int, stale: bool) -> None:
    s = account_staleness([D(2023, 5, 1), latest], Q2)
    assert s.inspection_date == D(2023, 6, 30)
    assert (s.latest, s.days_since_latest, s.stale) == (latest, days, stale)


def test_published_on_the_inspection_date() -> None:
    s = account_staleness([D(2023, 6, 30)], Q2)
    assert (s.days_since_latest, s.stale) == (0, False)


def test_articles_after_the_inspection_date_are_ignored() -> None:
    s = account_staleness([D(2023, 6, 1), D(2023, 7, 2)], Q2)
    assert s.latest == D(2023, 6, 1)
    assert s.stale
    assert s.longest_gap == Gap(D(2023, 4, 1), D(2023, 6, 1), from_article=False)


def test_custom_inspection_date_and_threshold() -> None:
    published = [D(2023, 6, 1), D(2023, 6, 20)]
    s = account_staleness(published, Q2, inspection_date=D(2023, 6, 10), stale_after_days=7)
    assert (s.latest, s.days_since_latest, s.stale) == (D(2023, 6, 1), 9, True)
    # The window ends at the inspection date: the article of 20 June is not in it.
    assert s.longest_gap == Gap(D(2023, 4, 1), D(2023, 6, 1), from_article=False)
    assert not account_staleness(published, Q2, inspection_date=D(2023, 6, 10), stale_after_days=9).stale


def test_inspection_after_the_quarter_sees_articles_up_to_it() -> None:
    s = account_staleness([D(2023, 6, 1), D(2023, 7, 3)], Q2, inspection_date=D(2023, 7, 5))
    assert (s.latest, s.days_since_latest, s.stale) == (D(2023, 7, 3), 2, False)


def test_never_published_is_stale_and_the_gap_runs_from_the_period_start() -> None:
    s = account_staleness([], Q2)
    assert (s.latest, s.days_since_latest, s.stale) == (None, None, True)
    assert s.longest_gap == Gap(D(2023, 4, 1), D(2023, 6, 30), from_article=False)
    assert s.longest_gap.days == 90


def test_the_gap_into_the_quarter_starts_at_the_previous_article() -> None:
    s = account_staleness([D(2022, 12, 20), D(2023, 4, 10), D(2023, 6, 25)], Q2)
    assert s.longest_gap == Gap(D(2022, 12, 20), D(2023, 4, 10), from_article=True)
    assert s.longest_gap.days == 111  # longer than the quarter itself
    # Only the latest article before the quarter matters.
    s = account_staleness([D(2022, 1, 1), D(2023, 3, 30), D(2023, 4, 2), D(2023, 6, 25)], Q2)
    assert s.longest_gap == Gap(D(2023, 4, 2), D(2023, 6, 25), from_article=True)


def test_longest_gap_between_articles_inside() -> None:
    published = [D(2023, 4, 1), D(2023, 4, 20), D(2023, 5, 30), D(2023, 6, 2), D(2023, 6, 28)]
    s = account_staleness(published, Q2)
    assert s.longest_gap == Gap(D(2023, 4, 20), D(2023, 5, 30), from_article=True)
    assert s.longest_gap.days == 40
    assert not s.stale


def test_order_duplicates_and_datetimes() -> None:
    utc = dt.UTC
    published = [
        dt.datetime(2023, 6, 20, 1, 0, tzinfo=utc),
        D(2023, 5, 1),
        D(2023, 5, 1),
        dt.datetime(2023, 6, 30, 16, 30, tzinfo=utc),  # 1 July in Beijing: after the inspection date
    ]
    s = account_staleness(published, Q2)
    assert s.latest == D(2023, 6, 20)
    assert s.longest_gap == Gap(D(2023, 5, 1), D(2023, 6, 20), from_article=True)


def test_ties_report_the_earliest_gap() -> None:
    s = account_staleness([D(2023, 4, 11), D(2023, 4, 21), D(2023, 6, 20)], Q2)
    assert s.longest_gap == Gap(D(2023, 4, 21), D(2023, 6, 20), from_article=True)
    s = account_staleness([D(2023, 4, 11), D(2023, 6, 20)], DateRange(D(2023, 4, 1), D(2023, 4, 21)))
    assert s.longest_gap == Gap(D(2023, 4, 1), D(2023, 4, 11), from_article=False)


def test_errors() -> None:
    with pytest.raises(ValueError, match="检查日期 2023-03-31 早于2023年第二季度的第一天 2023-04-01"):
        account_staleness([], Q2, inspection_date=D(2023, 3, 31))
    with pytest.raises(ValueError, match="正整数"):
        account_staleness([], Q2, stale_after_days=0)


@pytest.mark.parametrize(
    ("days", "text"), [(14, "超2周未更新"), (7, "超1周未更新"), (21, "超3周未更新"), (10, "超10天未更新")]
)
def test_stale_problem(days: int, text: str) -> None:
    assert stale_problem(days) == text


@given(st.lists(st.dates(min_value=D(2022, 10, 1), max_value=D(2023, 7, 31)), max_size=30))
def test_longest_gap_properties(published: list[dt.date]) -> None:
    s = account_staleness(published, Q2)
    gap = s.longest_gap
    seen = {d for d in published if d <= s.inspection_date}
    # No article falls strictly inside the gap, and its ends are articles, the period start or the inspection date.
    assert not any(gap.start < d < gap.end for d in seen)
    assert gap.start in seen or (gap.start == Q2.start and not gap.from_article)
    assert gap.end in seen or gap.end == s.inspection_date
    # It is the longest: no stretch of the window without an article is longer.
    points = sorted({Q2.start, s.inspection_date} | {d for d in seen if d >= Q2.start})
    assert all((b - a).days <= gap.days for a, b in pairwise(points))
    if s.days_since_latest is not None:
        assert gap.days >= s.days_since_latest
