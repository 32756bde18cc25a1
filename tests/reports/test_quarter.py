from __future__ import annotations

import datetime as dt

import pytest

from app.reports import DateRange, Quarter, parse_period
from app.reports.quarter import local_date


@pytest.mark.parametrize(
    ("text", "year", "number"),
    [("2023Q2", 2023, 2), ("2023q1", 2023, 1), (" 2024Q4 ", 2024, 4), ("2023-Q3", 2023, 3)],
)
def test_parse(text: str, year: int, number: int) -> None:
    assert Quarter.parse(text) == Quarter(year, number)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2023Q5", "只有 Q1～Q4"),
        ("2023Q0", "只有 Q1～Q4"),
        ("23Q1", "格式不正确"),
        ("2023", "格式不正确"),
        ("Q2", "格式不正确"),
        ("", "格式不正确"),
        ("2023Q2x", "格式不正确"),
        ("2023Q12", "格式不正确"),
        ("２０２３Q2", "格式不正确"),  # full-width digits are not taken for a year
        ("0000Q1", "年份不正确"),
    ],
)
def test_parse_rejects_with_a_chinese_message(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as error:
        Quarter.parse(text)
    assert f"“{text}”" in str(error.value)


def test_constructor_rejects_a_fifth_quarter() -> None:
    with pytest.raises(ValueError, match="季度应为 1～4"):
        Quarter(2023, 5)


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        ("2023Q1", dt.date(2023, 1, 1), dt.date(2023, 3, 31)),
        ("2023Q2", dt.date(2023, 4, 1), dt.date(2023, 6, 30)),
        ("2023Q3", dt.date(2023, 7, 1), dt.date(2023, 9, 30)),
        ("2023Q4", dt.date(2023, 10, 1), dt.date(2023, 12, 31)),
        ("2024Q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
    ],
)
def test_start_and_end(quarter: str, start: dt.date, end: dt.date) -> None:
    q = Quarter.parse(quarter)
    assert (q.start, q.end) == (start, end)
    assert q.start in q and q.end in q
    assert q.start - dt.timedelta(days=1) not in q and q.end + dt.timedelta(days=1) not in q


def test_labels() -> None:
    q = Quarter.parse("2023Q2")
    assert q.label == "2023年第二季度"
    assert q.short_label == "第二季度"
    assert [Quarter(2023, n).short_label for n in (1, 3, 4)] == ["第一季度", "第三季度", "第四季度"]
    assert q.key == str(q) == "2023Q2"


def test_neighbours_and_containing() -> None:
    assert Quarter(2023, 1).previous() == Quarter(2022, 4)
    assert Quarter(2023, 4).next() == Quarter(2024, 1)
    assert Quarter.containing(dt.date(2023, 6, 30)) == Quarter(2023, 2)
    assert Quarter.containing(dt.date(2023, 7, 1)) == Quarter(2023, 3)
    assert sorted([Quarter(2024, 1), Quarter(2023, 4), Quarter(2023, 2)]) == [
        Quarter(2023, 2),
        Quarter(2023, 4),
        Quarter(2024, 1),
    ]


def test_membership_of_datetimes_is_by_beijing_date() -> None:
    q = Quarter(2023, 2)
    # 16:30 UTC on 30 June is 00:30 on 1 July in Beijing.
    assert dt.datetime(2023, 6, 30, 16, 30, tzinfo=dt.UTC) not in q
    assert dt.datetime(2023, 6, 30, 15, 59, tzinfo=dt.UTC) in q
    assert dt.datetime(2023, 6, 30, 23, 59) in q  # naive: already Beijing time
    assert local_date(dt.datetime(2023, 3, 31, 17, 0, tzinfo=dt.UTC)) == dt.date(2023, 4, 1)


def test_date_range() -> None:
    r = DateRange.parse("2023-04-01", dt.date(2023, 5, 31))
    assert (r.start, r.end) == (dt.date(2023, 4, 1), dt.date(2023, 5, 31))
    assert r.label == r.short_label == "2023年4月1日至2023年5月31日"
    assert r.key == "2023-04-01..2023-05-31"
    assert dt.date(2023, 6, 1) not in r


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        ("2023-06-01", "2023-05-31", "起始日期 2023-06-01 晚于结束日期 2023-05-31"),
        ("2023/04/01", "2023-05-31", "起始日期“2023/04/01”格式不正确"),
        ("2023-04-01", "2023-02-30", "结束日期“2023-02-30”格式不正确"),
    ],
)
def test_date_range_errors(since: str, until: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DateRange.parse(since, until)


def test_parse_period() -> None:
    assert parse_period("2023Q2") == Quarter(2023, 2)
    assert parse_period(since="2023-04-01", until="2023-04-30") == DateRange(dt.date(2023, 4, 1), dt.date(2023, 4, 30))
    with pytest.raises(ValueError, match="只能给出其一"):
        parse_period("2023Q2", since="2023-04-01")
    with pytest.raises(ValueError, match="同时给出起始日期和结束日期"):
        parse_period(since="2023-04-01")
