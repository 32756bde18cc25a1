"""The years of the five-year plans and of the national goals, as official formulations fix them.

- Five-year plans: the third ran 1966–1970 and every plan since follows the last, so the Nth (十N五, from 十一五)
  runs from 1966 + 5 × (N − 3) for five years: 十四五 is 2021–2025, 十五五 2026–2030. A year said to be a
  plan's 开局之年 (or 起步之年, 第一年) must be its first, its 收官之年 (最后一年) its last.
- Goals (the 19th and 20th congress reports; texts dated before the 19th congress, which spoke of
  本世纪中叶基本实现现代化, are not judged): by 2020 全面建成小康社会; by 2035 基本实现社会主义现代化; by the
  middle of the century 建成富强民主文明和谐美丽的社会主义现代化强国. A sentence that puts a goal at another
  of these dates has swapped them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from app.detection.hit import Finding
from app.detection.principles import is_historical, sentence_bounds

PLAN_RULE = "plan_year"
GOAL_RULE = "goal_year"
FIRST_PLAN_OF_THE_RUN = (3, 1966)
# The 19th congress set the two stages (2035, mid-century); until then 本世纪中叶基本实现现代化 was the goal.
TWO_STAGES = dt.date(2017, 10, 18)  # the third plan, 1966–1970; the plans follow each other from then on
_PLAN_NUMBERS = {"一": 11, "二": 12, "三": 13, "四": 14, "五": 15, "六": 16}

# A year, then within the clause (no other year in between) a plan and the role of that year in it.
_PLAN_ROLE = re.compile(
    r"(?:(?P<year>(?:19|20)\d\d)年|(?P<relative>今年|明年|去年))(?:是|为|作为|既是|也是|将是)?[^。；！？!?;，,、年]{0,10}?"
    r"[“\"]?十(?P<plan>[一二三四五六])五[”\"]?(?:规划|时期)?(?:的)?(?P<role>开局之年|起步之年|开局起步之年|第一年|收官之年|最后一年)"
)
# A date, then within a few characters the goal set for it.
_GOAL = re.compile(
    r"(?:到|至|在)(?P<when>2020年|2035年|本世纪中叶|2050年)(?:底|前)?[^。；！？!?;]{0,12}?"
    r"(?P<goal>全面建成小康社会|基本实现社会主义现代化(?!强国)|(?:全面)?建成(?:富强民主文明和谐美丽的)?社会主义现代化强国)"
)


@dataclass(frozen=True, slots=True)
class Milestone:
    """An anchor in the automaton: the rules look around it."""

    kind: str
    length: int


def plan_years(number: int) -> tuple[int, int]:
    """First and last year of the Nth five-year plan (N ≥ 3)."""
    first = FIRST_PLAN_OF_THE_RUN[1] + 5 * (number - FIRST_PLAN_OF_THE_RUN[0])
    return first, first + 4


def _goal_date(goal: str) -> str:
    if "小康" in goal:
        return "2020年"
    if goal.startswith("基本实现"):
        return "2035年"
    return "本世纪中叶"


class MilestoneRules:
    """Plan-year and goal-year rules; rule indexes come from the lexicon's detectors."""

    def __init__(self, rules: dict[str, int]) -> None:
        self._plan = rules.get(PLAN_RULE)
        self._goal = rules.get(GOAL_RULE)
        self.keys: dict[str, list[object]] = {}
        if self._plan is not None:
            for anchor in ("之年", "第一年", "最后一年"):
                self.keys[anchor] = [Milestone("plan", len(anchor))]
        if self._goal is not None:
            for anchor in ("小康社会", "社会主义现代化"):
                self.keys[anchor] = [Milestone("goal", len(anchor))]

    def find(self, text: str, found: list[tuple[int, object]], date: dt.date) -> list[Finding]:
        results: list[Finding] = []
        seen: set[int] = set()
        for end, item in found:
            if item.__class__ is not Milestone:
                continue
            assert isinstance(item, Milestone)
            check = self._plan_year if item.kind == "plan" else self._goal_year
            finding = check(text, end - item.length, end, date)
            if finding is not None and finding.start not in seen:
                seen.add(finding.start)
                results.append(finding)
        return results

    def _plan_year(self, text: str, start: int, end: int, date: dt.date) -> Finding | None:
        assert self._plan is not None
        left, _right = sentence_bounds(text, start, end)
        matches = list(_PLAN_ROLE.finditer(text, max(left, start - 40), end))
        if not matches or matches[-1].end() != end:
            return None
        match = matches[-1]
        relative = {"今年": 0, "明年": 1, "去年": -1}
        year = int(match.group("year")) if match.group("year") else date.year + relative[match.group("relative")]
        number = _PLAN_NUMBERS[match.group("plan")]
        first, last = plan_years(number)
        role = match.group("role")
        wanted, what = (last, "收官之年") if role in ("收官之年", "最后一年") else (first, "开局之年")
        if year == wanted:
            return None
        plan = f"“十{match.group('plan')}五”"
        message = f"{plan}规划期为{first}—{last}年，{what}是{wanted}年，不是{year}年，请核实。"
        return Finding(match.start(), match.end(), self._plan, "", message)

    def _goal_year(self, text: str, start: int, end: int, date: dt.date) -> Finding | None:
        assert self._goal is not None
        if date < TWO_STAGES or is_historical(text, start, end, TWO_STAGES):
            return None  # before the 19th congress the goal for mid-century was 基本实现现代化
        left, _right = sentence_bounds(text, start, end)
        match = None
        for match in _GOAL.finditer(text, max(left, start - 60), min(len(text), end + 30)):
            if match.start("goal") <= start < match.end("goal"):
                break
        else:
            return None
        if text.startswith(("的基础上", "基础上"), match.end()):
            return None  # 到2035年，在全面建成小康社会的基础上……: the stage before, not the goal
        when = "本世纪中叶" if match.group("when") == "2050年" else match.group("when")
        goal = match.group("goal")
        wanted = _goal_date(goal)
        if when == wanted:
            return None
        message = (
            f"“{goal}”的时间是{wanted}（党的十九大、二十大报告：2020年全面建成小康社会，2035年基本实现社会主义"
            f"现代化，本世纪中叶建成富强民主文明和谐美丽的社会主义现代化强国），句中写作“{when}”，请核实。"
        )
        return Finding(match.start(), match.end(), self._goal, "", message)
