"""The pure half of the LanguageTool-compatible API: markup, UTF-16 offsets, parameters, the answer."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import languagetool as lt
from app.detection.detector import Detector
from app.vocabulary import CATEGORIES


def annotated(*items: tuple[str, str | None]) -> lt.AnnotatedText:
    data = {"annotation": [{"text": c} if i is None else {"markup": c, "interpretAs": i} for c, i in items]}
    return lt.AnnotatedText.from_data(json.dumps(data))


@given(st.text(alphabet=st.sampled_from("a中😀𠀀\n")), st.data())
def test_utf16_counts_astral_characters_twice(text: str, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(text)))
    assert lt.Utf16(text)(index) == len(text[:index].encode("utf-16-le")) // 2
    assert lt.utf16_len(text) == lt.Utf16(text)(len(text))


def test_plain_text_maps_to_itself() -> None:
    text = lt.AnnotatedText.from_text("他做为党员")
    assert text.plain == text.document == "他做为党员"
    assert text.document_span(1, 3) == (1, 3)


def test_markup_is_left_out_of_the_checked_text_and_spans_map_back() -> None:
    text = annotated(("<p>", "\n\n"), ("他做", None), ("<b>", ""), ("为党员。", None), ("</b></p>", ""))
    assert text.plain == "\n\n他做为党员。"
    assert text.document == "<p>他做<b>为党员。</b></p>"
    start = text.plain.index("做为")
    doc_start, doc_end = text.document_span(start, start + 2)
    assert text.document[doc_start:doc_end] == "做<b>为"  # a hit across markup covers the markup
    start = text.plain.index("党员")
    doc_start, doc_end = text.document_span(start, start + 2)
    assert text.document[doc_start:doc_end] == "党员"


def test_a_span_in_interpreted_markup_covers_the_markup() -> None:
    text = annotated(("截", None), ("<span>止</span>", "止"), ("目前", None))
    assert text.plain == "截止目前"
    assert text.document_span(0, 2) == (0, len("截<span>止</span>"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{bad", "Could not parse JSON"),
        ("[]", "requires 'text' or 'annotation'"),
        ('{"text": "a", "annotation": []}', "not both"),
        ('{"annotation": [{"text": "a", "markup": "<b>"}]}', "not both"),
        ('{"annotation": [{"text": "a", "interpretAs": " "}]}', "only 'markup' can"),
        ('{"annotation": [{"other": "a"}]}', "Only 'text' and 'markup'"),
    ],
)
def test_bad_data_is_refused_with_languagetools_message(data: str, message: str) -> None:
    with pytest.raises(lt.LtRequestError, match=message):
        lt.AnnotatedText.from_data(data)


def test_data_with_plain_text() -> None:
    assert lt.AnnotatedText.from_data('{"text": "做为"}').plain == "做为"


@pytest.mark.parametrize(("code", "detected"), [("zh-CN", False), ("zh", False), ("zh_cn", False), ("auto", True)])
def test_chinese_and_auto_are_ours(code: str, detected: bool) -> None:
    assert lt.resolve_language(code) == ("zh-CN", detected)


def test_other_languages_are_refused() -> None:
    with pytest.raises(lt.LtRequestError, match="'en-US' is not a language code known to cuomin"):
        lt.resolve_language("en-US")


def test_parameters() -> None:
    request = lt.parse_check_params(
        {"text": "做为", "language": "zh-CN", "disabledRules": "a, b", "enabledOnly": "false", "apiKey": "k"},
        max_chars=10,
    )
    assert request.text.plain == "做为" and request.disabled_rules == {"a", "b"} and not request.enabled_only
    with pytest.raises(lt.LtRequestError, match="Missing 'text' or 'data'"):
        lt.parse_check_params({"language": "zh"}, max_chars=10)
    with pytest.raises(lt.LtRequestError, match="not both"):
        lt.parse_check_params({"text": "a", "data": "{}"}, max_chars=10)
    with pytest.raises(lt.LtRequestError, match="enabledOnly") as refused:
        lt.parse_check_params({"text": "a", "enabledOnly": "true"}, max_chars=10)
    assert refused.value.status == 400
    with pytest.raises(lt.LtRequestError, match="文本过长") as refused:
        lt.parse_check_params({"text": "字" * 11}, max_chars=10)
    assert refused.value.status == 413


def test_exempt_rules_from_rule_and_category_switches(mini: Detector) -> None:
    rules = mini.lexicon.rules
    every = {r.id for r in rules}

    def exempt(**params: str) -> set[str]:
        return lt.exempt_rules(lt.parse_check_params({"text": "a", **params}, max_chars=10), rules)

    assert exempt() == set()
    assert exempt(disabledRules="test.zuo-wei") == {"test.zuo-wei"}
    assert exempt(disabledCategories="TYPOS") == every
    assert exempt(disabledCategories="常见错别字") == every
    assert exempt(disabledCategories="typos") == every
    assert exempt(enabledOnly="true", enabledRules="test.zuo-wei") == every - {"test.zuo-wei"}
    assert exempt(enabledOnly="true", enabledCategories="TYPOS") == set()
    assert exempt(enabledRules="test.zuo-wei") == set()  # all our rules are on by default


def test_every_category_has_an_ascii_id() -> None:
    assert set(lt.CATEGORY_IDS) == set(CATEGORIES)
    assert all(cid.isascii() and cid.isupper() for cid in lt.CATEGORY_IDS.values())
    assert lt.category_id("新类别") == "新类别"


@pytest.mark.parametrize(
    ("severity", "category", "issue_type", "type_name"),
    [
        ("serious", "政治表述", "misspelling", "Other"),
        ("warning", "常见错别字", "misspelling", "Other"),
        ("warning", "过时表述", "grammar", "Other"),
        ("info", "禁用慎用词", "style", "Hint"),
    ],
)
def test_severity_colours(severity: str, category: str, issue_type: str, type_name: str) -> None:
    assert lt.issue_type(severity, category) == issue_type
    assert lt.type_name(severity) == type_name


def test_context_is_cut_with_dots_and_counts_utf16() -> None:
    document = "一二三四五😀做为\n六七八九十"
    start = document.index("做为")
    context = lt.context_around(document, start, start + 2, 3)
    assert context == {"text": "...四五😀做为 六七...", "offset": 3 + 2 + 2, "length": 2}
    assert lt.context_around("做为", 0, 2, 40) == {"text": "做为", "offset": 0, "length": 2}


def test_sentence_around() -> None:
    text = "第一句。他做为党员！\n第三句"
    start = text.index("做为")
    assert lt.sentence_around(text, start, start + 2) == "他做为党员！"
    assert lt.sentence_around("第三句做为", 3, 5) == "第三句做为"


def test_check_response_offsets_in_utf16_over_the_document(mini: Detector) -> None:
    text = annotated(("<b>😀</b>", "😀"), ("他做为党员。", None))
    request = replace(lt.parse_check_params({"text": "", "language": "zh"}, max_chars=99), text=text)
    hits = mini.check(text.plain)
    body = lt.check_response(hits, request, rule=mini.rule, version="0.1.0", context_chars=5)
    (found,) = body["matches"]
    start = text.document.index("做为")
    assert found["offset"] == start + 1 and found["length"] == 2  # the emoji is two UTF-16 units
    assert found["replacements"] == [{"value": "作为"}]
    assert found["rule"]["category"] == {"id": "TYPOS", "name": "常见错别字"}
    assert found["sentence"] == "😀他做为党员。"
    assert body["language"]["code"] == "zh-CN"


def test_config_info_lists_every_rule(mini: Detector) -> None:
    info = lt.config_info(mini.lexicon.rules, version="0.1.0", max_chars=99)
    assert [r["ruleId"] for r in info["rules"]] == [r.id for r in mini.lexicon.rules]
    assert info["parameter"] == {"maxTextLength": 99}
