"""jieba on small windows: word boundaries around a match, and the dictionary's words."""

from __future__ import annotations

from app.detection import segment


def test_one_tokenizer_per_process() -> None:
    assert segment.tokenizer() is segment.tokenizer()


def test_words_of_the_dictionary() -> None:
    assert segment.is_word("党员") and segment.is_word("目前")
    assert not segment.is_word("员目") and not segment.is_word("")


def test_a_match_on_word_boundaries_or_inside_a_word() -> None:
    text = "他是一名共产党员，工作认真。"
    at = text.index("党员")
    assert segment.on_word_boundaries(text, text.index("工作"), text.index("工作") + 2)
    assert not segment.on_word_boundaries(text, at, at + 1)  # 党 alone sits inside 共产党员 or 党员
    # Only a window around the match is segmented, so a long text costs no more than a short one.
    long = "前文" * 10_000 + text
    start = long.index("工作")
    assert segment.on_word_boundaries(long, start, start + 2)
