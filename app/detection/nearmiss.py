"""Near misses of canonical forms: the one-character slips nobody thought to list.

A span one edit away from a canonical form (a character substituted, inserted, left out, or two
neighbours swapped) that is not itself a word or a form is flagged, with the form as suggestion.

Finding candidates costs no per-character Python loop. A form of four or more characters is split
in two pieces (at its punctuation, or in halves): one edit leaves one piece intact, the automaton finds
the pieces, and only the few windows around a found piece are compared with the form. Forms of two or
three characters are too short for pieces; their plausible slips (homophones, look-alikes, swaps) are
enumerated and matched exactly instead.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from app.detection.context import ContextRules
from app.detection.lexicon import CanonicalForm, Lexicon
from app.detection.normalize import normalize_term
from app.detection.segment import on_word_boundaries, tokenizer
from app.detection.similarity import Confusions, homophones

# Forms this long or shorter are "short": a substitution must be a homophone or look-alike, and the
# span must line up with word boundaries.
SHORT = 4
_PLACE_SUFFIX_WORDS = ("特别行政区", "自治区", "自治州", "自治县", "地区", "林区", "盟", "省", "市", "州", "县", "区")
# Function characters whose addition or omission changes the wording, not the formulation.
_PARTICLES = frozenset("的之了地得和与及并而在是对")
_NON_HAN = re.compile(r"[^\u3400-\u9fff]")
_PUNCT = re.compile(r"[、，,；;：:]")
_PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


@dataclass(frozen=True, slots=True)
class Exact:
    """A canonical form written correctly: no near miss of it is reported inside."""

    rule: int
    length: int


@dataclass(frozen=True, slots=True)
class Piece:
    rule: int
    offset: int
    length: int


@dataclass(frozen=True, slots=True)
class Variant:
    """An enumerated slip of a short form."""

    rule: int
    length: int


@dataclass(frozen=True, slots=True)
class City:
    """A city name: the province written right before it must be its own."""

    rule: int
    length: int
    province: str


@dataclass(frozen=True, slots=True)
class Finding:
    start: int
    end: int
    rule: int
    suggestion: str | None = None
    message: str | None = None


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def _pieces(form: str) -> list[tuple[int, int]]:
    """(offset, length) of pieces such that any single edit leaves one of them intact."""
    parts = []
    at = 0
    for chunk in _PUNCT.split(form):
        if len(chunk) >= 2:
            parts.append((at, len(chunk)))
        at += len(chunk) + 1
    if len(parts) >= 2:
        return parts
    half = len(form) // 2
    return [(0, half), (half, len(form) - half)]


def province_short_names(name: str) -> set[str]:
    names = {name}
    for suffix in _PROVINCE_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            names.add(name[: -len(suffix)])
            break
    return names


class NearMiss:
    """The canonical forms of one lexicon, compiled into automaton keys and their checks."""

    def __init__(self, lexicon: Lexicon, lexicon_terms: set[str]) -> None:
        self._confusions = Confusions([*lexicon.lookalikes, *_typo_pairs(lexicon)])
        self._forms: dict[int, str] = {}
        self._places: set[int] = set()
        self._excepts: dict[int, frozenset[str]] = {}
        self._dates: dict[int, ContextRules] = {}
        self._lexicon_terms = lexicon_terms
        self.keys: dict[str, list[object]] = {}
        self._pending_swaps: list[tuple[int, str]] = []
        for index, rule in enumerate(lexicon.rules):
            if isinstance(rule.spec, CanonicalForm):
                self._add_form(index, rule.spec, rule.file.startswith("data/"))
        self._known = set(self._forms.values())
        self._province_of_city: dict[int, str] = {}
        self._add_cities(lexicon)
        for index, form in self._forms.items():
            if len(form) <= SHORT:
                self._add_variants(index, form)
        # Checked once every form is known, so that a swap that is itself a form is left alone.
        for index, swapped in self._pending_swaps:
            if self._acceptable(index, swapped):
                self._key(swapped, Variant(index, len(swapped)))

    # -- building -----------------------------------------------------------------------------

    def _key(self, key: str, item: object) -> None:
        self.keys.setdefault(key, []).append(item)

    def _add_form(self, index: int, spec: CanonicalForm, is_place: bool) -> None:
        form = normalize_term(spec.form)
        self._forms[index] = form
        if is_place:
            self._places.add(index)
        self._excepts[index] = frozenset(normalize_term(e) for e in spec.except_)
        if spec.since or spec.until:
            self._dates[index] = ContextRules.dates_only(spec.since, spec.until)
        self._key(form, Exact(index, len(form)))
        if len(form) > SHORT:
            pieces = _pieces(form)
            for offset, length in pieces:
                self._key(form[offset : offset + length], Piece(index, offset, length))
            # Swapping the two characters where the pieces meet breaks both: list that slip itself.
            for offset, _length in pieces[1:]:
                if offset >= 1 and form[offset - 1] != form[offset]:
                    swapped = form[: offset - 1] + form[offset] + form[offset - 1] + form[offset + 1 :]
                    self._pending_swaps.append((index, swapped))

    def _add_variants(self, index: int, form: str) -> None:
        """Every plausible slip of a short form, matched exactly: its common halves would match everywhere."""
        fixed = len(form) - _suffix_length(form) if index in self._places else len(form)
        variants = set()
        for i in range(fixed):
            for char in self._confusions.alternatives(form[i]):
                variants.add(form[:i] + char + form[i + 1 :])
        for i in range(fixed - 1):
            variants.add(form[:i] + form[i + 1] + form[i] + form[i + 2 :])
        if len(form) == SHORT and index not in self._places:
            for i in range(1, len(form) - 1):
                shorter = form[:i] + form[i + 1 :]
                if form[i] not in _PARTICLES and not _all_words(shorter):
                    variants.add(shorter)
        for variant in variants:
            if variant != form and self._acceptable(index, variant):
                self._key(variant, Variant(index, len(variant)))

    def _add_cities(self, lexicon: Lexicon) -> None:
        provinces = {d.code: d.name for d in lexicon.divisions if d.level == "province"}
        self._province_names = {short: name for name in provinces.values() for short in province_short_names(name)}
        rule_of = {rule.spec.id: i for i, rule in enumerate(lexicon.rules)}
        for division in lexicon.divisions:
            index = rule_of.get(f"place.{division.code}")
            if division.level == "city" and index is not None and division.parent in provinces:
                self._key(division.name, City(index, len(division.name), provinces[division.parent]))

    def _acceptable(self, index: int, variant: str) -> bool:
        """A variant that is a real word, a form, an exception or a listed term is no slip."""
        return not (
            variant in self._known
            or variant in self._excepts[index]
            or variant in self._lexicon_terms
            or tokenizer().FREQ.get(variant)
        )

    # -- checking -----------------------------------------------------------------------------

    def find(self, text: str, found: list[tuple[int, object]], date: dt.date) -> list[Finding]:
        """Near misses among the automaton's matches (end offset, item) in the normalised text."""
        exact: list[tuple[int, int, int]] = []
        exact_by_rule: dict[int, list[tuple[int, int]]] = {}
        for end, item in found:
            if item.__class__ is Exact:
                exact.append((end - item.length, end, item.rule))
                exact_by_rule.setdefault(item.rule, []).append((end - item.length, end))
        results: list[Finding] = []
        for end, item in found:
            cls = item.__class__
            if cls is Piece:
                start = end - item.length
                if any(s <= start and end <= e for s, e in exact_by_rule.get(item.rule, ())):
                    continue
                span = self._verify_piece(text, item, start)
                if span and self._keep(text, item.rule, *span, exact, date):
                    results.append(Finding(span[0], span[1], item.rule))
            elif cls is Variant:
                start = end - item.length
                if self._keep(text, item.rule, start, end, exact, date):
                    results.append(Finding(start, end, item.rule))
            elif cls is City:
                finding = self._check_province(text, item, end - item.length, end)
                if finding:
                    results.append(finding)
        return _dedupe(results)

    def _verify_piece(self, text: str, piece: Piece, start: int) -> tuple[int, int] | None:
        form = self._forms[piece.rule]
        n = len(form)
        lengths = (n, n - 1, n + 1)
        if piece.offset == 0:
            spans = [(start, start + size) for size in lengths]
        elif piece.offset + piece.length == n:
            end = start + piece.length
            spans = [(end - size, end) for size in lengths]
        else:
            base = start - piece.offset
            spans = [(base + shift, base + shift + size) for size in lengths for shift in (0, -1, 1)]
        for s, e in spans:
            if s < 0 or e > len(text):
                continue
            window = text[s:e]
            if window == form:
                return None
            if self._near(window, form, piece.rule):
                return s, e
        return None

    def _near(self, window: str, form: str, rule: int) -> bool:
        """Whether window is one slip away from form (or the same syllables mistyped)."""
        n, m = len(form), len(window)
        if _NON_HAN.search(window) and any(not _is_han(c) and c not in form for c in window):
            return False
        is_place = rule in self._places
        if m == n:
            diffs = [i for i in range(n) if window[i] != form[i]]
            if is_place and diffs and diffs[-1] >= n - _suffix_length(form):
                return False  # 长沙是 is a sentence, not a slip for 长沙市
            if len(diffs) == 1:
                i = diffs[0]
                if n <= SHORT or is_place or i in (0, n - 1):
                    return self._confusions.similar(form[i], window[i])
                return True
            if len(diffs) == 2 and diffs[1] == diffs[0] + 1:
                i, j = diffs
                if window[i] == form[j] and window[j] == form[i]:
                    return True
            # Several homophones at once: the pinyin input method picked the wrong characters.
            return not is_place and 2 <= len(diffs) <= n // 2 and all(homophones(form[i], window[i]) for i in diffs)
        if is_place or window[0] != form[0] or window[-1] != form[-1]:
            return False  # a slip at an edge is a different neighbouring word, not a slip
        if m == n - 1:
            dropped = [form[i] for i in range(1, n - 1) if form[:i] + form[i + 1 :] == window]
        elif m == n + 1:
            dropped = [window[i] for i in range(1, m - 1) if window[:i] + window[i + 1 :] == form]
        else:
            return False
        # 实现中华民族的伟大复兴 adds a particle, 中国现代化 is a phrase of real words: neither is a slip.
        return bool(dropped) and dropped[0] not in _PARTICLES and not _all_words(window)

    def _keep(
        self, text: str, rule: int, start: int, end: int, exact: list[tuple[int, int, int]], date: dt.date
    ) -> bool:
        window = text[start:end]
        if not self._acceptable(rule, window):
            return False
        if any(s <= start and end <= e for s, e, _ in exact):
            return False  # inside a correctly written form
        form = self._forms[rule]
        if len(form) <= SHORT and not on_word_boundaries(text, start, end):
            return False
        dates = self._dates.get(rule)
        return dates is None or dates.applies(text, start, end, date)

    def _check_province(self, text: str, city: City, start: int, end: int) -> Finding | None:
        before = text[max(0, start - 8) : start]
        for length in range(min(len(before), 8), 1, -1):
            written = before[-length:]
            province = self._province_names.get(written)
            if province is None:
                continue
            if province == city.province:
                return None
            name = text[start:end]
            return Finding(
                start - length,
                end,
                city.rule,
                suggestion=city.province + name,
                message=f"{name}属于{city.province}，不属于{province}。",
            )
        return None


def _suffix_length(name: str) -> int:
    for suffix in _PLACE_SUFFIX_WORDS:
        if name.endswith(suffix):
            return len(suffix)
    return 0


def _all_words(text: str) -> bool:
    """Whether jieba reads text as words of two or more characters only: a phrase, not a slip."""
    return all(len(token) >= 2 for token, _s, _e in tokenizer().tokenize(text, HMM=False))


def _typo_pairs(lexicon: Lexicon) -> list[str]:
    """Character pairs that the typo lexicon attests as confused (term and suggestion differ once)."""
    pairs = []
    for rule in lexicon.rules:
        spec = rule.spec
        if rule.category != "常见错别字" or not hasattr(spec, "all_terms"):
            continue
        for term in spec.all_terms:
            for right in spec.suggest:
                if len(term) == len(right):
                    diffs = [(a, b) for a, b in zip(term, right, strict=True) if a != b]
                    if len(diffs) == 1:
                        pairs.append("".join(diffs[0]))
    return pairs


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[int, int, int]] = set()
    unique = []
    for finding in findings:
        key = (finding.start, finding.end, finding.rule)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique
