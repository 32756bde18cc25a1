"""Which characters are easily confused: homophones whatever their tones, and the lexicon's look-alikes."""

from __future__ import annotations

from app.detection.similarity import Confusions, common_chars, homophones, readings


def test_readings_ignore_tones_and_keep_every_reading() -> None:
    assert readings("止") == frozenset({"zhi"})
    assert {"xing", "hang"} <= readings("行")  # heteronym: both readings
    assert readings("a") == frozenset() and readings("，") == frozenset()


def test_homophones_share_a_reading() -> None:
    assert homophones("做", "作") and homophones("至", "止")
    assert not homophones("做", "为")


def test_look_alikes_come_from_the_lexicon_table() -> None:
    confusions = Confusions(["己已巳", "戊戌"])
    assert confusions.lookalike("己", "巳") and confusions.lookalike("巳", "己")
    assert not confusions.lookalike("己", "戊")
    assert confusions.similar("己", "已") and confusions.similar("做", "作")
    assert not confusions.similar("做", "做")  # a character is not a slip for itself


def test_alternatives_are_common_characters() -> None:
    common = set(common_chars())
    assert "作" in common and len(common) > 1000
    alternatives = Confusions(["己已巳"]).alternatives("己")
    assert {"已", "巳", "几", "机"} <= alternatives and "己" not in alternatives
