"""既……又 written 即……又: judged on the parallel construction itself."""

from __future__ import annotations

import datetime as dt

import pytest

from app.detection.detector import Detector


def ji(detector: Detector, text: str) -> list[tuple[str, tuple[str, ...]]]:
    hits = detector.check(text, date=dt.date(2025, 6, 1))
    return [(h.text, h.suggestions) for h in hits if h.rule_id == "typo.ji-you-correlative"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("即要抓发展，又要抓安全。", [("即要", ("既要",))]),
        ("他即是组织者，也是参与者。", [("即是", ("既是",))]),
        ("既要抓发展，又要抓安全。", []),
        ("即有理论宣讲，也要组织讨论。", []),  # the verb is not repeated: no parallel
        ("收到通知即要组织学习。又要下雨了。", []),  # the partner lies in another sentence
        ("即使条件艰苦，也使大家深受教育。", []),  # 即使 is a word of its own
        ("即将开工的项目也将同步推进。", []),
    ],
)
def test_ji_for_ji_in_a_parallel(detector: Detector, text: str, expected: list) -> None:
    assert ji(detector, text) == expected
