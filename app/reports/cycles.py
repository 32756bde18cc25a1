"""Update cycles (更新周期) of disclosure-platform columns (栏目): parsing, due dates, the national defaults.

A column is overdue (应更新未更新) when the inspection date falls after its last update plus its cycle: a column
updated on 2022-12-31 with a six-month cycle is due by 2023-06-30 and overdue from 2023-07-01 (the same "more
than" as the new-media rule: 14 days is not 超2周, 15 days is). The annex writes the cycle as the office wrote it
(“村简介”栏目超一年未更新 beside “财政专项资金”栏目超1年未更新 in the same circular), so a cycle keeps its label.

Which cycle a column has, first that applies: its own (set on the column), the office's cycle for columns of that
name, the national default below for the name, otherwise none: the report then names the column as one it could
not judge instead of guessing.

National defaults (`DEFAULT_CYCLES`), each with its source:

- 《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）, single-veto item 栏目不更新: 动态、要闻类栏目 more
  than 2 weeks without an update; 通知公告、政策文件类栏目 more than 6 months; 人事、规划计划类栏目 more than 1
  year. (The same index's 2 weeks for new media is the `staleness` rule.)
- 《关于健全和完善村务公开和民主管理制度的意见》（中办发〔2004〕17号）: 一般村务事项至少每季度公开一次 — 村务公开,
  居务公开 and 财务公开 columns of village and residents' committees: 3 months. (It asks monthly 财务 for villages
  with many transactions; that is the office's per-column setting.)
- 《中华人民共和国政府信息公开条例》 art. 26 (proactive information within 20 working days of its forming or
  change) sets no cycle for a column: it runs from when a piece of information forms, which the platform does not
  record, so it gives no default here.

Other columns (村简介, 财政专项资金, 惠民惠农补贴 …) have no national cycle; the office sets theirs.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

UNITS = ("day", "week", "month", "year")
_UNIT_WORDS = {"天": "day", "日": "day", "周": "week", "星期": "week", "个月": "month", "月": "month", "年": "year"}
_CN_DIGITS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CYCLE_RE = re.compile(r"^(\d{1,3}|[一二两三四五六七八九十]{1,3})?(个月|月|年|周|星期|天|日|个季度|季度|季)$")
_PREFIXES = ("每", "更新周期", "周期")
_SUFFIXES = ("更新一次", "更新1次", "一次", "1次", "以上", "以内", "内", "更新")


@dataclass(frozen=True)
class UpdateCycle:
    amount: int
    unit: str  # day, week, month or year
    label: str  # as the annex writes it: 6个月, 1年, 一年, 2周
    source: str | None = None  # where a default comes from; None for the office's own

    def __post_init__(self) -> None:
        if self.unit not in UNITS or self.amount < 1:
            raise ValueError(f"更新周期不正确：{self.amount} {self.unit}")

    @property
    def days(self) -> int:
        """Roughly, for ordering and display: a month is 30 days, a year 365."""
        return self.amount * {"day": 1, "week": 7, "month": 30, "year": 365}[self.unit]

    def due(self, last_update: dt.date) -> dt.date:
        """The last day on which a column updated on last_update is still in time."""
        try:
            if self.unit == "day":
                return last_update + dt.timedelta(days=self.amount)
            if self.unit == "week":
                return last_update + dt.timedelta(weeks=self.amount)
        except OverflowError:  # an update dated near 9999-12-31: never due
            return dt.date.max
        months = self.amount * (12 if self.unit == "year" else 1)
        return _add_months(last_update, months)

    def overdue(self, last_update: dt.date, inspection_date: dt.date) -> bool:
        return inspection_date > self.due(last_update)

    def as_dict(self) -> dict[str, object]:
        return {"amount": self.amount, "unit": self.unit, "label": self.label, "source": self.source}


def parse_cycle(value: str) -> UpdateCycle:
    """6个月, 六个月, 每6个月, 半年, 一年, 每年, 每季度, 两周, 15天, 每月…; ValueError (in Chinese) otherwise."""
    text = "".join(str(value).split())
    for prefix in _PREFIXES:
        text = text.removeprefix(prefix)
    for suffix in _SUFFIXES:
        text = text.removesuffix(suffix)
    if not text:
        raise ValueError(f"更新周期“{value}”为空")
    if "工作日" in text:
        raise ValueError(f"更新周期“{value}”按工作日计，无法换算成日期：请写成天、周、月或年")
    if text in ("半年", "半年度"):
        return UpdateCycle(6, "month", "半年")
    if text in ("年度", "全年"):
        return UpdateCycle(1, "year", "1年")
    match = _CYCLE_RE.match(text)
    if match is None:
        raise ValueError(f"无法识别更新周期“{value}”：应写成如 6个月、1年、一年、每季度、2周、15天")
    number = _number(match[1]) if match[1] else 1
    word = match[2]
    if word in ("个季度", "季度", "季"):
        label = text if match[1] else "3个月"
        return UpdateCycle(3 * number, "month", label)
    unit = _UNIT_WORDS[word]
    label = text if match[1] else f"1{'个月' if unit == 'month' else word}"
    if word == "月":  # "6月" reads as June in a sentence: the annex says 6个月
        label = f"{match[1]}个月" if match[1] else "1个月"
    return UpdateCycle(number, unit, label)


def _number(text: str) -> int:
    try:
        number = _digits(text)
    except (KeyError, IndexError, ValueError):
        raise ValueError(f"无法识别数字“{text}”") from None
    if number < 1:
        raise ValueError("更新周期至少为 1")
    return number


def _digits(text: str) -> int:
    if text.isdigit():
        number = int(text)
    elif text == "十":
        number = 10
    elif text.startswith("十"):
        number = 10 + _CN_DIGITS[text[1]]
    elif text.endswith("十"):
        number = 10 * _CN_DIGITS[text[0]]
    elif "十" in text:
        tens, ones = text.split("十")
        number = 10 * _CN_DIGITS[tens] + _CN_DIGITS[ones]
    else:
        if len(text) != 1:
            raise ValueError(text)
        number = _CN_DIGITS[text]
    return number


_INDEX_2019 = "《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）“栏目不更新”"
_VILLAGE_2004 = "《关于健全和完善村务公开和民主管理制度的意见》（中办发〔2004〕17号）：一般村务事项至少每季度公开一次"

# (words in the column name, cycle): the first whose word the name contains applies.
DEFAULT_CYCLES: tuple[tuple[tuple[str, ...], UpdateCycle], ...] = (
    (("人事", "规划", "计划"), UpdateCycle(1, "year", "1年", f"{_INDEX_2019}：人事、规划计划类栏目")),
    (("动态", "要闻", "新闻"), UpdateCycle(2, "week", "2周", f"{_INDEX_2019}：动态、要闻类栏目")),
    (
        ("通知公告", "公示公告", "通知", "公告", "政策文件", "规范性文件"),
        UpdateCycle(6, "month", "6个月", f"{_INDEX_2019}：通知公告、政策文件类栏目"),
    ),
    (("村务公开", "居务公开", "财务公开"), UpdateCycle(3, "month", "3个月", _VILLAGE_2004)),
)


def default_cycle(column_name: str) -> UpdateCycle | None:
    """The national default for a column of this name, or None when the rules set none."""
    for words, cycle in DEFAULT_CYCLES:
        if any(word in column_name for word in words):
            return cycle
    return None


def resolve_cycle(column_name: str, own: UpdateCycle | None, by_name: Mapping[str, UpdateCycle]) -> UpdateCycle | None:
    """The column's own cycle, else the office's for the name, else the national default, else None."""
    return own or by_name.get(column_name) or default_cycle(column_name)


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if year > dt.MAXYEAR:
        return dt.date.max
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
