"""jieba's word frequencies in a memory-mapped hash table, so a process starts without loading them.

jieba keeps its dictionary as a Python dict of about 500,000 words and prefixes; building or
unmarshalling it costs a second or more per process (every server worker, every re-scan worker,
every `cuomin check`). The engine only ever looks up the few substrings of a small window around a
hit, so the table is written once (next to the compiled detector) and each lookup reads it in place:

    CUOMIN-WORDS\\n  then  <u32 format> <u64 total> <u32 slots> <u32 records> <32 bytes sha256 of the dict>
    slots × u32     offset of a record + 1, 0 for an empty slot (open addressing, linear probing)
    records         <u16 key bytes> <key in UTF-8> <u32 frequency>   (prefixes of words have frequency 0)

`WordFrequencies` answers `in`, `[]`, `get` and `items()` exactly as jieba's FREQ dict does (the
table is jieba.Tokenizer.gen_pfdict's output), remembering what it has looked up.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import struct
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path

MAGIC = b"CUOMIN-WORDS\n"
FORMAT = 1
_HEAD = struct.Struct("<IQIIQ32s")
_KEY = struct.Struct("<H")
_FREQ = struct.Struct("<I")
_MEMO_MAX = 1_000_000  # lookups remembered before starting afresh (a bound on memory, not on speed)


def jieba_dictionary() -> tuple[bytes, str]:
    """The bytes of jieba's default dictionary and their SHA-256 (what a table is built from)."""
    from app.detection.segment import _import_jieba

    with _import_jieba().Tokenizer().get_dict_file() as file:
        data = file.read()
    return data, hashlib.sha256(data).hexdigest()


def build(path: Path, data: bytes) -> None:
    """Write the table for the jieba dictionary `data` to path (atomically)."""
    import io

    from app.detection.segment import _import_jieba

    frequencies, total = _import_jieba().Tokenizer.gen_pfdict(io.BytesIO(data))
    slots = 1 << (2 * len(frequencies)).bit_length()
    table = [0] * slots
    records = bytearray()
    for word, freq in frequencies.items():
        key = word.encode("utf-8")
        at = zlib.crc32(key) & (slots - 1)
        while table[at]:
            at = (at + 1) & (slots - 1)
        table[at] = len(records) + 1
        records += _KEY.pack(len(key)) + key + _FREQ.pack(freq)
    digest = hashlib.sha256(data).digest()
    head = MAGIC + _HEAD.pack(FORMAT, total, slots, len(frequencies), len(records), digest)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temporary = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(head + struct.pack(f"<{slots}I", *table) + bytes(records))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class WordFrequencies:
    """jieba's FREQ, read from a table file; raises ValueError for a file that is not a whole table."""

    def __init__(self, path: Path, sha256: str) -> None:
        with path.open("rb") as file:
            self._map = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        head = len(MAGIC) + _HEAD.size
        if self._map[: len(MAGIC)] != MAGIC or len(self._map) < head:
            raise ValueError(f"{path}: not a word table")
        version, self.total, slots, self._count, size, digest = _HEAD.unpack_from(self._map, len(MAGIC))
        if version != FORMAT or digest.hex() != sha256 or slots & (slots - 1):
            raise ValueError(f"{path}: a word table of another format or dictionary")
        if len(self._map) != head + 4 * slots + size:
            raise ValueError(f"{path}: truncated or overlong")
        self._slots = memoryview(self._map)[head : head + 4 * slots].cast("I")
        self._records = head + 4 * slots
        self._mask = slots - 1
        self._memo: dict[str, int | None] = {}

    def _find(self, word: str) -> int | None:
        key = word.encode("utf-8", "surrogatepass")
        at = zlib.crc32(key) & self._mask
        data, records = self._map, self._records
        while offset := self._slots[at]:
            start = records + offset - 1
            (length,) = _KEY.unpack_from(data, start)
            if length == len(key) and data[start + 2 : start + 2 + length] == key:
                freq: int = _FREQ.unpack_from(data, start + 2 + length)[0]
                return freq
            at = (at + 1) & self._mask
        return None

    def _lookup(self, word: str) -> int | None:
        memo = self._memo
        try:
            return memo[word]
        except KeyError:
            pass
        if len(memo) >= _MEMO_MAX:
            memo.clear()
        found = memo[word] = self._find(word)
        return found

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._lookup(word) is not None

    def __getitem__(self, word: str) -> int:
        found = self._lookup(word)
        if found is None:
            raise KeyError(word)
        return found

    def get(self, word: str, default: int | None = None) -> int | None:
        found = self._lookup(word)
        return default if found is None else found

    def __len__(self) -> int:
        count: int = self._count
        return count

    def items(self) -> Iterator[tuple[str, int]]:
        """Every word and prefix (slow: for building tables, never for checking)."""
        data = self._map
        for offset in self._slots:
            if offset:
                start = self._records + offset - 1
                (length,) = _KEY.unpack_from(data, start)
                word = data[start + 2 : start + 2 + length].decode("utf-8", "surrogatepass")
                yield word, _FREQ.unpack_from(data, start + 2 + length)[0]


def open_table(directory: Path) -> WordFrequencies:
    """The table of jieba's dictionary in directory, built first when missing, stale or damaged."""
    data, sha256 = jieba_dictionary()
    path = directory / f"jieba-words-{sha256[:16]}.bin"
    try:
        return WordFrequencies(path, sha256)
    except (OSError, ValueError):
        build(path, data)
        return WordFrequencies(path, sha256)
