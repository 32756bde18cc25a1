"""The period a report covers: a calendar quarter ("2023Q2") or an explicit since/until range.

Both kinds have the same face (`start`, `end`, `label`, `short_label`, `key`), so the report, the
staleness rules and the exports take either. Dates are calendar dates in Beijing time, both ends inclusive.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from app.clock import cst_date

_QUARTER_RE = re.compile(r"^(\d{4})-?[Qq](\d)$", re.ASCII)
_CN_NUMBERS = ("一", "二", "三", "四")


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: Q1 is January–March, Q4 October–December."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"季度应为 1～4，不能是 {self.number}")
        if not dt.MINYEAR <= self.year <= dt.MAXYEAR:
            raise ValueError(f"年份 {self.year} 超出范围")

    @classmethod
    def parse(cls, value: str) -> Quarter:
        """Parse "2023Q2" (also "2023q2", "2023-Q2"); a ValueError with a Chinese message otherwise."""
        text = value.strip()
        match = _QUARTER_RE.match(text)
        if match is None:
            raise ValueError(f"季度“{value}”格式不正确，应为四位年份加 Q1～Q4，如 2023Q2")
        year, number = int(match[1]), int(match[2])
        if not 1 <= number <= 4:
            raise ValueError(f"季度“{value}”不存在：一年只有 Q1～Q4 四个季度")
        if year < 1:
            raise ValueError(f"季度“{value}”的年份不正确")
        return cls(year, number)

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        if self.number == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.number + 1, 1) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        """2023年第二季度"""
        return f"{self.year}年{self.short_label}"

    @property
    def short_label(self) -> str:
        """第二季度: how the circular opens its sentences."""
        return f"第{_CN_NUMBERS[self.number - 1]}季度"

    @property
    def key(self) -> str:
        """2023Q2: the form the API and the CLI take."""
        return f"{self.year}Q{self.number}"

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= local_date(day) <= self.end

    def __str__(self) -> str:
        return self.key


@dataclass(frozen=True)
class DateRange:
    """An explicit range, both ends inclusive (the `--since/--until` of a re-scan or report)."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"起始日期 {self.start.isoformat()} 晚于结束日期 {self.end.isoformat()}")

    @classmethod
    def parse(cls, since: str | dt.date, until: str | dt.date) -> DateRange:
        """ISO dates ("2023-04-01") or dates; a ValueError with a Chinese message otherwise."""
        return cls(_parse_date(since, "起始日期"), _parse_date(until, "结束日期"))

    @property
    def label(self) -> str:
        """2023年4月1日至2023年5月31日"""
        return f"{_cn_date(self.start)}至{_cn_date(self.end)}"

    @property
    def short_label(self) -> str:
        # A range has no shorter name that still says which days it means.
        return self.label

    @property
    def key(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= local_date(day) <= self.end

    def __str__(self) -> str:
        return self.key


Period = Quarter | DateRange


def recent_quarters(today: dt.date, with_articles: Iterable[tuple[int, int]], *keep: Quarter | None) -> list[Quarter]:
    """The quarters to choose from, newest first: the current and the last one, every (year, number) with articles,
    and any quarter asked for (kept, so that the choice shows what is shown)."""
    current = Quarter.containing(today)
    quarters = {current, current.previous(), *(q for q in keep if q is not None)}
    quarters.update(Quarter(year, number) for year, number in with_articles)
    return sorted(quarters, reverse=True)


def parse_period(
    quarter: str | None = None, since: str | dt.date | None = None, until: str | dt.date | None = None
) -> Period:
    """Either a quarter or both since and until, as the CLI options and the API body give them."""
    if quarter is not None:
        if since is not None or until is not None:
            raise ValueError("季度与起止日期只能给出其一")
        return Quarter.parse(quarter)
    if since is None or until is None:
        raise ValueError("请给出季度（如 2023Q2），或同时给出起始日期和结束日期")
    return DateRange.parse(since, until)


def _parse_date(value: str | dt.date, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError(f"{what}应为日期，不能带时间：{value.isoformat()}")
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{what}“{value}”格式不正确，应为 YYYY-MM-DD，如 2023-04-01") from None


def local_date(value: dt.date) -> dt.date:
    """The calendar date in Beijing: an aware datetime is converted, a naive one is taken as Beijing time."""
    if isinstance(value, dt.datetime):
        return cst_date(value) if value.tzinfo is not None else value.date()
    return value


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
