"""The detector: one Aho-Corasick automaton over every lexicon term, then context and overlaps."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import chain
from pathlib import Path

from app.detection import listing, privacy
from app.detection.automaton import Automaton
from app.detection.context import ContextRules
from app.detection.hit import TITLE, Hit
from app.detection.lexicon import CanonicalForm, DetectorSpec, Entry, Lexicon, Rule, load_lexicon
from app.detection.nearmiss import NearMiss
from app.detection.normalize import (
    Normalized,
    char_class,
    fold_table,
    ignorable_codes,
    normalize,
    normalize_term,
)

CONTEXT_CHARS = 20


@dataclass(frozen=True, slots=True)
class _Term:
    """One normalised term of one rule, as stored in the automaton."""

    rule: int
    length: int
    context: ContextRules


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    rule: int
    # At equal length a near miss ranks after a listed term: a curated entry knows more.
    guessed: bool = False
    suggestion: str | None = None
    message: str | None = None


class Detector:
    """Immutable once built, so any number of threads may call check() at once."""

    def __init__(self, lexicon: Lexicon, *, context_chars: int = CONTEXT_CHARS, near_miss: bool = True) -> None:
        self.lexicon = lexicon
        self.version = lexicon.version
        self.context_chars = context_chars
        self._rules: tuple[Rule, ...] = lexicon.rules
        self._rule_index = {rule.id: i for i, rule in enumerate(self._rules)}
        self._detectors: dict[str, int] = {}
        by_term: dict[str, list[_Term]] = {}
        for index, rule in enumerate(self._rules):
            if isinstance(rule.spec, DetectorSpec):
                self._detectors[rule.spec.detector] = index
                continue
            if isinstance(rule.spec, CanonicalForm):
                continue
            for raw in rule.spec.all_terms:
                term = normalize_term(raw)
                context = ContextRules.compile(rule.spec, term)
                by_term.setdefault(term, []).append(_Term(index, len(term), context))
        self.terms = {term: tuple(items) for term, items in by_term.items()}
        self._near = NearMiss(lexicon, set(self.terms)) if near_miss else None
        self._automaton = self._build(self.terms)

    @classmethod
    def from_dir(cls, directory: Path | str, **kwargs: int) -> Detector:
        return cls(load_lexicon(directory), **kwargs)

    def _build(self, terms: dict[str, tuple[_Term, ...]]) -> Automaton:
        keys: dict[str, list[object]] = {term: list(items) for term, items in terms.items()}
        for key, items in (self._near.keys if self._near else {}).items():
            keys.setdefault(key, []).extend(items)
        automaton = Automaton()
        for key, items in keys.items():
            automaton.add(key, tuple(items))
        automaton.build()
        # Only characters that normalisation would change into a term character (or remove) can
        # change what matches; a text with none of them is its own normalised form. One regex
        # scan tells, far cheaper than normalising every text.
        chars = set("".join(keys)) | set("0123456789xX")
        for items in terms.values():
            for item in items:
                chars.update(item.context.characters())
        relevant = [code for code, target in fold_table().items() if target in chars]
        self._special = re.compile("[" + char_class(sorted(relevant + ignorable_codes())) + "]")
        return automaton

    def rule(self, rule_id: str) -> Rule:
        return self._rules[self._rule_index[rule_id]]

    def check(
        self,
        text: str,
        *,
        date: dt.date | None = None,
        exempt_rules: Iterable[str] = (),
        exempt_phrases: Iterable[str] = (),
    ) -> list[Hit]:
        """Every wrong or sensitive span in text, published on date (default today)."""
        if not text:
            return []
        date = date or dt.date.today()
        norm, matches = self._scan(text)
        candidates = self._candidates(norm.text, matches, date)
        for detector, start, end in chain(privacy.find(norm.text), listing.find(norm.text)):
            if detector in self._detectors:
                candidates.append(_Candidate(start, end, self._detectors[detector]))
        if not candidates:
            return []
        candidates = self._exempt(norm.text, candidates, set(exempt_rules), exempt_phrases)
        candidates = self._drop_explained(norm.text, candidates)
        return [self._hit(norm, c) for c in self._resolve_overlaps(candidates)]

    def check_article(
        self,
        title: str | None,
        text: str,
        *,
        date: dt.date | None = None,
        exempt_rules: Iterable[str] = (),
        exempt_phrases: Iterable[str] = (),
    ) -> list[Hit]:
        """The hits of the title (first: it is the most visible text a post has), then those of the text.
        Each part is checked on its own, so no term is ever found across the join of title and text."""
        rules, phrases = tuple(exempt_rules), tuple(exempt_phrases)
        found = [
            replace(hit, field=TITLE)
            for hit in self.check(title or "", date=date, exempt_rules=rules, exempt_phrases=phrases)
        ]
        return found + self.check(text, date=date, exempt_rules=rules, exempt_phrases=phrases)

    def _scan(self, text: str) -> tuple[Normalized, list[tuple[int, tuple[_Term, ...]]]]:
        if self._needs_normalizing(text):
            norm = normalize(text)
        else:
            norm = Normalized(original=text, text=text)
        return norm, list(self._automaton.iter(norm.text))

    def _needs_normalizing(self, text: str) -> bool:
        for found in self._special.finditer(text):
            position = found.start()
            if ord(text[position]) not in _IGNORABLE_SET or self._joins_terms(text, position):
                return True
        return False

    @staticmethod
    def _joins_terms(text: str, position: int) -> bool:
        """Whether removing the space at position joins two words (a paragraph indent joins none)."""
        before = text[position - 1] if position else "\n"
        after = text[position + 1] if position + 1 < len(text) else "\n"
        return before.isalnum() and (after.isalnum() or ord(after) in _IGNORABLE_SET)

    def _candidates(self, text: str, matches: list[tuple[int, tuple[object, ...]]], date: dt.date) -> list[_Candidate]:
        found = []
        near: list[tuple[int, object]] = []
        for last, items in matches:
            end = last + 1
            for item in items:
                if item.__class__ is not _Term:
                    near.append((end, item))
                    continue
                start = end - item.length
                if item.context.trivial or item.context.applies(text, start, end, date):
                    found.append(_Candidate(start, end, item.rule))
        if near and self._near is not None:
            for f in self._near.find(text, near, date):
                found.append(_Candidate(f.start, f.end, f.rule, True, f.suggestion, f.message))
        return found

    def _exempt(
        self,
        text: str,
        candidates: list[_Candidate],
        rule_ids: set[str],
        phrases: Iterable[str],
    ) -> list[_Candidate]:
        spans = []
        for phrase in phrases:
            norm = normalize_term(phrase)
            at = text.find(norm) if norm else -1
            while at != -1:
                spans.append((at, at + len(norm)))
                at = text.find(norm, at + 1)
        if not rule_ids and not spans:
            return candidates
        return [
            c
            for c in candidates
            if self._rules[c.rule].id not in rule_ids and not any(s <= c.start and c.end <= e for s, e in spans)
        ]

    def _drop_explained(self, text: str, candidates: list[_Candidate]) -> list[_Candidate]:
        """Drop a near miss that a listed term inside it already explains: its fix restores the form."""
        listed = [c for c in candidates if not c.guessed and self._rules[c.rule].spec.suggest]
        if not listed or len(listed) == len(candidates):
            return candidates
        kept = []
        for cand in candidates:
            if cand.guessed:
                form = cand.suggestion or self._rules[cand.rule].spec.suggest[0]
                if any(self._fixes(text, cand, inner, form) for inner in listed):
                    continue
            kept.append(cand)
        return kept

    def _fixes(self, text: str, outer: _Candidate, inner: _Candidate, form: str) -> bool:
        if not (outer.start <= inner.start and inner.end <= outer.end):
            return False
        fix = self._rules[inner.rule].spec.suggest[0]
        return text[outer.start : inner.start] + fix + text[inner.end : outer.end] == form

    def _resolve_overlaps(self, candidates: list[_Candidate]) -> list[_Candidate]:
        """The longer match wins; at equal length a listed term beats a near miss, then severity, then order."""
        ranked = sorted(
            candidates,
            key=lambda c: (c.start - c.end, c.guessed, -self._rules[c.rule].spec.severity.rank, c.rule, c.start),
        )
        chosen: list[_Candidate] = []
        for cand in ranked:
            if all(cand.end <= kept.start or kept.end <= cand.start for kept in chosen):
                chosen.append(cand)
        chosen.sort(key=lambda c: (c.start, c.end))
        return chosen

    def _hit(self, norm: Normalized, cand: _Candidate) -> Hit:
        rule = self._rules[cand.rule]
        spec = rule.spec
        start, end = norm.to_original(cand.start, cand.end)
        original = norm.original
        before = original[max(0, start - self.context_chars) : start]
        after = original[end : end + self.context_chars]
        context = (before + original[start:end] + after).replace("\r", "").replace("\n", " ")
        return Hit(
            start=start,
            end=end,
            text=original[start:end],
            rule_id=spec.id,
            category=rule.category,
            severity=spec.severity.value,
            message=cand.message or _message(spec),
            suggestions=(cand.suggestion,) if cand.suggestion else tuple(spec.suggest),
            source=spec.source,
            context=context,
        )


_IGNORABLE_SET = frozenset(ignorable_codes())


def _message(spec: Entry | DetectorSpec | CanonicalForm) -> str:
    return spec.text_message if isinstance(spec, CanonicalForm) else spec.message


class DetectorHolder:
    """Serves one detector and swaps in a rebuilt one atomically; readers never wait on a build."""

    def __init__(self, directory: Path | str, **kwargs: int) -> None:
        self.directory = Path(directory)
        self._kwargs = kwargs
        self._lock = threading.Lock()
        self._detector = Detector.from_dir(self.directory, **kwargs)

    @property
    def current(self) -> Detector:
        return self._detector

    def reload(self) -> Detector:
        """Build from the files again; on error the old detector keeps serving and the error raises."""
        fresh = Detector.from_dir(self.directory, **self._kwargs)
        with self._lock:
            self._detector = fresh
        return fresh
