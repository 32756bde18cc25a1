"""What the worker processes of one `cuomin serve --workers N` share: the check rate limit and the
lexicon a reload installed.

`cuomin serve` makes a private directory for the run and names it in CUOMIN_WORKER_STATE, which the
workers inherit. Without it (one process, the tests' in-process client) the state stays in memory.

- The rate limit's token buckets live in a small SQLite file in that directory: each check takes
  one short write transaction on it (tens of microseconds), so the limit counts requests of every
  worker together instead of allowing N times the limit.
- A lexicon reload answered by one worker writes the new version to a marker file (by rename, so it
  is read whole or not at all); every worker compares the marker's identity (one stat) on each
  request that uses the detector, and loads that lexicon (from the compiled cache the reloading
  worker has just written) before answering.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from app.detection.detector import Detector, DetectorHolder
from app.detection.lexicon import LexiconError

log = logging.getLogger("cuomin.workers")

STATE_ENV = "CUOMIN_WORKER_STATE"
RATE_FILE = "rate-limit.sqlite"
LEXICON_MARKER = "lexicon-version"


def state_dir() -> Path | None:
    value = os.environ.get(STATE_ENV)
    return Path(value) if value else None


class SharedRateLimiter:
    """RateLimiter's token buckets, kept in a file every worker process writes."""

    def __init__(self, path: Path, per_minute: int) -> None:
        self.per_minute = per_minute
        self._lock = threading.Lock()
        # CLOCK_MONOTONIC is one clock for every process of the machine, and never jumps.
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=OFF")  # the state lives as long as the run; a crash may lose it
        self._db.execute("CREATE TABLE IF NOT EXISTS bucket (key TEXT PRIMARY KEY, tokens REAL, at REAL)")

    def acquire(self, key: str) -> float:
        """0 when the request may go ahead, else the seconds to wait before the next one will."""
        if self.per_minute <= 0:
            return 0.0
        rate = self.per_minute / 60.0
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")  # the read and the write below are one step for all workers
            try:
                now = time.monotonic()
                row = self._db.execute("SELECT tokens, at FROM bucket WHERE key = ?", (key,)).fetchone()
                left, when = row if row else (float(self.per_minute), now)
                left = min(float(self.per_minute), left + max(0.0, now - when) * rate)
                wait = 0.0 if left >= 1.0 else (1.0 - left) / rate
                if not wait:
                    left -= 1.0
                self._db.execute("INSERT OR REPLACE INTO bucket (key, tokens, at) VALUES (?, ?, ?)", (key, left, now))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return wait


class SharedDetectorHolder(DetectorHolder):
    """A DetectorHolder that follows the lexicon reloads of the other workers (see the module)."""

    def __init__(self, directory: Path | str, marker: Path, *, load: Callable[..., Detector], **kwargs: int) -> None:
        super().__init__(directory, load=load, **kwargs)
        self.marker = marker
        self._seen = self._identity()

    def _identity(self) -> tuple[int, int] | None:
        try:
            stat = self.marker.stat()
        except FileNotFoundError:
            return None
        return stat.st_ino, stat.st_mtime_ns

    @property
    def current(self) -> Detector:
        seen = self._identity()
        if seen != self._seen:
            self._follow(seen)
        return self._detector

    def _follow(self, seen: tuple[int, int] | None) -> None:
        with self._lock:
            if seen == self._seen:
                return
            try:
                wanted = self.marker.read_text(encoding="ascii").strip()
            except FileNotFoundError:
                wanted = ""
            self._seen = seen
            if wanted and wanted != self._detector.version:
                # Another worker validated this lexicon and cached it: loading is quick. Should the files
                # have been broken since, this worker keeps its lexicon, as the reloading one would.
                try:
                    self._detector = self._load(self.directory, **self._kwargs)
                except LexiconError as exc:
                    current = self._detector.version
                    log.error("另一工作进程重新加载了词库 %s，本进程加载失败，继续使用 %s：%s", wanted, current, exc)

    def reload(self) -> Detector:
        fresh = super().reload()
        temporary = self.marker.with_name(f".{self.marker.name}.{os.getpid()}")
        temporary.write_text(fresh.version, encoding="ascii")
        with self._lock:
            os.replace(temporary, self.marker)
            self._seen = self._identity()
        return fresh
