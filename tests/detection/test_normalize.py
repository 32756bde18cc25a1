"""Normalisation keeps offsets; the detector maps every hit back to the original text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.detection.detector import Detector
from app.detection.normalize import normalize

# Text rich in what normalisation changes: spaces, zero-width characters, full-width and
# traditional forms, digits, and characters of the test terms.
_PIECES = st.sampled_from(
    [
        *list("习近平截止做为目前县国土资源局一带路战略叫人民服务"),
        " ",
        "\u3000",
        "\u200b",
        "\ufeff",
        "\n",
        "習",
        "國",
        "Ａ",
        "１",
        "3",
        "8",
        "X",
        "，",
        "。",
    ]
)
_RICH = st.lists(st.one_of(_PIECES, st.characters()), max_size=80).map("".join)


def test_folds_width_case_and_traditional() -> None:
    norm = normalize("ＡＢＣ１２３國務院Gdp")
    assert norm.text == "abc123国务院gdp"
    assert norm.to_original(0, 3) == (0, 3)


def test_removes_spaces_and_invisible_characters_keeping_offsets() -> None:
    original = "习近 平\u200b同志\n第二段"
    norm = normalize(original)
    assert norm.text == "习近平同志\n第二段"
    start, end = norm.to_original(0, 3)
    assert original[start:end] == "习近 平"
    start, end = norm.to_original(3, 5)
    assert original[start:end] == "同志"
    assert norm.to_original(6, 9) == (8, 11)


def test_keeps_cjk_punctuation_and_line_breaks() -> None:
    assert normalize("一，二。\n三！").text == "一，二。\n三！"


@given(_RICH)
@settings(max_examples=400, deadline=None)
def test_every_normalised_span_maps_into_the_original(text: str) -> None:
    norm = normalize(text)
    for start in range(len(norm.text)):
        a, b = norm.to_original(start, start + 1)
        assert 0 <= a < b <= len(text)
        assert normalize(text[a:b]).text == norm.text[start]


@given(_RICH, st.dates())
@settings(max_examples=400, deadline=None)
def test_check_never_raises_and_offsets_map_back(mini: Detector, text: str, date) -> None:
    for hit in mini.check(text, date=date):
        assert text[hit.start : hit.end] == hit.text
        assert hit.start < hit.end


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_shipped_lexicon_never_raises_on_any_unicode(detector: Detector, text: str) -> None:
    for hit in detector.check(text):
        assert text[hit.start : hit.end] == hit.text


def test_the_stored_ignorable_characters_are_those_of_the_character_database() -> None:
    from app.detection.normalize import compute_ignorable_codes, ignorable_codes

    # On a Python whose Unicode version has no stored table, both sides are the computed list.
    assert ignorable_codes() == compute_ignorable_codes()
