"""Administrative division rules built from lexicons/data/divisions.csv.

- A province-level name of the wrong kind: 内蒙古省, 广西省, 西藏省, 宁夏省, 新疆省 (autonomous regions),
  北京省 (a municipality), 香港省 (a special administrative region).
- Ethnic autonomous names in the wrong order: 恩施苗族土家族自治州 for 恩施土家族苗族自治州; the order is
  part of the official name.

Slips in a division's name and a division under the wrong parent are near misses (nearmiss.py).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass

from app.detection.hit import Finding
from app.detection.tables import Division

# The 56 ethnic groups, as the State Ethnic Affairs Commission lists them.
ETHNIC_GROUPS = (
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 黎族 "
    "傈僳族 佤族 畲族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 "
    "仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 "
    "独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族 高山族"
).split()
_AUTONOMOUS = re.compile("(自治区|自治州|自治县|自治旗)$")
# Written before the term and making it no province name: 省份 (province), 省区 (provinces and regions).
_NOT_PROVINCE_AFTER = ("份", "区市")
_PROVINCE_KINDS = {"自治区": "自治区", "特别行政区": "特别行政区", "市": "直辖市"}


def ethnic_parts(name: str) -> tuple[str, list[str], str] | None:
    """(stem, ethnic groups in order, suffix) of an autonomous division's name, or None."""
    suffix = _AUTONOMOUS.search(name)
    if suffix is None:
        return None
    core = name[: suffix.start()]
    names = sorted(set(ETHNIC_GROUPS) | {g[:-1] for g in ETHNIC_GROUPS if len(g) > 2}, key=len, reverse=True)
    groups: list[str] = []
    while True:
        for group in names:
            if core.endswith(group) and len(core) > len(group):
                groups.insert(0, group)
                core = core[: -len(group)]
                break
        else:
            break
    return (core, groups, suffix.group(1)) if groups else None


@dataclass(frozen=True, slots=True)
class PlaceKey:
    rule: int
    length: int
    right: str
    message: str


class PlaceRules:
    def __init__(self, divisions: tuple[Division, ...], rules: dict[str, int]) -> None:
        self.keys: dict[str, list[object]] = {}
        kind_rule = rules.get("place_kind")
        order_rule = rules.get("place_ethnic_order")
        names = {d.name for d in divisions}
        for division in divisions:
            if kind_rule is not None and division.level == "province":
                self._add_kind(kind_rule, division.name, names)
            if order_rule is not None and division.level != "province":
                self._add_orders(order_rule, division.name, names)

    def _add(self, key: str, item: PlaceKey) -> None:
        self.keys.setdefault(key, []).append(item)

    def _add_kind(self, rule: int, name: str, names: set[str]) -> None:
        for ending, kind in _PROVINCE_KINDS.items():
            if not name.endswith(ending):
                continue
            short = name[: -len(ending)]
            for strip in ("维吾尔", "壮族", "回族"):
                short = short.removesuffix(strip) if len(short) > len(strip) + 1 else short
            wrong = short + "省"
            if wrong not in names:
                message = f"{short}是{kind}，不是省，全称为“{name}”。"
                self._add(wrong, PlaceKey(rule, len(wrong), name, message))
            return

    def _add_orders(self, rule: int, name: str, names: set[str]) -> None:
        parts = ethnic_parts(name)
        if parts is None or len(parts[1]) < 2:
            return
        stem, groups, suffix = parts
        for order in itertools.permutations(groups):
            wrong = stem + "".join(order) + suffix
            if list(order) == groups or wrong in names:
                continue
            message = f"自治地方名称中各民族的排列顺序是名称的一部分，应为“{name}”。"
            self._add(wrong, PlaceKey(rule, len(wrong), name, message))

    def find(self, text: str, found: list[tuple[int, object]], date: dt.date) -> list[Finding]:
        results = []
        for end, item in found:
            if item.__class__ is not PlaceKey:
                continue
            if text.startswith(_NOT_PROVINCE_AFTER, end):
                continue
            results.append(Finding(end - item.length, end, item.rule, item.right, item.message))
        return results
