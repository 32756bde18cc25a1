"""Five-year plan years and the dates of the national goals."""

from __future__ import annotations

import datetime as dt

import pytest

from app.detection.detector import Detector
from app.detection.milestones import plan_years


@pytest.mark.parametrize(
    ("number", "years"), [(3, (1966, 1970)), (11, (2006, 2010)), (14, (2021, 2025)), (15, (2026, 2030))]
)
def test_plan_years(number: int, years: tuple[int, int]) -> None:
    assert plan_years(number) == years


def rules(detector: Detector, text: str, date: dt.date) -> list[str]:
    return [h.rule_id for h in detector.check(text, date=date) if h.rule_id in ("plan.year", "goal.year")]


@pytest.mark.parametrize(
    ("text", "date", "expected"),
    [
        ("2025年是“十五五”规划开局之年。", dt.date(2025, 3, 1), ["plan.year"]),
        ("明年是“十五五”规划的开局之年。", dt.date(2025, 3, 1), []),  # 明年 is 2026
        ("明年是“十四五”规划的收官之年。", dt.date(2025, 3, 1), ["plan.year"]),
        ("2020年是全面建成小康社会和“十三五”规划收官之年。", dt.date(2020, 3, 1), []),
        ("2025年是“十四五”收官之年、“十五五”谋划之年。", dt.date(2025, 3, 1), []),
        ("到2035年全面建成社会主义现代化强国。", dt.date(2024, 3, 1), ["goal.year"]),
        ("到本世纪中叶基本实现社会主义现代化。", dt.date(2024, 3, 1), ["goal.year"]),
        # before the 19th congress set the two stages, mid-century was the date of 基本实现现代化
        ("到本世纪中叶基本实现社会主义现代化。", dt.date(2012, 8, 14), []),
        ("到2035年，在全面建成小康社会的基础上，基本实现社会主义现代化。", dt.date(2024, 3, 1), []),
    ],
)
def test_years_of_plans_and_goals(detector: Detector, text: str, date: dt.date, expected: list[str]) -> None:
    assert rules(detector, text, date) == expected


def test_the_hit_is_serious_and_says_the_plan_period(detector: Detector) -> None:
    [hit] = [
        h
        for h in detector.check("2025年是“十五五”规划开局之年。", date=dt.date(2025, 3, 1))
        if h.rule_id == "plan.year"
    ]
    assert hit.severity == "serious"
    assert "2026—2030年" in hit.message and "2026年" in hit.message
