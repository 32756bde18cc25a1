"""Exempted phrases: where they occur, and whether a span lies inside one of them.

The one place that decides what an exemption covers, for the engine (ingest, re-scan, /api/check) and for
the service that dismisses the stored hits a new exemption covers. Both questions take time linear in the
text (plus a logarithm per question), however many times a phrase occurs.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from itertools import accumulate

from app.detection.normalize import normalize, normalize_term


def find_phrases(text: str, phrases: Iterable[str]) -> list[tuple[int, int]]:
    """Every occurrence (overlapping ones too) of each phrase, normalised, in the normalised text."""
    spans = []
    for needle in {normalize_term(phrase) for phrase in phrases}:
        if not needle:
            continue
        at = text.find(needle)
        while at != -1:
            spans.append((at, at + len(needle)))
            at = text.find(needle, at + 1)
    return spans


def phrase_spans(text: str, phrases: Iterable[str]) -> list[tuple[int, int]]:
    """find_phrases in an original (not normalised) text, as original offsets."""
    needles = [phrase for phrase in phrases if normalize_term(phrase)]
    if not needles:
        return []
    norm = normalize(text)
    return [norm.to_original(start, end) for start, end in find_phrases(norm.text, needles)]


class Cover:
    """Answers "does one span contain [start, end)?" in O(log n): among the spans that start at or before
    `start`, the one reaching farthest contains it if any does."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [start for start, _ in ordered]
        self._reach = list(accumulate((end for _, end in ordered), max))

    def __bool__(self) -> bool:
        return bool(self._starts)

    def covers(self, start: int, end: int) -> bool:
        index = bisect.bisect_right(self._starts, start)
        return index > 0 and self._reach[index - 1] >= end
