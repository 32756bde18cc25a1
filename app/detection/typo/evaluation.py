"""Scoring a checker on Chinese spelling-check test files, the way the field reports it.

Files are in the ECSpell / SIGHAN line format `n<TAB>wrong sentence<TAB>correct sentence` (the two sentences
of equal length; n is ignored). For each sentence the gold error positions are where the two differ; the
checker's flagged positions are, for each hit, the characters its first suggestion changes (the whole span
when the suggestion has another length).
- Detection (lenient): a sentence with errors is detected when a hit covers one of its error positions.
- Detection (strict): the flagged positions equal the gold positions.
- Correction: the strict detection holds and applying the suggestions gives the correct sentence.
Sentence-level precision = true positives / sentences with any hit; recall = true positives / sentences with
errors; F1 their harmonic mean. The false-alarm rate is the share of correct sentences with any hit; the
character-level recall is the share of gold error characters covered by a hit."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.detection.hit import Hit


class CscFormatError(ValueError):
    pass


@dataclass(frozen=True)
class CscPair:
    wrong: str
    right: str

    @property
    def errors(self) -> set[int]:
        return {i for i, (a, b) in enumerate(zip(self.wrong, self.right, strict=True)) if a != b}


def read_pairs(path: Path) -> list[CscPair]:
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 3 or len(parts[1]) != len(parts[2]):
            raise CscFormatError(f"{path.name} 第 {number} 行不是“编号<TAB>错句<TAB>正句”（两句等长）的格式")
        pairs.append(CscPair(parts[1], parts[2]))
    return pairs


@dataclass(frozen=True)
class Ratio:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass(frozen=True)
class CscScore:
    sentences: int
    with_errors: int
    detection: Ratio
    detection_strict: Ratio
    correction: Ratio
    false_alarm_rate: float
    char_recall: float
    sentences_per_second: float


def flagged(hit: Hit) -> tuple[set[int], dict[int, str]]:
    """Positions a hit claims are wrong, and what its first suggestion puts there."""
    suggestion = hit.suggestions[0] if hit.suggestions else None
    if suggestion is not None and len(suggestion) == hit.end - hit.start:
        changed = {hit.start + i: c for i, c in enumerate(suggestion) if c != hit.text[i]}
        if changed:
            return set(changed), changed
    return set(range(hit.start, hit.end)), {}


def score(pairs: Sequence[CscPair], check: Callable[[str], Iterable[Hit]]) -> CscScore:
    predicted = detected = strict = corrected = false_alarms = correct_sentences = 0
    gold_chars = covered_chars = 0
    started = time.perf_counter()
    for pair in pairs:
        hits = list(check(pair.wrong))
        positions: set[int] = set()
        fixes: dict[int, str] = {}
        covered: set[int] = set()
        for hit in hits:
            where, what = flagged(hit)
            positions |= where
            fixes.update(what)
            covered |= set(range(hit.start, hit.end))
        gold = pair.errors
        if hits:
            predicted += 1
        if not gold:
            correct_sentences += 1
            false_alarms += bool(hits)
            continue
        gold_chars += len(gold)
        covered_chars += len(gold & covered)
        if gold & covered:
            detected += 1
        if positions == gold:
            strict += 1
            if all(fixes.get(i) == pair.right[i] for i in gold):
                corrected += 1
    elapsed = time.perf_counter() - started
    with_errors = len(pairs) - correct_sentences

    def ratio(hits: int) -> Ratio:
        return Ratio(hits / predicted if predicted else 0.0, hits / with_errors if with_errors else 0.0)

    return CscScore(
        sentences=len(pairs),
        with_errors=with_errors,
        detection=ratio(detected),
        detection_strict=ratio(strict),
        correction=ratio(corrected),
        false_alarm_rate=false_alarms / correct_sentences if correct_sentences else 0.0,
        char_recall=covered_chars / gold_chars if gold_chars else 0.0,
        sentences_per_second=len(pairs) / elapsed if elapsed else 0.0,
    )
