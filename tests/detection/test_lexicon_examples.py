"""Every lexicon entry's own examples, run through the real engine (one test per entry)."""

from __future__ import annotations

import pytest

from app.config import DEFAULT_LEXICON_DIR
from app.detection.detector import Detector
from app.detection.lexicon import load_lexicon
from app.detection.lint import check_bad_example, check_good_example

LEXICON = load_lexicon(DEFAULT_LEXICON_DIR)
WITH_EXAMPLES = tuple(r for r in LEXICON.rules if r.spec.examples is not None)


@pytest.mark.parametrize("rule", WITH_EXAMPLES, ids=[r.id for r in WITH_EXAMPLES])
def test_entry_examples(rule, detector: Detector) -> None:
    problems = []
    examples = rule.spec.examples
    for example in examples.bad if examples else ():
        problems += check_bad_example(detector, rule, example)
    for example in examples.good if examples else ():
        problems += check_good_example(detector, rule, example)
    assert not problems, "\n".join(problems)


def test_bad_examples_carry_the_entry_suggestions(detector: Detector) -> None:
    for rule in WITH_EXAMPLES:
        if getattr(rule.spec, "knowledge", False):
            continue  # its hits carry suggestions of their own, checked by check_bad_example
        text, _start, _end = rule.spec.examples.bad[0].marked_span()
        hits = [h for h in detector.check(text, date=rule.spec.examples.bad[0].date) if h.rule_id == rule.id]
        # a detector in code (the typo layer) computes its suggestion; an entry's is in the file
        expected = list(rule.spec.suggest) or list(hits[0].suggestions if hits else ["?"])
        assert hits and list(hits[0].suggestions) == expected, rule.id
        assert text[hits[0].start : hits[0].end] == hits[0].text


def test_lexicon_is_large_and_sourced() -> None:
    entries = [r for r in LEXICON.rules if hasattr(r.spec, "all_terms")]
    assert all(r.spec.source.strip() for r in LEXICON.rules)
    categories = {r.category for r in LEXICON.rules}
    assert {
        "政治表述",
        "国家主权与涉台港澳",
        "禁用慎用词",
        "过时表述",
        "常见错别字",
        "敏感词",
        "隐私信息",
    } <= categories
    assert len(entries) >= 600
