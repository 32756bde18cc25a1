"""`cuomin model build`: count the n-grams of the training corpora into the shipped model file.

Deterministic: the same sources give the same bytes (fixed zip timestamps, sorted keys), so a test can
rebuild a miniature model and compare it with a committed one."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from app.detection.typo import corpus
from app.detection.typo.model import (
    FORMAT,
    MAX_IDS,
    ORDER,
    RESERVED,
    Vocabulary,
    pack,
    quantize,
    word_keys,
)


@dataclass(frozen=True)
class BuildOptions:
    # n-grams seen fewer times than this are pruned (the model must stay small enough for git)
    min_counts: dict[int, int] = field(default_factory=lambda: {2: 2, 3: 2, 4: 3})
    min_word_freq: int = 3
    min_char_count: int = 5  # rarer characters fall into the model's "unknown" class


def is_cjk(char: str) -> bool:
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF


def build_model(
    sentences: Iterable[str],
    words: Iterable[tuple[str, int]],
    out: Path,
    *,
    options: BuildOptions | None = None,
    sources: list[str] | None = None,
    progress: Callable[[str], None] = lambda _message: None,
) -> dict[str, Any]:
    options = options or BuildOptions()
    text = "\n".join(sentences)
    progress(f"训练文本 {len(text):,} 字")
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    present, counts = np.unique(codes, return_counts=True)
    chars = [
        (int(count), chr(code))
        for code, count in zip(present.tolist(), counts.tolist(), strict=True)
        if count >= options.min_char_count and (is_cjk(chr(code)) or (code > 0x7F and not chr(code).isspace()))
    ]
    chars.sort(key=lambda item: (-item[0], item[1]))
    vocab_chars = "".join(sorted(char for _count, char in chars[: MAX_IDS - RESERVED]))
    vocab = Vocabulary.from_chars(vocab_chars)
    ids = vocab.encode(text)
    unigram = np.bincount(ids, minlength=RESERVED + len(vocab_chars)).astype(np.uint32)
    arrays: dict[str, np.ndarray] = {
        "chars": np.array([ord(c) for c in vocab_chars], dtype=np.uint32),
        "unigram": unigram,
    }
    stats: dict[str, int] = {}
    for order in range(2, ORDER + 1):
        keys, counts = np.unique(pack(ids, order), return_counts=True)
        keep = counts >= options.min_counts[order]
        keys, counts = keys[keep], counts[keep]
        arrays[f"keys{order}"] = np.diff(keys, prepend=np.uint64(0))
        arrays[f"vals{order}"] = quantize(counts)
        stats[f"ngrams{order}"] = len(keys)
        progress(f"{order} 元组 {len(keys):,} 个")
    wkeys, wvals = _word_table(vocab, words, options.min_word_freq)
    arrays["keysw"] = np.diff(wkeys, prepend=np.uint64(0))
    arrays["valsw"] = wvals
    stats["words"] = len(wkeys)
    meta = {
        "format": FORMAT,
        "total": int(unigram[RESERVED:].sum()),
        "characters": len(text),
        "vocabulary": len(vocab_chars),
        "min_counts": {str(k): v for k, v in options.min_counts.items()},
        "sources": sources or [],
        **stats,
    }
    arrays["meta"] = np.frombuffer(json.dumps(meta, ensure_ascii=False, sort_keys=True).encode(), dtype=np.uint8)
    write_npz(out, arrays)
    return meta


def _word_table(vocab: Vocabulary, words: Iterable[tuple[str, int]], min_freq: int) -> tuple[np.ndarray, np.ndarray]:
    best: dict[int, int] = {}
    for word, freq in words:
        if not 2 <= len(word) <= ORDER or freq < min_freq or not all(is_cjk(c) for c in word):
            continue
        ids = vocab.encode(word)
        if (ids < RESERVED).any():
            continue
        key = int(word_keys(pack(ids, len(word)))[0])
        best[key] = max(best.get(key, 0), freq)
    keys = np.array(sorted(best), dtype=np.uint64)
    freqs = np.array([best[int(k)] for k in keys], dtype=np.int64)
    return keys, quantize(freqs)


def jieba_words(path: Path | None = None) -> list[tuple[str, int]]:
    """jieba's dictionary (word, frequency): the word list of the model's word-frequency bonus."""
    if path is None:
        import jieba

        path = Path(jieba.__file__).parent / "dict.txt"
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit():
            out.append((parts[0], int(parts[1])))
    return out


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """np.savez_compressed with fixed timestamps and order: the same arrays always give the same bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in sorted(arrays):
            buffer = io.BytesIO()
            np.save(buffer, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue(), compresslevel=6)
    tmp.replace(path)


def training_sentences(sources: dict[str, list[Path]], held_out: list[Path]) -> Iterable[str]:
    """Every sentence of the named sources (reader → checkouts) that shares no span with held-out text."""
    filt = corpus.HeldOut.from_paths(held_out)

    def all_sentences() -> Iterable[str]:
        for kind, roots in sorted(sources.items()):
            for root in roots:
                yield from corpus.READERS[kind](root)

    return filt.filter(all_sentences())


def build_all(
    sources: dict[str, list[Path]],
    held_out: list[Path],
    out: Path,
    *,
    words: list[tuple[str, int]] | None = None,
    same_stroke: Path | None = None,
    stroke_orders: Path | None = None,
    four_corners: Path | None = None,
    stroke_counts: Path | None = None,
    options: BuildOptions | None = None,
    dev_out: Path | None = None,
    progress: Callable[[str], None] = lambda _message: None,
) -> dict[str, Any]:
    """The whole model directory: ngrams.npz from the corpora, confusion.tsv over the model's vocabulary."""
    from app.detection.typo.confusion import build_confusions, build_homophone_words, write_homophones, write_tsv

    sentences: list[str] = []
    development: list[str] = []
    for sentence in training_sentences(sources, held_out):
        (development if corpus.is_development(sentence) else sentences).append(sentence)
    if dev_out is not None:
        dev_out.write_text("\n".join(development) + "\n", encoding="utf-8")
    progress(f"训练句子 {len(sentences):,} 句（已剔除与留出文本共享 {corpus.SHARED_SPAN} 字片段的句子）")
    described = [f"{kind}:{path.name}" for kind, paths in sorted(sources.items()) for path in paths]
    # The homophone words below need the list too: without one given, `build_homophone_words(None, …)` failed.
    words = words if words is not None else jieba_words()
    meta = build_model(
        sentences,
        words,
        out / "ngrams.npz",
        options=options,
        sources=described,
        progress=progress,
    )
    with np.load(out / "ngrams.npz") as data:
        chars = [chr(c) for c in data["chars"].tolist() if is_cjk(chr(c))]
    orders = json.loads(stroke_orders.read_text(encoding="utf-8")) if stroke_orders else None
    corners = json.loads(four_corners.read_text(encoding="utf-8")) if four_corners else None
    strokes = json.loads(stroke_counts.read_text(encoding="utf-8")) if stroke_counts else None
    confusions = build_confusions(chars, None, same_stroke, orders, corners, strokes)
    write_tsv(confusions, out / "confusion.tsv")
    progress(f"混淆字集 {len(confusions):,} 字")
    syllables, readings = build_homophone_words(words, chars)
    write_homophones(syllables, readings, out / "homophones.tsv")
    progress(f"同音双字词 {len(readings):,} 组")
    return meta
