"""Text normalisation that keeps every offset mappable back to the original text.

Matching runs on a normalised copy: full-width letters and digits folded to half-width, lower case,
traditional characters folded to simplified, and spaces and invisible formatting characters removed
(so "习近 平" and "习近\u200b平" still match). Each character maps to at most one character, so the copy
is the original minus the removed characters, and a span maps back through the kept positions.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import opencc

# Characters that OpenCC folds to another character although they are also in everyday simplified
# use; folding them would merge distinct simplified words.
_AMBIGUOUS_T2S = frozenset("緼苧藴輼醖麽")


@cache
def _t2s_table() -> dict[int, str]:
    chars = [chr(i) for i in range(0x3400, 0xA000)]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - depends on OpenCC's data
        raise RuntimeError("OpenCC t2s changed the number of lines")
    return {
        ord(c): s for c, s in zip(chars, converted, strict=True) if s != c and len(s) == 1 and c not in _AMBIGUOUS_T2S
    }


def _fold_char(c: str) -> str:
    # Only one-to-one foldings: a character that NFKC expands (e.g. ㈠) is left as it is.
    folded = unicodedata.normalize("NFKC", c)
    if len(folded) != 1:
        folded = c
    lowered = folded.lower()
    return lowered if len(lowered) == 1 else folded


@cache
def fold_table() -> dict[int, str]:
    """The str.translate table: every character whose normalised form differs."""
    table = {}
    for code in range(0x10000):
        if 0xD800 <= code < 0xE000:
            continue
        c = chr(code)
        # CJK punctuation keeps its full-width form: terms never contain it, and context
        # patterns read more naturally with it.
        if unicodedata.category(c).startswith("P"):
            continue
        folded = _fold_char(c)
        if folded != c:
            table[code] = folded
    t2s = _t2s_table()
    for code, simplified in t2s.items():
        table[code] = simplified
    # Folding can produce a traditional character (a compatibility ideograph); fold it once more.
    for code, target in table.items():
        again = t2s.get(ord(target))
        if again is not None:
            table[code] = again
    return table


# Horizontal space and invisible format characters (category Cf); line breaks are kept because
# they separate paragraphs and a term never spans two paragraphs.
# ignorable_codes() of Unicode 14.0 (Python 3.11) as ranges: computing it from the character database
# takes 35 ms, in every process at import (tests compare the two).
_IGNORABLE_RANGES = {
    "14.0.0": (
        (9, 9), (31, 32), (160, 160), (173, 173), (1536, 1541), (1564, 1564), (1757, 1757), (1807, 1807),
        (2192, 2193), (2274, 2274), (5760, 5760), (6158, 6158), (8192, 8207), (8234, 8239), (8287, 8292),
        (8294, 8303), (12288, 12288), (65279, 65279), (65529, 65531),
    ),
}  # fmt: skip


@cache
def ignorable_codes() -> list[int]:
    ranges = _IGNORABLE_RANGES.get(unicodedata.unidata_version)
    if ranges is not None:
        return [code for first, last in ranges for code in range(first, last + 1)]
    return compute_ignorable_codes()


def compute_ignorable_codes() -> list[int]:
    line_breaks = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
    return [
        code
        for code in range(0x10000)
        if (chr(code).isspace() and chr(code) not in line_breaks) or unicodedata.category(chr(code)) == "Cf"
    ]


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised text and the way back to the original's offsets."""

    original: str
    text: str
    # For each removed run: the normalised position it sat before, and the number of characters
    # removed up to and including it. Empty when nothing was removed (the common case).
    cuts: tuple[int, ...] = ()
    removed: tuple[int, ...] = ()

    def _orig(self, position: int) -> int:
        index = bisect.bisect_right(self.cuts, position)
        return position + (self.removed[index - 1] if index else 0)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span [start, end) to the original text."""
        if not self.cuts:
            return start, end
        if start >= end:
            origin = self._orig(start)
            return origin, origin
        return self._orig(start), self._orig(end - 1) + 1


def _fold_pattern() -> re.Pattern[str]:
    return re.compile("[" + char_class(sorted(fold_table())) + "]")


def char_class(codes: list[int]) -> str:
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


_FOLD: re.Pattern[str] | None = None
# Horizontal space and invisible format characters (category Cf); line breaks are kept because
# they separate paragraphs and a term never spans two paragraphs.
_IGNORABLE = re.compile("[" + char_class(ignorable_codes()) + "]+")


def _fold(text: str) -> str:
    global _FOLD
    if _FOLD is None:
        _FOLD = _fold_pattern()
    if _FOLD.search(text) is None:
        return text
    table = fold_table()
    return _FOLD.sub(lambda m: table[ord(m.group())], text)


def normalize(text: str) -> Normalized:
    # Both passes cost a regex scan and then work only where a character needs changing: most
    # texts are already simplified with half-width digits, and this sits on the hot path.
    folded = _fold(text)
    if _IGNORABLE.search(folded) is None:
        return Normalized(original=text, text=folded)
    pieces: list[str] = []
    cuts: list[int] = []
    removed: list[int] = []
    kept_from = 0
    total_removed = 0
    for match in _IGNORABLE.finditer(folded):
        pieces.append(folded[kept_from : match.start()])
        total_removed += match.end() - match.start()
        cuts.append(match.end() - total_removed)
        removed.append(total_removed)
        kept_from = match.end()
    pieces.append(folded[kept_from:])
    return Normalized(original=text, text="".join(pieces), cuts=tuple(cuts), removed=tuple(removed))


def normalize_term(term: str) -> str:
    """A lexicon term, normalised exactly as text is."""
    return normalize(term).text
