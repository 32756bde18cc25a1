"""Paired punctuation and number forms: only the slips that the marks around them prove."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.detection import marks
from app.detection.detector import Detector


def spans(text: str) -> list[tuple[str, str, str]]:
    return [(m.detector, text[m.start : m.end], m.suggestion) for m in marks.find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("上演了一场“天王“之战，由瑞士天王对阵本土选手。", [("quote_pairing", "“", "”")]),
        ("直指”嫖宿幼女罪”的存废。", [("quote_pairing", "”", "“")]),
        # the first pair is miswritten, the second is right
        ("推出“同乘信息系统““车厢防疫安全距离预警”系统。", [("quote_pairing", "“", "”")]),
        ('顺利实施“十二五"规划。', [("quote_pairing", '"', "”")]),
    ],
)
def test_quotation_marks_miswritten(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "全县开展“三严三实”专题教育。",
        # a quotation inside a quotation written with double marks: its pairs hold
        "话务员：“这里是“12345”便民专线，请讲。”",
        # a quotation over several paragraphs opens each and closes only the last
        "他说：“第一段。\n“第二段。\n“第三段。”",
        # a paragraph that ends inside a quotation is not judged
        "群众说“菜篮子；\n米袋子丰富了。",
        # the pair is far apart: no certainty which mark is wrong
        "“这是一句很长很长的引语，里面有很多很多的字“",
        "坚持“两个毫不动摇”，落实“三个一批”。",
    ],
)
def test_quotation_marks_left_alone(text: str) -> None:
    assert spans(text) == []


def test_book_titles_are_paired_over_line_breaks() -> None:
    assert spans("根据《关于加强管理的通知，各单位开展自查。") == [("book_title_pairing", "《", "")]
    assert spans("学习党章和党内法规》。") == [("book_title_pairing", "》", "")]
    assert spans("根据《关于加强政务新媒体\n管理的通知》，开展自查。") == []
    assert spans("县政府印发《关于转发《XX办法》的通知》。") == []
    # an unclosed title before a closed one is still unclosed
    assert spans("根据《通知，学习《条例》。") == [("book_title_pairing", "《", "")]


def test_numbers() -> None:
    assert spans("增长百分之6.5，百分之七，6.5%。") == [("percent_mixed", "百分之6.5", "6.5%")]
    assert spans("二0二四年，二O二四年，二〇二四年，2024年，10000年。") == [
        ("year_zero", "二0二四", "二〇二四"),
        ("year_zero", "二O二四", "二〇二四"),
    ]
    # ○ looks the same as 〇, and 零 is read the same: neither is a slip anybody sees
    assert spans("二○二四年，二零二四年") == []
    assert spans("共一〇〇〇年，三千零一十五年，零零零零年") == []  # no zero miswritten, or no year numeral


def test_in_the_engine_a_mention_of_a_number_form_is_no_slip(detector: Detector) -> None:
    hits = [h for h in detector.check("全县增长百分之6.5。") if h.rule_id.startswith("mark.")]
    assert [(h.rule_id, h.text, h.suggestions) for h in hits] == [("mark.percent-mixed", "百分之6.5", ("6.5%",))]
    assert [h for h in detector.check("不能写成“百分之6.5”，应写成“6.5%”。") if h.rule_id.startswith("mark.")] == []
    hits = detector.check("开展“三严三实“专题教育。")
    assert [(h.rule_id, h.start, h.suggestions) for h in hits] == [("mark.quote-pairing", 7, ("”",))]


@given(st.text(alphabet='“”"《》\n一二三0○零年百分之6.5ab，。', max_size=60))
def test_every_span_is_one_mark_or_a_number_in_the_text(text: str) -> None:
    for m in marks.find(text):
        assert 0 <= m.start < m.end <= len(text)
        if m.detector in (marks.QUOTE_RULE, marks.BOOK_RULE):
            assert m.end - m.start == 1 and text[m.start] in '“”"《》'
            assert m.suggestion != text[m.start]
