"""Training text for the model: readers for the public corpora named in lexicons/model/SOURCES.md, and the
held-out filter that keeps every evaluation text (and any sentence sharing a long span with one) out."""

from __future__ import annotations

import html
import json
import re
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

# The last day of text the model may learn from: everything later is kept for measuring.
LAST_YEAR = 2024
# A training sentence sharing this many consecutive characters with a held-out text is dropped.
SHARED_SPAN = 20

_TAG = re.compile(r"<[^>]+>")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|\n+")
_FIRST_DATE = re.compile(r"((?:19|20)\d\d)年\d{1,2}月\d{1,2}日")
_TITLE_YEAR = re.compile(r"((?:19|20)\d\d)年")


def sentences(text: str) -> Iterator[str]:
    for piece in _SENTENCE_END.split(text):
        piece = piece.strip()
        if len(piece) >= 4:
            yield piece


def read_xwlb(root: Path) -> Iterator[str]:
    """新闻联播 transcripts (china-data/xwlb, assets/YYYY/YYYYMMDD.json), up to the last training year."""
    for path in sorted((root / "assets").glob("*/*.json")):
        if int(path.stem[:4]) > LAST_YEAR:
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        for item in data.get("videoList") or ():
            content = (item.get("video_detail") or {}).get("content") or ""
            text = html.unescape(_TAG.sub("\n", content))
            text = text.replace("央视网消息（新闻联播）：", "")
            yield from sentences(text)


def read_laws(root: Path) -> Iterator[str]:
    """Statutes, regulations and judicial interpretations (LawRefBook/Laws, */*.md) dated up to the last year.
    A file without a date in its header is left out: it cannot be shown to predate the held-out years."""
    for path in sorted(root.glob("**/*.md")):
        if path.parent == root:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        head, _, body = text.partition("<!-- INFO END -->")
        dates = [int(year) for year in _FIRST_DATE.findall(head)]
        if not body or not dates or max(dates) > LAST_YEAR:
            continue
        body = re.sub(r"^#+\s*", "", body, flags=re.M)
        yield from sentences(body)


def read_reports(root: Path) -> Iterator[str]:
    """Government work and party congress reports (aldohemsn/chinese-political-corpora, *.jsonl) up to the last
    year. The measured reports (../shared/corpus/official) are removed by the held-out filter."""
    for path in sorted(root.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            years = [int(y) for y in _TITLE_YEAR.findall(item.get("title", ""))]
            if years and max(years) > LAST_YEAR:
                continue
            yield from sentences(item.get("content", ""))


READERS = {"xwlb": read_xwlb, "laws": read_laws, "reports": read_reports}


def is_development(sentence: str) -> bool:
    """One sentence in fifty (by content, so repeats of a sentence go together) never enters the model: the
    development slice on which errors are injected and thresholds tuned, never the evaluation sets."""
    return zlib.crc32(sentence.encode("utf-8")) % DEV_MODULUS == 0


DEV_MODULUS = 50


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def _span_hashes(codes: np.ndarray, span: int = SHARED_SPAN) -> np.ndarray:
    """A 64-bit polynomial hash of every span of the given length (vectorised, wrapping arithmetic)."""
    if len(codes) < span:
        return np.zeros(0, dtype=np.uint64)
    count = len(codes) - span + 1
    value = np.zeros(count, dtype=np.uint64)
    base = np.uint64(1_000_003)
    with np.errstate(over="ignore"):
        for k in range(span):
            value = value * base + codes[k : k + count]
    return value


class HeldOut:
    """Every span of SHARED_SPAN characters of the held-out texts: a sentence containing one is evaluation text."""

    def __init__(self, texts: Iterable[str]) -> None:
        parts = [_span_hashes(_codes(re.sub(r"\s+", "", t))) for t in texts]
        self.hashes = np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.uint64)

    @classmethod
    def from_paths(cls, paths: Iterable[Path]) -> HeldOut:
        texts = []
        for path in paths:
            for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
                if file.is_file() and file.suffix in {".txt", ".test", ".tsv", ".md", ".json", ".jsonl"}:
                    texts.append(file.read_text(encoding="utf-8", errors="replace"))
        return cls(texts)

    def filter(self, items: Iterable[str], batch: int = 20_000) -> Iterator[str]:
        """The sentences that share no held-out span (checked in batches, vectorised)."""
        buffer: list[str] = []
        for sentence in items:
            buffer.append(sentence)
            if len(buffer) >= batch:
                yield from self._clean(buffer)
                buffer = []
        yield from self._clean(buffer)

    def _clean(self, batch: list[str]) -> Iterator[str]:
        if not len(self.hashes):
            yield from batch
            return
        joined = "\x00".join(re.sub(r"\s+", "", s) for s in batch)
        hashes = _span_hashes(_codes(joined))
        bad_starts = np.flatnonzero(np.isin(hashes, self.hashes))
        if not len(bad_starts):
            yield from batch
            return
        lengths = np.array([len(re.sub(r"\s+", "", s)) + 1 for s in batch])
        owner = np.searchsorted(np.cumsum(lengths), bad_starts, side="right")
        dropped = set(owner.tolist())
        for index, sentence in enumerate(batch):
            if index not in dropped:
                yield sentence
