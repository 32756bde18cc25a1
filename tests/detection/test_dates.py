"""Dates that cannot be: days past the month's end, and weekdays that do not fall on their date."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.detection.dates import WEEKDAY_NAMES, chinese_number, month_days, nearest_year
from app.detection.detector import Detector

DAY = dt.date(2026, 12, 1)


def found(detector: Detector, text: str, date: dt.date = DAY) -> list[tuple[str, str, tuple[str, ...]]]:
    return [
        (h.rule_id, h.text, h.suggestions) for h in detector.check(text, date=date) if h.rule_id.startswith("date.")
    ]


@pytest.mark.parametrize(
    ("text", "value"), [("9", 9), ("31", 31), ("九", 9), ("十", 10), ("十二", 12), ("二十", 20), ("三十一", 31)]
)
def test_chinese_number(text: str, value: int) -> None:
    assert chinese_number(text) == value


def test_month_days_know_leap_years() -> None:
    assert [month_days(2024, 2), month_days(2023, 2), month_days(1900, 2), month_days(2000, 2)] == [29, 28, 28, 29]
    assert month_days(None, 2) == 29  # the year unknown, February may have 29
    assert month_days(None, 4) == 30


def test_nearest_year_crosses_the_new_year() -> None:
    assert nearest_year(1, 2, dt.date(2025, 12, 20)) == 2026
    assert nearest_year(12, 28, dt.date(2026, 1, 10)) == 2025
    assert nearest_year(6, 1, dt.date(2026, 5, 1)) == 2026
    assert nearest_year(2, 29, dt.date(2026, 5, 1)) is None  # no leap year next to 2026


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("请各村于6月31日前报送自查报告。", "6月31日"),
        ("活动时间为2月27日至30日。", "2月27日至30日"),
        ("2023年2月29日，我镇召开动员会。", "2023年2月29日"),
        ("会议定于四月三十一日召开。", "四月三十一日"),
        ("二〇二三年二月二十九日。", "二〇二三年二月二十九日"),
        ("截至11月31号，共受理申请120件。", "11月31号"),
        ("截止日期：2024.6.31。", "2024.6.31"),
        ("2023-02-29上午九时", "2023-02-29"),
        ("请于2024/4/31前报送。", "2024/4/31"),
    ],
)
def test_a_day_the_month_does_not_have(detector: Detector, text: str, span: str) -> None:
    assert found(detector, text) == [("date.impossible", span, ())]


@pytest.mark.parametrize(
    "text",
    [
        "请各村于6月30日前报送自查报告。",
        "2024年2月29日，我镇召开动员会。",
        "2月29日，我镇召开动员会。",  # the year unknown: it may be a leap year
        "农历二月三十日，村里举办庙会。",  # lunar months have 30 days
        "腊月三十日，家家户户贴春联。",
        "本次培训共计30日，自3月1日起。",  # a count of days, not a date
        "3个月31日内完成。",
        "1月31日至2月3日放假调休。",
        "2月28日—3月31日开展专项整治。",
        "日历上并没有2月30日这一天。",  # a sentence about the date, not by it
        "2024-02-29上午九时",
        "版本号2024.6.30.1已发布。",  # a version, not a date
        "增长2.31%，2024-6-301号文件。",
    ],
)
def test_days_that_exist_or_are_not_dates(detector: Detector, text: str) -> None:
    assert found(detector, text) == []


def test_a_weekday_that_is_not_the_dates(detector: Detector) -> None:
    # 2026-12-05 is a Saturday
    assert found(detector, "报名时间：2026年12月5日（星期五）上午9时。") == [("date.weekday", "星期五", ("星期六",))]
    assert found(detector, "定于12月5日周五召开。") == [("date.weekday", "周五", ("周六",))]
    assert found(detector, "12月6日，礼拜一。") == [("date.weekday", "礼拜一", ("礼拜日",))]
    hits = detector.check("定于12月5日（周五）召开。", date=DAY)
    assert "2026年12月5日" in hits[0].message and "周六" in hits[0].message


def test_a_date_without_its_year_takes_the_paragraphs_or_the_nearest(detector: Detector) -> None:
    # 2025-12-07 is a Sunday, 2026-12-07 a Monday: the full date before it says which year is meant
    text = "2026年12月1日至4日开展培训，12月7日（星期一）结业。"
    assert found(detector, text, dt.date(2025, 11, 20)) == []
    assert found(detector, "12月7日（星期一）结业。", dt.date(2025, 11, 20)) == [
        ("date.weekday", "星期一", ("星期日",))
    ]
    # published in late December, 1月2日 is next January's (2026-01-02 is a Friday)
    assert found(detector, "定于1月2日（星期五）召开年度总结会。", dt.date(2025, 12, 20)) == []
    # a year said relative to the publication (2025-12-05 was a Friday)
    assert found(detector, "去年12月5日（星期五），全县召开推进会。", dt.date(2026, 12, 1)) == []
    assert found(detector, "去年12月5日（星期六），全县召开推进会。", dt.date(2026, 12, 1)) == [
        ("date.weekday", "星期六", ("星期五",))
    ]
    # a new paragraph starts afresh
    text = "2024年3月1日，我县启动专项行动。\n定于1月2日（星期五）召开年度总结会。"
    assert found(detector, text, dt.date(2025, 12, 20)) == []


@pytest.mark.parametrize(
    "text",
    [
        "自12月1日起，每周五下午开放预约。",
        "12月5日—6日（周五、周六）开展义诊。",  # the weekdays of a range are not judged
        "1949年10月1日（星期六），中华人民共和国中央人民政府成立。",
        "农历十一月初五（星期六）。",
    ],
)
def test_weekdays_left_alone(detector: Detector, text: str) -> None:
    assert found(detector, text) == []


@settings(max_examples=60, deadline=None)
@given(st.dates(dt.date(1950, 1, 1), dt.date(2099, 12, 31)), st.integers(0, 6), st.sampled_from(["星期", "周"]))
def test_the_weekday_rule_agrees_with_the_calendar(detector: Detector, day: dt.date, written: int, prefix: str) -> None:
    text = f"会议于{day.year}年{day.month}月{day.day}日（{prefix}{WEEKDAY_NAMES[written]}）召开。"
    expected = [] if written == day.weekday() else [("date.weekday", prefix + WEEKDAY_NAMES[written])]
    assert [(rule, span) for rule, span, _ in found(detector, text)] == expected


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("会议定于12月5日上午14时召开。", "上午14时"),
        ("请于凌晨23:30前完成。", "凌晨23:30"),
        ("考试时间为上午9时75分至11时。", "9时75分"),
    ],
)
def test_a_time_that_contradicts_itself_or_does_not_exist(detector: Detector, text: str, span: str) -> None:
    assert found(detector, text) == [("date.time", span, ())]


@pytest.mark.parametrize(
    "text",
    [
        "会议定于下午14时召开。",  # 24-hour time after 下午 is redundant, not wrong
        "上午12时整，鸣笛致哀。",  # noon
        "凌晨0时30分，列车抵达。",
        "比赛以99:91结束，时长120分钟。",
        "上午，14个村的代表参加了培训。",
    ],
)
def test_times_that_can_be(detector: Detector, text: str) -> None:
    assert found(detector, text) == []
