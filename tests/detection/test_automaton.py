"""The automaton over UTF-16 code units: offsets in characters, astral characters included."""

from __future__ import annotations

from app.detection.automaton import Automaton


def build(*keys: str) -> Automaton:
    automaton = Automaton()
    for key in keys:
        automaton.add(key, key)
    automaton.build()
    return automaton


def test_every_match_with_the_index_of_its_last_character() -> None:
    automaton = build("截止", "截止目前", "目前")
    text = "截止目前，目前。"
    assert sorted(automaton.iter(text)) == [(1, "截止"), (3, "截止目前"), (3, "目前"), (6, "目前")]
    assert len(automaton) == 3 and automaton.stats()["words_count"] == 3


def test_a_match_never_begins_inside_a_character() -> None:
    # "乀" is U+4E40 and "䀀" U+4000: their bytes 4E 40 40 00 hold the bytes of "䀀" from the second byte on.
    automaton = build("䀀")
    assert list(automaton.iter("乀\x00")) == []
    assert list(automaton.iter("䀀")) == [(0, "䀀")]


def test_offsets_after_astral_characters_count_characters() -> None:
    automaton = build("做为")
    text = "👍𠀀他做为党员"
    ((end, key),) = automaton.iter(text)
    assert key == "做为" and text[end - 1 : end + 1] == "做为"
