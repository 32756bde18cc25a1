"""The precision principles, as plain functions and as the detector applies them to every layer."""

from __future__ import annotations

import datetime as dt

import pytest

from app.detection.detector import Detector
from app.detection.principles import (
    in_identifier,
    in_person_name,
    is_common_word,
    is_former_form,
    is_historical,
    is_mention,
    needs_word_check,
    sentence_years,
    splits_words,
)

LATER = dt.date(2024, 6, 1)


def span(text: str, term: str) -> tuple[str, int, int]:
    start = text.index(term)
    return text, start, start + len(term)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("公文中不能写成“截止目前”。", "截止"),
        ("“截止”与“截至”的区别在于是否带宾语。", "截止"),
        ("“截止”与“截至”的区别在于是否带宾语。", "截至"),
        ("“蛮子”属于蔑称，新闻报道中不得使用。", "蛮子"),
        ("报道中不得使用“蛮子”等蔑称。", "蛮子"),
        ("应避免使用“一带一路战略”的提法。", "一带一路战略"),
    ],
)
def test_a_quoted_word_that_the_sentence_discusses_is_a_mention(text: str, term: str) -> None:
    assert is_mention(*span(text, term))


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("截止目前，全县已完成任务。", "截止"),  # not quoted
        ("不要让“娘炮”审美影响青少年。", "娘炮"),  # the quotation runs on into the sentence
        ("剧中把牧民称为“鞑子”，引发批评。", "鞑子"),  # naming someone so is using the word
        ("我们要坚持“一国两制”方针不动摇。", "一国两制"),
        ("他说：“截止目前，我们已经完成了全年任务的八成，这是大家共同努力的结果。”", "截止"),  # a long quotation
    ],
)
def test_a_quoted_word_in_use_is_no_mention(text: str, term: str) -> None:
    assert not is_mention(*span(text, term))


@pytest.mark.parametrize(
    ("text", "term", "since"),
    [
        ("原国家工商总局的档案已移交。", "国家工商总局", None),
        ("时任中共中央政治局常委、国务院总理李克强到我省考察。", "国务院总理李克强", None),
        ("2018年，国家工商总局并入国家市场监督管理总局。", "国家工商总局", None),
        ("国家工商总局改为国家市场监督管理总局。", "国家工商总局", None),
        ("不再保留县工商局。", "县工商局", None),
        ("不再保留文化部、国家旅游局。", "国家旅游局", None),  # the verb governs every item of its list
        ("撤销县工商局、县质监局、县食药监局，组建县市场监管局。", "县食药监局", None),
        ("2016年，县国土资源局完成了确权登记。", "县国土资源局", dt.date(2019, 1, 1)),
        ("2013—2017年，县国土资源局完成了确权登记。", "县国土资源局", dt.date(2019, 1, 1)),
    ],
)
def test_history_is_recognised(text: str, term: str, since: dt.date | None) -> None:
    assert is_historical(*span(text, term), since)


@pytest.mark.parametrize(
    ("text", "term", "since"),
    [
        ("近日，国家工商总局发布通知。", "国家工商总局", dt.date(2018, 3, 21)),
        ("原则上县工商局不再受理。", "县工商局", None),  # 原则 is a word, not 原 "former"
        ("平原县农业局组织培训。", "县农业局", None),  # 平原县 is a name
        ("2016年至2024年，县国土资源局共完成确权登记。", "县国土资源局", dt.date(2019, 1, 1)),
        ("国家工商总局对违规企业予以撤销登记。", "国家工商总局", None),
        ("文化部、国家旅游局联合发文。", "国家旅游局", None),
        ("撤销登记后，县工商局、县质监局联合检查。", "县质监局", None),  # another clause
    ],
)
def test_the_present_is_not_history(text: str, term: str, since: dt.date | None) -> None:
    assert not is_historical(*span(text, term), since)


def test_former_words_are_words_of_their_own() -> None:
    assert is_former_form("原省农业厅", 1)
    assert not is_former_form("太原市工商局", 3)


def test_sentence_years_read_ranges_and_chinese_numerals() -> None:
    text = "二〇一六年和2013—2017年间。此后2024年另计。"
    assert sentence_years(*span(text, "和")) == [2016, 2013, 2017]


def test_a_span_that_splits_two_words_is_no_match() -> None:
    assert splits_words(*span("推动农村长期稳定发展。", "村长"))
    assert not splits_words(*span("村长主持召开村民大会。", "村长"))
    # A word that contains the whole term does not split it: the term is there.
    assert not splits_words(*span("省农业厅专家组来县指导。", "农业厅"))


def test_which_terms_need_a_word_check() -> None:
    assert needs_word_check("村长")  # a two-character word
    assert not needs_word_check("元霄")  # a misspelling is no word that real words could contain
    assert needs_word_check("农业厅")  # 省农业厅 is a word of the dictionary
    assert not needs_word_check("国家市场监督管理总局")


def test_common_words_come_from_the_dictionary() -> None:
    assert is_common_word("社会主义")
    assert not is_common_word("王护宁")


@pytest.mark.parametrize(
    ("text", "term", "expected"),
    [
        ("股票代码变为CCGM.PK，股价下跌。", "PK", True),
        ("详见www.pk.com网站。", "pk", True),
        ("下载附件pk.zip查看。", "pk", True),
        ("两队同台PK，比拼实招。", "PK", False),
        ("两队同台PK。", "PK", False),  # a full stop after the term ends the sentence, joins nothing
    ],
)
def test_a_latin_term_inside_an_identifier(text: str, term: str, expected: bool) -> None:
    start = text.index(term)
    assert in_identifier(text, start, start + len(term)) is expected


def test_a_framed_name_covers_its_characters() -> None:
    text = "原区委书记雷政富涉嫌受贿。"
    assert in_person_name(text, text.index("政富"), text.index("政富") + 2)
    assert not in_person_name(text, text.index("受贿"), text.index("受贿") + 2)
    assert not in_person_name("区政富办公室发布通知。", 1, 3)  # no title, no role: no name


def test_an_identifier_is_silent_and_prose_is_not(detector: Detector) -> None:
    assert detector.check("交易代码变为CCGM.PK，股价下跌。", date=LATER) == []
    assert [h.rule_id for h in detector.check("全县12个乡镇同台PK。", date=LATER)] == ["xinhua.pk"]


# -- the detector applies them to every layer ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("“截止”与“截至”的区别在于是否带宾语。", LATER),  # a listed term
        ("文件中不能写成“十四届全国政协二次会议”。", LATER),  # a meeting rule
        ("新闻报道中不得写成“内蒙古省”。", LATER),  # a place rule
        ("请注意，不能写成“王护宁”。", LATER),  # a near miss
        ("不能再使用“国务院总理李克强”的说法。", LATER),  # a dated title
    ],
)
def test_mentions_are_silent_in_every_layer(detector: Detector, text: str, date: dt.date) -> None:
    assert detector.check(text, date=date) == []


def test_uses_still_fire(detector: Detector) -> None:
    assert [h.rule_id for h in detector.check("截止目前，全县已完成任务。", date=LATER)]
    assert [h.rule_id for h in detector.check("我们到内蒙古省考察。", date=LATER)] == ["place.kind"]


def test_a_short_listed_word_splitting_real_words_is_silent(detector: Detector) -> None:
    # 农村长期 contains 村长 across two words; whatever lists 村长 must not fire here.
    hits = detector.check("推动农村长期稳定发展。", date=LATER)
    assert [h for h in hits if h.text == "村长"] == []
