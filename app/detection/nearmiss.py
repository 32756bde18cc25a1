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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.detection.context import ContextRules, clause_before
from app.detection.countries import after_a_country
from app.detection.hit import Finding
from app.detection.leaders import LEADERS_FILE
from app.detection.lexicon import CanonicalForm, Lexicon
from app.detection.names import reads_as_name
from app.detection.normalize import normalize_term
from app.detection.principles import in_person_name
from app.detection.segment import on_word_boundaries, tokenizer
from app.detection.similarity import Confusions, homophones, readings
from app.detection.tables import DIVISIONS_FILE, Division
from app.detection.typo.confusion import shape_neighbours
from app.vocabulary import TYPO_CATEGORY

# Forms this long or shorter are "short": a substitution must be a homophone or look-alike, and the
# span must line up with word boundaries.
SHORT = 4
TYPO_CONFUSIONS = "data/typo/confusion.tsv"  # the typo layer's confusion set, for its look-alikes
_PLACE_SUFFIX_WORDS = ("特别行政区", "自治区", "自治州", "自治县", "地区", "林区", "盟", "省", "市", "州", "县", "区")
# Function characters whose addition or omission changes the wording, not the formulation.
_PARTICLES = frozenset("的之了地得和与及并而在是对")
# Characters that make a title another office or a former one (副总理, 原副总理, 前主席).
_TITLE_MODIFIERS = frozenset("副原前")
_NON_HAN = re.compile(r"[^\u3400-\u9fff]")
_PUNCT = re.compile(r"[、，,；;：:]")
# A place name whose part before the suffix is this long takes any one-character slip inside it.
LONG_PLACE = 4
# How far before a division name its parent may start (黔东南苗族侗族自治州 has ten characters).
PARENT_CHARS = 12
# Characters that name levels of division: a run of them lists levels (所有地州市), it names no place.
_LEVEL_CHARS = frozenset("省市地州县区盟旗乡镇")
# jieba frequency of a common word (城市 25,084, 市区 2,460, 都市 692; 北市 3, 州市 115).
COMMON_WORD = 400
_PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


# (window, position of the changed character) → whether official prose writes that window as it stands
Attested = Callable[[str, int], bool]


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
    """A prefecture or county name: a division written right before it must be one of its parents.

    County names repeat (朝阳区 in Beijing and Changchun): parents holds those of every division of the name,
    and right, when the name is unique, the parent to suggest for each level written.
    """

    rule: int
    length: int
    parents: frozenset[str]
    right: tuple[tuple[str, str], ...]  # (level of the name written before, the right one)


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
        self._confusions = Confusions(
            [*lexicon.lookalikes, *_typo_pairs(lexicon)], shape_neighbours(lexicon.directory / TYPO_CONFUSIONS)
        )
        self._forms: dict[int, str] = {}
        self._places: set[int] = set()
        self._counties: set[int] = set()
        self._sounds: dict[str, frozenset[str]] = {}
        self._excepts: dict[int, frozenset[str]] = {}
        self._dates: dict[int, ContextRules] = {}
        self._lexicon_terms = lexicon_terms
        self.keys: dict[str, list[object]] = {}
        self._pending_swaps: list[tuple[int, str]] = []
        for index, rule in enumerate(lexicon.rules):
            if isinstance(rule.spec, CanonicalForm):
                self._add_form(index, rule.spec, rule.file == DIVISIONS_FILE, rule.file == LEADERS_FILE)
        # A former division's name (渝北区) was a real name: history, not a slip of a current one.
        self._known = set(self._forms.values()) | {d.name for d in lexicon.former_divisions}
        self._province_of_city: dict[int, str] = {}
        self._add_cities(lexicon)
        self._children = _children(lexicon)
        for index, form in self._forms.items():
            # A short county name (东城区, 浏阳市) has too many real neighbours to guess its slips.
            if len(form) <= SHORT and index not in self._counties:
                self._add_variants(index, form)
        # Checked once every form is known, so that a swap that is itself a form is left alone.
        for index, swapped in self._pending_swaps:
            if self._may_be_slip(index, swapped):
                self._key(swapped, Variant(index, len(swapped)))

    # -- building -----------------------------------------------------------------------------

    def _key(self, key: str, item: object) -> None:
        self.keys.setdefault(key, []).append(item)

    def _add_form(self, index: int, spec: CanonicalForm, is_place: bool, is_leader: bool = False) -> None:
        form = normalize_term(spec.form)
        self._forms[index] = form
        if is_place:
            self._places.add(index)
            if is_county(spec.id):
                self._counties.add(index)
        self._excepts[index] = frozenset(normalize_term(e) for e in spec.except_)
        # A leader's name does not expire with the title: 国务院总理温家室 in a retrospective written today is a
        # slip of 温家宝 (the title itself is the leaders rule's business). Before the title, there was no form.
        until = None if is_leader else spec.until
        if spec.since or until:
            self._dates[index] = ContextRules.dates_only(spec.since, until)
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
        fixed = len(form) - suffix_length(form) if index in self._places else len(form)
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
            if variant != form and self._may_be_slip(index, variant):
                self._key(variant, Variant(index, len(variant)))

    def _add_cities(self, lexicon: Lexicon) -> None:
        by_code = {d.code: d for d in lexicon.divisions}
        provinces = {d.code: d.name for d in lexicon.divisions if d.level == "province"}
        # Names that can stand right before a division: provinces (in full or short) and prefectures.
        self._parent_names: dict[str, tuple[str, str]] = {
            short: (name, "province") for name in provinces.values() for short in province_short_names(name)
        }
        for division in lexicon.divisions:
            if division.level == "city":
                self._parent_names.setdefault(division.name, (division.name, "city"))
        rule_of = {rule.spec.id: i for i, rule in enumerate(lexicon.rules)}
        grouped: dict[str, list[tuple[int, list[tuple[str, str]]]]] = {}
        for division in lexicon.divisions:
            index = rule_of.get(f"place.{division.code}")
            if division.level == "province" or index is None:
                continue
            chain = [(parent.level, parent.name) for parent in _ancestors(division, by_code)]
            grouped.setdefault(division.name, []).append((index, chain))
        # A name once under another parent (重庆市江北区, gone from the 2025 list; 宁波 has a 江北区 today) is that
        # division of its time, not this one under the wrong parent.
        former_parents: dict[str, set[str]] = {}
        by_former_code = {d.code: d for d in lexicon.former_divisions}
        for division in lexicon.former_divisions:
            if division.name in grouped:
                ancestors = _ancestors(division, by_former_code, by_code)
                former_parents.setdefault(division.name, set()).update(parent.name for parent in ancestors)
        for name, items in grouped.items():
            parents = frozenset(p for _i, chain in items for _level, p in chain) | former_parents.get(name, set())
            right = tuple((level, p) for level, p in items[0][1]) if len(items) == 1 else ()
            self._key(name, City(items[0][0], len(name), parents, right))

    def _may_be_slip(self, index: int, variant: str) -> bool:
        """True when variant may be a slip: not a real word, a form, an exception or a listed term."""
        return not (
            variant in self._known
            or variant in self._excepts[index]
            or variant in self._lexicon_terms
            or tokenizer().FREQ.get(variant)
        )

    # -- checking -----------------------------------------------------------------------------

    def find(
        self, text: str, found: list[tuple[int, Any]], date: dt.date, attested: Attested | None = None
    ) -> list[Finding]:
        """Near misses among the automaton's matches (end offset, item) in the normalised text. `attested`
        (the typo layer's model, when loaded) tells whether official prose uses a window as written."""
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
                span = self._verify_piece(text, item, start, attested)
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
        for _start, end, rule in exact:
            children = self._children.get(rule)
            if children:
                finding = self._check_child(text, end, children)
                if finding:
                    results.append(finding)
        return _dedupe(results)

    def _check_child(self, text: str, end: int, children: tuple[tuple[int, str], ...]) -> Finding | None:
        """A slip in the name written right after its parent (湖南省株州市, 长沙市浏羊市): the parent frames it,
        so even a short county name may be checked, against the parent's few children only."""
        for _index, name in children:
            if text.startswith(name, end):
                return None
        for index, name in children:
            window = text[end : end + len(name)]
            suffix = suffix_length(name)
            if len(window) != len(name) or window[len(name) - suffix :] != name[len(name) - suffix :]:
                continue
            diffs = [i for i in range(len(name)) if window[i] != name[i]]
            if len(diffs) != 1 or not self._confusions.similar(name[diffs[0]], window[diffs[0]]):
                continue
            if window in self._known or window in self._lexicon_terms:
                continue
            return Finding(end, end + len(name), index)
        return None

    def _verify_piece(self, text: str, piece: Piece, start: int, attested: Attested | None) -> tuple[int, int] | None:
        form = self._forms[piece.rule]
        n = len(form)
        if not self._rest_may_follow(text, piece, start, form):
            return None
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
            if self._near(window, form, piece.rule, attested):
                return s, e
        return None

    def _rest_may_follow(self, text: str, piece: Piece, start: int, form: str) -> bool:
        """A quick test that the rest of the form can follow (or precede) the piece with one edit.

        One edit leaves the first (or last) two characters of the rest in place, or shifted by one: one of
        them stands in the two characters next to the piece. Most pieces (社会主义 of 社会主义市场经济 found
        inside 社会主义现代化强国) fail here before any window is compared. A homophone counts as a match,
        since several homophones at once are a slip too.
        """
        n = len(form)
        end = start + piece.length
        if piece.offset == 0 and n - piece.length >= 2:
            want, near = form[piece.length : piece.length + 2], text[end : end + 2]
        elif piece.offset > 0 and piece.offset + piece.length == n and piece.offset >= 2:
            want, near = form[piece.offset - 2 : piece.offset], text[max(0, start - 2) : start]
        else:
            return True
        if any(c in want for c in near):
            return True
        if piece.rule in self._places:
            return False
        sounds = self._sounds.get(want)
        if sounds is None:
            sounds = self._sounds[want] = frozenset().union(*(readings(w) for w in want))
        return any(readings(c) & sounds for c in near)

    def _near(self, window: str, form: str, rule: int, attested: Attested | None = None) -> bool:
        """Whether window is one slip away from form (or the same syllables mistyped)."""
        n, m = len(form), len(window)
        if _NON_HAN.search(window) and any(not _is_han(c) and c not in form for c in window):
            return False
        is_place = rule in self._places
        if m == n:
            diffs = [i for i in range(n) if window[i] != form[i]]
            if is_place and diffs and diffs[-1] >= n - suffix_length(form):
                return False  # 长沙是 is a sentence, not a slip for 长沙市
            if len(diffs) == 1:
                i = diffs[0]
                # Inside a long place name (呼和浩特市) any slip is one: its neighbours are names too, and known.
                long_place = is_place and n - suffix_length(form) >= LONG_PLACE
                if n <= SHORT or (is_place and not long_place) or i in (0, n - 1):
                    return self._confusions.similar(form[i], window[i])
                # 高质量开展城市更新 is a phrase official prose uses, not a slip of 高质量发展 (扫黑险恶 is one)
                return is_place or attested is None or not attested(window, i)
            if len(diffs) == 2 and diffs[1] == diffs[0] + 1:
                i, j = diffs
                if window[i] == form[j] and window[j] == form[i]:
                    return True
            # Several homophones at once: the pinyin input method picked the wrong characters.
            return not is_place and 2 <= len(diffs) <= n // 2 and all(homophones(form[i], window[i]) for i in diffs)
        if is_place:
            return m == n - 1 and self._dropped_inside_long_place(window, form)
        if window[0] != form[0] or window[-1] != form[-1]:
            return False  # a slip at an edge is a different neighbouring word, not a slip
        if m == n - 1:
            dropped = [form[i] for i in range(1, n - 1) if form[:i] + form[i + 1 :] == window]
        elif m == n + 1:
            dropped = [window[i] for i in range(1, m - 1) if window[:i] + window[i + 1 :] == form]
        else:
            return False
        # 实现中华民族的伟大复兴 adds a particle, 中国现代化 is a phrase of real words, 国务院副总理温家宝 and
        # 国务院原副总理回良玉 name another office or a former one: none is a slip.
        return bool(dropped) and dropped[0] not in _PARTICLES | _TITLE_MODIFIERS and not _all_words(window)

    def _dropped_inside_long_place(self, window: str, form: str) -> bool:
        """齐齐哈市 for 齐齐哈尔市: a character dropped inside a long name (four characters before its suffix),
        its first character and suffix in place. A shorter name less one character is too often another
        name or word, and a window that is itself a division's name (current or former) is that division."""
        stem = len(form) - suffix_length(form)
        if stem < LONG_PLACE or window in self._known or window[0] != form[0] or not window.endswith(form[stem:]):
            return False
        return any(form[:i] + form[i + 1 :] == window for i in range(1, stem))

    def _keep(
        self, text: str, rule: int, start: int, end: int, exact: list[tuple[int, int, int]], date: dt.date
    ) -> bool:
        window = text[start:end]
        if not self._may_be_slip(rule, window):
            return False
        if any(s <= start and end <= e for s, e, _ in exact):
            return False  # inside a correctly written form
        # A near miss that starts or ends inside a word is part of that word (以人民为中心发展理念,
        # 中华人民共和国主席): a word a longer word contains is not that word.
        if not on_word_boundaries(text, start, end):
            return False
        if rule in self._places:
            if self._suffix_fused(text, start, end, rule) and not self._after_parent(text, start):
                return False
            if all(c in _LEVEL_CHARS for c in window):
                return False  # 地州市, 市县区: the levels of division, listed
            if after_a_country(clause_before(text, start)):
                return False  # 日本富山市 is Japan's city, not a slip of 佛山市
        elif in_person_name(text, start, end) and not reads_as_name(self._forms[rule]):
            return False  # 区委书记雷政富: a name, not a slip of 政府 (but 主席王户宁 is a slip of 王沪宁)
        dates = self._dates.get(rule)
        return dates is None or dates.applies(text, start, end, date)

    def _suffix_fused(self, text: str, start: int, end: int, rule: int) -> bool:
        """Whether the name's last character before its suffix reads with the suffix as one word (最严城市,
        装扮了城市): then the text is that word, unless a parent division frames the name."""
        window = text[start:end]
        form_suffix = suffix_length(window)
        if not form_suffix or end - start - form_suffix < 1 or sorted(window) == sorted(self._forms[rule]):
            return False  # a transposition keeps every character of the name: it is the name, misordered
        return (tokenizer().FREQ.get(text[end - form_suffix - 1 : end]) or 0) >= COMMON_WORD

    def _after_parent(self, text: str, start: int) -> bool:
        before = text[max(0, start - PARENT_CHARS) : start]
        return any(before[-length:] in self._parent_names for length in range(2, len(before) + 1))

    def _check_province(self, text: str, city: City, start: int, end: int) -> Finding | None:
        """A division named right before this one that is not its parent: 湖北省长沙市, 长沙市天河区."""
        before = text[max(0, start - PARENT_CHARS) : start]
        for length in range(min(len(before), PARENT_CHARS), 1, -1):
            written = before[-length:]
            found = self._parent_names.get(written)
            if found is None:
                continue
            full, level = found
            if full in city.parents or self._shares_suffix(text, start, end, full):
                return None
            if (tokenizer().FREQ.get(text[start:end]) or 0) >= COMMON_WORD:
                return None  # 北京城区: the common word, not the district 城区 of another city
            name = text[start:end]
            right = dict(city.right).get(level)
            same_level = sorted(p for p in city.parents if self._parent_names.get(p, ("", ""))[1] == level)
            where = right or "、".join(same_level)
            if not where:
                return None
            return Finding(
                start - length,
                end,
                city.rule,
                suggestion=(right + name) if right else None,
                message=f"{name}属于{where}，不属于{full}。",
            )
        return None

    def compact(self) -> None:
        """Once the detector's automaton holds the keys, keep of them only what checking reads here (the
        cities, for _shares_suffix): the compiled cache need not carry thirty thousand keys twice."""
        kept: dict[str, list[object]] = {}
        for key, items in self.keys.items():
            cities: list[object] = [item for item in items if item.__class__ is City]
            if cities:
                kept[key] = cities
        self.keys = kept

    def _shares_suffix(self, text: str, start: int, end: int, parent: str) -> bool:
        """青岛市南区 is 青岛 + 市南区 (a district of 青岛市), the parent's suffix shared with the name."""
        for extra in range(1, 3):
            longer = text[max(0, start - extra) : end]
            for item in self.keys.get(longer, ()):
                if item.__class__ is City and parent in item.parents:
                    return True
        return False


def _ancestors(division: Division, *tables: dict[str, Division]) -> list[Division]:
    """The divisions above one, nearest first, each looked up by code in the first table that has it."""
    out: list[Division] = []
    code = division.parent
    while (parent := next((table[code] for table in tables if code in table), None)) is not None:
        out.append(parent)
        code = parent.parent
    return out


def _children(lexicon: Lexicon) -> dict[int, tuple[tuple[int, str], ...]]:
    """For each division's rule, the rules and names of the divisions directly under it."""
    rule_of = {rule.spec.id: i for i, rule in enumerate(lexicon.rules)}
    code_rule = {d.code: rule_of.get(f"place.{d.code}") for d in lexicon.divisions}
    children: dict[int, list[tuple[int, str]]] = {}
    for division in lexicon.divisions:
        parent, own = code_rule.get(division.parent), code_rule.get(division.code)
        if parent is not None and own is not None:
            children.setdefault(parent, []).append((own, division.name))
    return {k: tuple(v) for k, v in children.items()}


def is_county(rule_id: str) -> bool:
    """place.430181 is a county-level division; place.430100 a prefecture, place.430000 a province."""
    code = rule_id.removeprefix("place.")
    return len(code) == 6 and code.isdigit() and not code.endswith("00")


def suffix_length(name: str) -> int:
    """The length of a division name's level suffix (市, 自治县, 特别行政区…), 0 for none."""
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
        if rule.category != TYPO_CATEGORY or not hasattr(spec, "all_terms"):
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
