"""Person names framed by a title, a role or an enumeration: the characters the typo layer leaves alone."""

from __future__ import annotations

import pytest

from app.detection.names import SURNAMES, name_mask


def marked(text: str) -> str:
    return "".join(c if m else "_" for c, m in zip(text, name_mask(text), strict=True))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("王晓东同志主持会议", "王晓东______"),  # the shortest name before the title
        ("感谢钟毓玹老师的付出", "__钟毓玹_____"),
        ("记者邱玥萱在现场", "__邱玥萱___"),
        # an enumeration a framed name opens: every item of two or three characters, whatever its surname
        ("常务主席段发达、陈红兵、满开清、冉清在主席台就座", "____段发达_陈红兵_满开清_冉清______"),
        ("各位党员同志", "______"),  # 党 is no surname: a title alone frames nothing
        ("民警立即赶到现场", "________"),
        ("会议由常务副主席主持", "__________"),
    ],
)
def test_name_frames(text: str, expected: str) -> None:
    assert marked(text) == expected


def test_mask_has_one_flag_per_character_beyond_the_bmp() -> None:
    text = "记者王𠀋明报道"
    assert len(name_mask(text)) == len(text)


def test_surnames_are_a_hundred_distinct_han_characters() -> None:
    assert len(SURNAMES) == len(set(SURNAMES)) == 100
    assert all("\u4e00" <= c <= "\u9fff" for c in SURNAMES)
