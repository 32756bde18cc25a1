"""The confusion set: which characters an input method or a tired eye puts in place of which, and how likely.

Built from pypinyin's readings (homophones with tones ignored, and the near pairs of input-method slips:
zh/z, ch/c, sh/s, n/l, in/ing, en/eng, an/ang) and from pycorrector's `same_pinyin.txt` and
`same_stroke.txt` (Apache-2.0). Stored as one TSV line per character: the character, then `candidate:kind`
pairs. Each kind carries a prior (log-odds) that ranks a same-sound slip above a near-sound or look-alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.detection.typo.model import RESERVED, Vocabulary

# Prior log-odds of each kind of slip: pinyin input makes exact homophones most likely.
PRIORS = {"same": 0.0, "tone": -0.7, "near": -2.5, "shape": -2.0}
KIND_LABELS = {"same": "同音", "tone": "音近（声调不同）", "near": "音近", "shape": "形近"}
_NEAR_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"), ("f", "h"), ("r", "l"))
_NEAR_FINALS = (("ing", "in"), ("eng", "en"), ("ang", "an"), ("uang", "uan"), ("iang", "ian"))


def _variants(syllable: str) -> set[str]:
    out = set()
    for a, b in _NEAR_INITIALS:
        for x, y in ((a, b), (b, a)):
            if (
                syllable.startswith(x)
                and not (x == "z" and syllable.startswith("zh"))
                and not (x == "c" and syllable.startswith("ch"))
                and not (x == "s" and syllable.startswith("sh"))
            ):
                out.add(y + syllable[len(x) :])
    for a, b in _NEAR_FINALS:
        for x, y in ((a, b), (b, a)):
            if syllable.endswith(x) and not (x == "an" and syllable.endswith(("ian", "uan"))):
                out.add(syllable[: -len(x)] + y)
    out.discard(syllable)
    return out


def stroke_neighbours(orders: dict[str, str], chars: Iterable[str]) -> dict[str, set[str]]:
    """Look-alikes: characters whose stroke-order sequences are at most one deletion apart from a shared form
    (substitution, insertion or deletion of one stroke), found by symmetric-deletion keys, not pairwise."""
    buckets: dict[str, set[str]] = {}
    for char in chars:
        order = orders.get(char)
        if not order or len(order) < 4:
            continue
        keys = {order} | {order[:i] + order[i + 1 :] for i in range(len(order))}
        for key in keys:
            buckets.setdefault(key, set()).add(char)
    out: dict[str, set[str]] = {}
    for group in buckets.values():
        if 1 < len(group) <= 40:
            for char in group:
                out.setdefault(char, set()).update(group - {char})
    return out


def is_simplified(char: str) -> bool:
    """Whether OpenCC leaves the character as it is: a traditional or variant form is the same character in
    another script (normalisation's business), never an input-method slip to correct."""
    import opencc

    global _t2s
    if _t2s is None:
        _t2s = opencc.OpenCC("t2s")
    return _t2s.convert(char) == char


_t2s = None


def build_confusions(
    chars: Iterable[str],
    same_pinyin: Path | None,
    same_stroke: Path | None,
    stroke_orders: dict[str, str] | None = None,
) -> dict[str, dict[str, str]]:
    """char → {candidate: kind} over the given characters (the model's vocabulary)."""
    from pypinyin import Style, pinyin

    chars = sorted(c for c in set(chars) if is_simplified(c))
    allowed = set(chars)
    toned: dict[str, set[str]] = {}
    for char in chars:
        readings = pinyin(char, style=Style.TONE3, heteronym=True, errors="ignore")
        toned[char] = {r for group in readings for r in group if r and r[-1].isdigit()}
    by_toned: dict[str, set[str]] = {}
    by_plain: dict[str, set[str]] = {}
    for char, readings in toned.items():
        for reading in readings:
            by_toned.setdefault(reading, set()).add(char)
            by_plain.setdefault(reading[:-1], set()).add(char)
    rank = {"same": 0, "tone": 1, "shape": 2, "near": 3}
    out: dict[str, dict[str, str]] = {}

    def add(char: str, other: str, kind: str) -> None:
        if other == char or other not in allowed or char not in allowed:
            return
        current = out.setdefault(char, {}).get(other)
        if current is None or rank[kind] < rank[current]:
            out[char][other] = kind

    for char, readings in toned.items():
        for reading in readings:
            for other in by_toned.get(reading, ()):
                add(char, other, "same")
            for other in by_plain.get(reading[:-1], ()):
                add(char, other, "tone")
            for near in _variants(reading[:-1]):
                for other in by_plain.get(near, ()):
                    add(char, other, "near")
    if same_pinyin is not None:
        for line in same_pinyin.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) < 2 or line.startswith("#"):
                continue
            for other in parts[1]:
                add(parts[0], other, "same")
            for other in parts[2] if len(parts) > 2 else "":
                add(parts[0], other, "tone")
    if same_stroke is not None:
        for line in same_stroke.read_text(encoding="utf-8").splitlines():
            group = [c for c in line.split("\t") if len(c) == 1]
            for a in group:
                for b in group:
                    add(a, b, "shape")
    if stroke_orders:
        for char, others in stroke_neighbours(stroke_orders, chars).items():
            for other in others:
                add(char, other, "shape")
    return {char: dict(sorted(cands.items())) for char, cands in sorted(out.items()) if cands}


def write_tsv(confusions: dict[str, dict[str, str]], path: Path) -> None:
    lines = [
        "\t".join([char, *(f"{other}:{kind}" for other, kind in cands.items())]) for char, cands in confusions.items()
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class ConfusionTable:
    """Candidates of each character id in CSR form, for vectorised expansion."""

    start: np.ndarray  # int64, len = ids + 1
    cand: np.ndarray  # int64 candidate ids
    prior: np.ndarray  # float32
    kind: np.ndarray  # int8 index into KINDS

    @classmethod
    def load(cls, path: Path, vocab: Vocabulary, usable: np.ndarray) -> ConfusionTable:
        """usable[id]: whether a candidate is common enough in the model to be proposed at all."""
        kinds = list(PRIORS)
        size = len(vocab.chars) + RESERVED
        rows: list[list[tuple[int, float, int]]] = [[] for _ in range(size)]
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if not parts or len(parts[0]) != 1:
                continue
            source = vocab.id(parts[0])
            if source < RESERVED:
                continue
            for item in parts[1:]:
                other, _, kind = item.partition(":")
                target = vocab.id(other) if len(other) == 1 else -1
                if target >= RESERVED and usable[target] and kind in PRIORS:
                    rows[source].append((target, PRIORS[kind], kinds.index(kind)))
        counts = np.array([len(r) for r in rows], dtype=np.int64)
        start = np.concatenate([[0], np.cumsum(counts)])
        flat = [item for row in rows for item in row]
        return cls(
            start=start,
            cand=np.array([t for t, _, _ in flat], dtype=np.int64),
            prior=np.array([p for _, p, _ in flat], dtype=np.float32),
            kind=np.array([k for _, _, k in flat], dtype=np.int8),
        )

    def expand(self, positions: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(position, candidate id, prior, kind) for every candidate of the characters at the positions."""
        lo = self.start[ids[positions]]
        n = self.start[ids[positions] + 1] - lo
        total = int(n.sum())
        if not total:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int8)
        owner = np.repeat(np.arange(len(positions)), n)
        offset = np.arange(total) - np.repeat(np.cumsum(n) - n, n)
        index = lo[owner] + offset
        return positions[owner], self.cand[index], self.prior[index], self.kind[index]


KINDS = tuple(PRIORS)
