"""The compiled detector, saved once per lexicon version and program version.

Building a Detector from the YAML lexicons (validation, normalisation of every term, the automaton,
the near-miss tables) takes seconds; loading the built one takes a small fraction of that. The cache
file is one per lexicon directory and options:

    CUOMIN-DETECTOR\\n                  magic line
    {"format", "program", "lexicon", "stamp", "options", "length", "checksum"}\\n   one JSON line
    <pickle of the Detector>           `length` bytes whose CRC-32 is `checksum`

It is trusted only when every field matches: the lexicon version (the hash of the files on disk
now; when the files' names, sizes, times and inodes are those of `stamp`, they were not written since
and are not hashed again), the program version (the package version and a hash of this package's sources, so a changed
engine never loads a detector built by the old one), the options, and the payload's length and
checksum. Anything else (a stale, truncated, corrupt or foreign file) is ignored and rebuilt. The file
is written to a temporary name and renamed into place, so a reader never sees half of one; several
processes building at once each write a whole file and the last rename wins.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import logging
import os
import pickle
import sys
import tempfile
import zlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from app import __version__
from app.detection import segment
from app.detection.detector import Detector
from app.detection.lexicon import LexiconError, _data_files, lexicon_version

log = logging.getLogger("cuomin.detection")

MAGIC = b"CUOMIN-DETECTOR\n"
FORMAT = 2
_HEADER_MAX = 4096


def default_cache_dir() -> Path:
    """$XDG_CACHE_HOME/cuomin, else ~/.cache/cuomin: per user, outside the working directory."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cuomin"


@cache
def program_version() -> str:
    """The package version, the Python version and a hash of the detection sources: a detector pickled
    by one engine is never loaded by another, even between two commits of the same release."""
    digest = hashlib.sha256(f"{__version__}\0{sys.version}\0".encode())
    for path in sorted(Path(__file__).resolve().parent.rglob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return f"{__version__}+{digest.hexdigest()[:16]}"


def cache_file(cache_dir: Path, lexicon_dir: Path, options: dict[str, Any]) -> Path:
    key = json.dumps([str(lexicon_dir.resolve()), options], sort_keys=True, ensure_ascii=False)
    return cache_dir / f"detector-{hashlib.sha256(key.encode()).hexdigest()[:16]}.bin"


def files_stamp(directory: Path) -> str:
    """A hash of the name, size, modification and change times and inode of every lexicon file: equal
    stamps mean files not written since (a write always moves the change time, which no program can set
    back), so the cached lexicon version still holds without reading and hashing 20 MB of tables."""
    digest = hashlib.sha256()
    for path in _data_files(directory):
        st = path.stat()
        name = path.relative_to(directory).as_posix()
        digest.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}\n".encode())
    return digest.hexdigest()


def load_detector(lexicon_dir: Path | str, *, cache_dir: Path | str | None = None, **options: Any) -> Detector:
    """The detector for lexicon_dir: from the cache when it is valid, else built (and then cached).
    cache_dir None is the default directory; a cache directory that cannot be written only costs
    the build. Raises LexiconError when the lexicon is invalid."""
    directory = Path(lexicon_dir)
    if not directory.is_dir():
        raise LexiconError(f"{directory}: lexicon directory not found")
    where = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    segment.use_word_table(where)  # jieba's frequencies memory-mapped from there too
    path = cache_file(where, directory, options)
    header = {
        "format": FORMAT,
        "directory": str(directory.resolve()),
        "program": program_version(),
        "options": options,
    }
    stamp = files_stamp(directory)
    detector = read(path, header, stamp, lambda: lexicon_version(directory))
    if detector is not None:
        return detector
    detector = Detector.from_dir(directory, **options)
    # The files may have changed while building: the detector carries the version it was built from,
    # and the stamp taken before the build then no longer matches the files, so the next load hashes them.
    write(path, {**header, "lexicon": detector.version, "stamp": stamp}, detector)
    return detector


def read(path: Path, expected: dict[str, Any], stamp: str, version: Callable[[], str]) -> Detector | None:
    """The cached detector, or None when the file is missing or does not match in every respect. The
    lexicon version in the header is trusted when the files' stamp is the one it was written with;
    otherwise version() (the hash of the files) must equal it."""
    try:
        with path.open("rb") as file:
            if file.read(len(MAGIC)) != MAGIC:
                return None
            header = json.loads(file.readline(_HEADER_MAX))
            if not isinstance(header, dict) or any(header.get(k) != v for k, v in expected.items()):
                return None
            if header.get("stamp") != stamp and header.get("lexicon") != version():
                return None
            payload = file.read()
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("词库缓存 %s 无法读取，将重新编译：%s", path, exc)
        return None
    if len(payload) != header.get("length") or _checksum(payload) != header.get("checksum"):
        log.warning("词库缓存 %s 已损坏（长度或校验和不符），将重新编译", path)
        return None
    try:
        detector = pickle.loads(payload)
    except Exception as exc:  # a checksum match makes this unlikely; still never trust it
        log.warning("词库缓存 %s 无法载入，将重新编译：%s", path, exc)
        return None
    if not isinstance(detector, Detector) or detector.version != header.get("lexicon"):
        return None
    if header.get("stamp") != stamp:  # same files, touched or copied: record their new stamp
        _save(path, {**header, "stamp": stamp}, payload)
    return detector


def _checksum(payload: bytes) -> str:
    """CRC-32 of the payload: it guards against truncation and damage, not against a forger (whoever
    can write the cache directory can write the lexicons too), and costs a tenth of SHA-256."""
    return f"crc32:{zlib.crc32(payload):08x}"


def _slots(cls: type) -> tuple[str, ...]:
    names = _SLOTS.get(cls)
    if names is None:
        names = _SLOTS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


_SLOTS: dict[type, tuple[str, ...]] = {}


def _rebuild(cls: type, values: tuple[Any, ...]) -> Any:
    """A slotted dataclass from its field values, as pickle rebuilds it (the default way calls
    dataclasses.fields() once per object: a third of the load time of a detector)."""
    obj: Any = object.__new__(cls)
    for name, value in zip(_slots(cls), values, strict=True):
        object.__setattr__(obj, name, value)
    return obj


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        if dataclasses.is_dataclass(cls) and "__slots__" in cls.__dict__ and not hasattr(obj, "__dict__"):
            return _rebuild, (cls, tuple(getattr(obj, name) for name in _slots(cls)))
        return NotImplemented


def dumps(detector: Detector) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(detector)
    return buffer.getvalue()


def write(path: Path, header: dict[str, Any], detector: Detector) -> bool:
    """Save detector under header atomically; False (and a warning) when the directory is not writable."""
    return _save(path, header, dumps(detector))


def _save(path: Path, header: dict[str, Any], payload: bytes) -> bool:
    line = json.dumps({**header, "length": len(payload), "checksum": _checksum(payload)})
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temporary = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(MAGIC + line.encode() + b"\n" + payload)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.warning("无法写入词库缓存 %s（不影响检查，只是下次仍需编译）：%s", path, exc)
        return False
    _prune(path.parent)
    return True


def _prune(directory: Path) -> None:
    """Remove the caches of lexicon directories that no longer exist (a test's, a moved checkout's)."""
    for other in directory.glob("detector-*.bin"):
        try:
            with other.open("rb") as file:
                header = json.loads(file.readline(_HEADER_MAX) and file.readline(_HEADER_MAX))
            gone = not Path(header["directory"]).is_dir()
        except (OSError, ValueError, KeyError, TypeError):
            gone = True
        if gone:
            other.unlink(missing_ok=True)
