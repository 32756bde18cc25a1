"""The character n-gram model of official Chinese: vocabulary, counts of 1- to 4-grams and word frequencies.

In git the model is one compressed file (sorted keys delta-encoded); the first load expands it into hash
tables in a cache directory, keyed by the file's digest and the format version, and every later load maps
those tables from disk in milliseconds. A cache that does not match is rebuilt, never trusted."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.detection.typo import hashtable

FORMAT = 1
# layout of the cached tables: the hash tables (app/detection/typo/hashtable.py) and those derived from them
TABLE_FORMAT = 4
ORDER = 4
BITS = 13  # bits per character id: four ids fit one 64-bit key exactly, no hashing, no collisions
MAX_IDS = 1 << BITS
# Reserved ids. BOUNDARY joins sentences in training and stands for any character the model cannot see.
BOUNDARY, DIGIT, LATIN, UNKNOWN = 0, 1, 2, 3
RESERVED = 4
WORD_TAG = 7  # keys of words carry this tag above the n-gram bits; n-grams carry their order
TAG_SHIFT = np.uint64(60)
QUANT = 8.0  # stored value = round(ln(count) * QUANT) + 1, so 0 means "never seen"


class ModelError(Exception):
    """The model file is missing, unreadable or of another format; the message names the build command."""


def quantize(counts: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(np.log(np.maximum(counts, 1)) * QUANT) + 1, 1, 255).astype(np.uint8)  # type: ignore[no-any-return]


def dequantize(values: np.ndarray) -> np.ndarray:
    """ln(count) of stored values; -inf where the n-gram was never seen."""
    out = (values.astype(np.float32) - 1.0) / QUANT
    out[values == 0] = -np.inf
    return out


_LOG_COUNTS = dequantize(np.arange(256, dtype=np.uint8))  # of each stored value, read by indexing


def pack_windows(rows: np.ndarray, start: int, order: int, count: int) -> np.ndarray:
    """Keys of the n-grams of each row of ids that start at columns start … start+count-1: shape (rows, count)."""
    r64 = rows.astype(np.uint64)
    key = np.full((rows.shape[0], count), np.uint64(order) << TAG_SHIFT, dtype=np.uint64)
    for k in range(order):
        key |= r64[:, start + k : start + k + count] << np.uint64(BITS * (order - 1 - k))
    return key


def pack(ids: np.ndarray, order: int) -> np.ndarray:
    """Keys of every n-gram of the given order in a sequence of ids (one key per start position)."""
    count = len(ids) - order + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    return pack_windows(ids[None, :], 0, order, count)[0]  # type: ignore[no-any-return]


def word_keys(ids: np.ndarray) -> np.ndarray:
    """Keys of words: like n-grams of their length, with the word tag."""
    return (ids & ((np.uint64(1) << TAG_SHIFT) - np.uint64(1))) | (np.uint64(WORD_TAG) << TAG_SHIFT)


@dataclass(frozen=True)
class Vocabulary:
    chars: str  # the character of each id from RESERVED on
    table: np.ndarray  # code point → id (int16), for code points below len(table)

    @classmethod
    def from_chars(cls, chars: str) -> Vocabulary:
        table = np.full(0x30000, UNKNOWN, dtype=np.int16)
        table[:0x80] = BOUNDARY
        for digit in "0123456789０１２３４５６７８９":
            table[ord(digit)] = DIGIT
        for letter in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ":
            table[ord(letter)] = LATIN
            table[ord(letter) + 0xFEE0] = LATIN
        for index, char in enumerate(chars):
            table[ord(char)] = RESERVED + index
        return cls(chars, table)

    def encode(self, text: str) -> np.ndarray:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        inside = codes < len(self.table)
        ids = np.full(len(codes), UNKNOWN, dtype=np.int64)
        ids[inside] = self.table[codes[inside]]
        return ids

    def id(self, char: str) -> int:
        code = ord(char)
        return int(self.table[code]) if code < len(self.table) else UNKNOWN

    def char(self, ident: int) -> str:
        return self.chars[ident - RESERVED]


class NgramModel:
    """Counts by hash lookup. Immutable after loading; safe to share between threads."""

    def __init__(
        self,
        vocab: Vocabulary,
        unigram: np.ndarray,
        tables: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
        meta: dict[str, Any],
        bigrams: np.ndarray,
        bigram_values: np.ndarray,
        word_ends: tuple[np.ndarray, np.ndarray],
    ):
        self.vocab = vocab
        self.unigram = unigram  # ln(count) per id (float32), -inf where unseen
        self.tables = tables  # slots, slot values, stash keys, stash values
        self.size = len(unigram)
        # Which bigrams were seen, one bit each: a plain index instead of a hash probe, for the many
        # candidate checks that only ask "seen or not".
        self.bigrams = bigrams  # bigram_bits of the model's bigram keys
        # The stored value of every bigram by plain indexing: bigram counts are asked for most often.
        self.bigram_values = bigram_values  # bigram_table of the model's bigram keys
        # The first and the last two characters of every word, one bit per pair: most word keys a window
        # makes can be ruled out without a probe.
        self.word_heads, self.word_tails = word_ends
        self.meta = meta
        self.total = float(meta["total"])
        self.cache: Path | None = None  # where derived tables of this model may be kept
        # Every occurrence of an n-gram contains one of each shorter n-gram within it, so where the pruning
        # thresholds never fall with the order, an n-gram is seen only if its shorter n-grams are: a longer
        # key need not be probed once a shorter one inside it is known unseen.
        thresholds = [meta.get("min_counts", {}).get(str(order)) for order in range(2, ORDER + 1)]
        self.closed = None not in thresholds and thresholds == sorted(thresholds)

    def log_counts(self, keys: np.ndarray) -> np.ndarray:
        return np.take(_LOG_COUNTS, hashtable.lookup(*self.tables, keys))

    def bigram_seen(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        return _bit(self.bigrams, first.astype(np.int64) * self.size + second)

    def bigram_log_counts(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """Like log_counts of the bigram keys, without hashing."""
        index = first.astype(np.int64) * self.size + second
        return np.take(_LOG_COUNTS, np.take(self.bigram_values, index))  # type: ignore[no-any-return]

    def may_be_word(self, head: tuple[np.ndarray, np.ndarray], tail: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """False where no word begins with the pair of ids `head` (first, second) or ends with `tail` (last but
        one, last): the word key of such a sequence cannot be found."""
        heads = _bit(self.word_heads, head[0].astype(np.int64) * self.size + head[1])
        return heads & _bit(self.word_tails, tail[0].astype(np.int64) * self.size + tail[1])  # type: ignore[no-any-return]

    # -- loading --

    @classmethod
    def load(cls, path: Path, cache_dir: Path | None = None) -> NgramModel:
        path = Path(path)
        if not path.is_file():
            raise ModelError(
                f"找不到错别字模型文件 {path.name}：请用 `cuomin model build` 生成（见 lexicons/data/typo/SOURCES.md）"
            )
        root = cache_dir or default_cache_dir()
        digest = known_digest(path, root)
        cache = root / f"typo-model-{FORMAT}.{TABLE_FORMAT}-{digest[:16]}"
        try:
            model = cls._from_cache(cache, digest)
        except (OSError, ValueError, KeyError, json.JSONDecodeError):
            model = cls._expand(path, digest)
            model._save_cache(cache)
        model.cache = cache
        return model

    @classmethod
    def _expand(cls, path: Path, digest: str) -> NgramModel:
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(bytes(data["meta"]).decode("utf-8"))
                if meta.get("format") != FORMAT:
                    raise ModelError(f"错别字模型 {path.name} 的格式版本不符：请用 `cuomin model build` 重新生成")
                chars = "".join(map(chr, data["chars"].tolist()))
                unigram = data["unigram"].astype(np.float64)
                keys = [np.cumsum(data[f"keys{n}"], dtype=np.uint64) for n in (*range(2, ORDER + 1), "w")]
                vals = [data[f"vals{n}"] for n in (*range(2, ORDER + 1), "w")]
        except ModelError:
            raise
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
            raise ModelError(
                f"错别字模型文件 {path.name} 已损坏（{exc.__class__.__name__}）：请用 `cuomin model build` 重新生成"
            ) from None
        meta["digest"] = digest
        tables = hashtable.build(np.concatenate(keys), np.concatenate(vals))
        with np.errstate(divide="ignore"):
            logs = np.log(unigram).astype(np.float32)
        meta["table_format"] = TABLE_FORMAT
        size = len(logs)
        return cls(
            Vocabulary.from_chars(chars),
            logs,
            tables,
            meta,
            bigram_bits(keys[0], size),
            bigram_table(keys[0], vals[0], size),
            word_end_bits(keys[-1], size),
        )

    def _save_cache(self, cache: Path) -> None:
        try:
            cache.mkdir(parents=True, exist_ok=True)
            tmp = cache / f".tmp-{os.getpid()}"
            tmp.mkdir(exist_ok=True)
            for name, array in zip(_TABLE_FILES, self.tables, strict=True):
                np.save(tmp / name, array)
            np.save(tmp / "unigram.npy", self.unigram)
            for name, array in zip(_DERIVED_FILES, self._derived(), strict=True):
                np.save(tmp / name, array)
            (tmp / "chars.txt").write_text(self.vocab.chars, encoding="utf-8")
            (tmp / "meta.json").write_text(json.dumps(self.meta, ensure_ascii=False), encoding="utf-8")
            # meta.json last: a cache without it (a crash half-way) is never read
            for name in (*_TABLE_FILES, *_DERIVED_FILES, "unigram.npy", "chars.txt", "meta.json"):
                os.replace(tmp / name, cache / name)
            tmp.rmdir()
        except OSError:
            pass  # a read-only cache directory costs start-up time, not correctness

    @classmethod
    def _from_cache(cls, cache: Path, digest: str) -> NgramModel:
        meta = json.loads((cache / "meta.json").read_text(encoding="utf-8"))
        if meta.get("digest") != digest or meta.get("format") != FORMAT or meta.get("table_format") != TABLE_FORMAT:
            raise ValueError("stale cache")
        # Plain ndarray views of the mapped files: indexing a np.memmap costs a Python-level wrapper per call.
        tables = tuple(np.asarray(np.load(cache / name, mmap_mode="r")) for name in _TABLE_FILES)
        slots, vals, stash_keys, stash_vals = tables
        buckets = len(slots) // hashtable.WIDTH
        if len(slots) != len(vals) or buckets & (buckets - 1) or len(stash_keys) != len(stash_vals):
            raise ValueError("corrupt cache")
        unigram = np.load(cache / "unigram.npy")
        chars = (cache / "chars.txt").read_text(encoding="utf-8")
        bigrams, bigram_values, heads, tails = (
            np.asarray(np.load(cache / name, mmap_mode="r")) for name in _DERIVED_FILES
        )
        size = len(unigram)
        if (
            size != RESERVED + len(chars)
            or len(bigram_values) != size * size
            or any(len(bits) != _bigram_bytes(size) for bits in (bigrams, heads, tails))
        ):
            raise ValueError("corrupt cache")
        return cls(
            Vocabulary.from_chars(chars),
            unigram,
            (slots, vals, stash_keys, stash_vals),
            meta,
            bigrams,
            bigram_values,
            (heads, tails),
        )

    def _derived(self) -> tuple[np.ndarray, ...]:
        return (self.bigrams, self.bigram_values, self.word_heads, self.word_tails)


_TABLE_FILES = ("slots.npy", "vals.npy", "stash_keys.npy", "stash_vals.npy")
_DERIVED_FILES = ("bigrams.npy", "bigram_values.npy", "word_heads.npy", "word_tails.npy")


def _bit(bits: np.ndarray, index: np.ndarray) -> np.ndarray:
    """The bits at the given indexes of a little-endian packed bit table, as booleans."""
    return (np.take(bits, index >> 3) >> (index & 7).astype(np.uint8)) & 1 == 1  # type: ignore[no-any-return]


def _bigram_bytes(size: int) -> int:
    return (size * size + 7) // 8


def bigram_bits(keys: np.ndarray, size: int) -> np.ndarray:
    """A bit per (first, second) id pair, set where the bigram key is among keys (other orders ignored)."""
    keys = keys[(keys >> TAG_SHIFT) == np.uint64(2)]
    mask = np.uint64((1 << BITS) - 1)
    index = ((keys >> np.uint64(BITS)) & mask) * np.uint64(size) + (keys & mask)
    bits = np.zeros(size * size, dtype=bool)
    bits[index.astype(np.int64)] = True
    return np.packbits(bits, bitorder="little")


def bigram_table(keys: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """The stored value of every (first, second) id pair, 0 where the bigram key is not among keys."""
    bigram = (keys >> TAG_SHIFT) == np.uint64(2)
    mask = np.uint64((1 << BITS) - 1)
    index = ((keys[bigram] >> np.uint64(BITS)) & mask) * np.uint64(size) + (keys[bigram] & mask)
    table = np.zeros(size * size, dtype=np.uint8)
    table[index.astype(np.int64)] = values[bigram]
    return table


def word_end_bits(keys: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Bits per (first, second) id pair: pairs that begin a word among the word keys, pairs that end one."""
    mask = np.uint64((1 << BITS) - 1)
    ids = [((keys >> np.uint64(BITS * k)) & mask).astype(np.int64) for k in range(ORDER)]  # last id first
    # a word's ids are never reserved (never zero): its length is the place of its highest non-zero id
    heads = np.zeros(size * size, dtype=bool)
    for length in range(2, ORDER + 1):
        longer = np.zeros(len(keys), dtype=bool) if length == ORDER else (ids[length] != 0)
        this = (ids[length - 1] != 0) & ~longer
        heads[ids[length - 1][this] * size + ids[length - 2][this]] = True
    tails = np.zeros(size * size, dtype=bool)
    tails[ids[1][ids[1] != 0] * size + ids[0][ids[1] != 0]] = True
    return np.packbits(heads, bitorder="little"), np.packbits(tails, bitorder="little")


def default_cache_dir() -> Path:
    configured = os.environ.get("CUOMIN_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cuomin"


def known_digest(path: Path, cache_dir: Path | None) -> str:
    """file_digest(path), remembered in cache_dir under the file's stamp (path, size, modification and change
    times, inode): a file not written since is not read and hashed again at every start (a write always
    moves the change time, which no program can set back; the detector cache trusts the same stamp)."""
    if cache_dir is None:
        return file_digest(path)
    st = path.stat()
    stamp = f"{path.resolve()}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}"
    note = cache_dir / "digests" / hashlib.sha256(stamp.encode()).hexdigest()[:32]
    try:
        known = note.read_text(encoding="ascii")
        if len(known) == 64 and all(c in "0123456789abcdef" for c in known):
            return known
    except (OSError, UnicodeDecodeError):
        pass
    digest = file_digest(path)
    try:
        note.parent.mkdir(parents=True, exist_ok=True)
        tmp = note.with_name(f".tmp-{os.getpid()}-{note.name}")
        tmp.write_text(digest, encoding="ascii")
        os.replace(tmp, note)
    except OSError:
        pass  # a read-only cache costs the hashing, not correctness
    return digest


def file_digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()
