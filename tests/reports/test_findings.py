from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re

import pytest

from app.reports import AccountInput, ConfirmedHit, DateRange, Report, build_report, platform_noun
from tests.conftest import SHARED
from tests.reports import world

SEED_CIRCULAR = SHARED / "seed" / "000_77bad30589fd1abc.txt"
Q2 = world.Q2
D = dt.date


@pytest.fixture(scope="module")
def report() -> Report:
    return build_report(Q2, world.accounts(), world.hits())


def test_seed_summary(report: Report) -> None:
    assert report.inspection_date == D(2023, 6, 30)
    assert report.summary.as_dict() == {
        "accounts_checked": 18,
        "check_ratio": 100,
        "accounts_with_problems": 8,
        "wording_accounts": 7,
        "wording_hits": 21,
        "stale_accounts": 1,
    }


def test_seed_annex_row_for_row(report: Report) -> None:
    assert [row.cells() for row in report.annex] == world.SEED_ANNEX
    assert report.annex_title == "检查政务新媒体发现的问题清单（2023年第二季度）"


def test_seed_text(report: Report) -> None:
    assert report.paragraphs == (world.SEED_OVERVIEW, world.SEED_STALE, world.SEED_WORDING)
    assert report.text == "\n".join(report.paragraphs)


@pytest.mark.skipif(not SEED_CIRCULAR.is_file(), reason=f"the seed circular is not here ({SEED_CIRCULAR})")
def test_the_expectations_are_the_real_circulars_words() -> None:
    text = SEED_CIRCULAR.read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines()]
    assert "（三）政务新媒体检查情况。" + world.SEED_OVERVIEW in lines
    assert any(line.startswith(world.SEED_STALE) for line in lines)  # the circular goes on about other platforms
    assert world.SEED_WORDING in lines
    annex = text.split("检查政务新媒体发现的问题清单（2023年第二季度）", 1)[1].split("附件2", 1)[0]
    cells = [line.strip() for line in annex.splitlines() if line.strip()]
    assert tuple(cells[:5]) == ("备案单号", "政务新媒体名称", "类型", "所属组织", "存在的突出问题")
    assert [tuple(cells[i : i + 5]) for i in range(5, len(cells), 5)] == world.SEED_ANNEX


def test_what_does_not_count(report: Report) -> None:
    findings = {f.filing_no: f for f in report.accounts}
    assert "70411" not in findings and "72140" not in findings  # closed accounts are not checked
    assert findings["70743"].serious_hits == 5  # its first hit is 01:00 on 1 April in Beijing
    assert findings["70743"].confirmed_hits == 6  # plus a warning
    assert findings["70001"].problems == ()  # a warning only
    assert findings["70990"].serious_hits == 0  # serious, but on 31 March
    assert findings["72033"].serious_hits == 0  # serious, but on 1 July
    assert findings["71900"].serious_hits == 0  # 16:30 UTC on 30 June is 1 July in Beijing
    assert findings["72250"].staleness.days_since_latest == 14 and not findings["72250"].staleness.stale
    stale = findings["72188"].staleness
    assert (stale.latest, stale.days_since_latest) == (world.STALE_LAST, 20)  # the 3 July article is ignored
    # The XLSX's second sheet: the 21 serious hits and the 3 lesser ones of checked accounts in the quarter.
    assert len(report.hits) == 24 and len(report.serious_hits) == 21
    assert {h.severity for h in report.hits} == {"serious", "warning", "info"}


def test_hits_follow_the_account_order_then_the_date(report: Report) -> None:
    order = [world.key_of(row[0]) for row in world.REGISTER]
    keys = [order.index(h.account_key) for h in report.hits]
    assert keys == sorted(keys)
    first = [h for h in report.hits if h.account_key == world.key_of("70743")]
    assert [h.published_on for h in first] == sorted(h.published_on for h in first)
    assert first[0].published_on == D(2023, 4, 1)


def test_annex_order_is_the_input_order() -> None:
    accounts = world.accounts()
    reordered = build_report(Q2, list(reversed(accounts)), world.hits())
    assert [row.cells() for row in reordered.annex] == list(reversed(world.SEED_ANNEX))


def _account(
    key: int, name: str, published: list[dt.date], platform: str = "微信", active: bool = True
) -> AccountInput:
    return AccountInput(key, f"7000{key}", name, platform, "区政府办", active, published)


def _hit(key: int, day: dt.date, severity: str = "serious") -> ConfirmedHit:
    return ConfirmedHit(key, "标题", day, None, "做为", "……做为……", ("作为",), "审核员", severity, "常见错别字")


def test_both_problems_are_joined_in_the_circulars_order() -> None:
    report = build_report(Q2, [_account(1, "甲", [D(2023, 5, 1)])], [_hit(1, D(2023, 5, 1))])
    assert report.annex[0].problems == "超2周未更新；出现严重表述错误"
    assert report.summary.as_dict() == {
        "accounts_checked": 1,
        "check_ratio": 100,
        "accounts_with_problems": 1,
        "wording_accounts": 1,
        "wording_hits": 1,
        "stale_accounts": 1,
    }
    assert report.paragraphs[2] == (
        "（二）政务新媒体运维不规范。在政务新媒体检查中发现共1家政务新媒体发布的信息有1处错敏问题，"
        "有关单位落实日常巡检、信息发布审核制度不力，未及时发现稿件中存在的严重表述错误。"
    )


def test_several_stale_accounts_are_named_with_their_platforms() -> None:
    accounts = [
        _account(1, "甲", [D(2023, 6, 1)]),
        _account(2, "乙", [D(2023, 6, 29)]),
        _account(3, "丙", [], platform="抖音"),
        _account(4, "丁", [D(2023, 6, 1)], platform="微博"),
    ]
    report = build_report(Q2, accounts, [])
    assert report.paragraphs == (
        "第二季度检查了辖区运行中的4个政务新媒体，检查比例100%，检查中发现存在问题的政务新媒体有3家（具体问题详见附件1）。",
        "（一）内容更新不及时。“甲”微信公众号、“丙”抖音号、“丁”微博等3个政务新媒体信息超2周未更新。",
        "（二）政务新媒体运维情况。在政务新媒体检查中未发现政务新媒体发布的信息存在严重表述错误。",
    )
    assert [row.name for row in report.annex] == ["甲", "丙", "丁"]


def test_nothing_found() -> None:
    accounts = [_account(1, "甲", [D(2023, 6, 20)]), _account(2, "乙", [D(2023, 6, 29)])]
    report = build_report(Q2, accounts, [_hit(1, D(2023, 5, 1), severity="warning")])
    assert report.annex == ()
    assert report.summary.accounts_with_problems == report.summary.wording_hits == report.summary.stale_accounts == 0
    assert report.paragraphs == (
        "第二季度检查了辖区运行中的2个政务新媒体，检查比例100%，检查中未发现存在问题的政务新媒体。",
        "（一）内容更新情况。检查的2个政务新媒体均在2周内更新了信息，未发现超2周未更新的情况。",
        "（二）政务新媒体运维情况。在政务新媒体检查中未发现政务新媒体发布的信息存在严重表述错误。",
    )


def test_no_active_account() -> None:
    report = build_report(Q2, [_account(1, "甲", [], active=False)], [_hit(1, D(2023, 5, 1))])
    assert report.summary.accounts_checked == report.summary.check_ratio == report.summary.wording_hits == 0
    assert report.text == "第二季度辖区内没有运行中的政务新媒体，未开展政务新媒体检查。"
    assert report.annex == () and report.hits == ()


def test_threshold_in_weeks_or_days() -> None:
    accounts = [_account(1, "甲", [D(2023, 6, 20)])]
    weekly = build_report(Q2, accounts, [], stale_after_days=7)
    assert weekly.annex[0].problems == "超1周未更新"
    assert weekly.paragraphs[1] == "（一）内容更新不及时。“甲”微信公众号信息超1周未更新。"
    assert build_report(Q2, accounts, [], stale_after_days=9).annex[0].problems == "超9天未更新"
    assert build_report(Q2, accounts, [], stale_after_days=10).annex == ()


def test_inspection_date_limits_hits_and_staleness() -> None:
    accounts = [_account(1, "甲", [D(2023, 6, 1), D(2023, 6, 25)])]
    hits = [_hit(1, D(2023, 6, 5)), _hit(1, D(2023, 6, 25))]
    report = build_report(Q2, accounts, hits, inspection_date=D(2023, 6, 10))
    assert report.inspection_date == D(2023, 6, 10)
    assert report.summary.wording_hits == 1  # the hit of 25 June comes after the inspection
    assert report.accounts[0].staleness.days_since_latest == 9
    # An inspection after the quarter still counts the quarter's hits only.
    later = build_report(Q2, accounts, [*hits, _hit(1, D(2023, 7, 2))], inspection_date=D(2023, 7, 5))
    assert later.summary.wording_hits == 2


def test_date_range_report() -> None:
    period = DateRange(D(2023, 4, 1), D(2023, 5, 31))
    report = build_report(period, [_account(1, "甲", [D(2023, 5, 1)])], [_hit(1, D(2023, 6, 1))])
    assert report.inspection_date == D(2023, 5, 31)
    assert report.summary.wording_hits == 0
    assert report.annex_title == "检查政务新媒体发现的问题清单（2023年4月1日至2023年5月31日）"
    assert report.paragraphs[0].startswith("2023年4月1日至2023年5月31日检查了辖区运行中的1个政务新媒体")


def test_caller_errors() -> None:
    with pytest.raises(ValueError, match="未知的账号：99"):
        build_report(Q2, [_account(1, "甲", [])], [_hit(99, D(2023, 5, 1))])
    with pytest.raises(ValueError, match="key 重复"):
        build_report(Q2, [_account(1, "甲", []), _account(1, "乙", [])], [])
    with pytest.raises(ValueError, match="早于"):
        build_report(Q2, [], [], inspection_date=D(2023, 3, 1))


def test_whitespace_of_registered_fields_is_trimmed() -> None:
    account = dataclasses.replace(_account(1, "甲", []), filing_no="3025416030979726 ", organization=None)
    row = build_report(Q2, [account], []).annex[0]
    assert (row.filing_no, row.organization) == ("3025416030979726", "")


def test_as_dict_is_the_api_shape(report: Report) -> None:
    data = json.loads(json.dumps(report.as_dict(), ensure_ascii=False))
    assert data["quarter"] == "2023Q2" and data["inspection_date"] == "2023-06-30"
    assert set(data["summary"]) == {
        "accounts_checked",
        "check_ratio",
        "accounts_with_problems",
        "wording_accounts",
        "wording_hits",
        "stale_accounts",
    }
    assert [tuple(row.values()) for row in data["annex"]] == world.SEED_ANNEX
    assert list(data["annex"][0]) == ["filing_no", "name", "platform", "organization", "problems"]
    kejing = next(a for a in data["accounts"] if a["filing_no"] == "72188")
    assert kejing["longest_gap"] == {"start": "2023-06-10", "end": "2023-06-30", "days": 20, "from_article": True}
    assert kejing["stale"] and kejing["problems"] == ["超2周未更新"]
    assert re.search(r"有8家", data["text"])


@pytest.mark.parametrize(
    ("label", "noun"),
    [
        ("微信", "微信公众号"),
        ("微博", "微博"),
        ("抖音", "抖音号"),
        ("今日头条", "今日头条号"),
        ("视频号", "视频号"),
        ("小红书", "小红书账号"),
    ],
)
def test_platform_noun(label: str, noun: str) -> None:
    assert platform_noun(label) == noun
