"""Anniversaries counted from the day of the event: 中国共产党成立104周年 in 2025, 105 in 2026.

A wrong count in a celebration is one of the 严重表述错误 that inspection circulars list. The events, their
days and the names they are written under are in lexicons/data/anniversaries.csv; the rule reads the number
before 周年 and compares it with the article's date:
- a count that fits a year the sentence names is right (2021年……成立100周年);
- a sentence that says what a year is (2021年是……, 今年是……) asks for that year's count exactly;
- otherwise the count may be this calendar year's or any earlier one (a past celebration cited: 在庆祝……
  100周年大会上的讲话), or next year's from October or within half a year of it; a higher count is flagged
  unless the sentence looks forward to it (迎接, 明年是, 到……时).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from app.detection.countries import names_a_country
from app.detection.hit import Finding
from app.detection.principles import is_historical, sentence_bounds, sentence_years
from app.detection.tables import table_rows

ANNIVERSARIES_FILE = "data/anniversaries.csv"
RULE = "anniversary_count"
ANCHOR = "周年"
UPCOMING = dt.timedelta(days=183)  # the next anniversary is prepared and looked forward to this long before it
PLANNING_MONTH = 10
LOOKBACK = 40  # characters before 周年 that hold the event's name and the count

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# The sentence says which year the count is of.
_SAID = re.compile(r"((?:19|20)\d\d)年(?:是|为|恰逢|正值|适逢)|今年是|今天是|今年恰逢|今年正值|今年适逢")
# The celebration is to come: a count past the latest anniversary is looked forward to, not miscounted.
_FUTURE = re.compile(r"迎接|迎来|喜迎|明年|后年|即将|将要|将于|将在|将是|再过|筹备|筹办|前夕|献礼|向.{0,12}致敬")
_FUTURE_AFTER = re.compile(r".{0,6}(?:时|的时候|之时|之际|前夕|献礼|活动|华诞)")
# A short name (建党, 建军, 建团) right after an organization's name is that organization's founding.
_ORGANIZATION_ENDS = set("党军团会社国")


@dataclass(frozen=True, slots=True)
class Event:
    key: str
    label: str
    day: dt.date
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Due:
    """The anchor 周年 in the automaton: the rule looks before it."""

    length: int


def load_anniversaries(lexicon_dir: Path) -> list[Event]:
    return [
        Event(row["key"], row["label"], dt.date.fromisoformat(row["date"]), tuple(row["names"].split("|")))
        for row in table_rows(lexicon_dir / ANNIVERSARIES_FILE)
    ]


def count_value(written: str) -> int | None:
    """The value of a count written in digits or in Chinese numerals (75, 七十五, 一百零四, 一〇四)."""
    if written.isdigit():
        return int(written)
    if all(c in _DIGITS for c in written):  # digit by digit: 一〇四
        value = 0
        for char in written:
            value = value * 10 + _DIGITS[char]
        return value
    total, rest = 0, written
    for unit, size in (("百", 100), ("十", 10)):
        if unit in rest:
            head, _, rest = rest.partition(unit)
            head = head.strip("零〇")
            if head and head not in _DIGITS:
                return None
            total += (_DIGITS[head] if head else 1) * size
    rest = rest.strip("零〇")
    if rest:
        if rest not in _DIGITS:
            return None
        total += _DIGITS[rest]
    return total or None


def _anniversary(event: Event, year: int) -> dt.date:
    day = event.day
    return dt.date(year, day.month, 28 if (day.month, day.day) == (2, 29) else day.day)


def _written_like(written: str, value: int) -> str:
    """value in the style the count was written in (digits stay digits)."""
    if written.isdigit():
        return str(value)
    ones = "〇一二三四五六七八九"
    hundreds, rest = divmod(value, 100)
    tens, unit = divmod(rest, 10)
    out = (ones[hundreds] + "百") if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else ones[tens]) + "十"
    elif hundreds and unit:
        out += "零"
    return out + (ones[unit] if unit else "")


class AnniversaryRules:
    """The anniversary-count rule over the events table; its rule index comes from the lexicon's detectors."""

    def __init__(self, events: list[Event], rules: dict[str, int]) -> None:
        self._rule = rules.get(RULE)
        self.keys: dict[str, list[object]] = {}
        self._events: dict[str, Event] = {}
        if self._rule is None or not events:
            return
        for event in events:
            for name in event.names:
                self._events[name] = event
        names = "|".join(sorted(map(re.escape, self._events), key=len, reverse=True))
        self._pattern = re.compile(f"({names})(?:同志)?([0-9]{{1,3}}|[〇零一二两三四五六七八九十百]{{1,6}})$")
        self.keys[ANCHOR] = [Due(len(ANCHOR))]

    def find(self, text: str, found: list[tuple[int, object]], date: dt.date) -> list[Finding]:
        results = []
        for end, item in found:
            if item.__class__ is Due:
                finding = self._check(text, end - len(ANCHOR), end, date)
                if finding is not None:
                    results.append(finding)
        return results

    def _check(self, text: str, anchor: int, end: int, date: dt.date) -> Finding | None:
        assert self._rule is not None
        match = self._pattern.search(text, max(0, anchor - LOOKBACK), anchor)
        if match is None:
            return None
        event, written = self._events[match.group(1)], match.group(2)
        count = count_value(written)
        if count is None:
            return None
        start = match.start(1)
        left, _right = sentence_bounds(text, start, end)
        if len(match.group(1)) <= 2 and (
            text[start - 1 : start] in _ORGANIZATION_ENDS or names_a_country(text[left:start])
        ):
            return None  # 致公党建党, 伊拉克……庆祝建军98周年: another organization's or country's founding
        founded = event.day.year
        if any(count == year - founded for year in sentence_years(text, start, end)):
            return None
        said = self._said_year(text, left, start, date)
        if said is not None:
            if count == said - founded:
                return None
        elif self._fits(event, count, date):
            return None  # this year's, next year's in the autumn, or a past celebration cited
        elif _FUTURE.search(text, left, start) or _FUTURE_AFTER.match(text, end):
            return None  # 迎接, 明年是, 到……时: a celebration to come
        if is_historical(text, start, end):
            return None
        when = f"{founded}年{event.day.month}月{event.day.day}日"
        if said is not None and said != date.year:
            expected_count = said - founded
            message = f"{event.label}于{when}，{said}年是{expected_count}周年，“{written}周年”有误，请核实。"
        else:
            expected_count = date.year - founded
            message = (
                f"{event.label}于{when}，按本文的发布日期（{date.year}年{date.month}月{date.day}日），"
                f"{date.year}年是{expected_count}周年，“{written}周年”有误，请核实。"
            )
        suggestion = text[start : match.start(2)] + _written_like(written, expected_count) + ANCHOR
        return Finding(start, end, self._rule, suggestion, message)

    @staticmethod
    def _latest(event: Event, date: dt.date) -> int:
        """The count of the latest anniversary on or before date."""
        count = date.year - event.day.year
        return count if date >= _anniversary(event, date.year) else count - 1

    def _fits(self, event: Event, count: int, date: dt.date) -> bool:
        """Whether a count without a word about the future fits the date: any anniversary of this calendar
        year (庆祝新中国成立70周年 all through 2019), and next year's from the autumn, when next year's work
        is planned, or within half a year of it."""
        this_year = date.year - event.day.year
        if count <= max(this_year, self._latest(event, date)):
            return True
        coming = _anniversary(event, date.year + 1)
        return count == this_year + 1 and (date.month >= PLANNING_MONTH or coming - date <= UPCOMING)

    @staticmethod
    def _said_year(text: str, left: int, start: int, date: dt.date) -> int | None:
        """The year the sentence says the count is of, nearest before it (2021年是……, 今年是……), if any."""
        cues = list(_SAID.finditer(text, left, start))
        if not cues:
            return None
        year = cues[-1].group(1)
        return int(year) if year else date.year
