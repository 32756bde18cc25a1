"""The grammar of meeting names, as rules: 届 and 次, 界 for 届, word order, and sessions not yet held.

- The Party's national congress counts by 次 (第二十次全国代表大会, 二十大); its Central Committee by 届
  and its plenary sessions as 届+中全会 (二十届三中全会).
- The NPC is written 十四届全国人大二次会议 (第十四届全国人民代表大会第二次会议); the CPPCC is written
  全国政协十四届二次会议 (中国人民政治协商会议第十四届全国委员会第二次会议).
- A congress, plenum or session that the table of held meetings (lexicons/data/meetings.csv) does not
  list by the article's date had not been held yet; a plenum past the last of a finished term never was.
- Once the next congress has met, the spirit the Party studies and carries out is the new congress's:
  学习贯彻党的十九大精神 (or 十九届六中全会精神) in an article of 2024 is an outdated formulation, unless the
  sentence speaks of its own past years.

Anchors (中全会, 全国人大, 全国政协, …) go into the automaton; the rules read a few characters around them.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from app.detection.hit import Finding
from app.detection.principles import is_historical, sentence_bounds

MEETINGS_FILE = "data/meetings.csv"

_NUM = "[一二三四五六七八九十]{1,3}"
_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

# A sentence that looks ahead: the meeting is to come, so its number may lie in the future.
_FUTURE = re.compile(
    r"迎接|即将|将于|将在|将召开|将要召开|要召开|筹备|前夕|召开前|召开之际|拟于|预计|有望|胜利召开|期待|展望|到.{0,4}召开时"
    # the standing committee convenes it and sends it bills: 关于召开……的决定, 提请……审议, 向……作说明
    r"|关于召开|决定召开|为召开|提请|作准备|做准备|作说明|审议的议案"
    # the standing committee's business for the session to come: its date, its spokesperson, its documents
    r"|决定[^。；]{0,16}召开|召开[^。；]{0,24}有关事项|新闻发言人|印发"
)
_DATE = re.compile(r"((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日")
_YEAR_MONTH = re.compile(r"((?:19|20)\d\d)年(\d{1,2})月")
_MONTH = re.compile(r"(?<![0-9年])(?<!年底)(?:今年)?(\d{1,2})月")
# Right after a meeting's name: 于 a date (the first of a range), then where, then 开幕 or 召开.
_OPENING = re.compile(
    r"(?:（[^）]{0,30}）)?于(?P<date>(?P<year>(?:19|20)\d\d)年(?:(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日)?)?)"
    r"(?:(?:至|到|—|－|-)[0-9月日]{1,6})?(?:上午|下午|晚)?(?:在[^，。；]{1,12}?)?(?:隆重|胜利)?(?:开幕|召开|举行)"
)


# Announced and prepared this long before it opens, a meeting is named without a word about the future.
EVE = dt.timedelta(days=20)
# A congress sits for about a week: until it closes, its predecessor's spirit is still the one studied.
CONGRESS_LENGTH = dt.timedelta(days=7)
# The spirit right after the name, or after a list of meetings joined to it (十九大和十九届二中、三中全会精神).
_SPIRIT = re.compile(r"(?:[和及、][^。！？；\n，]{0,20}?)?精神")
# What the Party does with a meeting's spirit, in the clause before its name.
_STUDY = re.compile("学习|贯彻|落实|宣传|宣讲|领会|践行|传达|领悟|研讨")


def cn_number(text: str) -> int:
    """The value of a Chinese numeral below one hundred (二十一 → 21, 十四 → 14)."""
    if "十" not in text:
        return _DIGITS[text]
    tens, _, ones = text.partition("十")
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


def cn_numeral(value: int) -> str:
    ones = "〇一二三四五六七八九"
    if value < 10:
        return ones[value]
    tens, unit = divmod(value, 10)
    return ("" if tens == 1 else ones[tens]) + "十" + ("" if unit == 0 else ones[unit])


@dataclass(frozen=True, slots=True)
class Held:
    """A meeting that was held: kind (congress, plenum, npc, cppcc), term, session, and its opening date."""

    kind: str
    term: int
    session: int
    date: dt.date


@dataclass(frozen=True)
class MeetingTable:
    held: tuple[Held, ...]
    current_to: dt.date  # the table lists every meeting held up to this date
    source: str

    def opened(self, kind: str, term: int, session: int = 0) -> dt.date | None:
        for meeting in self.held:
            if meeting.kind == kind and meeting.term == term and meeting.session == session:
                return meeting.date
        return None

    def last_session(self, kind: str, term: int) -> int:
        return max((m.session for m in self.held if m.kind == kind and m.term == term), default=0)

    def first_term(self, kind: str) -> int:
        return min((m.term for m in self.held if m.kind == kind), default=0)

    def next_term_opened(self, kind: str, term: int) -> bool:
        return any(m.kind == kind and m.term > term for m in self.held)


def load_meetings(directory: Path) -> MeetingTable | None:
    path = directory / MEETINGS_FILE
    if not path.is_file():
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    comments = [line[1:].strip() for line in lines if line.startswith("#")]
    current_to = next(c.split("：", 1)[1] for c in comments if c.startswith("截至"))
    source = next((c.removeprefix("来源：") for c in comments if c.startswith("来源")), str(path))
    rows = csv.DictReader(line for line in lines if not line.startswith("#"))
    held = tuple(Held(r["kind"], int(r["term"]), int(r["session"]), dt.date.fromisoformat(r["date"])) for r in rows)
    return MeetingTable(held, dt.date.fromisoformat(current_to), source)


@dataclass(frozen=True, slots=True)
class Anchor:
    """A word that every rule of one kind contains; the rules look around it."""

    kind: str
    length: int


_ANCHORS = {
    "中全会": "plenum",
    "全国人大": "npc",
    "全国人民代表大会": "npc_full",
    "全国政协": "cppcc",
    "全国委员会": "cppcc_full",
    "全国代表大会": "congress_full",
    "中央委员会": "cc_full",
    "大": "congress",
}
# 界 before a body elected by term is 届 mistyped, whatever the level: 县十八界人大, 第五界政协委员会.
_JIE_BODIES = (
    "人大",
    "政协",
    "人民代表大会",
    "委员会",
    "中央",
    "全国",
    "党代会",
    "代表大会",
    "常委会",
    "县委",
    "市委",
    "省委",
)
_NUMERAL_BEFORE = re.compile(f"({_NUM})$")

# 二十大四中全会, 二十界三中全会, 二十次三中全会: the term, its counter, the plenum.
# Before 一次 they make it a quantifier (下一次, 这一次, 每一次), not the first term.
_DEMONSTRATIVES = frozenset("下上这那每同此哪")
_PLENUM = re.compile(f"(第?)({_NUM})(届|界|大|次)?([一二三四五六七八九])中全会$")
_NPC_WRONG = re.compile(f"全国人大(第?)({_NUM})(届|界)(第?)([一二三四五六七八九])次会议")
_NPC_RIGHT = re.compile(f"({_NUM})(届|界)全国人大$")
_SESSION = re.compile("第?([一二三四五六七八九])次会议")
_NPC_FULL = re.compile(f"第({_NUM})(届|界|次)全国人民代表大会$")
_CPPCC_WRONG = re.compile(f"({_NUM})(届|界)全国政协$")
_CPPCC_RIGHT = re.compile(f"全国政协(第?)({_NUM})(届|界)(第?)([一二三四五六七八九])次会议")
_CPPCC_FULL = re.compile(f"政治协商会议第({_NUM})(届|界|次)全国委员会$")
_CONGRESS_FULL = re.compile(f"(?:中国共产党|党的)第?({_NUM})(届|界|次)全国代表大会$")
_CC_FULL = re.compile(f"第?({_NUM})(届|界|次)中央委员会$")
_FULL_SESSION = re.compile("第([一二三四五六七八九])次会议")
_PLENARY = re.compile("第([一二三四五六七八九])次全体会议")
_CONGRESS_SHORT = re.compile(f"党的({_NUM})大$")


class MeetingRules:
    """Meeting-name rules compiled into automaton keys; rule indexes come from the lexicon's detectors."""

    def __init__(self, table: MeetingTable | None, rules: dict[str, int]) -> None:
        self.table = table
        self._rules = rules
        self.keys: dict[str, list[object]] = {}
        if not any(name.startswith("meeting_") for name in rules):
            return
        for anchor, kind in _ANCHORS.items():
            if kind == "congress":
                # 大 alone would match everywhere: the numbered congress names are the anchors.
                for term in range(18, 26):
                    word = cn_numeral(term) + "大"
                    self.keys.setdefault(word, []).append(Anchor(kind, len(word)))
                continue
            self.keys.setdefault(anchor, []).append(Anchor(kind, len(anchor)))
        for body in (*_JIE_BODIES, *(d + "次" for d in _DIGITS)):
            self.keys.setdefault("界" + body, []).append(Anchor("jie", len(body) + 1))

    def find(self, text: str, found: list[tuple[int, object]], date: dt.date) -> list[Finding]:
        results = []
        for end, item in found:
            if item.__class__ is not Anchor:
                continue
            finding = getattr(self, "_" + item.kind)(text, end - item.length, end, date)
            if finding is not None:
                results.append(finding)
        return results

    # -- helpers ---------------------------------------------------------------------------------

    def _rule(self, name: str) -> int | None:
        return self._rules.get(name)

    def _finding(self, name: str, start: int, end: int, suggestion: str, message: str) -> Finding | None:
        rule = self._rule(name)
        return None if rule is None else Finding(start, end, rule, suggestion, message)

    def _jie_typo(self, start: int, end: int, written: str, fixed: str, what: str) -> Finding | None:
        return self._finding(
            "meeting_jie_typo", start, end, fixed, f"“{written}”应作“{fixed}”：{what}的届次用“届”，不用“界”。"
        )

    def _not_yet(
        self, text: str, start: int, end: int, date: dt.date, kind: str, term: int, session: int, name: str
    ) -> Finding | None:
        """A meeting the article could not have known as held, or that never was."""
        table = self.table
        if table is None or term < table.first_term(kind):
            return None
        opened = table.opened(kind, term, session)
        if opened is not None:
            # Delegates gather and preparatory meetings sit in the days before the opening.
            if date >= opened - EVE or _looks_ahead(text, start, end, date):
                # Before the opening a date is the plan (十三届全国人大三次会议 was set for 2020年3月5日 and
                # opened on 5月22日): only a record of the meeting is judged.
                return self._opening_date(text, start, end, opened, name) if date >= opened else None
            message = f"“{name}”于{opened.year}年{opened.month}月{opened.day}日召开，本文发布时尚未召开，请核实届次。"
            return self._finding("meeting_not_held", start, end, "", message)
        finished = table.next_term_opened(kind, term)
        if finished:
            last = table.last_session(kind, term)
            if session > last:
                message = f"“{name}”不存在：该届只召开到第{cn_numeral(last)}次。"
                return self._finding("meeting_not_held", start, end, "", message)
            return None
        if date <= table.current_to and not _looks_ahead(text, start, end, date):
            return self._finding(
                "meeting_not_held", start, end, "", f"截至本文发布日期，“{name}”尚未召开，请核实届次。"
            )
        return None

    def _session_of(
        self, text: str, start: int, end: int, date: dt.date, kind: str, term: str, label: str, *, plenary: bool
    ) -> Finding | None:
        """A full name followed by its session (第十四届全国人民代表大会第二次会议): held by the date, and on the
        opening day the sentence gives."""
        session = (_PLENARY if plenary else _FULL_SESSION).match(text, end)
        if session is None:
            return None
        n = session.group(1)
        name = label.format(term=term, n=n)
        return self._not_yet(text, start, session.end(), date, kind, cn_number(term), _DIGITS[n], name)

    def _opening_date(self, text: str, start: int, end: int, opened: dt.date, name: str) -> Finding | None:
        """A date written as the meeting's opening (……于2022年10月22日在北京开幕) that is not its opening day.
        Only the first date of 于……至…… counts; a closing (闭幕) or a date elsewhere in the sentence is left."""
        said = _OPENING.match(text, end)
        if said is None:
            return None
        year, month, day = int(said.group("year")), said.group("month"), said.group("day")
        if year == opened.year and (month is None or int(month) == opened.month):
            if day is None or int(day) == opened.day:
                return None
        when = f"{opened.year}年{opened.month}月{opened.day}日"
        message = f"“{name}”于{when}开幕，句中写作“{said.group('date')}”，请核实。"
        return self._finding("meeting_date", start, said.end("date"), "", message)

    # -- rules -----------------------------------------------------------------------------------

    def _jie(self, text: str, start: int, end: int, date: dt.date) -> Finding | None:
        number = _NUMERAL_BEFORE.search(text, max(0, start - 3), start)
        if number is None:
            return None  # 各界人大代表, 世界委员会
        term = number.group(1)
        return self._jie_typo(number.start(), start + 1, f"{term}界", f"{term}届", "换届选举产生的机关")

    def _plenum(self, text: str, start: int, end: int, date: dt.date) -> Finding | None:
        left = max(0, start - 6)
        match = _PLENUM.search(text, left, end)
        if match is None:
            return None
        _di, term_text, counter, session_text = match.groups()
        s = match.start(2)
        term, session = cn_number(term_text), _DIGITS[session_text]
        right = f"{term_text}届{session_text}中全会"
        if counter == "界":
            return self._jie_typo(s, end, text[s:end], right, "中央委员会")
        if counter == "次" and term_text == "一" and text[s - 1 : s] in _DEMONSTRATIVES:
            return None  # 下一次三中全会: "the next", a quantifier before the plenum, not a term number
        if counter in ("大", "次"):
            message = (
                f"中央全会按中央委员会的届次编号，应作“{right}”（第{term_text}届中央委员会第{session_text}次全体会议）；"
                f"“{term_text}大”指党的第{term_text}次全国代表大会。"
            )
            return self._finding("meeting_jie_ci", s, end, right, message)
        if counter == "届":
            return self._not_yet(text, s, end, date, "plenum", term, session, right) or self._superseded(
                text, s, end, date, term, right
            )
        return None

    def _npc(self, text: str, start: int, end: int, date: dt.date) -> Finding | None:
        wrong = _NPC_WRONG.match(text, start, start + 16)
        if wrong is not None:
            _d1, term, counter, _d2, session = wrong.groups()
            right = f"{term}届全国人大{session}次会议"
            return self._finding(
                "meeting_npc_order",
                start,
                wrong.end(),
                right,
                f"全国人大会议的规范简称是“{right}”，届次放在“全国人大”之前；政协才作“全国政协{term}届{session}次会议”。",
            )
        head = _NPC_RIGHT.search(text, max(0, start - 4), end)
        if head is None:
            return None
        term, counter = head.groups()
        if counter == "界":
            return self._jie_typo(head.start(), head.start() + len(term) + 1, f"{term}界", f"{term}届", "全国人大")
        session = _SESSION.match(text, end, end + 4)
        if session is None:
            return None
        name = f"{term}届全国人大{session.group(1)}次会议"
        number = _DIGITS[session.group(1)]
        return self._not_yet(text, head.start(), session.end(), date, "npc", cn_number(term), number, name)

    def _npc_full(self, text: str, start: int, end: int, date: dt.date) -> Finding | None:
        match = _NPC_FULL.search(text, max(0, start - 5), end)
        if match is None:
            return None
        term, counter = match.groups()
        s = match.start(1)
        if counter == "界":
            return self._jie_typo(s, s + len(term) + 1, f"{term}界", f"{term}届", "全国人民代表大会")
        if counter == "次":
            return self._finding(
                "meeting_jie_ci",
                s,
                end,
                f"{term}届全国人民代表大会",
                f"全国人民代表大会每届任期五年，按“届”计，应作“第{term}届全国人民代表大会”；每年的会议才称“第×次会议”。",
            )
        label = "第{term}届全国人民代表大会第{n}次会议"
        return self._session_of(text, s, end, date, "npc", term, label, plenary=False)

    def _cppcc(self, text: str, start: int, end: int, date: dt.date) -> Finding | None:
        right = _CPPCC_RIGHT.match(text, start, start + 16)
        if right is not None:
            _d1, term, counter, _d2, session = right.groups()
            if counter == "界":
                s = right.start(2)
                return self._jie_typo(s, s + len(term) + 1, f"{term}界", f"{term}届", "全国政协")
            name = f"全国政协{term}届{session}次会议"
            return self._not_yet(text, start, right.end(), date, "cppcc", cn_number(term), _DIGITS[session], name)
        wrong = _CPPCC_WRONG.search(text, max(0, start - 4), end)
        if wrong is None:
            return None
        term, counter = wrong.groups()
        after = _SESSION.match(text[end : end + 6])
        if after is None:
            if counter == "界":
                s = wrong.start()
                return self._jie_typo(s, s + len(term) + 1, f"{term}界", f"{term}届", "全国政协")
            return None  # 十四届全国政协委员 is right
        session = after.group(1)
        fixed = f"全国政协{term}届{session}次会议"
        return self._finding(
            "meeting_cppcc_order",
            wrong.start(),
            end + after.end(),
            fixed,
            f"政协全国委员会会议的规范简称是“{fixed}”（中国人民政治协商会议第{term}届全国委员会第{session}次会议），"
            f"与人大“{term}届全国人大{session}次会议”的语序不同。",
        )

    def _cppcc_full(self, text: str, start: int, end: int, date: dt.date) -> Finding | None:
        match = _CPPCC_FULL.search(text, max(0, start - 12), end)
        if match is None:
            return None
        term, counter = match.groups()
        s = match.start(1)
        if counter == "界":
            return self._jie_typo(s, s + len(term) + 1, f"{term}界", f"{term}届", "政协全国委员会")
        if counter == "次":
            return self._finding(
                "meeting_jie_ci",
                s,
                end,
                f"{term}届全国委员会",
                f"政协全国委员会按“届”计，应作“第{term}届全国委员会”；每年的会议才称“第×次会议”。",
            )
        label = "中国人民政治协商会议第{term}届全国委员会第{n}次会议"
        return self._session_of(text, s, end, date, "cppcc", term, label, plenary=False)

    def _congress_full(self, text: str, start: int, end: int, date: dt.date) -> Finding | None:
        match = _CONGRESS_FULL.search(text, max(0, start - 10), end)
        if match is None:
            return None
        term, counter = match.groups()
        s = match.start(1)
        if counter == "界" or counter == "届":
            return self._finding(
                "meeting_jie_ci",
                s,
                end,
                f"{term}次全国代表大会",
                f"党的全国代表大会按“次”计，应作“第{term}次全国代表大会”（{term}大）；“届”用于中央委员会，如“{term}届中央委员会”。",
            )
        return self._not_yet(text, s, end, date, "congress", cn_number(term), 0, f"党的第{term}次全国代表大会")

    def _cc_full(self, text: str, start: int, end: int, date: dt.date) -> Finding | None:
        match = _CC_FULL.search(text, max(0, start - 5), end)
        if match is None:
            return None
        term, counter = match.groups()
        s = match.start(1)
        if counter == "界":
            return self._jie_typo(s, s + len(term) + 1, f"{term}界", f"{term}届", "中央委员会")
        if counter == "次":
            return self._finding(
                "meeting_jie_ci",
                s,
                end,
                f"{term}届中央委员会",
                f"党的中央委员会按“届”计，应作“第{term}届中央委员会”；“次”用于全国代表大会和全体会议。",
            )
        label = "第{term}届中央委员会第{n}次全体会议"
        return self._session_of(text, s, end, date, "plenum", term, label, plenary=True)

    def _congress(self, text: str, start: int, end: int, date: dt.date) -> Finding | None:
        if re.match("[一二三四五六七八九]中全会", text[end : end + 4]):
            return None
        match = _CONGRESS_SHORT.search(text, max(0, start - 2), end)
        if match is None:
            # without 党的 before it, only the spirit after it says which 十九大 it is
            if not text.startswith("精神", end):
                return None
            term = text[start : end - 1]
            return self._superseded(text, start, end, date, cn_number(term), f"{term}大")
        term = match.group(1)
        name = f"党的{term}大"
        return self._not_yet(text, match.start(1), end, date, "congress", cn_number(term), 0, name) or (
            self._superseded(text, match.start(1), end, date, cn_number(term), name)
        )

    def _superseded(self, text: str, start: int, end: int, date: dt.date, term: int, name: str) -> Finding | None:
        """The spirit of a congress, or of a plenum of its Central Committee, studied after the next congress met."""
        table = self.table
        later = table.opened("congress", term + 1) if table is not None else None
        if later is None or date < later + CONGRESS_LENGTH or _SPIRIT.match(text, end) is None:
            return None
        left, right = sentence_bounds(text, start, end)
        clause = max(text.rfind(c, left, start) for c in "，：")
        if not _STUDY.search(text, max(left, clause + 1, start - 20), start):
            return None
        newer = cn_numeral(term + 1)
        # 从十九大到二十大, 十九届、二十届中央委员会: a sentence that names the later congress relates the two
        if f"{newer}大" in text[left:right] or f"{newer}届" in text[left:right]:
            return None
        if is_historical(text, start, end, later):
            return None
        when = f"{later.year}年{later.month}月{later.day}日"
        message = (
            f"按本文的发布日期，党的{newer}大已于{when}召开，学习贯彻的应是党的{newer}大精神，“{name}精神”的"
            f"提法已过时；回顾往年工作时请写明年份。"
        )
        return self._finding("meeting_superseded", start, end, "", message)


def _looks_ahead(text: str, start: int, end: int, date: dt.date) -> bool:
    """Whether the sentence speaks of the meeting as still to come: in words, or by a date after the article's
    (……于2026年3月5日在北京召开)."""
    left = max(0, start - 30)
    right = min(len(text), end + 30)
    sentence = text[left:right]
    cut = max(sentence.rfind(c, 0, start - left) for c in "。！？\n")
    stop = [i for i in (sentence.find(c, end - left) for c in "。！？\n") if i != -1]
    own = sentence[cut + 1 : min(stop) if stop else len(sentence)]
    if _FUTURE.search(own):
        return True
    # its delegates (党的二十大代表) are elected, and reports addressed to it (向……代表大会的报告) written, before it
    if text.startswith("代表", end) or "向" in text[max(0, start - 8) : start]:
        return True
    for year, month, day in _DATE.findall(own):
        try:
            if dt.date(int(year), int(month), int(day)) > date:
                return True
        except ValueError:
            continue
    # 决定今年10月在北京召开……, ……于10月20日至23日在北京召开: a later month of this year, without the year
    if any(int(month) > date.month for month in _MONTH.findall(own)):
        return True
    return any((int(year), int(month)) > (date.year, date.month) for year, month in _YEAR_MONTH.findall(own))


_NAMED_MEETING = re.compile(
    f"({_NUM})届全国人大([一二三四五六七八九])次会议|全国政协({_NUM})届([一二三四五六七八九])次会议|"
    f"({_NUM})届([一二三四五六七八九])中全会|党的({_NUM})大"
)


def meetings_named(text: str, left: int, right: int, table: MeetingTable | None) -> list[dt.date]:
    """The opening dates of the meetings that text[left:right] names (十二届全国人大五次会议 → 2017-03-05):
    a sentence set at a meeting speaks of that time."""
    if table is None:
        return []
    dates = []
    for m in _NAMED_MEETING.finditer(text, left, right):
        g = m.groups()
        if g[0]:
            opened = table.opened("npc", cn_number(g[0]), _DIGITS[g[1]])
        elif g[2]:
            opened = table.opened("cppcc", cn_number(g[2]), _DIGITS[g[3]])
        elif g[4]:
            opened = table.opened("plenum", cn_number(g[4]), _DIGITS[g[5]])
        else:
            opened = table.opened("congress", cn_number(g[6]), 0)
        if opened is not None:
            dates.append(opened)
    return dates
