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
        # a verb of saying after a name
        ("王晓东表示，要抓好落实", "王晓东________"),
        ("各方表示支持", "______"),  # 方 opens no name of its own here
        # a list of people: items of two or three characters, all but one opened by a common surname
        ("中国组合徐嘉余、闫子贝、张雨霏、杨浚瑄在男子项目夺冠", "____徐嘉余_闫子贝_张雨霏_杨浚瑄_______"),
        ("全国政协委员傅成玉、孙荫环、卢志强、王文彪等", "______傅成玉_孙荫环_卢志强_王文彪_"),
        ("推进高质量、高水平、高标准建设", "_______________"),  # all open alike: a parallel construction
        ("坚持高效、方便、安全的原则", "_____________"),  # 安 is no surname: two of three are not enough
        ("市民李某向记者反映", "_________"),  # 市民 is no role
        ("居民汪天杰到医院开药", "__汪天杰_____"),
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
