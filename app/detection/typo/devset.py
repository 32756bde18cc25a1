"""The development set: real input-method slips injected into the slice of the corpus the model never saw
(`corpus.is_development`). Thresholds and weights are tuned here, never on an evaluation set.

Errors are made the way an editor makes them: mostly a same-sound character picked from the input method's
list (often one that forms another real word: 机制→机智), sometimes a near sound or a look-alike, one to
three per sentence."""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path

from app.detection.typo.evaluation import CscPair

KIND_WEIGHTS = {"same": 0.55, "tone": 0.2, "shape": 0.15, "near": 0.1}
ERRORS_PER_SENTENCE = ((1, 0.6), (2, 0.3), (3, 0.1))
# A word-based input method also picks a whole wrong word of the same reading (稳步→温补, 贸易→毛衣).
WORD_SLIP_SHARE = 0.15


def load_word_slips(path: Path) -> dict[str, list[str]]:
    """Two-character words → the words of the same toneless reading that differ in both characters
    (homophones.tsv)."""
    out: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("\t")
        if key.startswith("@"):
            continue
        words = [w for w in value.split() if len(w) == 2]
        for word in words:
            others = [w for w in words if w[0] != word[0] and w[1] != word[1]]
            if others:
                out[word] = others
    return out


def load_confusions(path: Path) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        for item in parts[1:]:
            other, _, kind = item.partition(":")
            out.setdefault(parts[0], {}).setdefault(kind, []).append(other)
    return out


def make_devset(
    sentences: Iterable[str],
    confusions: dict[str, dict[str, list[str]]],
    common: set[str],
    words: set[str],
    *,
    seed: int = 20261201,
    size: int = 4000,
    error_share: float = 0.5,
    word_slips: dict[str, list[str]] | None = None,
) -> list[CscPair]:
    """`size` sentences of 12–120 characters; about `error_share` of them with injected slips. `common` is
    the set of characters an editor's input method offers (the replacements); `words` a dictionary, to
    prefer slips that make another real word, as input methods do."""
    rng = random.Random(seed)
    pool = [s for s in sentences if 12 <= len(s) <= 120]
    rng.shuffle(pool)
    out = []
    for sentence in pool[:size]:
        if rng.random() >= error_share:
            out.append(CscPair(sentence, sentence))
            continue
        wrong = _inject(sentence, confusions, common, words, rng, word_slips or {})
        if wrong is not None:
            out.append(CscPair(wrong, sentence))
    return out


def _inject(
    sentence: str,
    confusions: dict[str, dict[str, list[str]]],
    common: set[str],
    words: set[str],
    rng: random.Random,
    word_slips: dict[str, list[str]],
) -> str | None:
    count = rng.choices([n for n, _ in ERRORS_PER_SENTENCE], [w for _, w in ERRORS_PER_SENTENCE])[0]
    chars = list(sentence)
    done: list[int] = []
    if word_slips and rng.random() < WORD_SLIP_SHARE:
        starts = [i for i in range(len(chars) - 1) if chars[i] + chars[i + 1] in word_slips]
        if starts:
            i = rng.choice(starts)
            other = rng.choice(word_slips[chars[i] + chars[i + 1]])
            chars[i], chars[i + 1] = other[0], other[1]
            done += [i, i + 1]
    positions = [i for i, c in enumerate(chars) if c in confusions]
    rng.shuffle(positions)
    for position in positions:
        if position in done:
            continue
        if len(done) >= count:
            break
        if any(abs(position - other) < 2 for other in done):
            continue
        options = confusions[chars[position]]
        kinds = [k for k in KIND_WEIGHTS if options.get(k)]
        if not kinds:
            continue
        kind = rng.choices(kinds, [KIND_WEIGHTS[k] for k in kinds])[0]
        choices = [c for c in options[kind] if c in common]
        if not choices:
            continue
        real = [c for c in choices if _makes_word(chars, position, c, words)]
        chars[position] = rng.choice(real) if real and rng.random() < 0.5 else rng.choice(choices)
        done.append(position)
    return "".join(chars) if done else None


def _makes_word(chars: list[str], position: int, char: str, words: set[str]) -> bool:
    left = "".join(chars[max(0, position - 1) : position])
    right = "".join(chars[position + 1 : position + 2])
    return (left + char) in words or (char + right) in words


def write_pairs(pairs: list[CscPair], path: Path) -> None:
    lines = [f"{sum(a != b for a, b in zip(p.wrong, p.right, strict=True))}\t{p.wrong}\t{p.right}" for p in pairs]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
