"""Tune the typo layer on the development slice, never on an evaluation set.

    .venv/bin/python bench/typo_dev.py --source xwlb=… --source laws=… --source reports=… \
        --held-out ../shared/corpus/official --held-out path/to/ECSpell/Data/domains_data [--work DIR]

1. Collects the development slice: the corpus sentences `corpus.is_development` keeps out of the model (the
   same readers and held-out filter as `cuomin model build`), cached in --work.
2. Injects input-method slips into 4,000 of them (`devset.make_devset`, half left correct) and keeps another
   600,000 characters of untouched development sentences as proofread prose.
3. Prints, for a sweep of margins, the layer's own CSC scores on the injected set and its hits per
   100,000 characters of the prose: the curve the two operating points are chosen from.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import DEFAULT_LEXICON_DIR  # noqa: E402
from app.detection.hit import Hit  # noqa: E402
from app.detection.typo import corpus  # noqa: E402
from app.detection.typo.build import training_sentences  # noqa: E402
from app.detection.typo.devset import load_confusions, load_word_slips, make_devset, write_pairs  # noqa: E402
from app.detection.typo.evaluation import CscPair, read_pairs, score  # noqa: E402
from app.detection.typo.layer import TypoLayer  # noqa: E402

PROSE_CHARS = 600_000


def development_slice(sources: dict[str, list[Path]], held_out: list[Path], path: Path) -> list[str]:
    if not path.is_file():
        kept = [s for s in training_sentences(sources, held_out) if corpus.is_development(s)]
        path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line]


def as_hits(layer: TypoLayer, text: str, profile: str, margin: float) -> list[Hit]:
    return [
        Hit(f.start, f.end, f.wrong, "typo.lm", "常见错别字", "warning", "", (f.right,), "", "", f.confidence)
        for f in layer.find(text, profile, margin)
    ]


def calibrate(layer: TypoLayer, pairs: list[CscPair], prose: list[str], floor: float) -> tuple[float, float]:
    """(slope, intercept) of the logistic P(right | gain): a finding is right when it marks an injected slip
    and puts the right character there; every finding in the untouched prose is wrong. Fitted by Newton's
    method on every finding of at least `floor` (the lowest margin a profile uses)."""
    gains: list[float] = []
    right: list[bool] = []
    for pair in pairs:
        for f in layer.find(pair.wrong, "draft", floor):
            gains.append(f.gain)
            right.append(pair.right[f.start : f.end] == f.right and f.wrong != f.right)
    for text in prose:
        for f in layer.find(text, "draft", floor):
            gains.append(f.gain)
            right.append(False)
    x = np.column_stack([np.array(gains), np.ones(len(gains))])
    y = np.array(right, dtype=float)
    w = np.zeros(2)
    for _ in range(50):
        p = 1 / (1 + np.exp(-x @ w))
        step = np.linalg.solve(x.T @ (x * (p * (1 - p))[:, None]) + 1e-9 * np.eye(2), x.T @ (y - p))
        w += step
        if np.abs(step).max() < 1e-9:
            break
    return float(w[0]), float(w[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", action="append", default=[], metavar="KIND=DIR")
    parser.add_argument("--held-out", action="append", default=[], type=Path)
    parser.add_argument("--work", type=Path, default=Path(".cache/typo-dev"))
    parser.add_argument("--margins", default="6,8,9,10,11,12,14,16,18,20,22")
    parser.add_argument("--profile", default="draft")
    parser.add_argument(
        "--calibrate", type=float, metavar="GAIN", help="fit the confidence to findings of at least this gain"
    )
    parser.add_argument("--model", type=Path, default=DEFAULT_LEXICON_DIR / "data" / "typo", help="a model directory")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)

    sources: dict[str, list[Path]] = {}
    for value in args.source:
        kind, _, path = value.partition("=")
        sources.setdefault(kind, []).append(Path(path))
    dev = development_slice(sources, args.held_out, args.work / "dev.txt")
    pairs_path = args.work / "devset-v2.tsv"
    if not pairs_path.is_file():
        confusions = load_confusions(args.model / "confusion.tsv")
        common = set(confusions)
        import jieba

        with jieba.get_dict_file() as handle:
            words = {line.decode("utf-8").split(" ")[0] for line in handle}
        slips = load_word_slips(args.model / "homophones.tsv")
        write_pairs(make_devset(dev[::2], confusions, common, words, word_slips=slips), pairs_path)
    pairs = read_pairs(pairs_path)
    prose, size = [], 0
    for sentence in dev[1::2]:
        prose.append(sentence)
        size += len(sentence)
        if size >= PROSE_CHARS:
            break
    print(f"development: {len(dev):,} sentences; injected set {len(pairs):,}; prose {size:,} characters")

    layer = TypoLayer.load(args.model)
    if args.calibrate is not None:
        slope, intercept = calibrate(layer, pairs, prose, args.calibrate)
        print(
            f"calibration (gain >= {args.calibrate:g}): "
            f"CALIBRATION_SLOPE, CALIBRATION_INTERCEPT = {slope:.3f}, {intercept:.3f}"
        )
    for margin in (float(m) for m in args.margins.split(",")):
        started = time.perf_counter()
        s = score(pairs, lambda text, m=margin: as_hits(layer, text, args.profile, m))
        hits = sum(len(layer.find(text, args.profile, margin)) for text in prose)
        print(
            f"margin {margin:5.1f}: detection F1 {s.detection.f1:.3f} (P {s.detection.precision:.3f} "
            f"R {s.detection.recall:.3f}) strict {s.detection_strict.f1:.3f} correction {s.correction.f1:.3f} "
            f"FAR {s.false_alarm_rate:.3f} | prose {hits / size * 1e5:5.1f}/100k "
            f"({time.perf_counter() - started:.1f} s)"
        )


if __name__ == "__main__":
    main()
