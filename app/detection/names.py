"""Where a text names a person: the characters the language model cannot judge.

A given name is chosen, not spelled by the language: 祁敬, 杜萍 and 郭统骏 make trigrams official prose never
wrote, exactly like a slip does. The typo layer leaves a name alone when its frame says it is one:
- a title or form of address right after it (祁敬警官, 王晓东同志, 李梅女士);
- a role right before it (记者王刚, 民警李强, 常务主席段发达);
- the items of an enumeration that continues such a name (段发达、陈红兵、满开清、冉清……): in a list the
  first name opens, every item of two or three characters is a name too.
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
)

_HAN = "\u4e00-\u9fff"
_SURNAME = f"[{SURNAMES}]"


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


# A name with its title after it: the shortest name first, so that 王晓东同志 is not read as 东同 + 志.
_TITLED = re.compile(f"{_SURNAME}[{_HAN}]{{1,2}}?(?=(?:{_alternation(TITLES)}))")
# A role and the name after it: two or three characters, up to the next character outside Han.
_ROLED = re.compile(f"(?:{_alternation(ROLES)})({_SURNAME}[{_HAN}]{{1,2}})")
# The next item of an enumeration of names.
_NEXT_ITEM = re.compile(f"、([{_HAN}]{{2,3}})(?=[、，。；：）)\\s]|等|在|$)")


def name_mask(text: str) -> np.ndarray:
    """For each character of text, whether a framed person's name covers it."""
    mask = np.zeros(len(text), dtype=bool)
    ends = []
    for match in _TITLED.finditer(text):
        mask[match.start() : match.end()] = True
        ends.append(match.end())
    for match in _ROLED.finditer(text):
        start, end = match.span(1)
        mask[start:end] = True
        ends.append(end)
    for end in ends:
        while item := _NEXT_ITEM.match(text, end):
            mask[item.start(1) : item.end(1)] = True
            end = item.end(1)
    return mask


@lru_cache(maxsize=4096)
def reads_as_name(words: str) -> bool:
    """Whether a string would be read as a person's name with a title after it (王沪宁, 李强; not 政府)."""
    return bool(name_mask(words + "同志")[: len(words)].all())
