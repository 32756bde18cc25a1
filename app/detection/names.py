"""Where a text names a person: the characters the language model cannot judge.

A given name is chosen, not spelled by the language: 祁敬, 杜萍 and 郭统骏 make trigrams official prose never
wrote, exactly like a slip does. The typo layer leaves a name alone when its frame says it is one:
- a title or form of address right after it (祁敬警官, 王晓东同志, 李梅女士);
- a role right before it (记者王刚, 民警李强, 常务主席段发达);
- a verb of saying right after it (王晓东表示, 李梅认为): news reports a person by name and what the
  person said;
- the items of an enumeration that continues such a name (段发达、陈红兵、满开清、冉清……): in a list the
  first name opens, every item of two or three characters is a name too;
- an enumeration of three or more items of two or three characters, each opened by a common surname
  (徐嘉余、闫子贝、张雨霏、杨浚瑄; one item may have a rarer surname): ordinary words rarely all begin
  with a surname, a list of people nearly always does.
A name framed this way that is a leader's is the leaders layer's business, which knows how it is spelled.

The surnames are a hundred of the commonest, after the Ministry of Public Security's 2020 national name report
(公安部户政管理研究中心《二〇二〇年全国姓名报告》: its hundred commonest cover about 85% of the population); a
rarer surname still counts inside an enumeration that a common one opened.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马胡朱郭何罗高林郑梁谢唐许冯宋韩邓彭曹曾田于肖潘袁董叶杜丁蒋程余吕魏蔡"
    "苏任卢沈姜姚钟崔陆谭汪石付贾范金方韦夏廖侯白孟邹秦尹江熊薛邱阎段雷季史陶毛贺龙万顾关郝孔向龚"
    "邵钱武戴严欧莫"
)
# Titles and forms of address that follow a name. Two characters at least: a one-character suffix (王某某省)
# would frame too much.
TITLES = (
    "同志",
    "书记",
    "副书记",
    "主任",
    "副主任",
    "局长",
    "副局长",
    "厅长",
    "处长",
    "科长",
    "县长",
    "副县长",
    "市长",
    "副市长",
    "镇长",
    "乡长",
    "区长",
    "省长",
    "部长",
    "主席",
    "警官",
    "先生",
    "女士",
    "老师",
    "教授",
    "院士",
    "医生",
    "师傅",
    "校长",
    "院长",
    "所长",
    "站长",
    "队长",
    "董事长",
    "总经理",
)
# Roles written right before a name (记者王刚). Words as general as 群众 or 居民 are left out: they are
# followed by ordinary words (群众文化) as often as by names.
ROLES = (
    "记者",
    "通讯员",
    "民警",
    "辅警",
    "主持人",
    "讲解员",
    "书记",
    "主任",
    "局长",
    "县长",
    "市长",
    "镇长",
    "乡长",
    "区长",
    "省长",
    "主席",
    "院士",
    "教授",
    # roles news writes before a person's name; each must be followed by a common surname to frame one
    "委员",
    "代表",
    "大使",
    "发言人",
    "校长",
    "院长",
    "所长",
    "队长",
    "教练",
    "选手",
    "运动员",
    "队员",
    "村民",
    "居民",
    "志愿者",
    "医生",
    "护士",
    "老师",
    "教师",
    "工程师",
    "负责人",
    "董事长",
    "总经理",
    "经理",
    "厂长",
    "部长",
    "厅长",
    "处长",
    "科长",
    "总裁",
    "创始人",
)
# Verbs of saying that follow a name in reported speech (王晓东表示). 说 and 称 alone are left out: a
# one-character verb after a surname-led pair (张口说, 白称) frames too much.
SAYING = ("表示", "认为", "介绍", "指出", "告诉", "坦言", "强调", "透露", "说道")

_HAN = "\u4e00-\u9fff"
_SURNAME = f"[{SURNAMES}]"


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


# A name with its title after it: the shortest name first, so that 王晓东同志 is not read as 东同 + 志.
_TITLED = re.compile(f"{_SURNAME}[{_HAN}]{{1,2}}?(?=(?:{_alternation(TITLES)}))")
# A role and the name after it: two or three characters, up to the next character outside Han.
_ROLED = re.compile(f"(?:{_alternation(ROLES)})({_SURNAME}[{_HAN}]{{1,2}})")
# A name and the verb of saying after it: the shortest name first, as with titles.
_SAID = re.compile(f"{_SURNAME}[{_HAN}]{{1,2}}?(?=(?:{_alternation(SAYING)}))")
# Runs of three or more Han items joined by 、: candidates for a list of people.
# (Anchored at the start of a run of Han characters: unanchored, every position of a long run would be tried.)
_ENUMERATION = re.compile(f"(?<![{_HAN}])[{_HAN}]+、[{_HAN}]+、[{_HAN}]+(?:、[{_HAN}]+)*")
_AFTER_LIST = frozenset("等在和与及")
# The next item of an enumeration of names.
_NEXT_ITEM = re.compile(f"、([{_HAN}]{{2,3}})(?=[、，。；：）)\\s]|等|在|$)")


def name_mask(text: str) -> np.ndarray:
    """For each character of text, whether a framed person's name covers it."""
    mask = np.zeros(len(text), dtype=bool)
    ends = []
    for pattern in (_TITLED, _SAID):
        for match in pattern.finditer(text):
            mask[match.start() : match.end()] = True
            ends.append(match.end())
    for match in _ENUMERATION.finditer(text):
        for start, end in _listed_people(match.group()):
            mask[match.start() + start : match.start() + end] = True
    for match in _ROLED.finditer(text):
        start, end = match.span(1)
        mask[start:end] = True
        ends.append(end)
    for end in ends:
        while item := _NEXT_ITEM.match(text, end):
            mask[item.start(1) : item.end(1)] = True
            end = item.end(1)
    return mask


def _listed_people(run: str) -> list[tuple[int, int]]:
    """The items of a run of 、-joined Han words when they read as a list of people: every item of two or
    three characters (the first and the last cut from the words they touch), and all but one of at least
    three opened by a common surname, not all by the same character. Spans are offsets into run."""
    parts = run.split("、")
    if any(not 2 <= len(part) <= 3 for part in parts[1:-1]):
        return []
    first = parts[0]
    # the first item is cut from the words before it: two characters only where a surname opens those two
    # and not the three (most names have three)
    if len(first) < 2:
        return []
    head = 2 if len(first) == 2 or (first[-2] in SURNAMES and first[-3] not in SURNAMES) else 3
    last = parts[-1]
    tail = len(last) if len(last) <= 3 else (2 if last[2] in _AFTER_LIST else 3)
    if tail < 2:
        return []
    spans, offset = [], 0
    for index, part in enumerate(parts):
        start, end = offset, offset + len(part)
        if index == 0:
            start = end - head
        if index == len(parts) - 1:
            end = start + tail
        spans.append((start, end))
        offset += len(part) + 1
    openings = [run[start] for start, _ in spans]
    surnamed = sum(c in SURNAMES for c in openings)
    # items that all open alike are a parallel construction (高质量、高水平、高标准), not people
    if surnamed < max(3, len(spans) - 1) or len(set(openings)) == 1:
        return []
    return spans


@lru_cache(maxsize=4096)
def reads_as_name(words: str) -> bool:
    """Whether a string would be read as a person's name with a title after it (王沪宁, 李强; not 政府)."""
    return bool(name_mask(words + "同志")[: len(words)].all())
