"""Counts of a lexicon by category, severity and source, for `cuomin lexicon stats`."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from app.detection.lexicon import Lexicon, Rule

_TITLE = re.compile(r"^《[^》]+》")
_CUT = re.compile(r"[（(“，,；;]")


def source_family(source: str) -> str:
    """The publication a citation names, without the article, group or entry it points to.

    《第一批异形词整理表》（GF 1001—2001）“按语—案语”组 → 《第一批异形词整理表》, and every year of
    《咬文嚼字》's lists counts as 《咬文嚼字》. Without a title the citation is cut at its first bracket,
    quote or comma. Only the first of several sources (split by ；) counts.
    """
    first = source.split("；")[0].strip()
    title = _TITLE.match(first)
    if title:
        return title.group(0)
    cut = _CUT.search(first)
    return (first[: cut.start()] if cut and cut.start() > 0 else first).strip()


def _terms(rule: Rule) -> int:
    return len(getattr(rule.spec, "all_terms", [])) or 1


@dataclass(frozen=True)
class LexiconStats:
    rules: int
    terms: int
    by_category: Counter[str]
    terms_by_category: Counter[str]
    by_severity: Counter[str]
    by_source: Counter[str]
    terms_by_source: Counter[str]


def lexicon_stats(lexicon: Lexicon) -> LexiconStats:
    by_category: Counter[str] = Counter()
    terms_by_category: Counter[str] = Counter()
    by_severity: Counter[str] = Counter()
    by_source: Counter[str] = Counter()
    terms_by_source: Counter[str] = Counter()
    for rule in lexicon.rules:
        n = _terms(rule)
        family = source_family(rule.spec.source)
        by_category[rule.category] += 1
        terms_by_category[rule.category] += n
        by_severity[rule.spec.severity.value] += 1
        by_source[family] += 1
        terms_by_source[family] += n
    return LexiconStats(
        rules=len(lexicon.rules),
        terms=sum(terms_by_category.values()),
        by_category=by_category,
        terms_by_category=terms_by_category,
        by_severity=by_severity,
        by_source=by_source,
        terms_by_source=terms_by_source,
    )
