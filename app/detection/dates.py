"""Dates that cannot be: a day its month does not have, and a weekday that does not fall on its date.

- A day past the month's end (2月30日, 4月31日, 6月31日) is wrong in any year; 2月29日 only in a year that is
  not a leap year, so it is judged only where the year is written (2023年2月29日). A range counts its last
  day in the month before it (2月27日至30日). Dates in digits count too (2023-02-29, 2024.6.31). Lunar and
  other calendars (农历二月三十, 藏历) have months of their own: a sentence that names one is not judged.
- A weekday written after a date (2026年12月5日（星期五）, 12月5日周五, 12月5日，星期五) must be that date's.
  A date without its year takes the year said just before it (去年12月5日), else that of the last full date
  before it in the paragraph (2025年3月3日……3月5日（星期三）), else the year that puts it nearest the
  publication date (a notice in late December of 1月2日（星期五） means next January).

- A clock time must be one: a morning (上午, 凌晨, 早上……) at 13–23 o'clock contradicts itself, and no hour has
  a 75th minute (9时75分). Noon (上午12时) and the afternoon written in 24-hour time (下午14时) are left alone.

The rules run on the normalised text (full-width digits are half-width there); the anchors are the day
and weekday words in the automaton, and each rule reads the few characters before its anchor.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from app.detection.anniversaries import count_value
from app.detection.hit import Finding
from app.detection.principles import sentence_bounds

IMPOSSIBLE_RULE = "impossible_date"
WEEKDAY_RULE = "weekday_mismatch"
TIME_RULE = "impossible_time"
# Gregorian dates before the reform are another calendar's; Chinese official dates are Gregorian from 1912.
FIRST_GREGORIAN_YEAR = 1583
LOOKBACK = 24  # characters before the anchor that hold the date
PARAGRAPH_LOOKBACK = 400  # how far back a full date may give its year to a date without one

_NUMBER = r"\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九]"
_YEAR = r"\d{4}|[〇零○一二三四五六七八九]{4}"
_RANGE = r"[—–\-~～至到]"
# The month (and year) written just before the anchored day, or before the first day of a range ending on it.
_BEFORE_DAY = re.compile(rf"(?:(?P<year>{_YEAR})年)?(?P<month>{_NUMBER})月(?:(?:{_NUMBER})[日号]?\s*{_RANGE}\s*)?$")
# A full date just before the anchored weekday: 12月5日（, 12月5日 , 12月5日，
_BEFORE_WEEKDAY = re.compile(
    rf"(?:(?P<year>{_YEAR})年)?(?P<month>{_NUMBER})月(?P<day>{_NUMBER})[日号][\s,，]?[（(]?\s*$"
)
_FULL_DATE = re.compile(rf"(?P<year>{_YEAR})年(?:{_NUMBER})月")
# Calendars whose months are not the Gregorian ones.
_OTHER_CALENDAR = re.compile(
    r"农历|阴历|夏历|旧历|藏历|彝历|傣历|回历|伊斯兰历|希吉来历|正月|腊月|冬月|闰[一二三四五六七八九十]"
)
# The parts of the day before noon, and a clock time after one of them (上午14时, 清晨6:30).
_MORNINGS = ("凌晨", "上午", "早上", "早晨", "清晨")
_CLOCK_AFTER = re.compile(r"(?P<hour>\d{1,2})(?:时|点|:)(?:(?P<minute>\d{1,2})分?)?")
_MINUTES = re.compile(r"(?<!\d)\d{1,2}时\d{2}分")
# A year named relative to the publication, just before a date without its own (去年12月5日).
_RELATIVE_YEARS = {"前年": -2, "去年": -1, "今年": 0, "明年": 1}
_RELATIVE_YEAR = re.compile(r"(?:前年|去年|今年|明年)(?=[^。！？；\n]*$)")
RELATIVE_LOOKBACK = 8
# A sentence that says such a day does not exist speaks of the date, not by it.
_DENIED = re.compile(r"没有|不存在|并无|并不存在|哪有|哪来")

WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
WEEKDAY_NAMES = "一二三四五六日"
_WEEKDAY_PREFIXES = ("星期", "周", "礼拜")
_DAY_ANCHORS = ("29日", "30日", "31日", "29号", "30号", "31号", "二十九日", "三十日", "三十一日")
# Dates in digits with separators (2023-02-29, 2024.6.31, 2024/4/31): the separator and day are the anchor.
_SEPARATORS = "-./"
_BEFORE_NUMERIC_DAY = re.compile(r"(?<![0-9.])(?P<year>(?:19|20)\d\d)(?P<sep>[-./])(?P<month>0?[1-9]|1[0-2])$")


@dataclass(frozen=True, slots=True)
class DateAnchor:
    """An anchor in the automaton: a day that may not exist, or a weekday that may not fit its date."""

    kind: str
    length: int


def chinese_number(text: str) -> int:
    """A day, month or year in digits or in Chinese numerals (十二, 三十一, 二〇二三, 二○二三), as count_value
    reads them; ○ is the circle often typed for 〇."""
    value = count_value(text.replace("○", "〇"))
    assert value is not None, text  # the patterns above admit only numerals count_value reads
    return value


def month_days(year: int | None, month: int) -> int:
    """The days of the month; February has 29 when the year is unknown (it may be a leap year)."""
    if month == 2 and year is None:
        return 29
    return calendar.monthrange(year if year is not None else 2000, month)[1]


def nearest_year(month: int, day: int, near: dt.date) -> int | None:
    """The year, next to near's, that puts month/day closest to near (None if the day exists in none of them)."""
    best: tuple[int, int] | None = None
    for year in (near.year - 1, near.year, near.year + 1):
        try:
            distance = abs((dt.date(year, month, day) - near).days)
        except ValueError:
            continue
        if best is None or distance < best[0]:
            best = (distance, year)
    return best[1] if best else None


def _no_such_day(year: int | None, month: int, day: int) -> str:
    if month == 2 and day == 29:
        return f"{year}年不是闰年，2月只有28天，没有29日，请核实日期。"
    return f"{month}月只有{month_days(year, month)}天，没有{day}日，请核实日期。"


class DateRules:
    """Impossible-date and weekday rules; rule indexes come from the lexicon's detectors."""

    def __init__(self, rules: dict[str, int]) -> None:
        self._impossible = rules.get(IMPOSSIBLE_RULE)
        self._weekday = rules.get(WEEKDAY_RULE)
        self.keys: dict[str, list[object]] = {}
        if self._impossible is not None:
            for anchor in _DAY_ANCHORS:
                self.keys[anchor] = [DateAnchor("day", len(anchor))]
            for separator in _SEPARATORS:
                for day in ("29", "30", "31"):
                    self.keys[separator + day] = [DateAnchor("numeric", 3)]
        self._time = rules.get(TIME_RULE)
        if self._time is not None:
            for morning in _MORNINGS:
                self.keys[morning] = [DateAnchor("morning", len(morning))]
            for minute in range(60, 100):  # rare strings: the common 分 itself is no anchor
                self.keys[f"时{minute}分"] = [DateAnchor("minute", 4)]
        if self._weekday is not None:
            for prefix in _WEEKDAY_PREFIXES:
                for name in WEEKDAY_NAMES + ("天" if prefix != "周" else ""):  # 周天 is a full circle
                    self.keys[prefix + name] = [DateAnchor("weekday", len(prefix) + 1)]

    def find(self, text: str, found: list[tuple[int, object]], date: dt.date) -> list[Finding]:
        results: list[Finding] = []
        for end, item in found:
            if item.__class__ is not DateAnchor:
                continue
            assert isinstance(item, DateAnchor)
            start = end - item.length
            if item.kind in ("morning", "minute"):
                time = self._impossible_time(text, start, end, item.kind)
                if time is not None:
                    results.append(time)
                continue
            left, _right = sentence_bounds(text, start, end)
            before = text[max(left, start - LOOKBACK) : start]
            if _OTHER_CALENDAR.search(text, left, end):
                continue
            if item.kind == "day":
                finding = self._impossible_day(text, before, start, end, left)
            elif item.kind == "numeric":
                finding = self._impossible_numeric(text, before, start, end)
            else:
                finding = self._wrong_weekday(text, before, start, end, date)
            if finding is not None:
                results.append(finding)
        return results

    def _impossible_day(self, text: str, before: str, start: int, end: int, left: int) -> Finding | None:
        assert self._impossible is not None
        match = _BEFORE_DAY.search(before)
        if match is None:
            return None
        month = chinese_number(match.group("month"))
        year = chinese_number(match.group("year")) if match.group("year") else None
        day = chinese_number(text[start:end].rstrip("日号"))
        if not 1 <= month <= 12 or day <= month_days(year, month):
            return None
        if _DENIED.search(text, left, start):
            return None
        return Finding(start - len(before) + match.start(), end, self._impossible, "", _no_such_day(year, month, day))

    def _impossible_time(self, text: str, start: int, end: int, kind: str) -> Finding | None:
        """上午14时: a morning hour past noon; 9时75分: a minute past 59."""
        assert self._time is not None
        if kind == "morning":
            match = _CLOCK_AFTER.match(text, end)
            if match is None or not 13 <= int(match.group("hour")) <= 23:
                return None
            message = (
                f"时间自相矛盾：“{text[start:end]}”是中午以前，{match.group('hour')}时在下午或晚上；"
                "用24小时制就不写“上午”，否则写作下午几时。"
            )
            return Finding(start, match.end(), self._time, "", message)
        match = _MINUTES.search(text, max(0, start - 2), end)
        if match is None or match.end() != end:
            return None
        message = f"时间不存在：一小时只有60分钟，“{match.group()}”的分钟数应在00—59之间，请核实。"
        return Finding(match.start(), end, self._time, "", message)

    def _impossible_numeric(self, text: str, before: str, start: int, end: int) -> Finding | None:
        """2023-02-29, 2024.6.31: a full date in digits, its day past the month's end. What goes on in digits or
        in the same separator (2024.6.30.1, a version; 2024-6-301) is no date."""
        assert self._impossible is not None
        match = _BEFORE_NUMERIC_DAY.search(before)
        after = text[end : end + 2]
        if match is None or match.group("sep") != text[start] or after[:1].isdigit():
            return None
        if after[:1] == text[start] and after[1:2].isdigit():
            return None
        year, month, day = int(match.group("year")), int(match.group("month")), int(text[start + 1 : end])
        if day <= month_days(year, month):
            return None
        return Finding(start - len(before) + match.start(), end, self._impossible, "", _no_such_day(year, month, day))

    def _wrong_weekday(self, text: str, before: str, start: int, end: int, published: dt.date) -> Finding | None:
        assert self._weekday is not None
        match = _BEFORE_WEEKDAY.search(before)
        if match is None:
            return None
        month, day = chinese_number(match.group("month")), chinese_number(match.group("day"))
        if match.group("year"):
            year: int | None = chinese_number(match.group("year"))
            how = ""
        else:
            date_start = start - len(before) + match.start()
            said = _RELATIVE_YEAR.search(text, max(0, date_start - RELATIVE_LOOKBACK), date_start)
            year = self._paragraph_year(text, date_start)
            how = f"（未写年份，按上文的{year}年计）"
            if said is not None:
                year = published.year + _RELATIVE_YEARS[said.group()]
                how = f"（{said.group()}，即{year}年）"
            elif year is None:
                year = nearest_year(month, day, published) if 1 <= month <= 12 else None
                how = f"（未写年份，按离发布日期最近的{year}年计）"
        if year is None or year < FIRST_GREGORIAN_YEAR:
            return None
        try:
            actual = dt.date(year, month, day).weekday()
        except ValueError:
            return None  # a day that does not exist is the other rule's
        written = WEEKDAYS[text[end - 1]]
        if actual == written:
            return None
        prefix = text[start : end - 1]
        right = prefix + ("天" if text[end - 1] == "天" and actual == 6 else WEEKDAY_NAMES[actual])
        message = (
            f"{year}年{month}月{day}日{how}是{right}，不是{text[start:end]}；请核对日期和星期，哪一个写错了就改哪一个。"
        )
        return Finding(start, end, self._weekday, right, message)

    @staticmethod
    def _paragraph_year(text: str, date_start: int) -> int | None:
        """The year of the last full date before date_start in its paragraph."""
        paragraph = text.rfind("\n", max(0, date_start - PARAGRAPH_LOOKBACK), date_start) + 1
        year = None
        for match in _FULL_DATE.finditer(text, max(paragraph, date_start - PARAGRAPH_LOOKBACK), date_start):
            year = chinese_number(match.group("year"))
        return year
