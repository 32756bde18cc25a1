"""An entry's context rules: where a match of its term is really an error."""

from __future__ import annotations

import datetime as dt

from app.detection.context import ContextRules, clause_after, clause_before
from app.detection.lexicon import Entry, Examples

EXAMPLES = Examples.model_validate({"bad": ["[[x]]"], "good": ["y"]})
DAY = dt.date(2024, 5, 1)


def rules(term: str, **fields: object) -> ContextRules:
    entry = Entry.model_validate(
        {
            "id": "test.ctx",
            "term": term,
            "severity": "warning",
            "message": "说明",
            "source": "出处",
            "examples": EXAMPLES,
        }
        | fields
    )
    return ContextRules.compile(entry, term)


def applies(context: ContextRules, text: str, term: str, date: dt.date = DAY) -> bool:
    start = text.index(term)
    return context.applies(text, start, start + len(term), date)


def test_clauses_stop_at_punctuation() -> None:
    text = "据报道，截至目前，共有"
    start = text.index("截至")
    assert clause_before(text, start) == ""
    assert clause_after(text, start + 2) == "目前"


def test_a_term_with_no_rules_is_trivial() -> None:
    context = rules("做为", boundary="none")
    assert context.trivial and applies(context, "他做为党员", "做为")


def test_a_short_term_is_not_reported_across_the_words_it_splits() -> None:
    context = rules("做为")  # no boundary given: a two-character term must not split words (the principle)
    assert context.no_split and not context.trivial
    assert applies(context, "他做为党员", "做为")


def test_an_excepted_phrase_around_the_term_is_no_error() -> None:
    context = rules("做为", **{"except": ["看做为人"]})
    assert not applies(context, "看做为人之道", "做为")
    assert applies(context, "他做为党员", "做为")
    assert "看" in context.characters()


def test_not_after_and_only_before_look_within_the_clause() -> None:
    context = rules("机制", not_after=["长效"], only_before=["建设"])
    assert not applies(context, "建立长效机制建设", "机制")
    assert applies(context, "建立机制建设", "机制")
    assert not applies(context, "建立机制，建设", "机制")  # 建设 is beyond the clause break


def test_dates_bound_when_a_term_is_wrong() -> None:
    context = ContextRules.dates_only(dt.date(2023, 3, 1), dt.date(2024, 3, 1))
    text = "国家乡村振兴局发文"
    assert not applies(context, text, "乡村振兴局", dt.date(2023, 2, 28))
    assert applies(context, text, "乡村振兴局", dt.date(2023, 3, 1))
    assert not applies(context, text, "乡村振兴局", dt.date(2024, 3, 1))


def test_a_whole_word_term_inside_a_longer_word_is_no_error() -> None:
    context = rules("党员", boundary="word")
    assert applies(context, "他是党员。", "党员")
    assert not context.trivial
