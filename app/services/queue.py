"""The job queue of a PostgreSQL deployment: procrastinate, on the database the office already runs.

Three tasks, on the queue "rescan" (the name the workers have listened on since the first of them):
- `scan_chunk(chunk_id)`: a `cuomin worker` claims and scans one chunk of a re-scan (app/services/chunks.py).
- `ingest_chunk(chunk_id)`: a `cuomin worker` claims and ingests one chunk of a large ingest
  (app/services/queued_ingest.py).
- `requeue_stalled`, periodic (every few seconds, deferred by the workers themselves): puts back on the queue
  every chunk, of a re-scan or an ingest, that no live worker moves (a killed or frozen worker's), at most
  one waiting job per chunk (procrastinate's queueing lock).

The queue is not the truth: a job may run twice or on a worker that froze meanwhile; the chunk rows fence it.
On the embedded SQLite nothing here is used: the re-scan runs in the server process, as before.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.models import IngestJob, RescanJob

log = logging.getLogger("cuomin.queue")

QUEUE = "rescan"
SCAN_CHUNK = "cuomin.scan_chunk"
INGEST_CHUNK = "cuomin.ingest_chunk"
REQUEUE_STALLED = "cuomin.requeue_stalled"
REQUEUE_EVERY_SECONDS = 5


def uses_queue(database_url: str) -> bool:
    """Re-scans go through the job queue on PostgreSQL, and run in the server process on SQLite."""
    return make_url(database_url).get_backend_name() == "postgresql"


def conninfo(database_url: str) -> str:
    """The libpq connection string of a SQLAlchemy URL (postgresql+psycopg://… → postgresql://…)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def chunk_lock(chunk_id: int, task: str = SCAN_CHUNK) -> str:
    return f"{'ingest' if task == INGEST_CHUNK else 'rescan'}-chunk-{chunk_id}"


@lru_cache
def queue_app(database_url: str) -> Any:
    """The procrastinate App on database_url, with the tasks registered (imported only where it is used)."""
    import procrastinate

    # A small pool: dozens of workers on several machines share the server's max_connections (each worker
    # also holds a listening connection and its SQLAlchemy pool).
    connector = procrastinate.PsycopgConnector(conninfo=conninfo(database_url), min_size=1, max_size=3)
    app = procrastinate.App(connector=connector)

    @app.task(name=SCAN_CHUNK, queue=QUEUE, pass_context=True)
    def scan_chunk(context: Any, chunk_id: int) -> str:
        from app import worker

        return worker.scan_chunk(chunk_id, owner=f"{socket.gethostname()}:{os.getpid()}:{context.job.id}")

    @app.task(name=INGEST_CHUNK, queue=QUEUE, pass_context=True)
    def ingest_chunk(context: Any, chunk_id: int) -> str:
        from app import worker

        return worker.ingest_chunk(chunk_id, owner=f"{socket.gethostname()}:{os.getpid()}:{context.job.id}")

    @app.periodic(cron=f"* * * * * */{REQUEUE_EVERY_SECONDS}")
    # Ahead of the chunks waiting on the queue (a worker takes the highest priority first).
    @app.task(name=REQUEUE_STALLED, queue=QUEUE, pass_context=True, priority=10)
    async def requeue_stalled(context: Any, timestamp: int) -> int:
        from app import worker

        ids = await asyncio.to_thread(worker.stalled_chunks)
        deferred = await defer_chunks_async(context.app, ids)
        if deferred:
            log.warning("re-scan chunks put back on the queue (their worker stalled): %s", deferred)
        ingest_ids = await asyncio.to_thread(worker.stalled_ingest_chunks)
        ingests = await defer_chunks_async(context.app, ingest_ids, INGEST_CHUNK)
        if ingests:
            log.warning("ingest chunks put back on the queue (their worker stalled): %s", ingests)
        return len(deferred) + len(ingests)

    return app


def start_queued_rescan(
    *, session: Session, since: dt.date, until: dt.date, label: str, lexicon_version: str, size: int, database_url: str
) -> tuple[RescanJob, list[int]]:
    """A queued re-scan: its job and chunks committed, then the chunks put on the queue for `cuomin worker`."""
    from app.services import chunks

    job, chunk_ids = chunks.start(
        session=session, since=since, until=until, label=label, lexicon_version=lexicon_version, size=size
    )
    defer_chunks(database_url, chunk_ids)
    return job, chunk_ids


def defer_chunks(database_url: str, chunk_ids: Iterable[int], task: str = SCAN_CHUNK) -> list[int]:
    """Put chunks on the queue from synchronous code (the API, the CLI); a chunk already waiting is skipped."""
    from procrastinate.exceptions import AlreadyEnqueued

    app = queue_app(database_url)
    deferred = []
    with app.open():
        for chunk_id in chunk_ids:
            try:
                app.configure_task(task, queueing_lock=chunk_lock(chunk_id, task)).defer(chunk_id=chunk_id)
            except AlreadyEnqueued:
                continue
            deferred.append(chunk_id)
    return deferred


async def defer_chunks_async(app: Any, chunk_ids: Iterable[int], task: str = SCAN_CHUNK) -> list[int]:
    from procrastinate.exceptions import AlreadyEnqueued

    deferred = []
    for chunk_id in chunk_ids:
        try:
            await app.configure_task(task, queueing_lock=chunk_lock(chunk_id, task)).defer_async(chunk_id=chunk_id)
        except AlreadyEnqueued:
            continue
        deferred.append(chunk_id)
    return deferred


def start_queued_ingest(
    *,
    session: Session,
    lines: Iterable[str],
    label: str,
    size: int,
    database_url: str,
    organization_scope: int | None = None,
    created_by: str | None = None,
) -> tuple[IngestJob, list[int]]:
    """A queued ingest: its job and chunks committed, then the chunks put on the queue for `cuomin worker`
    (a chunk that misses the queue, the caller killed in between, is put there by requeue_stalled)."""
    from app.services import queued_ingest

    job, chunk_ids = queued_ingest.start(
        session=session,
        lines=lines,
        label=label,
        size=size,
        organization_scope=organization_scope,
        created_by=created_by,
    )
    defer_chunks(database_url, chunk_ids, INGEST_CHUNK)
    return job, chunk_ids


def live_workers(database_url: str, within: dt.timedelta = dt.timedelta(minutes=1)) -> int:
    """How many `cuomin worker` processes sent a heartbeat lately (to warn when a queued job has none)."""
    import psycopg

    with psycopg.connect(conninfo(database_url)) as connection:
        row = connection.execute(
            "SELECT count(*) FROM procrastinate_workers WHERE last_heartbeat > now() - %s", (within,)
        ).fetchone()
    return int(row[0]) if row else 0
