"""Lexicon lint: every file valid, every example behaving, no two entries in conflict."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from app.detection.detector import STORED_PROFILE, Detector
from app.detection.lexicon import Example, LexiconError, Rule, load_lexicon
from app.detection.normalize import normalize_term


@dataclass(frozen=True)
class Problem:
    file: str
    rule_id: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.rule_id}" if self.rule_id else self.file
        return f"{where}: {self.message}"


def example_date(example: Example) -> dt.date:
    return example.date or dt.date.today()


def check_bad_example(detector: Detector, rule: Rule, example: Example) -> list[str]:
    """What is wrong with a bad example: it must give exactly the marked hit, and its fix none."""
    text, start, end = example.marked_span()
    date = example_date(example)
    own = [h for h in detector.check(text, date=date, profile=STORED_PROFILE) if h.rule_id == rule.id]
    spans = [(h.start, h.end) for h in own]
    if spans != [(start, end)]:
        return [
            f"bad example should give one hit at {text[start:end]!r}, got "
            f"{[text[s:e] for s, e in spans]}: {example.text}"
        ]
    # A knowledge rule's suggestion depends on the span (十四届全国政协二次会议 → 全国政协十四届二次会议).
    suggest = rule.spec.suggest or list(own[0].suggestions)
    if not suggest:
        return []
    fixed = text[:start] + suggest[0] + text[end:]
    fixed_end = start + len(suggest[0])
    left = [
        h for h in detector.check(fixed, date=date, profile=STORED_PROFILE) if h.start < fixed_end and start < h.end
    ]
    if left:
        return [f"the corrected sentence still gets {[(h.rule_id, h.text) for h in left]}: {fixed}"]
    return []


def check_good_example(detector: Detector, rule: Rule, example: Example) -> list[str]:
    hits = detector.check(example.text, date=example_date(example), profile=STORED_PROFILE)
    if hits:
        return [f"good example gets {[(h.rule_id, h.text) for h in hits]}: {example.text}"]
    return []


def lint(directory: Path | str) -> list[Problem]:
    try:
        lexicon = load_lexicon(directory)
    except LexiconError as exc:
        return [Problem(file=str(directory), rule_id="", message=str(exc))]
    detector = Detector(lexicon)
    problems: list[Problem] = []
    for rule in lexicon.rules:
        messages: list[str] = []
        examples = rule.spec.examples
        for example in examples.bad if examples else ():
            messages += check_bad_example(detector, rule, example)
        for example in examples.good if examples else ():
            messages += check_good_example(detector, rule, example)
        for suggestion in rule.spec.suggest:
            hits = detector.check(suggestion, date=_valid_date(rule), profile=STORED_PROFILE)
            if hits:
                messages.append(f"suggestion {suggestion!r} itself gets {[h.rule_id for h in hits]}")
        problems += [Problem(rule.file, rule.id, m) for m in messages]
    problems += _term_conflicts(lexicon.rules)
    return problems


def _valid_date(rule: Rule) -> dt.date:
    """A date on which the rule's suggestion is right: a form of a former office holder was right in office."""
    until: dt.date | None = getattr(rule.spec, "until", None)
    if until is not None:
        return until - dt.timedelta(days=1)
    since: dt.date | None = getattr(rule.spec, "since", None)
    return since or dt.date.today()


def _term_conflicts(rules: tuple[Rule, ...]) -> list[Problem]:
    owners: dict[str, list[Rule]] = defaultdict(list)
    for rule in rules:
        for term in getattr(rule.spec, "all_terms", []):
            owners[normalize_term(term)].append(rule)
    problems = []
    for term, listed in owners.items():
        ids = sorted({r.id for r in listed})
        if len(ids) < 2:
            continue
        corrections = {tuple(r.spec.suggest) for r in listed}
        what = "two different corrections" if len(corrections) > 1 else "the same correction"
        problems.append(Problem(listed[0].file, ids[0], f"term {term!r} is listed in {ids} with {what}"))
    return problems
