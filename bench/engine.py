"""Engine throughput against bare pyahocorasick, measured in one run on official prose.

    .venv/bin/python bench/engine.py [--corpus DIR] [--seconds N]

Prints articles/s and MB/s of the full check on 3,000-character articles, the same for a bare
pyahocorasick iter() over the same texts with the same terms, their ratio, and the build time and
memory of the shipped lexicon and of a synthetic 100,000-term lexicon.

Then the pathological row: a text made only of near misses (`("习平近" * n)[:n]`, one every three
characters) at 10k, 100k and 200k characters, as seconds per 10,000 characters beside ordinary prose of
the same lengths. The engine is linear and bounds the hits per text, so the figure must not grow with
the length (it was 1 s at 10k and 18 s at 200k per 10k characters, quadratic, before).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import sys
import time
from pathlib import Path

import ahocorasick

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import DEFAULT_LEXICON_DIR  # noqa: E402
from app.detection.automaton import Automaton  # noqa: E402
from app.detection.detector import Detector  # noqa: E402
from app.detection.lexicon import Entry, Examples, Lexicon, Rule  # noqa: E402
from app.detection.segment import tokenizer  # noqa: E402

ARTICLE_CHARS = 3000


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def articles(corpus: Path) -> list[str]:
    texts = []
    for path in sorted(corpus.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        texts += [text[i : i + ARTICLE_CHARS] for i in range(0, len(text) - ARTICLE_CHARS + 1, ARTICLE_CHARS)]
    return texts


def rate(label: str, work, texts: list[str], seconds: float) -> float:
    """Run work over all texts repeatedly for about `seconds`; print and return articles/s."""
    size_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    for text in texts[:50]:
        work(text)  # warm-up
    rounds, started = 0, time.perf_counter()
    while True:
        for text in texts:
            work(text)
        rounds += 1
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            break
    per_s = rounds * len(texts) / elapsed
    print(f"{label:<28} {per_s:>10,.0f} articles/s {rounds * size_mb / elapsed:>9.1f} MB/s")
    return per_s


def bare_automaton(detector: Detector) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for term, items in detector.terms.items():
        automaton.add_word(term, items)
    automaton.make_automaton()
    return automaton


def synthetic_lexicon(n: int) -> Lexicon:
    rng = random.Random(7)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    examples = Examples.model_validate({"bad": ["[[x]]"], "good": ["y"]})
    terms: set[str] = set()
    while len(terms) < n:
        terms.add("".join(rng.choices(alphabet, k=rng.randint(2, 6))))
    rules = tuple(
        Rule(
            spec=Entry(
                id=f"syn.t{i}", term=term, suggest=[], severity="info", message="合成", source="合成", examples=examples
            ),
            category="敏感词",
            file="synthetic.yaml",
        )
        for i, term in enumerate(sorted(terms))
    )
    return Lexicon(rules=rules, version="synthetic", directory=Path("."))


def build_figures(label: str, make) -> Detector:
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    detector = make()
    elapsed = time.perf_counter() - started
    stats = detector._automaton.stats()
    print(
        f"{label:<28} build {elapsed * 1000:>8.0f} ms   automaton {stats['total_size'] / 2**20:>6.1f} MiB"
        f"   process +{rss_mb() - before:,.0f} MiB   terms {len(detector.terms):,}"
    )
    return detector


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "official")
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    texts = articles(args.corpus)
    if not texts:
        sys.exit(f"no *.txt of {ARTICLE_CHARS}+ characters in {args.corpus}")
    tokenizer()
    print(f"corpus: {len(texts)} articles of {ARTICLE_CHARS} characters from {args.corpus}\n")

    detector = build_figures("shipped lexicon", lambda: Detector.from_dir(DEFAULT_LEXICON_DIR))
    build_figures("synthetic 100,000 terms", lambda: Detector(synthetic_lexicon(100_000)))
    print()

    bare = bare_automaton(detector)
    units = Automaton()
    for term in detector.terms:
        units.add(term, term)
    units.build()
    without_near = Detector(detector.lexicon, near_miss=False)
    # The lexicon layers alone: the statistical typo layer has its own bench (bench/typo.py).
    lexicon_only = Detector(detector.lexicon, typo="off")

    def bare_iter(text: str) -> None:
        for _ in bare.iter(text):
            pass

    def units_iter(text: str) -> None:
        for _ in units.iter(text):
            pass

    date = dt.date(2025, 3, 5)
    bare_rate = rate("bare pyahocorasick iter()", bare_iter, texts, args.seconds)
    units_rate = rate("bare, on UTF-16 units", units_iter, texts, args.seconds)
    off_rate = rate("full check, near-miss off", lambda t: without_near.check(t, date=date), texts, args.seconds)
    lexicon_rate = rate("full check, typo layer off", lambda t: lexicon_only.check(t, date=date), texts, args.seconds)
    full_rate = rate("full check", lambda t: detector.check(t, date=date), texts, args.seconds)
    hits = sum(len(detector.check(t, date=date)) for t in texts)
    print(f"\nratio full/bare:              {full_rate / bare_rate:.2f} (targets: >= 0.50, >= 0.33 with near-miss)")
    print(f"ratio near-miss off/bare:     {off_rate / bare_rate:.2f}")
    print(f"ratio typo layer off/bare:    {lexicon_rate / bare_rate:.2f} (the lexicon layers on the same terms)")
    print(f"ratio full/bare UTF-16 units: {full_rate / units_rate:.2f} (the engine's automaton, lexicon terms)")
    print(f"hits in the corpus (all dated {date}): {hits}")
    pathological(detector, "".join(texts), date)


PATHOLOGICAL_LENGTHS = (10_000, 100_000, 200_000)


def pathological(detector: Detector, prose: str, date: dt.date) -> None:
    """Seconds per 10,000 characters of a flood of near misses, against ordinary prose of the same length."""
    print("\npathological input: seconds per 10,000 characters (must stay flat as the text grows)")
    print(f"{'characters':>12} {'prose':>10} {'习平近 flood':>14} {'hits':>6} {'cut at':>8}")
    while len(prose) < max(PATHOLOGICAL_LENGTHS):
        prose += prose
    for n in PATHOLOGICAL_LENGTHS:
        flood = ("习平近" * n)[:n]
        started = time.perf_counter()
        detector.check(prose[:n], date=date)
        plain = time.perf_counter() - started
        started = time.perf_counter()
        found = detector.check_text(flood, date=date)
        hostile = time.perf_counter() - started
        print(
            f"{n:>12,} {plain / n * 10_000:>10.3f} {hostile / n * 10_000:>14.3f} {len(found.hits):>6}"
            f" {found.cut_at if found.cut_at is not None else '-':>8}"
        )


if __name__ == "__main__":
    main()
