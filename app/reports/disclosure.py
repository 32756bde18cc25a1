"""总体情况（一）信息公开检查情况 and （二）问政互动办理情况, from the quarter's counts.

Pure: the caller passes what the office recorded for the quarter (proactive disclosures, requests for disclosure
per unit and channel, letters per department and type); the functions write the circular's sentences.

- （一）: the total of proactive disclosures (信息 counted in 条), then each unit and channel that received requests
  (in the order recorded), then whether all were answered.
- （二）: the departments that received letters, the letters received and replied, 办结率 = replied ÷ received (a
  percentage, one decimal when not whole), the breakdown by type (投诉、建议、咨询、求助、举报、表扬 first, other types
  in the order recorded, types with no letters left out), and the department with the most letters; several tied
  departments are all named, and when every department received as many letters as the others no one is singled out.
- Nothing recorded for a section: the section says so (and the report's notes say what to record), never a "0"
  the office did not enter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.reports.quarter import Period

LETTER_TYPES = ("投诉", "建议", "咨询", "求助", "举报", "表扬", "其他")


def letter_type(value: str) -> str:
    """投诉类 → 投诉, 建议 → 建议: the type as the sentence counts it (…类7件)."""
    text = "".join(str(value).split())
    return text.removesuffix("类") or "其他"


@dataclass(frozen=True)
class DisclosureRequests:
    """依申请公开 a unit received through one channel in the quarter."""

    unit: str  # 区司法局
    channel: str  # 区政府门户网站
    received: int
    answered: int

    def as_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "channel": self.channel, "received": self.received, "answered": self.answered}


@dataclass(frozen=True)
class Letters:
    """问政信件 a department received in the quarter, of one type."""

    department: str
    type: str  # 投诉, 建议, 咨询 …
    received: int
    replied: int

    def as_dict(self) -> dict[str, Any]:
        return {"department": self.department, "type": self.type, "received": self.received, "replied": self.replied}


@dataclass(frozen=True)
class DisclosureCounts:
    proactive: int | None  # 主动公开信息条数; None: not recorded
    requests: Sequence[DisclosureRequests] = ()
    letters: Sequence[Letters] = ()
    requests_recorded: bool = False  # the office recorded requests (perhaps none) for the quarter
    letters_recorded: bool = False

    def __post_init__(self) -> None:
        for figure in [self.proactive or 0, *[r.received for r in self.requests], *[x.received for x in self.letters]]:
            if figure < 0:
                raise ValueError("数量不能为负数")
        for request in self.requests:
            if not 0 <= request.answered <= request.received:
                raise ValueError(f"{request.unit}的答复数 {request.answered} 应在 0 到受理数 {request.received} 之间")
        for letter in self.letters:
            if not 0 <= letter.replied <= letter.received:
                raise ValueError(f"{letter.department}的回复数 {letter.replied} 应在 0 到受理数 {letter.received} 之间")

    def as_dict(self) -> dict[str, Any]:
        return {
            "proactive": self.proactive,
            "requests": [r.as_dict() for r in self.requests],
            "letters": [x.as_dict() for x in self.letters],
        }


def disclosure_paragraph(period: Period, counts: DisclosureCounts, *, jurisdiction: str = "全区") -> str:
    """（一）信息公开检查情况。第二季度全区主动公开信息1942条。区司法局通过区政府门户网站受理依申请公开1件，……"""
    heading = "（一）信息公开检查情况。"
    when = period.short_label
    if counts.proactive is None and not counts.requests and not counts.requests_recorded:
        return f"{heading}{when}的信息公开数据尚未录入。"
    parts = []
    if counts.proactive is not None:
        parts.append(f"{when}{jurisdiction}主动公开信息{counts.proactive}条。")
    requests = [r for r in counts.requests if r.received]
    if requests:
        clauses = "，".join(f"{r.unit}通过{r.channel}受理依申请公开{r.received}件" for r in requests)
        received = sum(r.received for r in requests)
        answered = sum(r.answered for r in requests)
        if answered == received:
            ending = "均已全部完成答复" if len(requests) > 1 or received > 1 else "已完成答复"
        else:
            ending = f"已答复{answered}件，尚有{received - answered}件正在办理"
        parts.append(f"{clauses}，{ending}。")
    elif counts.requests_recorded:
        parts.append(f"{when}未收到依申请公开申请。")
    return heading + "".join(parts)


def letters_paragraph(period: Period, counts: DisclosureCounts) -> str:
    """（二）问政互动办理情况。第二季度共10个部门受理问政信件17件，回复17件，办结率100%，其中投诉类7件，……"""
    heading = "（二）问政互动办理情况。"
    when = period.short_label
    letters = [x for x in counts.letters if x.received]
    if not letters:
        if counts.letters_recorded or counts.letters:
            return f"{heading}{when}未收到问政信件。"
        return f"{heading}{when}的问政信件数据尚未录入。"
    per_department: dict[str, int] = {}
    per_type: dict[str, int] = {}
    for letter in letters:
        per_department[letter.department] = per_department.get(letter.department, 0) + letter.received
        kind = letter_type(letter.type)
        per_type[kind] = per_type.get(kind, 0) + letter.received
    received = sum(x.received for x in letters)
    replied = sum(x.replied for x in letters)
    rate = _percentage(replied, received)
    sentence = f"{when}共{len(per_department)}个部门受理问政信件{received}件，回复{replied}件，办结率{rate}%"
    order = [t for t in LETTER_TYPES if t in per_type] + [t for t in per_type if t not in LETTER_TYPES]
    if len(order) > 1 or order != ["其他"]:
        sentence += "，其中" + "，".join(f"{t}类{per_type[t]}件" for t in order)
    sentence += "。"
    most = max(per_department.values())
    if len(per_department) > 1 and most > min(per_department.values()):
        top = [name for name, n in per_department.items() if n == most]
        each = "各" if len(top) > 1 else ""
        sentence += f"办理信件数量较多的部门是{'、'.join(top)}（{each}{most}件）。"
    return heading + sentence


def _percentage(part: int, whole: int) -> str:
    value = round(100 * part / whole, 1)
    return str(int(value)) if value == int(value) else str(value)
