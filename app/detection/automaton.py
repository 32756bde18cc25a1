"""pyahocorasick over UTF-16 code units, with offsets in characters.

pyahocorasick finds a node's child by a linear scan of its children, so a Chinese lexicon, whose
keys start with thousands of different characters, makes every step at the root scan thousands of
entries: ten thousand keys run ten times slower than a hundred. Matching the big-endian UTF-16 bytes
instead (each as one Latin-1 character) bounds every node at 256 children and keeps the automaton
fast however large the lexicon grows. Encoding is one C call; a match maps back by halving its
offset. The iterator is iter(), never iter_long(), which misses matches (upstream #133, #185).

The automaton itself stores only integers (a key's index); the values live beside it. Pickled, the
integer automaton loads in milliseconds, and each value is kept as its own small pickle that is
decoded the first time a text matches its key: a process that checks one draft (`cuomin check`)
decodes a handful of the tens of thousands of values instead of rebuilding every one of them.
"""

from __future__ import annotations

import bisect
import pickle
import re
from collections.abc import Iterator
from typing import Any

import ahocorasick

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _units(text: str) -> str:
    return text.encode("utf-16-be", "surrogatepass").decode("latin-1")


# Values pickled together, so that a chunk decodes in well under a millisecond and objects shared
# between neighbouring keys are stored once.
_CHUNK = 64


class _Values(dict[int, Any]):
    """Index → value, each chunk of values unpickled on the first use of one of them (dict's __missing__
    keeps the lookup of an already decoded value at C speed on the matching path)."""

    def __init__(self, chunks: list[bytes] | None = None) -> None:
        super().__init__()
        self._chunks = chunks or []

    def __missing__(self, index: int) -> Any:
        chunk = index // _CHUNK
        base = chunk * _CHUNK
        for offset, value in enumerate(pickle.loads(self._chunks[chunk])):
            self[base + offset] = value
        return dict.__getitem__(self, index)

    def decode_all(self) -> None:
        for chunk in range(len(self._chunks)):
            self[chunk * _CHUNK]


class Automaton:
    def __init__(self) -> None:
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        self._values = _Values()

    def add(self, key: str, value: Any) -> None:
        units = _units(key)
        index = self._automaton.get(units, None)
        if index is None:
            index = len(self._automaton)
            self._automaton.add_word(units, index)
        self._values[index] = value

    def __getstate__(self) -> dict[str, Any]:
        values = [self._values[i] for i in range(len(self._automaton))]
        chunks = [
            pickle.dumps(values[i : i + _CHUNK], protocol=pickle.HIGHEST_PROTOCOL)
            for i in range(0, len(values), _CHUNK)
        ]
        return {"automaton": self._automaton, "chunks": chunks}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._automaton = state["automaton"]
        self._values = _Values(state["chunks"])

    def build(self) -> None:
        self._automaton.make_automaton()

    def decode_all(self) -> None:
        """Every value decoded now: a server pays for it once at start, not in the first requests."""
        self._values.decode_all()

    def __len__(self) -> int:
        return len(self._automaton)

    def stats(self) -> dict[str, int]:
        stats: dict[str, int] = self._automaton.get_stats()
        return stats

    def iter(self, text: str) -> Iterator[tuple[int, Any]]:
        """(index of the last character, value) for every key found in text."""
        encoded = text.encode("utf-16-be", "surrogatepass")
        found = self._automaton.iter(encoded.decode("latin-1"))
        values = self._values
        if len(encoded) == 2 * len(text):
            # A match ending on an even byte began inside a character: not a real match.
            return ((end >> 1, values[index]) for end, index in found if end & 1)
        return self._iter_astral(text, ((end, values[index]) for end, index in found))

    @staticmethod
    def _iter_astral(text: str, found: Iterator[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
        # Characters beyond the BMP take two code units; shift offsets back past each of them.
        high_units = [m.start() + k for k, m in enumerate(_ASTRAL.finditer(text))]
        for end, value in found:
            if end & 1:
                unit = end >> 1
                yield unit - bisect.bisect_left(high_units, unit), value
