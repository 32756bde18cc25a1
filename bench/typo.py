"""The statistical typo layer, measured in one run.

    .venv/bin/python bench/typo.py [--odw path/to/ECSpell/Data/domains_data/odw.test] [--seconds N]

Prints: EC-ODW scores of the whole engine at both profiles, as of the date the sentences were written (no
later than the data set's first commit) and as of today (the test file comes from aopolin-lv/ECSpell and
stays out of this repository: without --odw that section is skipped, saying so); typo hits per 100,000
characters of proofread prose the model never saw (../shared/corpus/official, held out of training); the
throughput of the full check on 3,000-character articles with and without the layer (the baseline, in the
same run); the model's load time from its cache and from the file, and the resident memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import DEFAULT_LEXICON_DIR  # noqa: E402
from app.detection.detector import PROFILES, Detector  # noqa: E402
from app.detection.typo.evaluation import read_pairs, score  # noqa: E402
from app.detection.typo.layer import TypoLayer  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "official"
ARTICLE_CHARS = 3000
# ECSpell's first commit (aopolin-lv/ECSpell, 2022-02-15) holds odw.test: its sentences are no younger.
ODW_WRITTEN = dt.date(2022, 2, 15)


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def throughput(detector: Detector, texts: list[str], seconds: float, **kwargs) -> float:
    for text in texts[:20]:
        detector.check(text, **kwargs)
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for text in texts:
            detector.check(text, **kwargs)
        done += len(texts)
    return done / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--odw", type=Path, help="ECSpell Data/domains_data/odw.test")
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()

    model_dir = DEFAULT_LEXICON_DIR / "data" / "typo"
    size = sum(p.stat().st_size for p in model_dir.iterdir()) / 2**20
    print(f"model files: {size:.1f} MB in git")
    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        TypoLayer.load(model_dir, Path(cache))
        cold = time.perf_counter() - started
        started = time.perf_counter()
        TypoLayer.load(model_dir, Path(cache))
        warm = time.perf_counter() - started
    print(f"typo layer load: {cold:.2f} s from the file (first start), {warm:.3f} s from its cache")

    before = rss_mb()
    with_layer = Detector.from_dir(DEFAULT_LEXICON_DIR)
    print(f"detector with the layer: RSS {rss_mb():.0f} MB (+{rss_mb() - before:.0f} MB)")
    without = Detector.from_dir(DEFAULT_LEXICON_DIR, typo="off")

    if args.odw:
        pairs = read_pairs(args.odw)
        # The sentences were written before the data set was published: date-bound rules (agency names,
        # anniversaries, leaders' offices) judge them as of then, and, for comparison, as of today.
        for label, date in (("as written", ODW_WRITTEN), ("today", None)):
            for profile in PROFILES:
                s = score(pairs, lambda text, p=profile, d=date: with_layer.check(text, date=d, profile=p))
                print(
                    f"EC-ODW {profile:10} ({label}): detection F1 {s.detection.f1:.3f} "
                    f"(P {s.detection.precision:.3f} R {s.detection.recall:.3f}), strict "
                    f"{s.detection_strict.f1:.3f}, correction {s.correction.f1:.3f}, false alarms "
                    f"{s.false_alarm_rate:.3f}, char recall {s.char_recall:.3f}, "
                    f"{s.sentences_per_second:.0f} sentences/s"
                )
        s = score(pairs, lambda text: without.check(text, date=ODW_WRITTEN))
        print(f"EC-ODW without layer: detection F1 {s.detection.f1:.3f}, false alarms {s.false_alarm_rate:.3f}")
    else:
        print("EC-ODW: skipped (give --odw path/to/ECSpell/Data/domains_data/odw.test)")

    texts: list[str] = []
    if CORPUS.is_dir():
        for path in sorted(CORPUS.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            year = int(path.stem[-4:]) if path.stem[-4:].isdigit() else 2022
            for profile in PROFILES:
                hits = [
                    h
                    for h in with_layer.check(text, date=dt.date(year, 12, 31), profile=profile)
                    if h.rule_id == "typo.lm"
                ]
                print(f"prose {path.name:32} {profile:10}: {len(hits) / len(text) * 1e5:5.1f} typo hits/100k chars")
            texts += [text[i : i + ARTICLE_CHARS] for i in range(0, len(text) - ARTICLE_CHARS + 1, ARTICLE_CHARS)]
        base = throughput(without, texts, args.seconds)
        full = throughput(with_layer, texts, args.seconds)
        insp = throughput(with_layer, texts, args.seconds, profile="inspection")
        print(
            f"full check, 3,000-char articles: without layer {base:.0f}/s, with layer {full:.0f}/s "
            f"(draft; ratio {full / base:.2f}), inspection {insp:.0f}/s"
        )
    else:
        print(f"prose and throughput: skipped ({CORPUS} not found)")


if __name__ == "__main__":
    main()
