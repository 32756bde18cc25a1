"""The seed circular's disclosure platforms and counts (2023年第二季度, 曾都区) at the pure level.

4 towns, 7 departments and 26 villages and residents' committees with their columns; on 2023-06-30, 2 towns, 5
departments and 17 villages have columns not updated in time: the 24 units of the seed's 附件2 and 附件3. Their
cycles come three ways, as an office sets them: the column's own (村简介 “一年”), the office's per column name
(财政专项资金 1年, 村务公开 6个月 over the national 3), and the national defaults (通知公告 and 公示公告 6个月,
规划编制 1年). Units that must not be named: in time to the day, updated after the inspection date only before it
too late (named), inactive, or in time.
"""

from __future__ import annotations

import datetime as dt

from app.reports.cycles import UpdateCycle, parse_cycle
from app.reports.disclosure import DisclosureCounts, DisclosureRequests, Letters
from app.reports.platforms import ColumnInput, UnitInput, UnitKind

D = dt.date
SIX_MONTHS_AGO = D(2022, 12, 20)  # due 2023-06-20 on a six-month cycle: overdue on 2023-06-30
YEAR_AGO = D(2022, 6, 15)  # due 2023-06-15 on a one-year cycle
RECENT = D(2023, 6, 20)

# The office's cycles per column name (the rest are the national defaults or the columns' own).
OFFICE_CYCLES: dict[str, UpdateCycle] = {
    name: parse_cycle(cycle)
    for name, cycle in {
        "财政专项资金": "1年",
        "服务公开": "6个月",
        "惠民惠农补贴": "6个月",
        "村务公开": "6个月",
        "居务公开": "6个月",
        "财务公开": "6个月",
        "公益事业建设": "6个月",
        "公共资源配置": "6个月",
        "重大决策事项目录": "1年",
        "突发公共卫生事件": "6个月",
        "卫生健康查询服务": "6个月",
        "公共医疗卫生": "6个月",
        "救助款物": "1年",
        "预警提示信息": "1年",
        "机构简介": "1年",
        "数据解读": "6个月",
        "工作动态": "2周",
    }.items()
}

# The seed lists 星光社区's columns as 惠民惠农补贴、居务公开、财务公开、服务公开: its register order differs.
STAR_ORDER = ("惠民惠农补贴", "居务公开", "财务公开", "服务公开", "公示公告")
VILLAGE_COLUMNS = ("惠民惠农补贴", "村务公开", "服务公开", "公示公告", "财务公开")
RESIDENT_COLUMNS = ("惠民惠农补贴", "居务公开", "服务公开", "公示公告", "财务公开")


def columns(
    all_names: tuple[str, ...], overdue: tuple[str, ...], *, old: dt.date = SIX_MONTHS_AGO
) -> list[ColumnInput]:
    return [ColumnInput(name, (D(2021, 3, 1), old if name in overdue else RECENT)) for name in all_names]


def village(
    key: str, name: str, town: str, overdue: tuple[str, ...], resident: bool = False, order: tuple[str, ...] = ()
) -> UnitInput:
    names = order or (RESIDENT_COLUMNS if resident else VILLAGE_COLUMNS)
    return UnitInput(key, name, UnitKind.village, parent=town, columns=columns(names, overdue))


def profile(key: str, name: str, town: str, *, stale: bool) -> UnitInput:
    """A 何店镇 village: its 村简介 has its own one-year cycle, written 一年."""
    cycle = parse_cycle("一年")
    return UnitInput(
        key,
        name,
        UnitKind.village,
        parent=town,
        columns=[
            ColumnInput("村简介", (YEAR_AGO if stale else D(2023, 1, 5),), cycle),
            *columns(VILLAGE_COLUMNS, ()),
        ],
    )


def units() -> list[UnitInput]:
    town, dept = UnitKind.town, UnitKind.department
    return [
        UnitInput(
            "wd",
            "万店镇人民政府",
            town,
            columns=[
                ColumnInput("财政专项资金", (YEAR_AGO,)),
                ColumnInput("通知公告", (RECENT,)),
                ColumnInput("工作动态", (D(2023, 6, 25),)),
            ],
        ),
        UnitInput("hd", "何店镇人民政府", town, columns=columns(("通知公告", "财政专项资金"), ())),
        UnitInput(
            "ly",
            "洛阳镇人民政府",
            town,
            columns=[
                # Six months to the day: still in time.
                ColumnInput("通知公告", (D(2022, 12, 30),)),
            ],
        ),
        UnitInput(
            "kf",
            "曾都经济开发区管理委员会",
            town,
            columns=[
                *columns(("公益事业建设", "通知公告", "公共资源配置"), ("公益事业建设", "通知公告", "公共资源配置")),
                ColumnInput("工作动态", (D(2023, 6, 25),)),
            ],
        ),
        UnitInput(
            "sfj",
            "区司法局",
            dept,
            columns=columns(("重大决策事项目录", "通知公告"), ("重大决策事项目录",), old=YEAR_AGO),
        ),
        UnitInput("czj", "区财政局", dept, columns=columns(("财政专项资金", "通知公告"), ())),
        UnitInput(
            "zrzy", "区自然资源和规划局", dept, columns=columns(("规划编制", "通知公告"), ("规划编制",), old=YEAR_AGO)
        ),
        UnitInput(
            "wjj",
            "区卫生健康局",
            dept,
            columns=columns(
                ("突发公共卫生事件", "卫生健康查询服务", "公共医疗卫生", "通知公告"),
                ("突发公共卫生事件", "卫生健康查询服务", "公共医疗卫生"),
            ),
        ),
        UnitInput(
            "yjj",
            "区应急管理局",
            dept,
            columns=columns(
                ("救助款物", "预警提示信息", "机构简介"), ("救助款物", "预警提示信息", "机构简介"), old=YEAR_AGO
            ),
        ),
        UnitInput(
            "tjj",
            "区统计局",
            dept,
            columns=[
                # Updated after the inspection date only: on 2023-06-30 it was still overdue.
                ColumnInput("数据解读", (SIX_MONTHS_AGO, D(2023, 7, 3))),
            ],
        ),
        UnitInput("zjj", "区住房和城乡建设局", dept, columns=columns(("通知公告",), ())),
        UnitInput("old", "区原某某局", dept, active=False, columns=columns(("通知公告",), ("通知公告",))),
        village("wd1", "兴隆村村民委员会", "wd", ("服务公开",)),
        village("wd2", "泉水寺村村民委员会", "wd", ("惠民惠农补贴",)),
        village("wd3", "新店村村民委员会", "wd", ()),
        *[
            profile(f"hd{n}", name, "hd", stale=True)
            for n, name in enumerate(
                (
                    "乔麦河村村民委员会",
                    "金花岭村村民委员会",
                    "三岔湖村村民委员会",
                    "向阳村村民委员会",
                    "汪谌村村民委员会",
                    "棋盘山村村民委员会",
                ),
                start=1,
            )
        ],
        profile("hd7", "何店村村民委员会", "hd", stale=False),
        village("ly1", "洛阳村村民委员会", "ly", ()),
        village(
            "kf1", "星光社区居民委员会", "kf", ("惠民惠农补贴", "居务公开", "财务公开", "服务公开"), order=STAR_ORDER
        ),
        village("kf2", "龚家棚村村民委员会", "kf", VILLAGE_COLUMNS),
        village("kf3", "太山庙村村民委员会", "kf", VILLAGE_COLUMNS),
        village("kf4", "新春村村民委员会", "kf", ("村务公开", "公示公告", "财务公开")),
        village("kf5", "首义社区居民委员会", "kf", ("惠民惠农补贴", "居务公开", "公示公告", "财务公开"), resident=True),
        village(
            "kf6", "六草屋社区居民委员会", "kf", ("惠民惠农补贴", "居务公开", "公示公告", "财务公开"), resident=True
        ),
        village("kf7", "两水沟社区居民委员会", "kf", ("惠民惠农补贴", "财务公开"), resident=True),
        village("kf8", "周家寨村村民委员会", "kf", VILLAGE_COLUMNS),
        village("kf9", "余家老湾村村民委员会", "kf", ("村务公开", "服务公开", "公示公告", "财务公开")),
        village("kf10", "白云社区居民委员会", "kf", (), resident=True),
    ]


COUNTS = DisclosureCounts(
    proactive=1942,
    requests=[
        DisclosureRequests("区司法局", "区政府门户网站", 1, 1),
        DisclosureRequests("区财政局", "区政府门户网站", 4, 4),
        DisclosureRequests("区住房和城乡建设局", "区政府门户网站", 3, 3),
    ],
    letters=[
        Letters("区住房和城乡建设局", "投诉", 2, 2),
        Letters("区住房和城乡建设局", "建议", 1, 1),
        Letters("区教育局", "投诉", 1, 1),
        Letters("区教育局", "建议", 1, 1),
        Letters("区人力资源和社会保障局", "建议", 2, 2),
        Letters("区市场监督管理局", "投诉类", 1, 1),
        Letters("区市场监督管理局", "建议类", 1, 1),
        Letters("区交通运输局", "投诉", 2, 2),
        Letters("区城市管理执法局", "建议", 2, 2),
        Letters("区民政局", "建议", 1, 1),
        Letters("区农业农村局", "投诉", 1, 1),
        Letters("区水利和湖泊局", "建议", 1, 1),
        Letters("区文化和旅游局", "建议", 1, 1),
    ],
)

SEED_DISCLOSURE = (
    "（一）信息公开检查情况。第二季度全区主动公开信息1942条。区司法局通过区政府门户网站受理依申请公开1件，"
    "区财政局通过区政府门户网站受理依申请公开4件，区住房和城乡建设局通过区政府门户网站受理依申请公开3件，均已全部完成答复。"
)
SEED_LETTERS = (
    "（二）问政互动办理情况。第二季度共10个部门受理问政信件17件，回复17件，办结率100%，其中投诉类7件，建议类10件。"
    "办理信件数量较多的部门是区住房和城乡建设局（3件）。"
)
SEED_PLATFORMS = (
    "（四）政府信息公开平台检查情况。检查了辖区运行中的政府信息公开平台，检查中发现存在问题的单位有24家，"
    "并且多次督促仍未整改（具体问题详见附件2、3）。"
)
SEED_UPDATES = (
    "（一）内容更新不及时。“曾都区科经局”微信公众号信息超2周未更新。万店镇人民政府、曾都经济开发区管理委员会等2家"
    "“镇办信息公开平台”多个栏目应更新未更新。区司法局、区自然资源和规划局、区卫生健康局、区应急管理局、区统计局等5家"
    "“部门信息公开平台”多个栏目应更新未更新。万店镇兴隆村村民委员会、泉水寺村村民委员会，何店镇乔麦河村村民委员会、"
    "金花岭村村民委员会、三岔湖村村民委员会、向阳村村民委员会、汪谌村村民委员会、棋盘山村村民委员会，曾都经济开发区"
    "星光社区居民委员会、龚家棚村村民委员会、太山庙村村民委员会、新春村村民委员会、首义社区居民委员会、六草屋社区居民委员会、"
    "两水沟社区居民委员会、周家寨村村民委员会、余家老湾村村民委员会等17家“村（居）信息公开平台”多个栏目应更新未更新。"
)

SEED_ANNEX2 = [
    ("1", "万店镇人民政府", "“财政专项资金”栏目超1年未更新"),
    ("2", "万店镇兴隆村村民委员会", "“服务公开”栏目超6个月未更新"),
    ("3", "万店镇泉水寺村村民委员会", "“惠民惠农补贴”栏目超6个月未更新"),
    ("4", "何店镇乔麦河村村民委员会", "“村简介”栏目超一年未更新"),
    ("5", "何店镇金花岭村村民委员会", "“村简介”栏目超一年未更新"),
    ("6", "何店镇三岔湖村村民委员会", "“村简介”栏目超一年未更新"),
    ("7", "何店镇向阳村村民委员会", "“村简介”栏目超一年未更新"),
    ("8", "何店镇汪谌村村民委员会", "“村简介”栏目超一年未更新"),
    ("9", "何店镇棋盘山村村民委员会", "“村简介”栏目超一年未更新"),
    ("10", "曾都经济开发区管理委员会", "“公益事业建设、通知公告、公共资源配置”3个栏目超6个月未更新"),
    ("11", "曾都经济开发区星光社区居民委员会", "“惠民惠农补贴、居务公开、财务公开、服务公开”4个栏目超6个月未更新"),
    (
        "12",
        "曾都经济开发区龚家棚村村民委员会",
        "“惠民惠农补贴、村务公开、服务公开、公示公告、财务公开”5个栏目超6个月未更新",
    ),
    (
        "13",
        "曾都经济开发区太山庙村村民委员会",
        "“惠民惠农补贴、村务公开、服务公开、公示公告、财务公开”5个栏目超6个月未更新",
    ),
    ("14", "曾都经济开发区新春村村民委员会", "“村务公开、公示公告、财务公开”3个栏目超6个月未更新"),
    ("15", "曾都经济开发区首义社区居民委员会", "“惠民惠农补贴、居务公开、公示公告、财务公开”4个栏目超6个月未更新"),
    ("16", "曾都经济开发区六草屋社区居民委员会", "“惠民惠农补贴、居务公开、公示公告、财务公开”4个栏目超6个月未更新"),
    ("17", "曾都经济开发区两水沟社区居民委员会", "“惠民惠农补贴、财务公开”2个栏目超6个月未更新"),
    (
        "18",
        "曾都经济开发区周家寨村村民委员会",
        "“惠民惠农补贴、村务公开、服务公开、公示公告、财务公开”5个栏目超6个月未更新",
    ),
    ("19", "曾都经济开发区余家老湾村村民委员会", "“村务公开、服务公开、公示公告、财务公开”4个栏目超6个月未更新"),
]
SEED_ANNEX3 = [
    ("1", "区司法局", "“重大决策事项目录”栏目超1年未更新"),
    ("2", "区自然资源和规划局", "“规划编制”栏目超1年未更新"),
    ("3", "区卫生健康局", "“突发公共卫生事件、卫生健康查询服务、公共医疗卫生”3个栏目超6个月未更新"),
    ("4", "区应急管理局", "“救助款物、预警提示信息、机构简介”3个栏目超1年未更新"),
    ("5", "区统计局", "“数据解读”栏目超6个月未更新"),
]

PLATFORM_HEADER = ("责任单位", "平台类别", "所属镇办", "栏目", "更新周期", "最近更新日期")


def platform_rows() -> list[tuple[str, str, str, str, str, str]]:
    """The units as an office's spreadsheet: one row per column and update date (a column's own cycle on its rows).
    Inactive units are left out: the file lists the platforms in operation."""
    names = {unit.key: unit.name for unit in units()}
    rows = []
    for unit in units():
        if not unit.active:
            continue
        town = names[unit.parent] if unit.parent is not None else ""
        for column in unit.columns:
            for day in column.updates:
                cycle = column.cycle.label if column.cycle else ""
                rows.append((unit.name, unit.kind.label, town, column.name, cycle, day.isoformat()))
    return rows


def figure_rows() -> list[tuple[str, str, str, str, str]]:
    """The counts as a spreadsheet: 类别, 单位, 渠道或类型, 数量, 办结数."""
    rows = [("主动公开", "", "", str(COUNTS.proactive), "")]
    rows += [("依申请公开", r.unit, r.channel, str(r.received), str(r.answered)) for r in COUNTS.requests]
    rows += [("问政信件", x.department, x.type, str(x.received), str(x.replied)) for x in COUNTS.letters]
    return rows
