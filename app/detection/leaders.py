"""National leaders: who held which title when (lexicons/data/leaders.csv), and the rules built from it.

- A title with a name (国务院总理李克强, 李克强总理) is checked against the article's date: 国务院总理李克强
  is right in 2022 and wrong in 2024, unless the sentence speaks of the past (时任, 原, 2019年, 生前).
- Every title-with-name, and the full names of Standing Committee members of three characters, become
  canonical forms, so that a one-character slip in them (国务院副总理何立锋, 王护宁) is reported. A slip in
  a bare two-character name is never reported: 李墙 alone may be anyone.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from app.detection.hit import Finding
from app.detection.meetings import MeetingTable, meetings_named
from app.detection.principles import is_historical, is_whole_word, sentence_bounds
from app.detection.segment import on_word_boundaries
from app.detection.similarity import homophones

LEADERS_FILE = "data/leaders.csv"


@dataclass(frozen=True, slots=True)
class Office:
    label: str  # the title as a message names it
    before: tuple[str, ...]  # titles written before the name, longest first
    after: tuple[str, ...]  # titles written after the name
    single: bool  # one holder at a time, so the right holder can be suggested


OFFICES = {
    "pbsc": Office("中央政治局常委", ("中共中央政治局常委", "中央政治局常委", "政治局常委"), (), False),
    "president": Office("国家主席", ("国家主席",), ("主席",), True),
    "vice_president": Office("国家副主席", ("国家副主席",), ("副主席",), True),
    "premier": Office("国务院总理", ("国务院总理", "总理"), ("总理",), True),
    "vice_premier": Office("国务院副总理", ("国务院副总理", "副总理"), ("副总理",), False),
    "state_councillor": Office("国务委员", ("国务委员",), ("国务委员",), False),
    "npc_chair": Office("全国人大常委会委员长", ("全国人大常委会委员长", "委员长"), ("委员长",), True),
    "cppcc_chair": Office("全国政协主席", ("全国政协主席",), ("主席",), True),
    "ccdi_secretary": Office("中央纪委书记", ("中央纪委书记", "中纪委书记"), (), True),
}


@dataclass(frozen=True, slots=True)
class Tenure:
    key: str
    name: str
    office: str
    start: dt.date
    end: dt.date | None
    source: str

    def holds(self, date: dt.date) -> bool:
        return self.start <= date and (self.end is None or date < self.end)


def load_leaders(directory: Path) -> tuple[Tenure, ...]:
    path = directory / LEADERS_FILE
    if not path.is_file():
        return ()
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    tenures = []
    for row in csv.DictReader(lines):
        if row["office"] not in OFFICES:
            raise ValueError(f"{path}: unknown office {row['office']!r} for {row['name']}")
        end = dt.date.fromisoformat(row["end"]) if row["end"] else None
        tenures.append(
            Tenure(row["key"], row["name"], row["office"], dt.date.fromisoformat(row["start"]), end, row["source"])
        )
    return tuple(tenures)


def titled_forms(tenure: Tenure) -> list[str]:
    """How a leader is written with the title: 国务院总理李强, 总理李强, 李强总理."""
    office = OFFICES[tenure.office]
    return [t + tenure.name for t in office.before] + [tenure.name + t for t in office.after]


def _day(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


@dataclass(frozen=True, slots=True)
class TitledName:
    """A title written with a name, and every tenure that makes it right."""

    rule: int
    length: int
    title: str
    name: str
    title_first: bool
    tenures: tuple[Tenure, ...]


@dataclass(frozen=True, slots=True)
class OtherOffice:
    """A title written before the name of a leader the table never gives that office (国务院副总理王毅)."""

    rule: int
    length: int
    title: str
    name: str
    office: str


@dataclass(frozen=True, slots=True)
class ClippedName:
    """A title written before a three-character name less its last character (国务院总理李克 for 李克强)."""

    rule: int
    length: int
    title: str
    name: str


# The table lists every holder of its offices from the changeover of 2012–2013 on; before that it is
# incomplete (刘延东 was a state councillor from 2008), so "never held" is judged only from then.
COMPLETE_FROM = dt.date(2013, 3, 16)

# The sentence speaks of the past: the title was right then.
_PAST = re.compile(
    r"时任|原任|曾任|前任|历任|生前|逝世|去世|悼念|缅怀|追思|遗体|任内|任期内|在任期间|当年|那年|曾经|曾于|曾在|曾到|曾来|曾赴"
)
# Right before the title: 前国务院总理X (原 is the general principle's).
_PRIOR = re.compile(r"前(?:任)?$")


class LeaderRules:
    """Titles with names in the automaton, checked against the article's date."""

    def __init__(
        self,
        tenures: tuple[Tenure, ...],
        rules: dict[str, int],
        listed_terms: set[str],
        meetings: MeetingTable | None = None,
    ) -> None:
        self.tenures = tenures
        self._meetings = meetings
        self._listed = listed_terms
        self.keys: dict[str, list[object]] = {}
        rule = rules.get("leader_title_date")
        if rule is None:
            return
        grouped: dict[tuple[str, str, str, bool], list[Tenure]] = {}
        for tenure in tenures:
            office = OFFICES[tenure.office]
            for title in office.before:
                grouped.setdefault((title + tenure.name, title, tenure.name, True), []).append(tenure)
            for title in office.after:
                grouped.setdefault((tenure.name + title, title, tenure.name, False), []).append(tenure)
        for (key, title, name, first), items in grouped.items():
            if key in listed_terms:
                continue  # a curated entry knows more
            self.keys[key] = [TitledName(rule, len(key), title, name, first, tuple(items))]
        # Titles before the name only: after it a title is ambiguous (王勇副主席 of the CPPCC, not the state).
        held: dict[str, set[str]] = {}
        for tenure in tenures:
            held.setdefault(tenure.name, set()).add(tenure.office)
        active = {t.name for t in tenures if t.end is None or t.end > COMPLETE_FROM}
        for name in sorted(active):
            for office_key, office in OFFICES.items():
                if office_key in held[name]:
                    continue
                for title in office.before:
                    key = title + name
                    if key not in self.keys and key not in listed_terms:
                        self.keys[key] = [OtherOffice(rule, len(key), title, name, office_key)]

        self._add_clipped(tenures, rules.get("leader_name_clipped"), listed_terms)

    def _add_clipped(self, tenures: tuple[Tenure, ...], rule: int | None, listed_terms: set[str]) -> None:
        """Keys for each title before the first two characters of a three-character holder's name. Two
        holders of one title whose names share those characters make the key ambiguous: it is left out."""
        if rule is None:
            return
        names: dict[str, set[tuple[str, str]]] = {}
        for tenure in tenures:
            if len(tenure.name) != 3:
                continue
            for title in OFFICES[tenure.office].before:
                names.setdefault(title + tenure.name[:2], set()).add((title, tenure.name))
        for key, holders in names.items():
            if len(holders) == 1 and key not in self.keys and key not in listed_terms:
                [(title, name)] = holders
                self.keys[key] = [ClippedName(rule, len(key), title, name)]

    def holders(self, office: str, date: dt.date) -> list[Tenure]:
        return [t for t in self.tenures if t.office == office and t.holds(date)]

    def find(self, text: str, found: list[tuple[int, object]], date: dt.date) -> list[Finding]:
        results = []
        for end, item in found:
            if item.__class__ is ClippedName:
                clipped = self._check_clipped(text, item, end - item.length, end)
                if clipped is not None:
                    results.append(clipped)
                continue
            if item.__class__ is OtherOffice:
                finding = self._check_other(text, item, end - item.length, end, date)
                if finding is not None:
                    results.append(finding)
                continue
            if item.__class__ is not TitledName:
                continue
            start = end - item.length
            if any(t.holds(date) for t in item.tenures):
                continue
            finding = self._check(text, item, start, end, date)
            if finding is not None:
                results.append(finding)
        return results

    def _check(self, text: str, item: TitledName, start: int, end: int, date: dt.date) -> Finding | None:
        if item.title_first:
            framed = self._title_before(text, start, end, item.title, item.tenures[0].office)
            if framed is None:
                return None
            start = framed
        if self._in_the_past(text, start, end, item, date):
            return None
        tenure = max(item.tenures, key=lambda t: t.start)
        office = OFFICES[tenure.office]
        if date < min(t.start for t in item.tenures):
            first = min(item.tenures, key=lambda t: t.start)
            message = f"{item.name}于{_day(first.start)}起任{office.label}，本文发布时尚未就任，请核实职务。"
            return Finding(start, end, item.rule, "", message)
        assert tenure.end is not None
        now = self.holders(tenure.office, date)
        message = f"{item.name}已于{_day(tenure.end)}不再担任{office.label}"
        suggestion = ""
        if now:
            message += "，现任" + office.label + "为" + "、".join(t.name for t in now)
            if office.single and len(now) == 1:
                suggestion = (
                    text[start : end - len(item.name)] + now[0].name if item.title_first else now[0].name + item.title
                )
        message += "；讲述此前的事应写明时间，或称“时任”“原”。"
        return Finding(start, end, item.rule, suggestion, message)

    def _title_before(self, text: str, start: int, end: int, title: str, office_key: str) -> int | None:
        """Where a title written before the name really starts (国务院 before 总理), or None where the words
        are not that title with that name: 副总理李克强 holds 总理李克强; a curated entry of the exact wording
        decides; 中央政治局常委李强、赵乐际…… lists the committee, the title is not the first name's alone."""
        if text[start - 1 : start] == "副" and not title.startswith("副"):
            return None
        start = _widen_title(text, start, title, office_key)
        if text[start:end] in self._listed:
            return None
        if office_key == "pbsc" and text[end : end + 1] == "、":
            return None
        return start

    def _check_clipped(self, text: str, item: ClippedName, start: int, end: int) -> Finding | None:
        """国务院总理李克出席: the name stops one character short. A name that goes on with another character
        (李克墙, a slip the near misses judge over a longer span) or a title that is another office (副总理)
        is not this."""
        following = text[end : end + 1]
        if following == item.name[-1] or not on_word_boundaries(text, start, end):
            return None  # the whole name, or the two characters begin a word with what follows (李克服)
        if following and homophones(following, item.name[-1]):
            return None  # 李克墙: the last character mistyped, not left out
        if text[start - 1 : start] == "副" and not item.title.startswith("副"):
            return None
        message = f"“{item.title}{item.name[:2]}”疑为“{item.title}{item.name}”：姓名漏了“{item.name[-1]}”字。"
        return Finding(start, end, item.rule, item.title + item.name, message)

    def _check_other(self, text: str, item: OtherOffice, start: int, end: int, date: dt.date) -> Finding | None:
        if date < COMPLETE_FROM:
            return None
        framed = self._title_before(text, start, end, item.title, item.office)
        if framed is None:
            return None
        start, office = framed, OFFICES[item.office]
        if not is_whole_word(text, end - len(item.name), end):
            return None  # 王毅然 is someone else
        if is_historical(text, start, end, COMPLETE_FROM):
            return None
        holds = [OFFICES[t.office].label for t in self.tenures if t.name == item.name and t.holds(date)]
        message = f"按本文的发布日期，{item.name}不是{office.label}"
        message += f"（其职务为{'、'.join(holds)}）" if holds else ""
        message += "，请核实职务。"
        return Finding(start, end, item.rule, "", message)

    def _in_the_past(self, text: str, start: int, end: int, item: TitledName, date: dt.date) -> bool:
        last_end = max((t.end for t in item.tenures if t.end), default=None)
        if is_historical(text, start, end, last_end):
            return True
        left, right = sentence_bounds(text, start, end)
        if _PAST.search(text, left, right):
            return True
        # 在十二届全国人大五次会议上，李克强总理……: the meeting dates the sentence.
        held = meetings_named(text, left, right, self._meetings)
        if held and any(t.start <= max(held) and (t.end is None or max(held) < t.end) for t in item.tenures):
            return True
        prior = _PRIOR.search(text, max(left, start - 2), start)
        # 前国务院总理X, not 目前国务委员X.
        return prior is not None and is_whole_word(text, prior.start(), start)


def _widen_title(text: str, start: int, title: str, office_key: str) -> int:
    """Move start back over the longer form of a short title (国务院 before 总理)."""
    best = start
    for longer in OFFICES[office_key].before:
        if longer != title and longer.endswith(title):
            extra = len(longer) - len(title)
            if text.startswith(longer[:extra], start - extra) and start - extra < best:
                best = start - extra
    return best


def leader_forms(tenures: tuple[Tenure, ...]) -> dict[str, tuple[Tenure, dt.date | None, dt.date | None]]:
    """Canonical forms: each title with its holder's name (dated by the tenure), and the full names of
    Standing Committee members of three characters (undated), whose one-character slips are serious."""
    forms: dict[str, tuple[Tenure, dt.date | None, dt.date | None]] = {}
    for tenure in tenures:
        # Only titles before the name: after it (王沪宁主席) a slip would look like a verb (王沪宁出席).
        for form in (t + tenure.name for t in OFFICES[tenure.office].before):
            if form in forms:
                first, since, until = forms[form]
                until = None if until is None or tenure.end is None else max(until, tenure.end)
                forms[form] = (first, min(since or tenure.start, tenure.start), until)
            else:
                forms[form] = (tenure, tenure.start, tenure.end)
        if tenure.office == "pbsc" and len(tenure.name) == 3 and tenure.name not in forms:
            forms[tenure.name] = (tenure, None, None)
    return forms
