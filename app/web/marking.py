"""A stored text cut into pieces around its hits, for a page that marks them (the full-article view)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Piece:
    text: str
    hit: Any = None  # the hit this piece is, or None for plain text


def pieces(text: str, hits: Iterable[Any]) -> list[Piece]:
    """text in order, each hit's span its own piece; a hit overlapping an earlier one is left unmarked
    (it is still listed beside the text)."""
    out: list[Piece] = []
    at = 0
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if hit.start < at or hit.end > len(text):
            continue
        if hit.start > at:
            out.append(Piece(text[at : hit.start]))
        out.append(Piece(text[hit.start : hit.end], hit))
        at = hit.end
    if at < len(text):
        out.append(Piece(text[at:]))
    return out
