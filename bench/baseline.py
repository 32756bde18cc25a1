"""The engine alone, on one core: the baseline every service-level bench prints beside its figures."""

from __future__ import annotations

import datetime as dt
import time

from app.config import DEFAULT_LEXICON_DIR
from app.detection.cache import load_detector
from app.detection.detector import Detector


def engine_rate(texts: list[str], seconds: float = 5.0, detector: Detector | None = None) -> float:
    """Articles/s of Detector.check over texts in this process (one core), after a warm-up."""
    detector = detector or load_detector(DEFAULT_LEXICON_DIR, context_chars=20)
    day = dt.date(2024, 5, 1)
    for text in texts[:20]:
        detector.check(text, date=day)
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for text in texts:
            detector.check(text, date=day)
        done += len(texts)
    return done / (time.perf_counter() - started)
