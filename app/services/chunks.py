"""Queued re-scans: the chunks are the truth.

A re-scan on PostgreSQL is split into article-id ranges of a few thousand articles, one `rescan_chunk` row
each, and run by `cuomin worker` processes from the job queue (app/services/queue.py). The queue only
says which chunk to work on next; whether a chunk is done, how far it got and what it found is in its row:

- A worker claims a chunk (pending, or one whose heartbeat is older than the stall timeout: its owner died
  or froze) by writing its own owner name. It then commits batch after batch, each with a compare-and-set
  on the checkpoint *and* the owner: a worker that froze, was taken for dead and woke up after another
  claimed the chunk fails its next commit and writes nothing (the queue does not fence it: its job's status
  cannot be the truth). The set is the first statement of the batch's transaction, so on PostgreSQL it holds
  the chunk's row until the batch commits and a claim never interleaves with a batch.
- The counters of a chunk move in the same transaction as the hits of the batch: they are exact.
- When every range chunk is done, one more chunk, the sweep, re-checks the articles of the range whose
  lexicon version is still not the job's (written meanwhile by a process on another lexicon).
- A worker refuses a chunk whose job is for another lexicon version than the one it has loaded.
- Progress (GET /api/rescans/{id}, the report page) is the sum of the chunks.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from app.clock import cst_date, utcnow
from app.detection.detector import Detector
from app.models import Article, RescanChunk, RescanJob
from app.services.errors import Conflict
from app.services.rescan import (
    Scanned,
    Scanner,
    _abandoned,
    _Exemptions,
    _in_range,
    _running,
    write_batch,
)
from app.vocabulary import RescanStatus

log = logging.getLogger("cuomin.rescan")

CHUNK_ARTICLES = 2000
BATCH = 200
LAST_ID = 2**31 - 1  # the sweep's range: every id


class Fenced(Exception):
    """The chunk was claimed by another worker (this one was taken for dead): nothing of the batch is kept."""


class LexiconMismatch(Exception):
    """The worker's lexicon is not the job's: it must not scan the chunk."""


def start(
    *, session: Session, since: dt.date, until: dt.date, label: str, lexicon_version: str, size: int = CHUNK_ARTICLES
) -> tuple[RescanJob, list[int]]:
    """A new queued job and its chunks (their ids, to put on the queue); 409 while another runs. A queued job
    of an older lexicon can never finish (workers refuse it): a re-scan on the current lexicon replaces it.
    The partial unique index keeps one running job: of two concurrent starts, the second gets the 409."""
    now = utcnow()
    for job in session.scalars(select(RescanJob).where(RescanJob.status == RescanStatus.running)):
        if (job.queued and job.lexicon_version == lexicon_version) or (not job.queued and not _abandoned(job)):
            session.rollback()
            raise _running(job)
        job.status, job.finished_at = RescanStatus.failed, now
        job.error = "已由新的重新扫描取代" + ("（词库已更新）" if job.lexicon_version != lexicon_version else "")
    job = RescanJob(label=label, since=since, until=until, lexicon_version=lexicon_version, queued=True, total=0)
    session.add(job)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict("rescan_running", "已有重新扫描任务刚刚开始，请等它完成后再开始") from None
    ids = list(session.scalars(select(Article.id).where(_in_range(since, until)).order_by(Article.id)))
    rows = [
        {
            "job_id": job.id,
            "seq": seq,
            "kind": "range",
            "first_id": part[0],
            "last_id": part[-1],
            "status": "pending",
            "checkpoint": part[0] - 1,
            "total": len(part),
            "done": 0,
            "added": 0,
            "kept": 0,
            "obsolete": 0,
            "batches": 0,
            "attempts": 0,
            "heartbeat_at": now,
        }
        for seq, part in enumerate(ids[i : i + size] for i in range(0, len(ids), size))
    ]
    if rows:
        session.execute(insert(RescanChunk), rows)
    else:  # nothing in range: only the sweep, which finds nothing and finishes the job
        session.add(_sweep(job.id, 0, now))
    job.total = len(ids)
    session.commit()
    return job, list(session.scalars(select(RescanChunk.id).where(RescanChunk.job_id == job.id)))


def _sweep(job_id: int, seq: int, now: dt.datetime) -> RescanChunk:
    return RescanChunk(
        job_id=job_id, seq=seq, kind="sweep", first_id=0, last_id=LAST_ID, checkpoint=0, total=0, heartbeat_at=now
    )


def fill_progress(session: Session, job: RescanJob) -> RescanJob:
    """The job's counters as the sum of its chunks (set as loaded values: nothing to write back)."""
    sums = session.execute(
        select(
            func.coalesce(func.sum(RescanChunk.total), 0),
            func.coalesce(func.sum(RescanChunk.done), 0),
            func.coalesce(func.sum(RescanChunk.added), 0),
            func.coalesce(func.sum(RescanChunk.kept), 0),
            func.coalesce(func.sum(RescanChunk.obsolete), 0),
        ).where(RescanChunk.job_id == job.id)
    ).one()
    for name, value in zip(("total", "done", "added", "kept", "obsolete"), sums, strict=True):
        set_committed_value(job, name, int(value))
    return job


def stalled(session: Session, stall: dt.timedelta) -> list[int]:
    """Chunks of running queued jobs that no live worker moves: never claimed, or whose owner's heartbeat is
    older than the stall timeout. The queue gets them again (a chunk still waiting on it is not doubled)."""
    rows = session.scalars(
        select(RescanChunk.id)
        .join(RescanJob, RescanJob.id == RescanChunk.job_id)
        .where(
            RescanJob.status == RescanStatus.running,
            RescanJob.queued.is_(True),
            RescanChunk.status != "done",
            RescanChunk.heartbeat_at < utcnow() - stall,
        )
        .order_by(RescanChunk.id)
    )
    return list(rows)


@dataclass
class Worker:
    """What one worker process scans with: its sessions, its detector and the stall timeout."""

    sessions: sessionmaker[Session]
    reads: sessionmaker[Session]
    detector: Detector
    stall: dt.timedelta
    batch: int = BATCH

    def run(self, chunk_id: int, owner: str) -> str:
        """Claim the chunk and scan it to its end, then finish the job if it was the last one (running the
        sweep when it is due). What happened: "done", "busy" (another worker has it), "skipped"."""
        outcome = self._run_one(chunk_id, owner)
        while outcome == "done":
            following = self._finish(chunk_id)
            if following is None:
                break
            chunk_id, outcome = following, self._run_one(following, owner)
        return outcome

    def _run_one(self, chunk_id: int, owner: str) -> str:
        if not self._claim(chunk_id, owner):
            return "busy"
        scanner, exemptions = Scanner(self.detector, 1), _Exemptions()
        while True:
            if not self._batch(chunk_id, owner, scanner, exemptions):
                return "done"

    def _claim(self, chunk_id: int, owner: str) -> bool:
        with self.sessions() as session:
            row = session.execute(
                select(RescanChunk.status, RescanJob.status, RescanJob.lexicon_version)
                .join(RescanJob, RescanJob.id == RescanChunk.job_id)
                .where(RescanChunk.id == chunk_id)
            ).one_or_none()
            if row is None or row[0] == "done" or row[1] != RescanStatus.running:
                return False
            if row[2] != self.detector.version:
                raise LexiconMismatch(
                    f"重新扫描任务的词库版本是 {row[2]}，本工作进程的是 {self.detector.version}：不扫描这一块"
                )
            now = utcnow()
            claimed = session.execute(
                update(RescanChunk)
                .where(
                    RescanChunk.id == chunk_id,
                    RescanChunk.status != "done",
                    (RescanChunk.status == "pending")
                    | (RescanChunk.owner == owner)
                    | (RescanChunk.heartbeat_at < now - self.stall),
                )
                .values(status="running", owner=owner, heartbeat_at=now, attempts=RescanChunk.attempts + 1)
                .execution_options(synchronize_session=False)
            ).rowcount
            session.commit()
        if claimed == 1:
            log.info("re-scan chunk %s claimed by %s", chunk_id, owner)
        return claimed == 1

    def _batch(self, chunk_id: int, owner: str, scanner: Scanner, exemptions: _Exemptions) -> bool:
        """Read, scan and commit the next batch of the chunk; False when there was none left (then the
        chunk is done). Raises Fenced when the chunk is no longer this worker's."""
        version = self.detector.version
        with self.reads() as session:
            chunk = session.get(RescanChunk, chunk_id)
            job = session.get(RescanJob, chunk.job_id) if chunk is not None else None
            if chunk is None or job is None or chunk.owner != owner or chunk.status != "running":
                raise Fenced(f"重新扫描块 {chunk_id} 已由其他工作进程接手")
            checkpoint, kind, job_id = chunk.checkpoint, chunk.kind, job.id
            query = select(Article).where(
                _in_range(job.since, job.until), Article.id > checkpoint, Article.id <= chunk.last_id
            )
            if kind == "sweep":
                query = query.where(Article.lexicon_version != job.lexicon_version)
            batch = list(session.scalars(query.order_by(Article.id).limit(self.batch)))
            items = [(a.title, a.text, cst_date(a.published_at), *exemptions.of(session, a.account)) for a in batch]
        found = scanner.scan(items) if batch else []
        now = utcnow()
        with self.sessions() as session:
            values: dict[str, Any] = {"heartbeat_at": now}
            if batch:
                values |= {
                    "checkpoint": batch[-1].id,
                    "done": RescanChunk.done + len(batch),
                    "batches": RescanChunk.batches + 1,
                }
                if kind == "sweep":  # what the sweep finds was not counted when the job was planned
                    values["total"] = RescanChunk.total + len(batch)
            else:
                values |= {"status": "done", "finished_at": now}
            moved = session.execute(
                update(RescanChunk)
                .where(
                    RescanChunk.id == chunk_id,
                    RescanChunk.checkpoint == checkpoint,
                    RescanChunk.owner == owner,
                    RescanChunk.status == "running",
                )
                .values(**values)
                .execution_options(synchronize_session=False)
            ).rowcount
            if moved != 1:
                session.rollback()
                raise Fenced(f"重新扫描块 {chunk_id} 已由其他工作进程接手，本批不保存")
            if session.scalar(select(RescanJob.status).where(RescanJob.id == job_id)) != RescanStatus.running:
                session.rollback()
                raise Fenced(f"重新扫描任务 {job_id} 已结束或被取代")
            if batch:
                scanned = [
                    Scanned(a.id, a.title, a.text, a.lexicon_version, item[3], item[4], hits)
                    for a, item, hits in zip(batch, items, found, strict=True)
                ]
                tally = write_batch(session, scanned, version)
                session.execute(
                    update(RescanChunk)
                    .where(RescanChunk.id == chunk_id)
                    .values(
                        added=RescanChunk.added + tally.added,
                        kept=RescanChunk.kept + tally.kept,
                        obsolete=RescanChunk.obsolete + tally.obsolete,
                    )
                    .execution_options(synchronize_session=False)
                )
            session.commit()
        return bool(batch)

    def _finish(self, chunk_id: int) -> int | None:
        """After a chunk is done: the job's sweep when every range chunk is done (its id, for this worker to
        run), or the job done when the sweep is too. The job's row is locked: workers finishing their last
        chunks at once do this one after the other."""
        with self.sessions() as session:
            job_id = session.scalar(select(RescanChunk.job_id).where(RescanChunk.id == chunk_id))
            job = session.scalars(select(RescanJob).where(RescanJob.id == job_id).with_for_update()).one()
            if job.status != RescanStatus.running:
                session.rollback()
                return None
            chunks = list(session.scalars(select(RescanChunk).where(RescanChunk.job_id == job_id)))
            if any(c.status != "done" for c in chunks):
                session.rollback()
                return None
            if not any(c.kind == "sweep" for c in chunks):
                sweep = _sweep(job_id, max(c.seq for c in chunks) + 1, utcnow())
                session.add(sweep)
                session.commit()
                return sweep.id
            fill_progress(session, job)
            # Kept on the job too: the numbers of a finished job no longer change.
            session.execute(
                update(RescanJob)
                .where(RescanJob.id == job_id)
                .values(
                    status="done",
                    finished_at=utcnow(),
                    total=job.total,
                    done=job.done,
                    added=job.added,
                    kept=job.kept,
                    obsolete=job.obsolete,
                    heartbeat_at=utcnow(),
                )
                .execution_options(synchronize_session=False)
            )
            session.commit()
            log.info("re-scan %s done: %s articles", job_id, job.done)
            return None
