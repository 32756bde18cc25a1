"""Rules over the knowledge tables: meeting-name grammar, leaders and their terms, administrative divisions."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from app.config import DEFAULT_LEXICON_DIR
from app.detection.detector import Detector
from app.detection.leaders import load_leaders
from app.detection.meetings import cn_number, cn_numeral, load_meetings
from app.detection.places import ethnic_parts
from app.detection.tables import load_divisions

LATER = dt.date(2024, 6, 1)


def found(detector: Detector, text: str, date: dt.date = LATER) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(h.text, h.rule_id, h.suggestions) for h in detector.check(text, date=date)]


# -- meetings ---------------------------------------------------------------------------------------


def test_chinese_numerals_round_trip() -> None:
    for value in (1, 9, 10, 14, 20, 21, 99):
        assert cn_number(cn_numeral(value)) == value


@pytest.mark.parametrize(
    ("text", "date", "expected"),
    [
        (
            "收看全国人大十四届二次会议开幕会。",
            LATER,
            ("全国人大十四届二次会议", "meeting.npc-order", "十四届全国人大二次会议"),
        ),
        (
            "收看全国人大第十二届第五次会议开幕会。",
            LATER,
            ("全国人大第十二届第五次会议", "meeting.npc-order", "十二届全国人大五次会议"),
        ),
        (
            "十四届全国政协二次会议开幕。",
            LATER,
            ("十四届全国政协二次会议", "meeting.cppcc-order", "全国政协十四届二次会议"),
        ),
        ("学习二十界三中全会精神。", LATER, ("二十界三中全会", "meeting.jie-typo", "二十届三中全会")),
        ("学习十九大五中全会精神。", LATER, ("十九大五中全会", "meeting.jie-ci", "十九届五中全会")),
        ("中国共产党第二十一届全国代表大会", LATER, ("二十一届全国代表大会", "meeting.jie-ci", "二十一次全国代表大会")),
        ("第十五次全国人民代表大会", LATER, ("十五次全国人民代表大会", "meeting.jie-ci", "十五届全国人民代表大会")),
        ("党的一次三中全会", LATER, ("一次三中全会", "meeting.jie-ci", "一届三中全会")),
        ("市第五界政协委员会开幕。", LATER, ("五界", "meeting.jie-typo", "五届")),
        ("县委十五界三次全会召开。", LATER, ("十五界", "meeting.jie-typo", "十五届")),
    ],
)
def test_meeting_grammar_is_a_rule_for_any_number(detector: Detector, text: str, date: dt.date, expected) -> None:
    text_, rule, suggestion = expected
    assert found(detector, text, date) == [(text_, rule, (suggestion,))]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("十二届全国人大五次会议于2017年3月在北京召开。", LATER),
        ("全国政协十三届三次会议于2020年5月21日开幕。", LATER),
        ("十四届全国政协委员深入基层调研。", LATER),
        ("1978年召开的十一届三中全会开启了改革开放新时期。", LATER),
        ("中国共产党第二十次全国代表大会胜利闭幕。", LATER),
        ("中华全国总工会第十八次全国代表大会在京开幕。", LATER),
        ("今年将召开中国共产党第二十次全国代表大会。", dt.date(2022, 3, 5)),
        ("以优异成绩迎接党的二十一大胜利召开。", LATER),
        ("世界人大代表、社会各界人士出席。", LATER),
        ("观察人士认为，下一次三中全会将是改革的关键节点。", LATER),  # 下一次: "the next", not the first term
    ],
)
def test_correct_meeting_names_are_silent(detector: Detector, text: str, date: dt.date) -> None:
    assert found(detector, text, date) == []


@pytest.mark.parametrize(
    ("text", "date", "fires"),
    [
        ("学习贯彻二十届三中全会精神。", dt.date(2024, 5, 1), True),  # opened 2024-07-15
        ("出席二十届三中全会的同志陆续报到。", dt.date(2024, 7, 1), False),  # within the eve of the opening
        ("学习贯彻二十届三中全会精神。", dt.date(2024, 7, 20), False),
        ("学习贯彻二十届五中全会精神。", dt.date(2025, 12, 1), True),  # not held by the table's date
        ("学习贯彻二十届五中全会精神。", dt.date(2026, 6, 1), False),  # past the table: unknown, not guessed
        ("学习贯彻十八届八中全会精神。", LATER, True),  # the 18th Central Committee held seven
        ("收看十三届全国人大三次会议开幕会。", dt.date(2020, 3, 5), True),  # postponed to 2020-05-22
        ("收看十三届全国人大三次会议开幕会。", dt.date(2020, 5, 22), False),
        ("全国政协十四届三次会议开幕。", dt.date(2025, 1, 10), True),
        ("全国政协十四届三次会议的委员陆续抵京。", dt.date(2025, 3, 1), False),
        ("深入学习党的二十一大精神。", LATER, True),
        # the standing committee convenes a session and sends it bills before it opens
        ("常委会会议表决通过了关于召开全国政协十四届三次会议的决定。", dt.date(2024, 12, 20), False),
        ("会议决定将该法律草案提请十四届全国人大三次会议审议。", dt.date(2024, 12, 20), False),
        ("全国政协十四届三次会议于2025年3月4日在北京开幕。", dt.date(2024, 12, 20), False),  # a later date
        ("全国政协十四届三次会议于2025年3月4日在北京开幕。", dt.date(2024, 12, 20) + dt.timedelta(days=400), False),
        # full names with their session are judged like the short ones
        ("第十四届全国人民代表大会第五次会议审议通过了该法。", dt.date(2025, 6, 30), True),
        (
            "中共中央政治局决定今年10月在北京召开中国共产党第二十届中央委员会第四次全体会议。",
            dt.date(2025, 7, 30),
            False,
        ),
        ("全省选举产生了出席党的二十大代表。", dt.date(2022, 9, 25), False),  # delegates are elected before it
        ("会议听取了十九届中央委员会向中国共产党第二十次全国代表大会的报告稿。", dt.date(2022, 9, 9), False),
    ],
)
def test_meetings_not_yet_held(detector: Detector, text: str, date: dt.date, fires: bool) -> None:
    rules = [rule for _t, rule, _s in found(detector, text, date)]
    assert rules == (["meeting.not-held"] if fires else [])


@pytest.mark.parametrize(
    ("text", "date", "fires"),
    [
        ("深入学习贯彻党的十九大精神。", dt.date(2022, 10, 18), False),  # the 20th Congress is still sitting
        ("深入学习贯彻党的十九大精神。", dt.date(2022, 10, 24), True),
        ("深入学习贯彻十九大精神。", dt.date(2024, 6, 1), True),  # 精神 after it: no 党的 needed
        ("学习贯彻十九届六中全会精神。", dt.date(2023, 3, 1), True),  # a plenum of the superseded committee
        ("学习贯彻二十届三中全会精神。", dt.date(2025, 3, 1), False),
        ("党的十九大精神在基层落地生根。", dt.date(2024, 6, 1), False),  # no one studies it in this clause
        ("十九大代表李某作了发言。", dt.date(2024, 6, 1), False),
        ("2019年，全镇深入学习贯彻党的十九大精神。", dt.date(2024, 6, 1), False),  # the sentence's own year
        ("从学习贯彻十九大精神到学习贯彻二十大精神，干劲不减。", dt.date(2024, 6, 1), False),
    ],
)
def test_the_spirit_of_a_superseded_congress(detector: Detector, text: str, date: dt.date, fires: bool) -> None:
    rules = [rule for _t, rule, _s in found(detector, text, date)]
    assert rules == (["meeting.superseded"] if fires else [])


@pytest.mark.parametrize(
    ("text", "date", "fires"),
    [
        ("党的二十大于2022年10月22日在北京开幕。", dt.date(2024, 6, 30), True),  # opened 10-16
        ("中国共产党第二十次全国代表大会于2022年10月16日至22日在北京召开。", dt.date(2024, 6, 30), False),
        ("党的二十大于2022年10月22日胜利闭幕。", dt.date(2024, 6, 30), False),  # a closing date
        ("第十四届全国人民代表大会第二次会议于2024年3月7日在北京开幕。", dt.date(2025, 6, 30), True),
        ("中国共产党第二十届中央委员会第三次全体会议于2024年7月15日至18日在北京举行。", dt.date(2025, 6, 30), False),
        ("中国人民政治协商会议第十四届全国委员会第二次会议于2024年3月5日在北京开幕。", dt.date(2025, 6, 30), True),
        # before it opened the date was the plan: 十三届全国人大三次会议 was set for 3月5日, opened 5月22日
        ("根据决定，十三届全国人大三次会议于2020年3月5日在北京召开。", dt.date(2019, 12, 28), False),
    ],
)
def test_a_meetings_opening_day(detector: Detector, text: str, date: dt.date, fires: bool) -> None:
    rules = [rule for _t, rule, _s in found(detector, text, date)]
    assert rules == (["meeting.date"] if fires else [])


def test_meeting_table_is_sourced_and_ordered() -> None:
    table = load_meetings(Path(DEFAULT_LEXICON_DIR))
    assert table is not None and table.source.strip()
    for kind in ("plenum", "npc", "cppcc"):
        dates = [m.date for m in table.held if m.kind == kind]
        assert dates == sorted(dates), kind
    assert table.opened("plenum", 20, 3) == dt.date(2024, 7, 15)


# -- leaders ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date", "expected"),
    [
        ("国务院副总理刘鹤出席。", dt.date(2022, 6, 1), []),
        ("国务院副总理刘鹤出席。", LATER, [("国务院副总理刘鹤", "leader.title-date", ())]),
        ("李克强总理主持会议。", dt.date(2022, 6, 1), []),
        ("李克强总理主持会议。", LATER, [("李克强总理", "leader.title-date", ("李强总理",))]),
        ("委员长栗战书出席。", LATER, [("委员长栗战书", "leader.title-date", ("委员长赵乐际",))]),
        (
            "全国人大常委会委员长赵乐际出席。",
            dt.date(2022, 6, 1),
            [("全国人大常委会委员长赵乐际", "leader.title-date", ())],
        ),
        ("2021年，全国人大常委会委员长栗战书到我省调研。", LATER, []),
        ("时任国务委员王毅会见外宾。", LATER, []),
        ("前国务委员王毅会见外宾。", LATER, []),
        ("目前国务委员王毅正在访问。", LATER, [("国务委员王毅", "leader.title-date", ())]),
        ("在十二届全国人大五次会议上，李克强总理作政府工作报告。", LATER, []),  # the meeting dates it
        (
            "在十四届全国人大二次会议上，李克强总理作政府工作报告。",
            LATER,
            [("李克强总理", "leader.title-date", ("李强总理",))],
        ),
        ("国务院副总理李克强到我省调研。", dt.date(2012, 5, 1), []),  # 副总理 is not 总理
        ("国家副主席习近平会见外宾。", dt.date(2012, 5, 1), []),
        ("国家副主席习近平会见外宾。", LATER, [("国家副主席习近平", "leader.title-date", ("国家副主席韩正",))]),
        ("中央纪委书记赵乐际出席会议。", dt.date(2020, 1, 13), []),
        ("中央纪委书记赵乐际出席会议。", LATER, [("中央纪委书记赵乐际", "leader.title-date", ("中央纪委书记李希",))]),
        ("中共中央政治局常委、中央纪委书记李希出席会议。", LATER, []),
        ("中纪委书记王岐山出席会议。", dt.date(2014, 1, 14), []),
    ],
)
def test_titles_follow_the_terms_of_office(detector: Detector, text: str, date: dt.date, expected) -> None:
    assert found(detector, text, date) == expected


@pytest.mark.parametrize(
    ("text", "date", "expected"),
    [
        # a title its bearer never held
        ("国务院副总理王毅会见外宾。", LATER, [("国务院副总理王毅", "leader.title-date", ())]),
        ("中共中央政治局常委王毅出席。", LATER, [("中共中央政治局常委王毅", "leader.title-date", ())]),
        ("国家副主席李强出席。", LATER, [("国家副主席李强", "leader.title-date", ())]),
        # the table is complete only from 2013: earlier offices may be missing from it
        ("国务院副总理王毅会见外宾。", dt.date(2012, 5, 1), []),
        ("2010年，国务委员刘延东出席。", LATER, []),
        # after the name a title is ambiguous: 副主席 of the CPPCC
        ("王勇副主席出席。", LATER, []),
        ("全国政协副主席王勇出席。", LATER, []),
        ("国务院副总理丁薛祥出席。", LATER, []),
    ],
)
def test_a_title_its_bearer_never_held(detector: Detector, text: str, date: dt.date, expected) -> None:
    assert found(detector, text, date) == expected
    if expected:
        [hit] = [h for h in detector.check(text, date=date) if h.rule_id == "leader.title-date"]
        assert hit.severity == "serious" and "不是" in hit.message


@pytest.mark.parametrize(
    ("text", "wrong", "right"),
    [
        ("国务院副总理何立锋出席会议。", "国务院副总理何立锋", "国务院副总理何立峰"),
        ("中央政治局常委蔡琦出席会议。", "中央政治局常委蔡琦", "中央政治局常委蔡奇"),
        ("国务委员王小红出席会议。", "国务委员王小红", "国务委员王小洪"),
        ("赵乐计出席会议。", "赵乐计", "赵乐际"),
        ("王护宁出席会议。", "王护宁", "王沪宁"),
        ("丁雪祥出席会议。", "丁雪祥", "丁薛祥"),
        ("栗占书出席会议。", "栗占书", "栗战书"),
    ],
)
def test_a_slip_in_a_leader_name_is_serious(detector: Detector, text: str, wrong: str, right: str) -> None:
    hits = detector.check(text, date=LATER)
    assert [(h.text, h.suggestions, h.severity) for h in hits] == [(wrong, (right,), "serious")]


@pytest.mark.parametrize(
    ("text", "date", "wrong", "right"),
    [
        ("国务院总理李克出席会议。", dt.date(2019, 3, 1), "国务院总理李克", "国务院总理李克强"),
        ("国家主席习近出席开幕式。", LATER, "国家主席习近", "国家主席习近平"),
        ("全国人大常委会委员长赵乐，", LATER, "全国人大常委会委员长赵乐", "全国人大常委会委员长赵乐际"),
    ],
)
def test_a_leader_name_one_character_short(
    detector: Detector, text: str, date: dt.date, wrong: str, right: str
) -> None:
    hits = detector.check(text, date=date)
    assert [(h.rule_id, h.text, h.suggestions, h.severity) for h in hits] == [
        ("leader.name-clipped", wrong, (right,), "serious")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "国务院总理李克强出席会议。",
        "国务院总理李克墙出席会议。",  # a slip of the last character: the near misses judge the whole name
        "国务院副总理李克强到我省调研。",
    ],
)
def test_whole_or_misspelt_names_are_not_clipped(detector: Detector, text: str) -> None:
    assert [h for h in detector.check(text, date=dt.date(2012, 5, 10)) if h.rule_id == "leader.name-clipped"] == []


@pytest.mark.parametrize(
    "text",
    [
        "李墙同志在村里开了一家小卖部。",  # a bare two-character name may be anyone
        "王小红同学获得了一等奖。",  # and so may a three-character one without a title
        "习近平主持召开中央政治局会议。",
        "王沪宁出席开幕会。",
        "赵乐际主持会议。",
    ],
)
def test_other_people_and_ordinary_words_are_not_leaders(detector: Detector, text: str) -> None:
    assert detector.check(text, date=LATER) == []


def test_leader_table_is_sourced_and_consistent() -> None:
    tenures = load_leaders(Path(DEFAULT_LEXICON_DIR))
    assert len(tenures) >= 60
    for tenure in tenures:
        assert tenure.source.strip()
        assert tenure.end is None or tenure.start < tenure.end
    single = ("president", "vice_president", "premier", "npc_chair", "cppcc_chair")
    for office in single:
        spans = sorted((t.start, t.end or dt.date.max) for t in tenures if t.office == office)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), office


# -- divisions ---------------------------------------------------------------------------------------


def test_every_county_is_in_the_table() -> None:
    divisions = load_divisions(Path(DEFAULT_LEXICON_DIR))
    levels = [d.level for d in divisions]
    assert levels.count("province") == 34
    assert levels.count("city") >= 330
    assert levels.count("county") >= 2800
    codes = {d.code for d in divisions}
    assert all(d.parent in codes for d in divisions if d.parent)
    names = {d.name for d in divisions}
    assert {"恩施土家族苗族自治州", "浏阳市", "双江拉祜族佤族布朗族傣族自治县", "神农架林区"} <= names


@pytest.mark.parametrize(
    ("text", "wrong", "right"),
    [
        ("湖北省长沙市召开会议。", "湖北省长沙市", "湖南省长沙市"),
        ("长沙市天河区召开会议。", "长沙市天河区", "广州市天河区"),
        ("湖北省浏阳市召开会议。", "湖北省浏阳市", "湖南省浏阳市"),
        ("恩施苗族土家族自治州召开会议。", "恩施苗族土家族自治州", "恩施土家族苗族自治州"),
        ("内蒙古省召开会议。", "内蒙古省", "内蒙古自治区"),
        ("宁夏省召开会议。", "宁夏省", "宁夏回族自治区"),
        ("广西省召开会议。", "广西省", "广西壮族自治区"),
        ("西藏省召开会议。", "西藏省", "西藏自治区"),
        ("新疆省召开会议。", "新疆省", "新疆维吾尔自治区"),
        ("呼和浩持市召开会议。", "呼和浩持市", "呼和浩特市"),
        ("石家装召开会议。", "石家装", "石家庄"),
        ("湖南省株州市召开会议。", "株州市", "株洲市"),  # a short name, framed by its parent
        ("湖南省长沙市开富区召开会议。", "开富区", "开福区"),
        ("北京市朝杨区召开会议。", "朝杨区", "朝阳区"),
        (
            "双江拉祜族布朗族佤族傣族自治县召开会议。",
            "双江拉祜族布朗族佤族傣族自治县",
            "双江拉祜族佤族布朗族傣族自治县",
        ),
    ],
)
def test_place_errors(detector: Detector, text: str, wrong: str, right: str) -> None:
    assert [(h.text, h.suggestions) for h in detector.check(text, date=LATER)] == [(wrong, (right,))]


@pytest.mark.parametrize(
    "text",
    [
        "湖南省长沙市开福区召开会议。",
        "北京市朝阳区和长春市朝阳区都叫朝阳区。",
        "台湾省是中国领土不可分割的一部分。",
        "全国31个省份和新疆生产建设兵团参加。",
        "恩施土家族苗族自治州地处湖北省西南部。",
        "神农架林区隶属湖北省。",
        "湖北省仙桃市召开会议。",  # a county-level city under the province itself
        "广州市天河区召开会议。",
        "湖南省长沙是一座历史文化名城。",  # the suffix never varies
        "北京市朝阳区群众",
    ],
)
def test_correct_places_are_silent(detector: Detector, text: str) -> None:
    assert detector.check(text, date=LATER) == []


def test_ethnic_parts_follow_the_official_order() -> None:
    assert ethnic_parts("恩施土家族苗族自治州") == ("恩施", ["土家族", "苗族"], "自治州")
    assert ethnic_parts("伊犁哈萨克自治州") == ("伊犁", ["哈萨克"], "自治州")
    assert ethnic_parts("长沙市") is None
