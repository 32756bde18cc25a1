"""The order of the Politburo Standing Committee: members listed together are written in their rank.

Official media list the members of the Standing Committee in the order of the plenary session that elected
them (二十届: 习近平、李强、赵乐际、王沪宁、蔡奇、丁薛祥、李希), wherever they appear in a list; writing them
in another order is a 严重表述错误 that circulars name. The ranks of each term are in
lexicons/data/pbsc_order.csv. A list is names separated by 、 only; the members among them are judged in the
term the article's date falls in (or the term of the years the sentence names, when all fall in one).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from app.detection.hit import Finding
from app.detection.principles import sentence_years
from app.detection.tables import table_rows

RANKING_FILE = "data/pbsc_order.csv"
RULE = "pbsc_order"


@dataclass(frozen=True, slots=True)
class Term:
    number: int
    start: dt.date
    end: dt.date | None
    names: tuple[str, ...]

    def holds(self, date: dt.date) -> bool:
        return self.start <= date and (self.end is None or date < self.end)


@dataclass(frozen=True, slots=True)
class Member:
    """An anchor in the automaton: a member's name."""

    name: str


def load_terms(lexicon_dir: Path) -> list[Term]:
    return [
        Term(
            int(row["term"]),
            dt.date.fromisoformat(row["start"]),
            dt.date.fromisoformat(row["end"]) if row["end"] else None,
            tuple(row["names"].split("|")),
        )
        for row in table_rows(lexicon_dir / RANKING_FILE)
    ]


class RankingRules:
    def __init__(self, terms: list[Term], rules: dict[str, int]) -> None:
        self._rule = rules.get(RULE)
        self._terms = terms
        self.keys: dict[str, list[object]] = {}
        if self._rule is None:
            return
        for term in terms:
            for name in term.names:
                self.keys.setdefault(name, [Member(name)])

    def find(self, text: str, found: list[tuple[int, object]], date: dt.date) -> list[Finding]:
        names = sorted((end - len(item.name), end, item.name) for end, item in found if isinstance(item, Member))
        results = []
        run: list[tuple[int, int, str]] = []
        for entry in names:
            if run and text[run[-1][1] : entry[0]] == "、":
                run.append(entry)
                continue
            results += self._check(text, run, date)
            run = [entry]
        results += self._check(text, run, date)
        return results

    def _term(self, text: str, start: int, end: int, date: dt.date) -> Term | None:
        years = sentence_years(text, start, end)
        if years:
            said = {t for t in self._terms for y in years if t.start.year < y < (t.end.year if t.end else 9999)}
            if len(said) == 1:
                return said.pop()
            if said:
                return None  # years of several terms: which one the list belongs to is not said
        return next((t for t in self._terms if t.holds(date)), None)

    def _check(self, text: str, run: list[tuple[int, int, str]], date: dt.date) -> list[Finding]:
        if len(run) < 2 or self._rule is None:
            return []
        term = self._term(text, run[0][0], run[-1][1], date)
        if term is None:
            return []
        members = [(start, end, name) for start, end, name in run if name in term.names]
        ranks = [term.names.index(name) for _s, _e, name in members]
        if len(members) < 2 or ranks == sorted(ranks):
            return []
        start, end = members[0][0], members[-1][1]
        ordered = sorted((name for _s, _e, name in members), key=term.names.index)
        # the suggestion keeps the others in their places and puts the members in rank order
        slots = iter(ordered)
        rewritten = [next(slots) if name in term.names else name for _s, _e, name in run if start <= _s < end]
        message = (
            f"第{term.number}届中央政治局常委的排序是{'、'.join(term.names)}；并列书写时应作“{'、'.join(ordered)}”。"
        )
        return [Finding(start, end, self._rule, "、".join(rewritten), message)]
