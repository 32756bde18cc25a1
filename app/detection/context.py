"""Context rules that decide whether a candidate match is really wrong where it stands."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from app.detection.lexicon import Entry
from app.detection.normalize import normalize_term
from app.detection.segment import on_word_boundaries

# How far before and after a match the not_/only_ patterns look, never past a clause break.
CLAUSE_CHARS = 12
_CLAUSE_BREAK = re.compile(r"[，。；！？、,;!?：:\n「」“”\"（）()]")
_SENTENCE_BREAK = re.compile(r"[。！？!?\n]")
_CN_DIGITS = {
    "〇": "0",
    "零": "0",
    "一": "1",
    "二": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
}
_YEAR = re.compile(r"((?:19|20)[0-9]{2}|[一二][〇零一二三四五六七八九]{3})年")


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


def sentence_years(text: str, start: int, end: int) -> list[int]:
    """The years the sentence around a span names explicitly (2016年, 二〇一六年)."""
    left = max((m.end() for m in _SENTENCE_BREAK.finditer(text, 0, start)), default=0)
    right_match = _SENTENCE_BREAK.search(text, end)
    right = right_match.start() if right_match else len(text)
    years = []
    for match in _YEAR.finditer(text, left, right):
        digits = "".join(_CN_DIGITS.get(c, c) for c in match.group(1))
        years.append(int(digits))
    return years


@dataclass(frozen=True)
class ContextRules:
    """An entry's context rules, compiled once."""

    boundary_word: bool
    excepts: tuple[tuple[str, tuple[int, ...]], ...]  # (phrase, offsets of the term inside it)
    not_after: re.Pattern[str] | None
    not_before: re.Pattern[str] | None
    only_after: re.Pattern[str] | None
    only_before: re.Pattern[str] | None
    since: dt.date | None
    until: dt.date | None

    @classmethod
    def compile(cls, entry: Entry, term: str) -> ContextRules:
        excepts = []
        for phrase in entry.except_:
            norm = normalize_term(phrase)
            offsets = tuple(i for i in range(len(norm)) if norm.startswith(term, i))
            if offsets:
                excepts.append((norm, offsets))
        return cls(
            boundary_word=entry.boundary == "word",
            excepts=tuple(excepts),
            not_after=_any_regex(entry.not_after, "end"),
            not_before=_any_regex(entry.not_before, "start"),
            only_after=_any_regex(entry.only_after, "end"),
            only_before=_any_regex(entry.only_before, "start"),
            since=entry.since,
            until=entry.until,
        )

    @classmethod
    def dates_only(cls, since: dt.date | None, until: dt.date | None) -> ContextRules:
        return cls(False, (), None, None, None, None, since, until)

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
            or self.excepts
            or self.not_after
            or self.not_before
            or self.only_after
            or self.only_before
            or self.since
            or self.until
        )

    def applies(self, text: str, start: int, end: int, date: dt.date) -> bool:
        """Whether the match text[start:end] is an error in its context, published on date."""
        if not self._in_force(text, start, end, date):
            return False
        for phrase, offsets in self.excepts:
            for offset in offsets:
                if text.startswith(phrase, start - offset) and start >= offset:
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
        return not self.boundary_word or on_word_boundaries(text, start, end)

    def _in_force(self, text: str, start: int, end: int, date: dt.date) -> bool:
        if self.until and date >= self.until:
            return False
        if self.since:
            if date < self.since:
                return False
            years = sentence_years(text, start, end)
            # A sentence dated only before the change is a correct historical mention.
            if years and max(years) < self.since.year:
                return False
        return True
