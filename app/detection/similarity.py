"""Which characters are easily confused: homophones (pypinyin, tones ignored) and look-alikes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cache

from app.detection.segment import tokenizer

# Characters jieba's dictionary counts at least this often: the everyday set a slip can produce.
COMMON_FREQ = 200


@cache
def readings(char: str) -> frozenset[str]:
    """Toneless readings of a character; empty for anything that is not a Chinese character."""
    if not ("\u3400" <= char <= "\u9fff"):
        return frozenset()
    from pypinyin import Style, pinyin  # about 0.2 s to import: only where readings are needed

    found = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    return frozenset(found[0]) if found else frozenset()


def homophones(a: str, b: str) -> bool:
    return bool(readings(a) & readings(b))


@cache
def common_chars() -> tuple[str, ...]:
    freq = tokenizer().FREQ
    return tuple(w for w, f in freq.items() if len(w) == 1 and f >= COMMON_FREQ and "\u4e00" <= w <= "\u9fff")


@cache
def _by_reading() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = defaultdict(list)
    for char in common_chars():
        for reading in readings(char):
            table[reading].append(char)
    return {k: tuple(v) for k, v in table.items()}


class Confusions:
    """Homophones and look-alikes of a character, for one lexicon's look-alike table."""

    def __init__(self, lookalike_groups: Iterable[str], shapes: dict[str, frozenset[str]] | None = None) -> None:
        table: dict[str, set[str]] = defaultdict(set)
        for group in lookalike_groups:
            for char in group:
                table[char].update(c for c in group if c != char)
        self._lookalikes = {k: frozenset(v) for k, v in table.items()}
        # The typo layer's wider look-alike set (stroke orders, four-corner codes): asked whether two characters
        # look alike (宝／室), never to enumerate slips, which would multiply the automaton's keys.
        self._shapes = shapes or {}

    def lookalike(self, a: str, b: str) -> bool:
        return b in self._lookalikes.get(a, ()) or b in self._shapes.get(a, ())

    def similar(self, a: str, b: str) -> bool:
        return a != b and (homophones(a, b) or self.lookalike(a, b))

    def alternatives(self, char: str) -> set[str]:
        """Every common character one could write by mistake for char."""
        found = set(self._lookalikes.get(char, ()))
        for reading in readings(char):
            found.update(_by_reading().get(reading, ()))
        found.discard(char)
        return found
