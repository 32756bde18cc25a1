"""The confusion set: which characters an input method or a tired eye puts in place of which, and how likely.

Built from pypinyin's readings (homophones with tones ignored, and the near pairs of input-method slips:
zh/z, ch/c, sh/s, n/l, in/ing, en/eng, an/ang) and from pycorrector's `same_pinyin.txt` and
`same_stroke.txt` (Apache-2.0). Stored as one TSV line per character: the character, then `candidate:kind`
pairs. Each kind carries a prior (log-odds) that ranks a same-sound slip above a near-sound or look-alike."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from app.detection.typo.model import RESERVED, Vocabulary

# Prior log-odds of each kind of slip: pinyin input makes exact homophones most likely.
PRIORS = {"same": 0.0, "tone": -0.7, "near": -2.5, "shape": -2.0}
KIND_LABELS = {"same": "同音", "tone": "同音异调", "near": "音近", "shape": "形近", "swap": "字序颠倒"}
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


def corner_neighbours(corners: dict[str, str], strokes: dict[str, int], chars: Iterable[str]) -> dict[str, set[str]]:
    """Look-alikes by the four-corner code (四角号码): characters with the same five-digit code (the shapes of
    their four corners and the extra stroke) and stroke counts at most one apart (己／已, 人／入, 侯／候, 拨／拔):
    the small strokes that tell them apart are the ones an eye misses or an OCR'd source loses. Short stroke
    sequences fall below `stroke_neighbours`, and one-stroke edits miss a changed component (筒／简)."""
    groups: dict[str, list[str]] = {}
    for char in chars:
        code = corners.get(char)
        if code and strokes.get(char):
            groups.setdefault(code, []).append(char)
    out: dict[str, set[str]] = {}
    for group in groups.values():
        for a in group:
            for b in group:
                if a != b and abs(strokes[a] - strokes[b]) <= MAX_CORNER_STROKES:
                    out.setdefault(a, set()).add(b)
    return out


MAX_CORNER_STROKES = 1


def is_simplified(char: str) -> bool:
    """Whether OpenCC leaves the character as it is: a traditional or variant form is the same character in
    another script (normalisation's business), never an input-method slip to correct."""
    import opencc

    global _t2s
    if _t2s is None:
        _t2s = opencc.OpenCC("t2s")
    converted: str = _t2s.convert(char)
    return converted == char


_t2s: Any = None  # opencc.OpenCC, made on first use (opencc is imported only then)


def build_confusions(
    chars: Iterable[str],
    same_pinyin: Path | None,
    same_stroke: Path | None,
    stroke_orders: dict[str, str] | None = None,
    corners: dict[str, str] | None = None,
    strokes: dict[str, int] | None = None,
) -> dict[str, dict[str, str]]:
    """char → {candidate: kind} over the given characters (the model's vocabulary)."""
    from pypinyin import Style, pinyin

    chars = sorted(c for c in set(chars) if is_simplified(c))
    allowed = set(chars)
    toned: dict[str, set[str]] = {}
    for char in chars:
        spelled = pinyin(char, style=Style.TONE3, heteronym=True, errors="ignore")
        toned[char] = {r for group in spelled for r in group if r and r[-1].isdigit()}
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
    looks = [stroke_neighbours(stroke_orders, chars)] if stroke_orders else []
    looks += [corner_neighbours(corners, strokes, chars)] if corners and strokes else []
    for neighbours in looks:
        for char, others in neighbours.items():
            for other in others:
                add(char, other, "shape")
    return {char: dict(sorted(cands.items())) for char, cands in sorted(out.items()) if cands}


def write_tsv(confusions: dict[str, dict[str, str]], path: Path) -> None:
    lines = [
        "\t".join([char, *(f"{other}:{kind}" for other, kind in cands.items())]) for char, cands in confusions.items()
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_tsv(path: Path) -> dict[str, dict[str, str]]:
    """What write_tsv wrote: char → {candidate: kind}."""
    out: dict[str, dict[str, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        char, *items = line.split("\t")
        out[char] = dict(item.rpartition(":")[::2] for item in items)
    return out


def shape_neighbours(path: Path) -> dict[str, frozenset[str]]:
    """The look-alikes (kind `shape`) of a confusion set; none when the file is absent."""
    if not path.is_file():
        return {}
    table = read_tsv(path)
    found = {char: frozenset(c for c, kind in cands.items() if kind == "shape") for char, cands in table.items()}
    return {char: shapes for char, shapes in found.items() if shapes}


@dataclass(frozen=True)
class ConfusionTable:
    """Candidates of each character id in CSR form, for vectorised expansion."""

    start: np.ndarray  # int64, len = ids + 1
    cand: np.ndarray  # int64 candidate ids
    prior: np.ndarray  # float32
    kind: np.ndarray  # int8 index into KINDS

    @classmethod
    def load(
        cls,
        path: Path,
        vocab: Vocabulary,
        frequency: np.ndarray,
        cache: Path | None = None,
        *,
        min_count: int = 20,
        limit: int = 24,
    ) -> ConfusionTable:
        """frequency[id]: ln count of each character in the model. A character seen fewer than `min_count`
        times is never proposed; each character keeps its `limit` likeliest candidates (by kind, then by
        frequency). The parsed table is kept in the model's cache directory (keyed by the file's digest and
        the two limits), so later starts skip the parsing."""
        usable = frequency >= np.log(min_count)
        if cache is None:
            return cls._parse(path, vocab, usable, frequency, limit)
        from app.detection.typo.model import known_digest

        stored = cache / f"confusion-{known_digest(path, cache)[:16]}-{min_count}-{limit}.npz"
        try:
            with np.load(stored) as data:
                table = cls(**{name: data[name] for name in ("start", "cand", "prior", "kind")})
            if len(table.start) == len(usable) + 1 and table.start[-1] == len(table.cand) == len(table.kind):
                return table
        except (OSError, ValueError, KeyError, EOFError):
            pass
        table = cls._parse(path, vocab, usable, frequency, limit)
        try:
            tmp = stored.with_name(f".tmp-{os.getpid()}-{stored.name}")
            np.savez(tmp, start=table.start, cand=table.cand, prior=table.prior, kind=table.kind)
            os.replace(tmp, stored)
        except OSError:
            pass
        return table

    @classmethod
    def _parse(
        cls, path: Path, vocab: Vocabulary, usable: np.ndarray, frequency: np.ndarray, limit: int
    ) -> ConfusionTable:
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
        rows = [sorted(row, key=lambda item: (-item[1], -frequency[item[0]], item[0]))[:limit] for row in rows]
        counts = np.array([len(r) for r in rows], dtype=np.int64)
        start = np.concatenate([[0], np.cumsum(counts)])
        flat = [item for row in rows for item in row]
        return cls(
            start=start,
            cand=np.array([t for t, _, _ in flat], dtype=np.int64),
            prior=np.array([p for _, p, _ in flat], dtype=np.float32),
            kind=np.array([k for _, _, k in flat], dtype=np.int8),
        )

    def expand_index(self, positions: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(slot in positions, row of this table) for every candidate of the characters at the positions."""
        lo = self.start[ids[positions]]
        n = self.start[ids[positions] + 1] - lo
        total = int(n.sum())
        if not total:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        owner = np.repeat(np.arange(len(positions)), n)
        offset = np.arange(total) - np.repeat(np.cumsum(n) - n, n)
        return owner, lo[owner] + offset


KINDS = tuple(PRIORS)

# Two-character words by their toneless reading: 稳步 for 温补, 贸易 for 毛衣 — whole-word homophone slips,
# which an input method makes when the editor picks the wrong candidate for a two-syllable entry.
MIN_HOMOPHONE_WORD_FREQ = 20
MAX_HOMOPHONES = 8


def build_homophone_words(
    words: Iterable[tuple[str, int]], chars: Iterable[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(reading of each character, words of each two-syllable reading), over simplified characters."""
    from pypinyin import Style, lazy_pinyin, pinyin

    allowed = {c for c in chars if is_simplified(c)}
    words = list(words)
    best: dict[str, int] = {}
    for word, freq in words:
        if len(word) == 2 and freq >= MIN_HOMOPHONE_WORD_FREQ and all(c in allowed for c in word):
            best[word] = max(best.get(word, 0), freq)
    by_reading: dict[str, list[tuple[int, str]]] = {}
    for word, freq in best.items():
        by_reading.setdefault(" ".join(lazy_pinyin(word)), []).append((-freq, word))
    readings = {key: [w for _f, w in sorted(items)[:MAX_HOMOPHONES]] for key, items in sorted(by_reading.items())}
    # An input method offers a character under the readings it has in use, not under every reading a
    # dictionary records (她 jie, 听 yin, 或 yu are archaic): its default reading and those it takes in the
    # words of the list. Every reading would pair 听其 with 以及 and 使她 with 世界.
    usual: dict[str, set[str]] = {}
    for word, freq in words:
        if freq >= MIN_HOMOPHONE_WORD_FREQ and len(word) >= 2:
            for char, reading in zip(word, lazy_pinyin(word), strict=False):
                usual.setdefault(char, set()).add(reading)
    syllables = {}
    for char in sorted(allowed):
        every = {r for group in pinyin(char, style=Style.NORMAL, heteronym=True) for r in group if r}
        found = sorted(every & (usual.get(char, set()) | set(lazy_pinyin(char))))
        if found:
            syllables[char] = found
    return syllables, readings


def write_homophones(syllables: dict[str, list[str]], readings: dict[str, list[str]], path: Path) -> None:
    lines = [f"@{char}\t{' '.join(found)}" for char, found in syllables.items()]
    lines += [f"{key}\t{' '.join(words)}" for key, words in readings.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


MEMO_LIMIT = 200_000


@dataclass(frozen=True)
class HomophoneWords:
    syllables: dict[int, tuple[str, ...]]  # char id → its toneless readings
    words: dict[str, tuple[tuple[int, int], ...]]  # "wen bu" → ((稳, 步), …) as ids
    # Written pairs recur from text to text: their candidates are found once (dict access is thread-safe).
    _memo: dict[tuple[int, int], tuple[tuple[int, int], ...]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls, path: Path, vocab: Vocabulary, cache: Path | None = None) -> HomophoneWords:
        """The table of the file, kept parsed in the model's cache directory (keyed by the file's digest):
        parsing thirty thousand lines costs a start most of a second."""
        if cache is None or not path.is_file():
            return cls._parse(path, vocab)
        import pickle

        from app.detection.typo.model import known_digest

        stored = cache / f"homophones-{known_digest(path, cache)[:16]}.pickle"
        try:
            with stored.open("rb") as handle:
                syllables, words = pickle.load(handle)
            if isinstance(syllables, dict) and isinstance(words, dict):
                return cls(syllables, words)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            pass
        table = cls._parse(path, vocab)
        try:
            tmp = stored.with_name(f".tmp-{os.getpid()}-{stored.name}")
            with tmp.open("wb") as handle:
                pickle.dump((table.syllables, table.words), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, stored)
        except OSError:
            pass
        return table

    @classmethod
    def _parse(cls, path: Path, vocab: Vocabulary) -> HomophoneWords:
        syllables: dict[int, tuple[str, ...]] = {}
        words: dict[str, tuple[tuple[int, int], ...]] = {}
        if not path.is_file():
            return cls(syllables, words)
        for line in path.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("\t")
            if key.startswith("@"):
                ident = vocab.id(key[1:])
                if ident >= RESERVED:
                    syllables[ident] = tuple(value.split())
            else:
                pairs = tuple((vocab.id(w[0]), vocab.id(w[1])) for w in value.split() if len(w) == 2)
                words[key] = tuple(p for p in pairs if min(p) >= RESERVED)
        return cls(syllables, words)

    def candidates(self, first: int, second: int) -> tuple[tuple[int, int], ...]:
        key = (first, second)
        known = self._memo.get(key)
        if known is not None:
            return known
        out: list[tuple[int, int]] = []
        for a in self.syllables.get(first, ()):
            for b in self.syllables.get(second, ()):
                out += [p for p in self.words.get(f"{a} {b}", ()) if p[0] != first and p[1] != second]
        if len(self._memo) >= MEMO_LIMIT:
            self._memo.clear()  # bounded: a long-running server meets ever new pairs of characters
        self._memo[key] = found = tuple(out)
        return found
