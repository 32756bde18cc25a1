"""Near misses of canonical forms: the slips nobody listed are caught, correct neighbours are not."""

from __future__ import annotations

import datetime as dt

import pytest

from app.config import DEFAULT_LEXICON_DIR
from app.detection.detector import Detector
from app.detection.lexicon import CanonicalForm, load_lexicon
from app.detection.nearmiss import SHORT, is_county
from app.detection.segment import is_word
from app.detection.tables import DIVISIONS_FILE

LATER = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def detector() -> Detector:
    """The shipped lexicons without the statistical typo layer: these tests are about the near-miss layer
    (tests/detection/typo checks that the typo layer leaves every canonical form alone)."""
    return Detector.from_dir(DEFAULT_LEXICON_DIR, typo="off")


def flagged(detector: Detector, text: str, date: dt.date = LATER) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(h.text, h.rule_id, h.suggestions) for h in detector.check(text, date=date)]


@pytest.mark.parametrize(
    ("text", "wrong", "rule_id", "suggestion"),
    [
        ("中华人民共合国成立七十五周年。", "中华人民共合国", "canon.prc", "中华人民共和国"),
        ("区攻府办公室发布通知。", "攻府", "canon.government", "政府"),
        ("深入开展扫黑险恶专项斗争。", "扫黑险恶专项斗争", "canon.anti-gang", "扫黑除恶专项斗争"),
        ("向社会注意现代化国家迈进。", "社会注意现代化国家", "canon.modern-country", "社会主义现代化国家"),
        ("坚持一郭两制方针。", "一郭两制", "canon.one-country-two-systems", "一国两制"),
        ("要不忘实心、牢记使命。", "不忘实心、牢记使命", "canon.original-aspiration", "不忘初心、牢记使命"),
        (
            "学习习近平近新时代中国特色社会主义思想。",
            "习近平近新时代中国特色社会主义思想",
            "canon.xi-thought",
            "习近平新时代中国特色社会主义思想",
        ),  # an extra character
        ("该项目由财拨款保障。", "财拨款", "canon.fiscal-appropriation", "财政拨款"),  # a missing one
        ("学习习平近在会上的讲话。", "习平近", "canon.xi", "习近平"),  # two characters swapped
        ("湖北省张家界市文旅局发布通知。", "湖北省张家界市", "place.430800", "湖南省张家界市"),  # wrong province
        ("坚定文化自新。", "文化自新", "canon.culture-confidence", "文化自信"),
        ("游客来到张家介市。", "张家介市", "place.430800", "张家界市"),
        # a character dropped inside a long name (a real circular's 齐齐哈市)
        ("齐齐哈市召开秸秆禁烧工作会议。", "齐齐哈市", "place.230200", "齐齐哈尔市"),
        ("呼和特市召开会议。", "呼和特市", "place.150100", "呼和浩特市"),
    ],
)
def test_slips_in_the_issue_are_caught(
    detector: Detector, text: str, wrong: str, rule_id: str, suggestion: str
) -> None:
    assert flagged(detector, text) == [(wrong, rule_id, (suggestion,))]


@pytest.mark.parametrize(
    "text",
    [
        "坚定文化自信，增强文化自觉。",  # 文化自觉 is a real phrase
        "向关心和支持中国现代化建设的各国朋友表示感谢。",  # a phrase of real words, not a missing 式
        "我国成为一百四十多个国家和地区的主要贸易伙伴。",  # 和地区 is not 和田地区 missing 田
        "为实现中华民族的伟大复兴而奋斗。",  # a particle added
        "中国特色社会主义进入了新时代。",
        "这一问题引起了全社会注意。",
        "补助资金已由财政拨付到位。",
        "长沙是一座历史文化名城。",  # the suffix of a place name never varies
        "湖南省张家界市、湖南张家界市、张家界市。",
        "主攻方向明确。",
        # a word a longer word contains is not that word: 中心 holds 心, 共和国 holds 国
        "各地坚持以人民为中心发展理念，办好民生实事。",
        "大厅挂着“欢迎中华人民共和国主席习近平”的横幅。",
        # 城市 and 市区 are words, not a slip of 盐城市 or 聊城市
        "这里实行最严城市管理标准。",
        "灯笼装点了城市的大街小巷。",
        # 市南区 is a district of 青岛市: the city's 市 is shared, not a wrong parent
        "青岛市南区新开了一座图书馆。",
        # 城区 is a word as well as a district; 地州市 lists levels of division
        "广州城区的公交线路全部换上了新能源车。",
        "客运班车通达全区所有地州市。",
        # a person's name its frame marks as one is chosen, not spelled: 政富 is no slip of 政府 here
        "重庆市北碚区原区委书记雷政富涉嫌受贿。",
        "会议由王政富同志主持。",
        # a place written after another country's name is that country's (富山市 is in Japan, not 佛山市)
        "日本富山市通过将医院、保健中心等公共设施集中布局，提高了服务效率。",
        # former divisions under their parents of the time (data/former_divisions.csv): history, not a wrong
        # parent — 宁波 has a 江北区 today, 重庆 had one; 邢台市桥东区 is today's 襄都区
        "重庆市江北区观音桥街道开展志愿服务活动。",
        "近日，重庆江北区举行专场招聘会。",
        "重庆市渝北区召开安全生产工作会议。",
        "邢台市桥东区开展文明城市创建活动。",
        # 副 and 原 make another office or a former one, not a slip of the titled name
        "1998年，国务院副总理温家宝会见了来访的芬兰客人。",
        "国务院原副总理回良玉在家乡考察。",
    ],
)
def test_correct_neighbours_are_not_flagged(detector: Detector, text: str) -> None:
    assert flagged(detector, text) == []


@pytest.mark.parametrize(
    ("text", "date", "expected"),
    [
        ("国务院总理李墙主持召开常务会议。", dt.date(2024, 5, 1), [("国务院总理李墙", "canon.li-qiang")]),
        ("国务院总理李墙主持召开常务会议。", dt.date(2020, 5, 1), []),  # the form applies since 2023-03-11
        ("2015年，国务院总理李墙主持召开常务会议。", dt.date(2024, 5, 1), []),  # the sentence dates it earlier
    ],
)
def test_titles_follow_the_date(detector: Detector, text: str, date: dt.date, expected: list) -> None:
    assert [(h.text, h.rule_id) for h in detector.check(text, date=date)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("会议要求坚持心发展理念。", [("心发展理念", "新发展理念")]),
        ("江苏省严城市召开动员会。", [("严城市", "盐城市")]),  # a province frames the name
        ("本届论坛在海上市举行。", [("海上市", "上海市")]),  # a swap keeps every character of the name
    ],
)
def test_slips_at_word_edges_are_still_caught(detector: Detector, text: str, expected: list) -> None:
    assert [(h.text, h.suggestions[0]) for h in detector.check(text, date=LATER)] == expected


@pytest.fixture(scope="module")
def with_model() -> Detector:
    return Detector.from_dir(DEFAULT_LEXICON_DIR)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a phrase official prose writes as it stands is no slip of 高质量发展 / 新质生产力
        ("各地要高质量开展第五次全国经济普查。", []),
        ("两国都在加快培育新型生产力。", []),
        # one no official text writes is
        ("深入开展扫黑险恶专项斗争。", [("扫黑险恶专项斗争", "扫黑除恶专项斗争")]),
    ],
)
def test_the_model_tells_a_phrase_from_a_slip(with_model: Detector, text: str, expected: list) -> None:
    hits = [h for h in with_model.check(text, date=LATER) if h.rule_id.startswith("canon.")]
    assert [(h.text, h.suggestions[0]) for h in hits] == expected


def test_near_miss_detector_can_be_switched_off() -> None:
    # the statistical typo layer also knows 一国两制 (a slip inside a formula official prose writes): off too
    detector = Detector.from_dir("lexicons", near_miss=False, typo="off")
    assert detector.check("坚持一郭两制方针。") == []
    with_typo = Detector.from_dir("lexicons", near_miss=False)
    assert [(h.rule_id, h.suggestions) for h in with_typo.check("坚持一郭两制方针。")] == [("typo.lm", ("国",))]


def test_listed_term_wins_over_a_near_miss(detector: Detector) -> None:
    # 一带一路战略 is listed (outdated formulation); it is not reported as a slip of 一带一路.
    hits = detector.check("推进一带一路战略。", date=LATER)
    assert [h.rule_id.split(".")[0] for h in hits] == ["outdated"]


LEXICON = load_lexicon("lexicons")
CANONICAL = [r for r in LEXICON.rules if isinstance(r.spec, CanonicalForm)]
_SUFFIXES = ("特别行政区", "自治区", "自治州", "地区", "盟", "省", "市", "州", "县", "区")


def _swap_variant(form: str, is_place: bool) -> str | None:
    """A transposition inside the form (a place name keeps its suffix), or None when it makes a word."""
    end = len(form)
    if is_place:
        end -= next((len(s) for s in _SUFFIXES if form.endswith(s)), 0)
    for i in range(max(0, end // 2 - 1), end - 1):
        if form[i] != form[i + 1]:
            variant = form[:i] + form[i + 1] + form[i] + form[i + 2 :]
            if not is_word(variant):
                return variant
    return None


def test_at_least_300_canonical_forms_each_with_a_source() -> None:
    assert len(CANONICAL) >= 300
    assert all(r.spec.source.strip() for r in CANONICAL)


# A short county name (东城区) is matched exactly: its slips are too close to real words to guess.
GUESSED = tuple(r for r in CANONICAL if not (is_county(r.id) and len(r.spec.form) <= SHORT))


@pytest.mark.parametrize("rule", GUESSED, ids=[r.id for r in GUESSED])
def test_each_canonical_form(detector: Detector, rule) -> None:
    form = rule.spec.form
    since, until = rule.spec.since, rule.spec.until
    date = max(LATER, since) if since else LATER
    if until is not None and date >= until:
        date = until - dt.timedelta(days=1)  # a former office holder's title was right in office
    assert detector.check(f"据悉：{form}。", date=date) == [], "the form itself must not be flagged"
    variant = _swap_variant(form, rule.file == DIVISIONS_FILE)
    if variant is None:
        pytest.skip(f"every swap inside {form} makes a dictionary word")
    hits = detector.check(f"据悉：{variant}。", date=date)
    own = [(h.text, h.suggestions) for h in hits if h.rule_id == rule.id]
    if not own and [h.text for h in hits] == [variant] and hits[0].rule_id.startswith("leader."):
        # 国务院总副理李克强 is one slip from 国务院副总理李克强 and from 国务院总理李克强 alike.
        return
    assert own == [(variant, (form,))], [(h.text, h.rule_id) for h in hits]


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        # a name framed by a role or a title is still checked against the leaders' names it slips from
        ("全国政协主席王户宁出席会议。", "全国政协主席王户宁"),
        ("王户宁同志出席会议。", "王户宁"),
        ("书记王户宁出席会议。", "王户宁"),
        # the same place slip with no foreign country before it is a slip
        ("广东省富山市召开动员会。", "富山市"),
        # a parent the name never had, now or before, is still a wrong parent
        ("广东省江北区召开动员会。", "广东省江北区"),
        ("河南省桥东区召开动员会。", "河南省桥东区"),
        # a leader's name does not expire with the title: a slip in a retrospective is still a slip
        ("国务院总理温家室主持召开国务院常务会议。", "国务院总理温家室"),
        ("2010年，国务院总理温家室主持召开国务院常务会议。", "国务院总理温家室"),
    ],
)
def test_names_and_places_that_are_slips_stay_flagged(detector: Detector, text: str, wrong: str) -> None:
    assert [h.text for h in detector.check(text, date=LATER)] == [wrong]
