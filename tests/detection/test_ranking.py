"""The Standing Committee's members written together follow their rank (lexicons/data/pbsc_order.csv)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from app.config import DEFAULT_LEXICON_DIR
from app.detection.detector import Detector
from app.detection.ranking import load_terms


def order_hits(detector: Detector, text: str, date: dt.date) -> list[tuple[str, tuple[str, ...]]]:
    return [(h.text, h.suggestions) for h in detector.check(text, date=date) if h.rule_id == "leader.pbsc-order"]


def test_terms_follow_each_other() -> None:
    terms = load_terms(DEFAULT_LEXICON_DIR)
    assert [t.number for t in terms] == sorted(t.number for t in terms)
    for before, after in itertools.pairwise(terms):
        assert before.end == after.start
    assert terms[-1].end is None and len(terms[-1].names) == 7


@pytest.mark.parametrize(
    ("text", "date", "expected"),
    [
        (
            "赵乐际、李强、王沪宁等参加审议。",
            dt.date(2024, 3, 6),
            [("赵乐际、李强、王沪宁", ("李强、赵乐际、王沪宁",))],
        ),
        # another leader in the list keeps his place; the members take their rank around him
        ("王沪宁、韩正、赵乐际出席。", dt.date(2024, 3, 6), [("王沪宁、韩正、赵乐际", ("赵乐际、韩正、王沪宁",))]),
        ("李强、赵乐际、王沪宁、蔡奇、丁薛祥、李希出席会议。", dt.date(2024, 3, 6), []),
        ("王沪宁、赵乐际分别参加审议。", dt.date(2019, 3, 6), []),  # the 19th term's order
        ("2019年3月，王沪宁、赵乐际分别参加审议。", dt.date(2024, 3, 6), []),  # the sentence's year decides
        ("赵乐际主持会议，李强、王沪宁出席。", dt.date(2024, 3, 6), []),  # not one list
    ],
)
def test_rank_order(detector: Detector, text: str, date: dt.date, expected: list) -> None:
    assert order_hits(detector, text, date) == expected
