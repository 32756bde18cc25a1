"""Update cycles, the platform check's rules and the disclosure and letters sentences, one rule at a time."""

from __future__ import annotations

import datetime as dt

import pytest

from app.reports.cycles import UpdateCycle, default_cycle, parse_cycle, resolve_cycle
from app.reports.disclosure import (
    DisclosureCounts,
    DisclosureRequests,
    Letters,
    disclosure_paragraph,
    letters_paragraph,
)
from app.reports.platforms import ColumnInput, UnitInput, UnitKind, check_platforms, place_name, problems_text
from app.reports.quarter import Quarter

Q2 = Quarter(2023, 2)
D = dt.date


@pytest.mark.parametrize(
    ("text", "amount", "unit", "label"),
    [
        ("6个月", 6, "month", "6个月"),
        ("六个月", 6, "month", "六个月"),
        ("每6个月", 6, "month", "6个月"),
        ("6月", 6, "month", "6个月"),
        ("半年", 6, "month", "半年"),
        ("1年", 1, "year", "1年"),
        ("一年", 1, "year", "一年"),
        ("每年", 1, "year", "1年"),
        ("每季度", 3, "month", "3个月"),
        ("每月更新一次", 1, "month", "1个月"),
        ("2周", 2, "week", "2周"),
        ("两周", 2, "week", "两周"),
        ("15天", 15, "day", "15天"),
        ("十二个月", 12, "month", "十二个月"),
    ],
)
def test_parse_cycle(text: str, amount: int, unit: str, label: str) -> None:
    cycle = parse_cycle(text)
    assert (cycle.amount, cycle.unit, cycle.label) == (amount, unit, label)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "为空"),
        ("20个工作日", "工作日"),
        ("经常", "无法识别"),
        ("0个月", "至少"),
        ("十十个月", "无法识别数字"),
        ("三二年", "无法识别数字"),
    ],
)
def test_bad_cycles(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_cycle(text)


def test_due_dates_are_calendar_months_and_overdue_means_after() -> None:
    six = parse_cycle("6个月")
    assert six.due(D(2022, 12, 31)) == D(2023, 6, 30)
    assert six.due(D(2022, 8, 31)) == D(2023, 2, 28)  # the month's last day when the day does not exist
    assert not six.overdue(D(2022, 12, 30), D(2023, 6, 30))
    assert six.overdue(D(2022, 12, 29), D(2023, 6, 30))
    assert parse_cycle("2周").due(D(2023, 6, 1)) == D(2023, 6, 15)
    assert parse_cycle("1年").due(D(2020, 2, 29)) == D(2021, 2, 28)
    assert parse_cycle("2周").due(D(9999, 12, 30)) == parse_cycle("1年").due(D(9999, 12, 30)) == dt.date.max


def test_national_defaults_and_their_order() -> None:
    assert default_cycle("通知公告").label == "6个月"
    assert "国办秘函〔2019〕19号" in (default_cycle("公示公告").source or "")
    assert default_cycle("规划编制").unit == "year"
    assert default_cycle("人事信息").unit == "year"
    assert default_cycle("工作动态").label == "2周"
    assert default_cycle("村务公开").label == "3个月"
    assert "中办发〔2004〕17号" in (default_cycle("财务公开").source or "")
    assert default_cycle("村简介") is None and default_cycle("财政专项资金") is None
    own, office = parse_cycle("1个月"), {"村务公开": parse_cycle("6个月")}
    assert resolve_cycle("村务公开", own, office) is own
    assert resolve_cycle("村务公开", None, office).label == "6个月"
    assert resolve_cycle("村务公开", None, {}).label == "3个月"
    assert resolve_cycle("村简介", None, {}) is None


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("镇办", UnitKind.town),
        ("街道", UnitKind.town),
        ("镇办信息公开平台", UnitKind.town),
        ("部门", UnitKind.department),
        ("村(居)", UnitKind.village),
        ("村（居）", UnitKind.village),
        ("社区", UnitKind.village),
        ("village", UnitKind.village),
    ],
)
def test_unit_kinds(value: str, kind: UnitKind) -> None:
    assert UnitKind.parse(value) is kind


def test_unknown_kind() -> None:
    with pytest.raises(ValueError, match="未知的平台类别“学校”"):
        UnitKind.parse("学校")


def test_place_names() -> None:
    assert place_name("万店镇人民政府") == "万店镇"
    assert place_name("曾都经济开发区管理委员会") == "曾都经济开发区"
    assert place_name("西城街道办事处") == "西城街道"
    assert place_name("人民政府") == "人民政府"


def test_problems_group_by_cycle_and_name_never_updated_columns() -> None:
    check = check_platforms(
        Q2,
        [
            UnitInput(
                1,
                "区统计局",
                UnitKind.department,
                columns=[
                    ColumnInput("数据解读", (D(2022, 12, 1),), parse_cycle("6个月")),
                    ColumnInput("统计公报", (D(2022, 1, 1),), parse_cycle("1年")),
                    ColumnInput("统计分析", (D(2022, 11, 1),), parse_cycle("6个月")),
                    ColumnInput("统计制度", (), parse_cycle("1年")),
                    ColumnInput("机构简介", (D(2022, 1, 1),)),  # no cycle anywhere
                ],
            )
        ],
    )
    (finding,) = check.findings
    assert finding.problems == (
        "“数据解读、统计分析”2个栏目超6个月未更新；“统计公报”栏目超1年未更新；“统计制度”栏目从未更新"
    )
    assert check.notes == (
        "区统计局的“统计制度”栏目没有更新记录，按从未更新列入问题清单。",
        "区统计局的“机构简介”栏目没有更新周期，无法判断是否应更新未更新：请设置其更新周期。",
    )
    assert check.problem_sentences() == ("区统计局“部门信息公开平台”多个栏目应更新未更新。",)
    assert check.overview() == (
        "（四）政府信息公开平台检查情况。检查了辖区运行中的政府信息公开平台，检查中发现存在问题的单位有1家（具体问题详见附件3）。"
    )


def test_units_without_columns_or_town_are_told_not_skipped() -> None:
    stale = [ColumnInput("村务公开", (D(2022, 1, 1),))]
    check = check_platforms(
        Q2,
        [
            UnitInput("t", "万店镇人民政府", UnitKind.town),
            UnitInput("v", "兴隆村村民委员会", UnitKind.village, parent=None, columns=stale),
            UnitInput("w", "泉水寺村村民委员会", UnitKind.village, parent="t", columns=stale),
        ],
    )
    assert [(f.display_name, f.problems) for f in check.findings] == [
        ("万店镇泉水寺村村民委员会", "“村务公开”栏目超3个月未更新"),
        ("兴隆村村民委员会", "“村务公开”栏目超3个月未更新"),
    ]
    assert check.notes == (
        "万店镇人民政府没有登记栏目，未检查其“镇办信息公开平台”。",
        "兴隆村村民委员会没有所属镇办（或其镇办未启用），附件2 中按其本名列在最后。",
    )
    assert check.problem_sentences() == (
        "万店镇泉水寺村村民委员会，兴隆村村民委员会等2家“村（居）信息公开平台”多个栏目应更新未更新。",
    )


def test_nothing_to_report() -> None:
    assert (
        check_platforms(Q2, []).overview()
        == "（四）政府信息公开平台检查情况。辖区内没有登记运行中的政府信息公开平台，未开展检查。"
    )
    fine = check_platforms(
        Q2, [UnitInput(1, "区财政局", UnitKind.department, columns=[ColumnInput("通知公告", (D(2023, 6, 1),))])]
    )
    assert fine.findings == () and fine.problem_sentences() == ()
    assert "未发现栏目应更新未更新的单位" in fine.overview()
    with pytest.raises(ValueError, match="早于"):
        check_platforms(Q2, [], inspection_date=D(2023, 3, 1))


def test_problems_text_of_one_column() -> None:
    from app.reports.platforms import OverdueColumn

    assert (
        problems_text([OverdueColumn("规划编制", UpdateCycle(1, "year", "1年"), D(2022, 1, 1))])
        == "“规划编制”栏目超1年未更新"
    )


def test_disclosure_sentences() -> None:
    nothing = DisclosureCounts(proactive=None)
    assert disclosure_paragraph(Q2, nothing) == "（一）信息公开检查情况。第二季度的信息公开数据尚未录入。"
    assert letters_paragraph(Q2, nothing) == "（二）问政互动办理情况。第二季度的问政信件数据尚未录入。"
    partial = DisclosureCounts(
        proactive=120,
        requests=[DisclosureRequests("区财政局", "信函", 3, 2), DisclosureRequests("区民政局", "当面", 0, 0)],
        letters=[
            Letters("区民政局", "咨询", 2, 2),
            Letters("区教育局", "投诉", 2, 1),
            Letters("区教育局", "表扬", 1, 1),
            Letters("区交通运输局", "网络问政", 3, 3),
        ],
    )
    assert disclosure_paragraph(Q2, partial, jurisdiction="全县") == (
        "（一）信息公开检查情况。第二季度全县主动公开信息120条。区财政局通过信函受理依申请公开3件，已答复2件，尚有1件正在办理。"
    )
    assert letters_paragraph(Q2, partial) == (
        "（二）问政互动办理情况。第二季度共3个部门受理问政信件8件，回复7件，办结率87.5%，"
        "其中投诉类2件，咨询类2件，表扬类1件，网络问政类3件。办理信件数量较多的部门是区教育局、区交通运输局（各3件）。"
    )
    even = DisclosureCounts(
        proactive=0,
        requests_recorded=True,
        letters=[Letters("区民政局", "建议", 1, 1), Letters("区教育局", "建议", 1, 1)],
    )
    assert (
        disclosure_paragraph(Q2, even)
        == "（一）信息公开检查情况。第二季度全区主动公开信息0条。第二季度未收到依申请公开申请。"
    )
    assert letters_paragraph(Q2, even).endswith("其中建议类2件。")  # no department singled out
    with pytest.raises(ValueError, match="回复数 3 应在 0 到受理数 2 之间"):
        DisclosureCounts(proactive=1, letters=[Letters("区民政局", "建议", 2, 3)])
