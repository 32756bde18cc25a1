"""超2周未更新: how long an account has gone without publishing.

Definitions (all in whole calendar days, dates in Beijing time):

- **days since latest** = inspection date − the latest publication date on or before the inspection date.
  Articles published after the inspection date are ignored. An account with no such article has no
  latest date and is stale.
- **stale** when days since latest > `stale_after_days` (default 14): an account that published 14 days
  before the inspection date is not stale, 15 days before is.
- **longest gap** in the period: take the publication dates d with period start ≤ d ≤ inspection date, put in
  front of them the latest publication date before the period start (or, when the account has none, the
  period start itself) and after them the inspection date; the longest gap is the largest difference between
  neighbours. So it counts the gap running into the period and the one still open at the inspection date,
  and it is never shorter than days since latest. Several articles on one day count as one date; of equally
  long gaps the earliest is reported. When it starts at the period start (`from_article` false) the account
  may have been silent for longer: nothing earlier is known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from app.reports.quarter import Period, local_date

DEFAULT_STALE_AFTER_DAYS = 14


@dataclass(frozen=True)
class Gap:
    start: dt.date  # a publication date, or the period start when from_article is false
    end: dt.date  # a publication date or the inspection date
    from_article: bool

    @property
    def days(self) -> int:
        return (self.end - self.start).days


@dataclass(frozen=True)
class Staleness:
    inspection_date: dt.date
    stale_after_days: int
    latest: dt.date | None  # the latest publication on or before the inspection date
    longest_gap: Gap

    @property
    def days_since_latest(self) -> int | None:
        return None if self.latest is None else (self.inspection_date - self.latest).days

    @property
    def stale(self) -> bool:
        days = self.days_since_latest
        return days is None or days > self.stale_after_days


def account_staleness(
    published: Iterable[dt.date],
    period: Period,
    *,
    inspection_date: dt.date | None = None,
    stale_after_days: int = DEFAULT_STALE_AFTER_DAYS,
) -> Staleness:
    """Staleness of one account from its publication dates (dates or datetimes, any order, repeats allowed)."""
    inspection = check_inspection_date(period, inspection_date)
    check_stale_after_days(stale_after_days)
    dates = sorted({d for d in map(local_date, published) if d <= inspection})
    before = [d for d in dates if d < period.start]
    inside = [d for d in dates if d >= period.start]
    anchor = before[-1] if before else period.start
    longest = Gap(anchor, inside[0] if inside else inspection, from_article=bool(before))
    for earlier, later in pairwise([*inside, inspection]):
        if (later - earlier).days > longest.days:
            longest = Gap(earlier, later, from_article=True)
    return Staleness(
        inspection_date=inspection,
        stale_after_days=stale_after_days,
        latest=dates[-1] if dates else None,
        longest_gap=longest,
    )


def check_inspection_date(period: Period, inspection_date: dt.date | None) -> dt.date:
    """The inspection date, by default the period's last day; it may not fall before the period starts."""
    if inspection_date is None:
        return period.end
    if isinstance(inspection_date, dt.datetime):
        raise ValueError(f"检查日期应为日期，不能带时间：{inspection_date.isoformat()}")
    if inspection_date < period.start:
        raise ValueError(
            f"检查日期 {inspection_date.isoformat()} 早于{period.label}的第一天 {period.start.isoformat()}"
        )
    return inspection_date


def check_stale_after_days(days: int) -> None:
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError(f"未更新天数的界限应为正整数，不能是 {days!r}")


def stale_span(days: int) -> str:
    """14 → "2周", 7 → "1周", 10 → "10天": the span as the circular writes it."""
    return f"{days // 7}周" if days % 7 == 0 else f"{days}天"


def stale_problem(days: int = DEFAULT_STALE_AFTER_DAYS) -> str:
    """The annex's wording for a stale account: 超2周未更新."""
    return f"超{stale_span(days)}未更新"
