"""Checking many texts at once, in worker processes when there is more than one core.

Each worker loads the detector from the compiled cache (app.detection.cache), a fraction of a second,
and must find the lexicon version of the detector it stands in for: a lexicon changed on disk in
between fails the pool instead of silently checking with other rules.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.config import get_settings
from app.detection.detector import STORED_PROFILE, Detector

HitDict = dict[str, Any]
# Fewer texts than this are checked in the calling process: shipping them costs more than it saves.
INLINE_BELOW = 8


@dataclass(frozen=True, slots=True)
class ScanJob:
    text: str
    date: dt.date
    exempt_phrases: tuple[str, ...] = ()
    exempt_rules: tuple[str, ...] = ()
    title: str = ""


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _check(detector: Detector, job: ScanJob) -> list[HitDict]:
    hits = detector.check_article(
        job.title,
        job.text,
        date=job.date,
        exempt_phrases=job.exempt_phrases,
        exempt_rules=job.exempt_rules,
        profile=STORED_PROFILE,
    )
    return [h.as_dict() for h in hits]


_worker: Detector | None = None


def _exit_with(parent: int) -> None:
    """End this worker once its parent is gone (killed with SIGKILL, it could not shut the pool down)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _init_worker(lexicon_dir: str, cache_dir: str | None, context_chars: int, version: str) -> None:
    from app.detection.cache import load_detector

    global _worker
    threading.Thread(target=_exit_with, args=(os.getppid(),), daemon=True, name="parent-watch").start()
    _worker = load_detector(
        lexicon_dir, cache_dir=cache_dir, context_chars=context_chars, typo=get_settings().typo_layer
    )
    if _worker.version != version:
        raise RuntimeError(f"词库在检查期间被修改（{version} → {_worker.version}）")


def _check_in_worker(jobs: list[ScanJob]) -> list[list[HitDict]]:
    assert _worker is not None
    return [_check(_worker, job) for job in jobs]


class ScanPool:
    """Checks batches of texts with one lexicon; in `workers` processes when workers > 1 (spawned, not
    forked: the caller may be a threaded web server), else in this process."""

    def __init__(self, detector: Detector, workers: int, cache_dir: Path | None = None) -> None:
        self.detector = detector
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        if workers > 1:
            self._pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(
                    str(detector.lexicon.directory),
                    str(cache_dir) if cache_dir is not None else None,
                    detector.context_chars,
                    detector.version,
                ),
            )

    def check(self, jobs: Sequence[ScanJob]) -> list[list[HitDict]]:
        """The hits (as dicts) of every job, in order."""
        if self._pool is None or len(jobs) < INLINE_BELOW:
            return [_check(self.detector, job) for job in jobs]
        # A few chunks per worker: each carries its texts once and the hits back once.
        size = max(1, -(-len(jobs) // (self.workers * 4)))
        chunks = [list(jobs[i : i + size]) for i in range(0, len(jobs), size)]
        return [hits for chunk in self._pool.map(_check_in_worker, chunks) for hits in chunk]

    def close(self, *, wait: bool = True) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=wait)
            self._pool = None


class PoolKeeper:
    """One ScanPool for a long-running process (the server), started on first use and replaced when
    the lexicon is reloaded; a pool being replaced finishes the work it has."""

    def __init__(self, workers: int, cache_dir: Path | None = None) -> None:
        self.workers = workers
        self.cache_dir = cache_dir
        self._lock = threading.Lock()
        self._pool: ScanPool | None = None

    def pool(self, detector: Detector) -> ScanPool:
        with self._lock:
            if self._pool is None or self._pool.detector is not detector:
                if self._pool is not None:
                    self._pool.close(wait=False)
                self._pool = ScanPool(detector, self.workers, self.cache_dir)
            return self._pool

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None
