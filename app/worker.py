"""`cuomin worker`: one process that takes re-scan and ingest chunks from the PostgreSQL job queue.

Each worker process loads the detector once (from the compiled cache) and scans one chunk at a time on one
core; run one per core, on as many machines as there are (they share nothing but the database). A worker
killed at any moment loses at most the batch it had not committed: its chunk goes back on the queue when its
heartbeat is older than CUOMIN_RESCAN_STALL_SECONDS (see app/services/chunks.py). PostgreSQL also ends the
transaction of a worker frozen in the middle of one, so that it cannot hold its chunk's row meanwhile.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.config import Settings, get_settings
from app.detection.detector import Detector
from app.services import chunks, queued_ingest
from app.services.batch_ingestion import Fenced

log = logging.getLogger("cuomin.worker")


@dataclass
class _State:
    settings: Settings
    worker: chunks.Worker
    ingester: queued_ingest.IngestWorker
    lock: threading.Lock
    followed: str | None = None  # the announced lexicon version last acted on


_state: _State | None = None


def _load(settings: Settings) -> Detector:
    from app.detection.cache import load_detector

    return load_detector(
        settings.lexicon_dir,
        cache_dir=settings.cache_dir,
        context_chars=settings.context_chars,
        typo=settings.typo_layer,
    )


def setup(settings: Settings | None = None, detector: Detector | None = None) -> chunks.Worker:
    """The process's sessions and detector, before the first task runs."""
    from app.db import create_db_engine, session_factory

    global _state
    settings = settings or get_settings()
    stall = dt.timedelta(seconds=settings.rescan_stall_seconds)
    # A transaction left open longer than the stall timeout (a frozen worker) is ended by the server: the
    # chunk's row lock goes with it, and another worker can claim the chunk.
    timeout = f"-c idle_in_transaction_session_timeout={int(stall.total_seconds() * 1000)}"
    given = make_url(settings.db_url).query.get("options")  # e.g. a search_path
    options = " ".join([*([given] if isinstance(given, str) else given or []), timeout])
    engine = create_db_engine(settings.db_url, connect_args={"options": options}, pool_size=2)
    worker = chunks.Worker(
        sessions=session_factory(engine),
        reads=session_factory(engine, read_only=True),
        detector=detector or _load(settings),
        stall=stall,
        batch=settings.rescan_batch,
    )
    ingester = queued_ingest.IngestWorker(
        sessions=worker.sessions,
        reads=worker.reads,
        detector=worker.detector,
        stall=stall,
        max_article_bytes=settings.max_article_bytes,
    )
    _state = _State(settings=settings, worker=worker, ingester=ingester, lock=threading.Lock())
    return worker


def _current() -> _State:
    if _state is None:
        setup()
    assert _state is not None
    return _state


def scan_chunk(chunk_id: int, *, owner: str) -> str:
    """The queue's task: claim the chunk and scan it (a chunk of another lexicon version is refused, after
    one look at the lexicon files in case they were updated since the worker started)."""
    state = _current()
    with state.lock:
        try:
            outcome = state.worker.run(chunk_id, owner)
        except chunks.LexiconMismatch:
            fresh = _load(state.settings)
            if fresh.version == state.worker.detector.version:
                raise
            log.info("lexicon changed on disk: %s → %s", state.worker.detector.version, fresh.version)
            state.worker.detector = fresh
            outcome = state.worker.run(chunk_id, owner)
        except chunks.Fenced as exc:
            log.warning("%s", exc)
            return "fenced"
    return outcome


def ingest_chunk(chunk_id: int, *, owner: str) -> str:
    """The queue's task: claim the chunk of a large ingest and ingest it, with the lexicon the service
    announced (`lexicon_state`) when it differs from the one loaded and the files on disk have it."""
    state = _current()
    with state.lock:
        _follow_announced(state)
        state.ingester.detector = state.worker.detector
        try:
            return state.ingester.run(chunk_id, owner)
        except Fenced as exc:
            log.warning("%s", exc)
            return "fenced"


def _follow_announced(state: _State) -> None:
    with state.worker.reads() as session:
        announced = session.scalar(text("SELECT version FROM lexicon_state WHERE id = 1"))
    if announced is None or announced in (state.worker.detector.version, state.followed):
        return
    state.followed = announced  # one look at the files per announcement
    fresh = _load(state.settings)
    if fresh.version != state.worker.detector.version:
        log.info("lexicon changed on disk: %s → %s", state.worker.detector.version, fresh.version)
        state.worker.detector = fresh
    if fresh.version != announced:
        log.warning("the service announced lexicon %s, the files here are %s", announced, fresh.version)


def stalled_ingest_chunks() -> list[int]:
    state = _current()
    with state.worker.reads() as session:
        return queued_ingest.stalled(session, state.worker.stall)


def stalled_chunks() -> list[int]:
    state = _current()
    with state.worker.reads() as session:
        return chunks.stalled(session, state.worker.stall)


def run(settings: Settings | None = None, *, concurrency: int = 1) -> None:
    """Run a worker until SIGINT or SIGTERM (then it finishes the batch at hand)."""
    from app.services.queue import QUEUE, queue_app

    settings = settings or get_settings()
    worker = setup(settings)
    log.info("worker ready: lexicon %s", worker.detector.version)
    stall = settings.rescan_stall_seconds
    queue_app(settings.db_url).run_worker(
        queues=[QUEUE],
        concurrency=concurrency,
        name=None,
        # procrastinate's own idea of a dead worker follows the same timeout as the chunks'.
        update_heartbeat_interval=max(1.0, stall / 4),
        stalled_worker_timeout=max(2.0, stall),
    )
