"""Anniversary counts against the event's day and the article's date (lexicons/data/anniversaries.csv)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.config import DEFAULT_LEXICON_DIR
from app.detection.anniversaries import count_value, load_anniversaries
from app.detection.detector import Detector


def anniversary_hits(detector: Detector, text: str, date: dt.date) -> list[tuple[str, tuple[str, ...]]]:
    return [(h.text, h.suggestions) for h in detector.check(text, date=date) if h.rule_id == "anniversary.count"]


@pytest.mark.parametrize(
    ("written", "value"),
    [("75", 75), ("七十五", 75), ("一百零四", 104), ("一百", 100), ("十", 10), ("一〇四", 104), ("十百", None)],
)
def test_counts_in_digits_and_numerals(written: str, value: int | None) -> None:
    assert count_value(written) == value


def test_every_event_has_a_day_names_and_a_source() -> None:
    events = load_anniversaries(DEFAULT_LEXICON_DIR)
    assert len(events) >= 20
    assert len({e.key for e in events}) == len(events)
    assert all(e.names and e.day.year < 2000 for e in events)


@pytest.mark.parametrize(
    ("text", "date", "expected"),
    [
        # a count the date has not reached, without a word about the future
        ("全镇党员干部热烈庆祝中国共产党成立105周年。", dt.date(2025, 7, 1), ("中国共产党成立104周年",)),
        ("我县举办文艺演出，热烈庆祝新中国成立七十八周年。", dt.date(2025, 10, 1), ("新中国成立七十六周年",)),
        # the sentence says which year it speaks of
        ("今年是中国人民抗日战争胜利79周年。", dt.date(2025, 5, 10), ("中国人民抗日战争胜利80周年",)),
        ("2021年是中国共产党成立101周年。", dt.date(2025, 3, 10), ("中国共产党成立100周年",)),
    ],
)
def test_wrong_counts_are_serious_with_the_right_count(
    detector: Detector, text: str, date: dt.date, expected: tuple[str, ...]
) -> None:
    [hit] = [h for h in detector.check(text, date=date) if h.rule_id == "anniversary.count"]
    assert hit.suggestions == expected
    assert hit.severity == "serious"
    assert "周年" in hit.message
    assert f"{date.year}年" in hit.message or "年是" in hit.message


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("全镇党员干部热烈庆祝中国共产党成立104周年。", dt.date(2025, 7, 1)),
        ("以优异成绩庆祝新中国成立70周年。", dt.date(2019, 1, 18)),  # all through the anniversary's year
        ("明年是中华人民共和国成立75周年。", dt.date(2023, 12, 8)),
        ("以优异成绩迎接建军100周年。", dt.date(2024, 6, 19)),  # looked forward to, years ahead
        ("到新中国成立一百周年时，我国将建成社会主义现代化强国。", dt.date(2021, 6, 9)),
        ("深入学习习近平总书记在庆祝中国共产党成立100周年大会上的重要讲话精神。", dt.date(2025, 3, 10)),
        ("2021年，全市隆重庆祝建党100周年。", dt.date(2025, 3, 10)),
        ("2019年是新中国成立70周年，今年是新中国成立76周年。", dt.date(2025, 10, 8)),
        ("会议以优异履职成绩迎接致公党建党100周年。", dt.date(2023, 12, 13)),  # another party
        ("伊拉克举行阅兵仪式庆祝建军98周年。", dt.date(2019, 1, 7)),  # another country's army
        ("今年的活动将围绕庆祝中国共产党成立100周年等主题展开。", dt.date(2020, 12, 22)),
    ],
)
def test_right_counts_and_other_frames_are_silent(detector: Detector, text: str, date: dt.date) -> None:
    assert anniversary_hits(detector, text, date) == []
