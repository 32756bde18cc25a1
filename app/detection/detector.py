"""The detector: one Aho-Corasick automaton over every lexicon term, then context and overlaps."""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import pickle
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from app.detection import listing, marks, privacy
from app.detection.anniversaries import AnniversaryRules, load_anniversaries
from app.detection.automaton import Automaton
from app.detection.context import ContextRules
from app.detection.correlatives import CorrelativeRules
from app.detection.dates import DateRules
from app.detection.exempt import Cover, find_phrases
from app.detection.hit import TITLE, Hit
from app.detection.leaders import LeaderRules, load_leaders
from app.detection.lexicon import CanonicalForm, CodeRule, Entry, Lexicon, LexiconError, Rule, load_lexicon
from app.detection.meetings import MeetingRules, load_meetings
from app.detection.milestones import MilestoneRules
from app.detection.nearmiss import Exact, NearMiss, suffix_length
from app.detection.normalize import (
    Normalized,
    char_class,
    fold_table,
    ignorable_codes,
    normalize,
    normalize_term,
)
from app.detection.places import PlaceRules
from app.detection.principles import in_identifier, is_mention
from app.detection.ranking import RankingRules, load_terms
from app.detection.segment import tokenizer
from app.detection.tables import DIVISIONS_FILE, LOOKALIKES_FILE
from app.vocabulary import RETIRED_CATEGORY, Severity

if TYPE_CHECKING:
    from app.detection.typo.layer import TypoFinding, TypoLayer

CONTEXT_CHARS = 20
# Hits reported per text at most. A text past this many (a pasted table of names, a flood of slips)
# is checked up to where the bound is reached, and the cut is reported, so no text costs more than
# the work of this many hits.
MAX_HITS = 1000
# What Detector.warm checks, so that every stage of a check runs once: characters to fold (full-width,
# traditional), lexicon terms, a near miss (共合国), a name before a verb of saying, a congress's spirit.
WARM_TEXT = (
    "中华人民共合国成立纪念。截止目前，全县已完成ＡＢＣ１２３項任务。他做为一名党员冲锋在前，"
    "张伟表示要坚持以人民为中心的发展思想，学习贯彻党的二十大精神，推进高质量发展。"
)
# Automaton matches judged at a time: checking stops after the group in which max_hits is passed.
_GROUP = 256


@dataclass(frozen=True, slots=True)
class Findings:
    """What check_text finds: the hits and, when max_hits cut the check short, the offset in the original
    text where it stopped (no hit at or after it is reported)."""

    hits: list[Hit]
    cut_at: int | None = None


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
    confidence: float | None = None
    severity: str | None = None  # overrides the rule's (a slip in a known form is serious)


_RULE_CHUNK = 64


class _Rules(Sequence[Rule]):
    """The rules of a detector loaded from the compiled cache, decoded a chunk at a time the first time a
    hit needs one of them: a check reads a few rules of thousands, and a process that only checks one
    draft should not pay for rebuilding every rule's validated model."""

    __slots__ = ("_chunks", "_count", "_decoded")

    def __init__(self, chunks: list[bytes], count: int) -> None:
        self._chunks = chunks
        self._count = count
        self._decoded: list[Rule | None] = [None] * count

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> Rule: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Rule, ...]: ...

    def __getitem__(self, index: int | slice) -> Rule | tuple[Rule, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(self._count)))
        rule = self._decoded[index]
        if rule is None:
            index %= self._count
            base = index - index % _RULE_CHUNK
            for offset, decoded in enumerate(pickle.loads(self._chunks[base // _RULE_CHUNK])):
                self._decoded[base + offset] = decoded
            rule = self._decoded[index]
            assert rule is not None
        return rule

    def __reduce__(self) -> tuple[object, ...]:
        return _Rules, (self._chunks, self._count)

    @classmethod
    def of(cls, rules: Sequence[Rule]) -> _Rules:
        if isinstance(rules, _Rules):
            return rules
        chunks = [
            pickle.dumps(tuple(rules[i : i + _RULE_CHUNK]), protocol=pickle.HIGHEST_PROTOCOL)
            for i in range(0, len(rules), _RULE_CHUNK)
        ]
        return cls(chunks, len(rules))


class _CachedLexicon(Lexicon):
    """The lexicon of a detector loaded from the compiled cache: its version and directory at once, its rules
    and tables decoded on first use. Checking and starting a pool of checking processes (which asks for the
    directory only) never decode the thousands of validated rules."""

    _parts: tuple[Sequence[Rule], bytes]
    _whole: Lexicon | None

    def __init__(self, version: str, directory: Path, rules: Sequence[Rule], tables: bytes) -> None:
        object.__setattr__(self, "version", version)
        object.__setattr__(self, "directory", directory)
        object.__setattr__(self, "_parts", (rules, tables))
        object.__setattr__(self, "_whole", None)

    def whole(self) -> Lexicon:
        whole = self._whole
        if whole is None:
            rules, tables = self._parts
            bare: Lexicon = pickle.loads(tables)
            whole = replace(bare, rules=tuple(rules))
            object.__setattr__(self, "_whole", whole)
        return whole

    rules = property(lambda self: self.whole().rules)
    divisions = property(lambda self: self.whole().divisions)
    lookalikes = property(lambda self: self.whole().lookalikes)
    former_divisions = property(lambda self: self.whole().former_divisions)

    def __eq__(self, other: object) -> bool:
        return self.whole() == (other.whole() if isinstance(other, _CachedLexicon) else other)

    def __hash__(self) -> int:
        return hash(self.whole())

    def __reduce__(self) -> tuple[object, ...]:
        whole = self.whole()
        return Lexicon, (
            whole.rules,
            whole.version,
            whole.directory,
            whole.divisions,
            whole.lookalikes,
            whole.former_divisions,
        )


class Detector:
    """Immutable once built, so any number of threads may call check() at once."""

    def __init__(
        self,
        lexicon: Lexicon,
        *,
        context_chars: int = CONTEXT_CHARS,
        near_miss: bool = True,
        max_hits: int = MAX_HITS,
        typo: TypoMode = "on",
    ) -> None:
        self._lexicon: Lexicon | None = lexicon
        self._lexicon_blob = b""
        self.version = lexicon.version
        self.directory = lexicon.directory
        self.context_chars = context_chars
        self.max_hits = max_hits
        self._rules: tuple[Rule, ...] = lexicon.rules
        self._rule_index = {rule.id: i for i, rule in enumerate(self._rules)}
        self._detectors: dict[str, int] = {}
        by_term: dict[str, list[_Term]] = {}
        for index, rule in enumerate(self._rules):
            if isinstance(rule.spec, CodeRule):
                self._detectors[rule.spec.detector] = index
                continue
            if isinstance(rule.spec, CanonicalForm):
                continue
            for raw in rule.spec.all_terms:
                term = normalize_term(raw)
                context = ContextRules.compile(rule.spec, term, retired=rule.category == RETIRED_CATEGORY)
                by_term.setdefault(term, []).append(_Term(index, len(term), context))
        self._terms: dict[str, tuple[_Term, ...]] | bytes = {term: tuple(items) for term, items in by_term.items()}
        self._near = NearMiss(lexicon, set(self.terms)) if near_miss else None
        # Rules in code over the knowledge tables: each adds its anchors to the automaton and reads
        # the text around them.
        meetings = load_meetings(lexicon.directory)
        self._knowledge: list[
            MeetingRules
            | LeaderRules
            | PlaceRules
            | AnniversaryRules
            | MilestoneRules
            | DateRules
            | RankingRules
            | CorrelativeRules
        ] = [
            MeetingRules(meetings, self._detectors),
            AnniversaryRules(load_anniversaries(lexicon.directory), self._detectors),
            MilestoneRules(self._detectors),
            DateRules(self._detectors),
            CorrelativeRules(self._detectors),
            RankingRules(load_terms(lexicon.directory), self._detectors),
            LeaderRules(load_leaders(lexicon.directory), self._detectors, set(self.terms), meetings),
            PlaceRules(lexicon.divisions, self._detectors),
        ]
        self._automaton = self._build(self.terms)
        self._typo_mode = typo if "typo_lm" in self._detectors else "off"
        self.typo = _typo_layer(self.directory, self.version, self._typo_mode)
        self._protected: dict[str, list[tuple[str, int]]] = {}
        self._serious: dict[str, list[tuple[str, int]]] = {}
        self._leader_names: dict[str, list[tuple[str, int]]] = {}
        if self.typo is not None:
            self._protected, self._serious = _known_forms(lexicon)
            self._leader_names = _index({t.name for t in load_leaders(lexicon.directory)})

    def __getstate__(self) -> dict[str, Any]:
        # The compiled cache must not copy the typo model: its tables are memory-mapped from a cache of
        # their own, and are mapped again when the detector is loaded. The lexicon and the rules go in as
        # pickles of their own, decoded when first used (checking needs only the rules that hit).
        state = self.__dict__.copy()
        state["typo"] = None
        if not state["_lexicon_blob"]:  # the lexicon without its rules, which are stored once, in _rules
            bare = replace(self.lexicon, rules=())
            state["_lexicon_blob"] = pickle.dumps(bare, protocol=pickle.HIGHEST_PROTOCOL)
        state["_lexicon"] = None
        state["_rules"] = _Rules.of(self._rules)
        if not isinstance(self._terms, bytes):  # needed to build, not to check
            state["_terms"] = pickle.dumps(self._terms, protocol=pickle.HIGHEST_PROTOCOL)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.typo = _typo_layer(self.directory, self.version, self._typo_mode)

    @property
    def lexicon(self) -> Lexicon:
        """The lexicon the detector was built from (decoded on first use after loading from the cache)."""
        lexicon = self._lexicon
        if lexicon is None:
            lexicon = self._lexicon = _CachedLexicon(self.version, self.directory, self._rules, self._lexicon_blob)
        return lexicon

    @property
    def terms(self) -> dict[str, tuple[_Term, ...]]:
        """Each normalised lexicon term and the rules it stands for."""
        terms = self._terms
        if isinstance(terms, bytes):
            terms = self._terms = pickle.loads(terms)
        return terms

    @property
    def rules(self) -> Sequence[Rule]:
        """The rules in lexicon order, without decoding the lexicon."""
        return self._rules

    @classmethod
    def from_dir(cls, directory: Path | str, **kwargs: Any) -> Detector:
        return cls(load_lexicon(directory), **kwargs)

    def _build(self, terms: dict[str, tuple[_Term, ...]]) -> Automaton:
        keys: dict[str, list[Any]] = {term: list(items) for term, items in terms.items()}
        for key, items in (self._near.keys if self._near else {}).items():
            keys.setdefault(key, []).extend(items)
        for layer in self._knowledge:
            for key, items in layer.keys.items():
                keys.setdefault(key, []).extend(items)
        automaton = Automaton()
        for key, items in keys.items():
            automaton.add(key, tuple(items))
        automaton.build()
        # The layers' keys live on in the automaton only: the compiled cache need not carry them twice.
        if self._near is not None:
            self._near.compact()
        for layer in self._knowledge:
            layer.keys = {}
        # A slip lies inside a correctly written form only if the form's match ends this close to its own.
        self._reach = max(map(len, keys), default=0) + 2
        # Only characters that normalisation would change into a term character (or remove) can
        # change what matches; a text with none of them is its own normalised form. One regex
        # scan tells, far cheaper than normalising every text.
        chars = set("".join(keys)) | set("0123456789xX")
        for term_items in terms.values():
            for item in term_items:
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
        profile: Profile = "draft",
    ) -> list[Hit]:
        """Every wrong or sensitive span in text, published on date (default today). The profile sets how sure
        the statistical typo layer must be: `draft` shows an editor every likely slip, `inspection` only
        near-certain ones (stored hits and the circular)."""
        return self.check_text(
            text, date=date, exempt_rules=exempt_rules, exempt_phrases=exempt_phrases, profile=profile
        ).hits

    def warm(self) -> None:
        """Do now what the first checks would do on the way: decode the rules and the automaton's values
        (a few milliseconds a chunk, one chunk over 100 ms), import pypinyin (half a second, for the near
        misses' readings), build the folding table and compile the patterns a check uses. A server calls
        it before it answers, so that its first requests, after a start or a reload, are not the ones
        that wait; `cuomin check` does not, and decodes only what its draft needs."""
        from app.detection.similarity import readings

        for _rule in self._rules:
            pass
        self._automaton.decode_all()
        readings("中")
        tokenizer()
        self.check_text(WARM_TEXT)

    def check_text(
        self,
        text: str,
        *,
        date: dt.date | None = None,
        exempt_rules: Iterable[str] = (),
        exempt_phrases: Iterable[str] = (),
        profile: Profile = "draft",
    ) -> Findings:
        """check(), and where the check stopped when the text has more than max_hits hits.

        Exemptions apply here, before overlaps are resolved, for every caller alike (ingest, re-scan,
        /api/check): an exempted rule or phrase leaves the other rules' matches in its place free to win.
        Time is linear in the text: each stage looks at a bounded neighbourhood of each match."""
        if not text:
            return Findings([])
        date = date or dt.date.today()
        norm, matches = self._match(text)
        rules, phrases = set(exempt_rules), Cover(find_phrases(norm.text, exempt_phrases))
        candidates: list[_Candidate] = []
        cut, recount = None, self.max_hits
        for found, end in self._candidates(norm.text, matches, date):
            candidates += found
            if len(candidates) >= recount and end < len(norm.text):
                # Several candidates may make one hit: count the hits, again only when the candidates
                # have doubled, so that the counting stays linear too.
                if len(self._choose(norm.text, candidates, rules, phrases)) > self.max_hits:
                    cut = end
                    break
                recount = 2 * len(candidates)
        for detector, start, end in chain(privacy.find(norm.text), listing.find(norm.text)):
            if detector in self._detectors and (cut is None or end <= cut):
                candidates.append(_Candidate(start, end, self._detectors[detector]))
        for mark in marks.find(norm.text):
            if mark.detector in self._detectors and (cut is None or mark.end <= cut):
                if mark.detector in marks.WORDED and is_mention(norm.text, mark.start, mark.end):
                    continue
                rule = self._detectors[mark.detector]
                candidates.append(_Candidate(mark.start, mark.end, rule, False, mark.suggestion, mark.message))
        if self.typo is not None:
            candidates += [c for c in self._typos(norm.text, profile) if cut is None or c.end <= cut]
        chosen = self._choose(norm.text, candidates, rules, phrases)
        if len(chosen) > self.max_hits:
            cut = chosen[self.max_hits].start
            chosen = chosen[: self.max_hits]
        return Findings([self._hit(norm, c) for c in chosen], self._original_cut(norm, cut))

    def check_article(
        self,
        title: str | None,
        text: str,
        *,
        date: dt.date | None = None,
        exempt_rules: Iterable[str] = (),
        exempt_phrases: Iterable[str] = (),
        profile: Profile = "draft",
    ) -> list[Hit]:
        """The hits of the title (first: it is the most visible text a post has), then those of the text.
        Each part is checked on its own, so no term is ever found across the join of title and text."""
        rules, phrases = tuple(exempt_rules), tuple(exempt_phrases)
        found = [
            replace(hit, field=TITLE)
            for hit in self.check(title or "", date=date, exempt_rules=rules, exempt_phrases=phrases, profile=profile)
        ]
        return found + self.check(text, date=date, exempt_rules=rules, exempt_phrases=phrases, profile=profile)

    def _choose(self, text: str, candidates: list[_Candidate], rules: set[str], phrases: Cover) -> list[_Candidate]:
        candidates = self._exempt(candidates, rules, phrases)
        candidates = self._drop_explained(text, candidates)
        return self._resolve_overlaps(candidates) if candidates else []

    @staticmethod
    def _original_cut(norm: Normalized, cut: int | None) -> int | None:
        return None if cut is None else norm.to_original(cut, cut)[0]

    def _match(self, text: str) -> tuple[Normalized, list[tuple[int, tuple[Any, ...]]]]:
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

    def _candidates(
        self, text: str, matches: list[tuple[int, tuple[Any, ...]]], date: dt.date
    ) -> Iterator[tuple[list[_Candidate], int]]:
        """The matches that pass their context, judged a group at a time in text order: each group's, with
        the offset after its last match (the caller may stop there)."""
        for first in range(0, len(matches), _GROUP):
            stop = min(first + _GROUP, len(matches))
            found: list[_Candidate] = []
            near: list[tuple[int, Any]] = []
            for last, items in matches[first:stop]:
                end = last + 1
                for item in items:
                    if item.__class__ is not _Term:
                        near.append((end, item))
                        continue
                    start = end - item.length
                    if item.context.trivial or item.context.applies(text, start, end, date):
                        found.append(_Candidate(start, end, item.rule))
            if near:
                for layer in self._knowledge:
                    for f in layer.find(text, near, date):
                        found.append(_Candidate(f.start, f.end, f.rule, False, f.suggestion, f.message))
            if near and self._near is not None:
                near = self._forms_before(matches, first) + near + self._forms_after(matches, stop)
                for f in self._near.find(text, near, date, self.typo.attested if self.typo is not None else None):
                    found.append(_Candidate(f.start, f.end, f.rule, True, f.suggestion, f.message))
            # A word quoted in a sentence about wording is mentioned, not used: no layer reports it. Nor a
            # Latin term inside an identifier (CCGM.PK).
            yield (
                [c for c in found if not (is_mention(text, c.start, c.end) or in_identifier(text, c.start, c.end))],
                matches[stop - 1][0] + 1,
            )

    # A slip inside a correctly written form is no slip, whichever group the form's match fell in: each
    # group of near misses is judged with the forms matched just before and just after it.

    def _forms_before(self, matches: list[tuple[int, tuple[Any, ...]]], first: int) -> list[tuple[int, Any]]:
        if first == 0:
            return []
        forms: list[tuple[int, Any]] = []
        limit, index = matches[first][0] - self._reach, first - 1
        while index >= 0 and matches[index][0] >= limit:
            forms.extend((matches[index][0] + 1, item) for item in matches[index][1] if item.__class__ is Exact)
            index -= 1
        return forms[::-1]

    def _forms_after(self, matches: list[tuple[int, tuple[Any, ...]]], stop: int) -> list[tuple[int, Any]]:
        if stop >= len(matches):
            return []
        forms: list[tuple[int, Any]] = []
        limit, index = matches[stop - 1][0] + self._reach, stop
        while index < len(matches) and matches[index][0] <= limit:
            forms.extend((matches[index][0] + 1, item) for item in matches[index][1] if item.__class__ is Exact)
            index += 1
        return forms

    def _typos(self, text: str, profile: Profile) -> list[_Candidate]:
        rule = self._detectors["typo_lm"]
        out: list[_Candidate] = []
        if self.typo is None:  # the caller asks only when there is a typo layer
            return out
        for found in self.typo.find(text, profile):
            if self._inside(self._protected, text, found.start, found.end) or is_mention(text, found.start, found.end):
                continue
            fixed = text[: found.start] + found.right + text[found.end :]
            fixed_end = found.start + len(found.right)
            # A correction that makes a leader's name is the leaders layer's to judge, in its frames: a
            # villager called 李墙 is no slip of the premier's name.
            if self._inside(self._leader_names, fixed, found.start, fixed_end):
                continue
            message = typo_message(text, found)
            # a slip that breaks a formulation or a division's name is as serious as the listed slips of it
            serious = self._inside(self._serious, fixed, found.start, fixed_end)
            out.append(
                _Candidate(
                    found.start,
                    found.end,
                    rule,
                    True,
                    found.right,
                    message,
                    found.confidence,
                    Severity.serious if serious else None,
                )
            )
        return out

    @staticmethod
    def _inside(index: dict[str, list[tuple[str, int]]], text: str, start: int, end: int) -> bool:
        """Whether the span lies inside one of the indexed forms as written in the text. Forms the lexicons
        know to be right (a formulation, a division's name, an entry's correction or exception) outrank the
        model's statistics."""
        for form, offset in index.get(text[start], ()):
            begin = start - offset
            if begin >= 0 and begin + len(form) >= end and text.startswith(form, begin):
                return True
        return False

    def _exempt(self, candidates: list[_Candidate], rule_ids: set[str], phrases: Cover) -> list[_Candidate]:
        if not rule_ids and not phrases:
            return candidates
        return [c for c in candidates if self._rules[c.rule].id not in rule_ids and not phrases.covers(c.start, c.end)]

    def _drop_explained(self, text: str, candidates: list[_Candidate]) -> list[_Candidate]:
        """Drop a near miss that a listed term inside it already explains: its fix restores the form."""
        listed = sorted(
            (c for c in candidates if not c.guessed and self._rules[c.rule].spec.suggest), key=lambda c: c.start
        )
        if not listed or len(listed) == len(candidates):
            return candidates
        starts = [c.start for c in listed]
        kept = []
        for cand in candidates:
            if cand.guessed:
                form = cand.suggestion or self._rules[cand.rule].spec.suggest[0]
                # Only a listed term starting inside the near miss can lie inside it.
                inside = listed[bisect.bisect_left(starts, cand.start) : bisect.bisect_left(starts, cand.end)]
                if any(self._fixes(text, cand, inner, form) for inner in inside):
                    continue
            kept.append(cand)
        return kept

    def _fixes(self, text: str, outer: _Candidate, inner: _Candidate, form: str) -> bool:
        if not (outer.start <= inner.start and inner.end <= outer.end):
            return False
        fix = self._rules[inner.rule].spec.suggest[0]
        return text[outer.start : inner.start] + fix + text[inner.end : outer.end] == form

    def _resolve_overlaps(self, candidates: list[_Candidate]) -> list[_Candidate]:
        """The longer match wins; at equal length a listed term beats a near miss, then severity, then order.
        Taken in that order, a candidate is kept when none of its characters is taken yet: one look at its
        own span, so the whole is linear in the text (comparing it with every kept hit was quadratic)."""
        ranked = sorted(
            candidates,
            key=lambda c: (c.start - c.end, c.guessed, -self._rules[c.rule].spec.severity.rank, c.rule, c.start),
        )
        taken = bytearray(max(c.end for c in candidates))
        chosen: list[_Candidate] = []
        for cand in ranked:
            if taken.find(1, cand.start, cand.end) == -1:
                taken[cand.start : cand.end] = b"\x01" * (cand.end - cand.start)
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
            severity=cand.severity or spec.severity.value,
            message=cand.message or _message(spec),
            suggestions=(cand.suggestion,) if cand.suggestion else tuple(spec.suggest),
            source=spec.source,
            context=context,
            confidence=None if cand.confidence is None else round(cand.confidence, 3),
        )


_IGNORABLE_SET = frozenset(ignorable_codes())

TypoMode = Literal["on", "off", "optional"]
Profile = Literal["draft", "inspection"]
PROFILES: tuple[Profile, ...] = ("draft", "inspection")
# Stored hits feed a reviewer's queue and the circular's counts: only near-certain slips.
STORED_PROFILE: Profile = "inspection"
_log = logging.getLogger(__name__)
_typo_layers: dict[tuple[str, str], TypoLayer] = {}
_typo_lock = threading.Lock()


def _typo_layer(lexicon_dir: Path, version: str, mode: TypoMode) -> TypoLayer | None:
    """The typo layer of the lexicon directory, loaded once per process and model version. A missing or broken
    model raises (naming the file and the build command) unless the mode says the engine may run without it."""
    if mode == "off":
        return None
    from app.detection.typo.layer import TypoLayer
    from app.detection.typo.model import ModelError

    directory = lexicon_dir / "data" / "typo"
    key = (str(directory.resolve()), version)
    with _typo_lock:
        if key not in _typo_layers:
            try:
                _typo_layers[key] = TypoLayer.load(directory)
            except ModelError as exc:
                if mode == "optional":
                    _log.warning("统计错别字层未启用：%s", exc)
                    return None
                raise
        return _typo_layers[key]


def _known_forms(lexicon: Lexicon) -> tuple[dict[str, list[tuple[str, int]]], dict[str, list[tuple[str, int]]]]:
    """The right forms the lexicons name: all of them (canonical formulations, division names, entries'
    corrections and exceptions), and the ones whose breaking is serious (formulations, division names)."""
    serious: set[str] = {d.name for d in lexicon.divisions}
    # A division is written without its level as often as with it (肇庆怀集, 韶关乳源), and was named so before a
    # merger too: the name is the lexicon's knowledge either way, not a slip the model may correct.
    stems = (d.name[: len(d.name) - suffix_length(d.name)] for d in (*lexicon.divisions, *lexicon.former_divisions))
    right: set[str] = {stem for stem in stems if len(stem) >= 2} | {d.name for d in lexicon.former_divisions}
    for rule in lexicon.rules:
        spec = rule.spec
        if isinstance(spec, CanonicalForm):
            serious.add(spec.form)
        elif not isinstance(spec, CodeRule):
            right.update(s for s in [*spec.suggest, *getattr(spec, "except_", ())] if len(s) >= 2)
    return _index(serious | right), _index(serious)


def _index(forms: Iterable[str]) -> dict[str, list[tuple[str, int]]]:
    """Each form under each of its characters, with the character's offset in the form."""
    index: dict[str, list[tuple[str, int]]] = {}
    for form in sorted(forms):
        norm = normalize_term(form)
        for offset, char in enumerate(norm):
            index.setdefault(char, []).append((norm, offset))
    return index


def typo_message(text: str, found: TypoFinding) -> str:
    """“‘总休方案’疑为‘总体方案’（形近）”: the slip shown inside the words of the corrected text around it."""
    left, right = _slip_words(text, found)
    wrong = text[left:right]
    fixed = text[left : found.start] + found.right + text[found.end : right]
    return (
        f"“{wrong}”疑为“{fixed}”（{found.kind_label}）：按公文语料统计，后者常见得多"
        f"（把握 {round(found.confidence * 100)}%）。请核对；若为专有名词或新提法，可豁免。"
    )


SLIP_CONTEXT = 3  # characters shown at least: a lone corrected word (体) says little without its neighbour
SLIP_WINDOW = 6  # characters segmented on each side of the slip


def _slip_words(text: str, found: TypoFinding) -> tuple[int, int]:
    """The span of the words the correction makes (segmented in the corrected text, so 坚持总休方案 reads
    总体|方案, not 持总休方), widened by a neighbouring word while it is shorter than SLIP_CONTEXT."""
    low, high = max(0, found.start - SLIP_WINDOW), min(len(text), found.end + SLIP_WINDOW)
    fixed = text[low : found.start] + found.right + text[found.end : high]
    spans, offset = [], low
    for word in tokenizer().cut(fixed, HMM=False):
        spans.append((offset, offset + len(word), all("\u4e00" <= c <= "\u9fff" for c in word)))
        offset += len(word)
    inside = [i for i, (s, e, _han) in enumerate(spans) if s < found.end and found.start < e]
    first, last = inside[0], inside[-1]
    while spans[last][1] - spans[first][0] < SLIP_CONTEXT:
        if last + 1 < len(spans) and spans[last + 1][2]:
            last += 1
        elif first > 0 and spans[first - 1][2]:
            first -= 1
        else:
            break
    return spans[first][0], spans[last][1]


def _message(spec: Entry | CodeRule | CanonicalForm) -> str:
    return spec.text_message if isinstance(spec, CanonicalForm) else spec.message


class DetectorHolder:
    """Serves one detector and swaps in a rebuilt one atomically; readers never wait on a build."""

    def __init__(self, directory: Path | str, *, load: Callable[..., Detector] | None = None, **kwargs: Any) -> None:
        self.directory = Path(directory)
        self._kwargs = kwargs
        self._load = load or Detector.from_dir  # app.detection.cache.load_detector: from the compiled cache
        self._lock = threading.Lock()
        self._detector = self._load(self.directory, **kwargs)

    @property
    def current(self) -> Detector:
        return self._detector

    def reload(self) -> Detector:
        """Build from the files again; on error the old detector keeps serving and the error raises.
        A data table the serving lexicons use and the new ones lack (data/divisions.csv deleted or not
        yet copied) is an error too: it would drop every rule built from it without a word."""
        fresh = self._load(self.directory, **self._kwargs)
        served = self._detector.lexicon
        for table, had, has in (
            (DIVISIONS_FILE, served.divisions, fresh.lexicon.divisions),
            (LOOKALIKES_FILE, served.lookalikes, fresh.lexicon.lookalikes),
        ):
            if had and not has:
                raise LexiconError(f"{table}: missing or empty (the lexicons in use have {len(had)} rows)")
        with self._lock:
            self._detector = fresh
        return fresh
