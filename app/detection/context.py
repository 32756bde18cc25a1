"""Context rules that decide whether a candidate match is really wrong where it stands."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from app.detection.countries import after_a_country
from app.detection.lexicon import Entry
from app.detection.normalize import normalize_term
from app.detection.principles import is_historical, needs_word_check, splits_words
from app.detection.segment import on_word_boundaries

# How far before and after a match the not_/only_ patterns look, never past a clause break.
CLAUSE_CHARS = 12
# Tags of entries that name China's own offices and events (see app/detection/countries.py).
DOMESTIC_TAGS = frozenset({"国家机构", "地方机构", "党中央机构", "中国专指"})
_CLAUSE_BREAK = re.compile(r"[，。；！？、,;!?：:\n「」“”\"（）()]")


def _any_regex(patterns: list[str], anchor: str) -> re.Pattern[str] | None:
    if not patterns:
        return None
    body = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(f"(?:{body})$" if anchor == "end" else f"(?:{body})")


def clause_before(text: str, start: int) -> str:
    left = text[max(0, start - CLAUSE_CHARS) : start]
    breaks = list(_CLAUSE_BREAK.finditer(left))
    return left[breaks[-1].end() :] if breaks else left


def clause_after(text: str, end: int) -> str:
    right = text[end : end + CLAUSE_CHARS]
    found = _CLAUSE_BREAK.search(right)
    return right[: found.start()] if found else right


@dataclass(frozen=True)
class ContextRules:
    """An entry's context rules, compiled once."""

    boundary_word: bool
    no_split: bool
    excepts: tuple[tuple[str, tuple[int, ...]], ...]  # (phrase, offsets of the term inside it)
    not_after: re.Pattern[str] | None
    not_before: re.Pattern[str] | None
    only_after: re.Pattern[str] | None
    only_before: re.Pattern[str] | None
    since: dt.date | None
    until: dt.date | None
    # The term names something retired: a historical mention of it (原X, X并入Y, an earlier year) is right.
    historical: bool = False
    # The term names China's own office or event: written after another country it is that country's.
    domestic: bool = False

    @classmethod
    def compile(cls, entry: Entry, term: str, *, retired: bool = False) -> ContextRules:
        excepts = []
        for phrase in entry.except_:
            norm = normalize_term(phrase)
            offsets = tuple(i for i in range(len(norm)) if norm.startswith(term, i))
            if offsets:
                excepts.append((norm, offsets))
        return cls(
            boundary_word=entry.boundary == "word",
            no_split=entry.boundary is None and needs_word_check(term),
            excepts=tuple(excepts),
            not_after=_any_regex(entry.not_after, "end"),
            not_before=_any_regex(entry.not_before, "start"),
            only_after=_any_regex(entry.only_after, "end"),
            only_before=_any_regex(entry.only_before, "start"),
            since=entry.since,
            until=entry.until,
            historical=retired or entry.since is not None,
            domestic=bool(DOMESTIC_TAGS.intersection(entry.tags)) or any(t.startswith("机构改革") for t in entry.tags),
        )

    @classmethod
    def dates_only(cls, since: dt.date | None, until: dt.date | None) -> ContextRules:
        return cls(False, False, (), None, None, None, None, since, until, historical=since is not None)

    def characters(self) -> set[str]:
        """Every character the rules look for, so that text folding into them gets normalised."""
        chars = set("".join(phrase for phrase, _ in self.excepts))
        for pattern in (self.not_after, self.not_before, self.only_after, self.only_before):
            if pattern is not None:
                chars.update(pattern.pattern)
        return chars

    @property
    def trivial(self) -> bool:
        return not (
            self.boundary_word
            or self.no_split
            or self.excepts
            or self.not_after
            or self.not_before
            or self.only_after
            or self.only_before
            or self.since
            or self.until
            or self.historical
            or self.domestic
        )

    def applies(self, text: str, start: int, end: int, date: dt.date) -> bool:
        """Whether the match text[start:end] is an error in its context, published on date."""
        if not self._in_force(text, start, end, date):
            return False
        for phrase, offsets in self.excepts:
            for offset in offsets:
                if text.startswith(phrase, start - offset) and start >= offset:
                    return False
        if self.domestic and after_a_country(clause_before(text, start)):
            return False
        if self.not_after or self.only_after:
            before = clause_before(text, start)
            if self.not_after and self.not_after.search(before):
                return False
            if self.only_after and not self.only_after.search(before):
                return False
        if self.not_before or self.only_before:
            after = clause_after(text, end)
            if self.not_before and self.not_before.match(after):
                return False
            if self.only_before and not self.only_before.match(after):
                return False
        if self.no_split and splits_words(text, start, end):
            return False
        return not self.boundary_word or on_word_boundaries(text, start, end)

    def _in_force(self, text: str, start: int, end: int, date: dt.date) -> bool:
        if self.until and date >= self.until:
            return False
        if self.since and date < self.since:
            return False
        # 原X, X并入Y, or a sentence dated only before the change: a correct historical mention.
        return not (self.historical and is_historical(text, start, end, self.since))
