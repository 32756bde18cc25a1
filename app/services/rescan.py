"""Quarter-end re-scan: every article in a date range is scanned again with the current lexicons.

Review decisions survive: a hit that still matches (same article, rule and span) keeps its status and
its history; one that no longer matches becomes obsolete (never deleted, and logged); new hits are
pending. An identical second re-scan changes nothing. Articles are taken in id order and committed
in batches, the job remembering the last one done, so a re-scan killed half way resumes where it
stopped and loses nothing. Memory does not grow with the number of articles: one batch at a time.
Scanning, the costly part, runs in worker processes when there is more than one core, and outside any
database transaction: on SQLite a writing transaction holds the database's only write lock, and other
writers (ingest, review) must not wait for a batch to be scanned. Each batch is read, scanned, then
written in one short transaction.

Exemptions apply in the engine, as at ingest (`Detector.check(exempt_…)`): both decide alike.

The job records its runner (host, process, run): workers die with their parent, and a server restarted
after a crash takes over the job it finds abandoned at once (`recover`), instead of waiting for the
heartbeat to go stale.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.clock import CST, cst_date, utcnow
from app.config import get_settings
from app.db import READ_ONLY
from app.detection.detector import STORED_PROFILE, Detector
from app.detection.exempt import Cover, phrase_spans
from app.detection.hit import TITLE
from app.models import Account, Article, HitRecord, RescanJob, ReviewLog
from app.services.errors import Conflict, NotFound
from app.services.exemptions import applicable
from app.vocabulary import HitStatus, RescanStatus

log = logging.getLogger("cuomin.rescan")

ACTOR = "重新扫描"
BATCH = 200
# The first batch is small, so that progress shows within a moment of the start (workers need a few
# seconds to load the lexicons before anything is scanned).
FIRST_BATCH = 20
# A running job whose heartbeat is older than this was killed; a new re-scan may take over.
STALE_AFTER = dt.timedelta(minutes=2)

Key = tuple[str, str, int, int]  # field, rule, start, end
# What a re-scan checks of one article: title, body, publication day, exempted phrases, exempted rules.
Item = tuple[str, str, dt.date, tuple[str, ...], tuple[str, ...]]

_HOST = socket.gethostname()
_ACTIVE: set[str] = set()  # the runners of jobs running in this process
_ACTIVE_LOCK = threading.Lock()


def _new_runner() -> str:
    """A runner for a job about to run in this process: alive (see _abandoned) until run_job ends."""
    runner = f"{_HOST}:{os.getpid()}:{secrets.token_hex(4)}"
    with _ACTIVE_LOCK:
        _ACTIVE.add(runner)
    return runner


def _abandoned(job: RescanJob) -> bool:
    """Whether the process that ran job is gone: known at once on this host, by the heartbeat elsewhere."""
    if utcnow() - job.heartbeat_at >= STALE_AFTER:
        return True
    host, _, rest = (job.runner or "").partition(":")
    pid_text, _, _run = rest.partition(":")
    if host != _HOST or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():  # this process (or its predecessor with the same pid, in a container)
        with _ACTIVE_LOCK:
            return job.runner not in _ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@dataclass
class Tally:
    added: int = 0
    kept: int = 0
    obsolete: int = 0


def _bounds(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(since, dt.time(), tzinfo=CST)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=CST)
    return start, end


def _in_range(since: dt.date, until: dt.date) -> Any:
    start, end = _bounds(since, until)
    return (Article.published_at >= start) & (Article.published_at < end)


def start_job(*, session: Session, since: dt.date, until: dt.date, label: str, lexicon_version: str) -> RescanJob:
    """A new job, or the interrupted one for the same range and lexicons; 409 while another runs.
    The database holds one running job at most: of two concurrent starts, the second gets the 409."""
    now = utcnow()
    resumed = None
    for job in session.scalars(select(RescanJob).where(RescanJob.status == RescanStatus.running)):
        if job.queued or not _abandoned(job):  # a queued job's workers are watched by the queue
            session.rollback()
            raise _running(job)
        if (job.since, job.until, job.lexicon_version) == (since, until, lexicon_version) and resumed is None:
            resumed = job
        else:
            job.status, job.error, job.finished_at = RescanStatus.failed, "任务中断，已由新的重新扫描取代", now
    if resumed is not None:
        return _take_over(session, resumed)
    total = session.scalar(select(func.count(Article.id)).where(_in_range(since, until))) or 0
    job = RescanJob(
        label=label, since=since, until=until, lexicon_version=lexicon_version, total=total, runner=_new_runner()
    )
    session.add(job)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict("rescan_running", "已有重新扫描任务刚刚开始，请等它完成后再开始") from None
    return job


def _running(job: RescanJob) -> Conflict:
    return Conflict("rescan_running", f"已有重新扫描任务（编号 {job.id}，{job.label}）正在进行，请等它完成后再开始")


def _take_over(session: Session, job: RescanJob) -> RescanJob:
    """Become the job's runner, unless another process did so first (then 409)."""
    runner, old = _new_runner(), job.runner
    taken = session.execute(
        update(RescanJob)
        .where(
            RescanJob.id == job.id, RescanJob.status == RescanStatus.running, RescanJob.heartbeat_at == job.heartbeat_at
        )
        .where(RescanJob.runner.is_(None) if old is None else RescanJob.runner == old)
        .values(runner=runner, heartbeat_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        session.rollback()
        raise _running(job)
    session.commit()
    session.refresh(job)
    return job


def recover(*, sessions: sessionmaker[Session], detector: Detector, workers: int) -> RescanJob | None:
    """At start: a job left running by a killed process resumes at once (its lexicons still current),
    or is marked failed, so that new re-scans need not wait for its heartbeat to go stale."""
    with sessions() as session:
        job = session.scalars(
            select(RescanJob).where(RescanJob.status == RescanStatus.running, RescanJob.queued.is_(False))
        ).first()
        if job is None or not _abandoned(job):
            return None
        if job.lexicon_version != detector.version:
            job.status, job.finished_at = RescanStatus.failed, utcnow()
            job.error = "服务重启，任务中断；词库已更新，请重新开始重新扫描"
            session.commit()
            return None
        try:
            job = _take_over(session, job)
        except Conflict:
            return None
    run_in_background(sessions=sessions, job_id=job.id, detector=detector, workers=workers)
    return job


def run_in_background(*, sessions: sessionmaker[Session], job_id: int, detector: Detector, workers: int) -> None:
    def work() -> None:
        try:
            run_job(sessions=sessions, job_id=job_id, detector=detector, workers=workers)
        except Exception:  # recorded on the job as failed; the log keeps the trace
            log.exception("re-scan %s failed", job_id)

    threading.Thread(target=work, name=f"rescan-{job_id}", daemon=True).start()


def get_job(*, session: Session, job_id: int) -> RescanJob:
    job = session.get(RescanJob, job_id)
    if job is None:
        raise NotFound("rescan_not_found", f"重新扫描任务不存在：编号 {job_id}")
    if job.queued and job.status == RescanStatus.running:
        from app.services.chunks import fill_progress

        fill_progress(session, job)  # the chunks are the truth about a queued job's progress
    return job


# -- scanning, in this process or in workers ------------------------------------------------------

_worker_detector: Detector | None = None


def _init_worker(lexicon_dir: str, context_chars: int, version: str, parent: int) -> None:
    from app.detection.cache import load_detector

    global _worker_detector
    # A worker outlives a parent killed by SIGKILL (nothing tells it): it watches and follows it.
    threading.Thread(target=_follow_parent, args=(parent,), name="follow-parent", daemon=True).start()
    # From the compiled cache (the caller's detector wrote it, or the first worker does).
    settings = get_settings()
    _worker_detector = load_detector(
        lexicon_dir, cache_dir=settings.cache_dir, context_chars=context_chars, typo=settings.typo_layer
    )
    if _worker_detector.version != version:
        raise RuntimeError(f"词库在重新扫描期间被修改（{version} → {_worker_detector.version}）")


def _follow_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _check(detector: Detector, item: Item) -> list[dict[str, Any]]:
    title, text, day, phrases, rules = item
    hits = detector.check_article(
        title, text, date=day, exempt_phrases=phrases, exempt_rules=rules, profile=STORED_PROFILE
    )
    return [h.as_dict() for h in hits]


def _scan_in_worker(item: Item) -> list[dict[str, Any]]:
    assert _worker_detector is not None
    return _check(_worker_detector, item)


class Scanner:
    """Scans texts with one detector; with workers > 1, in that many processes (each builds its own)."""

    def __init__(self, detector: Detector, workers: int) -> None:
        self.detector = detector
        self._pool: ProcessPoolExecutor | None = None
        if workers > 1:
            self._pool = ProcessPoolExecutor(
                max_workers=workers,
                # spawn, not fork: the caller may be a threaded web server.
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(str(detector.lexicon.directory), detector.context_chars, detector.version, os.getpid()),
            )

    def scan(self, items: Sequence[Item]) -> list[list[dict[str, Any]]]:
        if self._pool is None:
            return [_check(self.detector, item) for item in items]
        return list(self._pool.map(_scan_in_worker, items, chunksize=max(1, len(items) // 32)))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# -- the job ---------------------------------------------------------------------------------------


@dataclass
class _Exemptions:
    cache: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)

    def of(self, session: Session, account: Account) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if account.id not in self.cache:
            phrases, rules = applicable(session=session, account=account)
            self.cache[account.id] = (tuple(phrases), tuple(rules))
        return self.cache[account.id]


def run_job(
    *,
    sessions: sessionmaker[Session],
    job_id: int,
    detector: Detector,
    workers: int = 1,
    progress: Callable[[RescanJob], None] | None = None,
) -> RescanJob:
    """Scan every article of the job after its checkpoint, one committed batch at a time."""
    bind = sessions.kw["bind"]
    reads = sessionmaker(bind=bind.execution_options(**{READ_ONLY: True}), expire_on_commit=False)
    with sessions() as session:
        runner = get_job(session=session, job_id=job_id).runner or ""
    with _ACTIVE_LOCK:
        _ACTIVE.add(runner)
    scanner = Scanner(detector, workers)
    exemptions = _Exemptions()
    try:
        while True:
            job, finished = _next_batch(sessions, reads, job_id, runner, scanner, exemptions, detector.version)
            # Outside the transaction: a slow or failing callback must not hold the database.
            if progress:
                progress(job)
            if finished:
                return job
    except Exception as exc:
        with sessions() as session:
            job = get_job(session=session, job_id=job_id)
            if job.status == RescanStatus.running and job.runner == runner:
                job.status, job.error, job.finished_at = RescanStatus.failed, _describe(exc), utcnow()
                session.commit()
        raise
    finally:
        scanner.close()
        with _ACTIVE_LOCK:
            _ACTIVE.discard(runner)


def _describe(exc: Exception) -> str:
    """The job's error, for the reviewer reading its status: never the SQL of a database error."""
    if isinstance(exc, SQLAlchemyError):
        cause = type(getattr(exc, "orig", None) or exc).__name__
        return f"数据库错误（{cause}），本批未保存，再次开始同一范围的重新扫描会从断点继续；详情见服务日志"
    return f"{type(exc).__name__}: {exc}"[:2000]


class _TakenOver(Exception):
    """Another process became the job's runner (this one was taken for dead): stop without writing."""


def _next_batch(
    sessions: sessionmaker[Session],
    reads: sessionmaker[Session],
    job_id: int,
    runner: str,
    scanner: Scanner,
    exemptions: _Exemptions,
    version: str,
) -> tuple[RescanJob, bool]:
    """Read, scan, then write the next batch after the checkpoint; True when there was none left.
    Only the write holds a transaction that writes (on SQLite: the write lock)."""
    with reads() as session:
        job = get_job(session=session, job_id=job_id)
        checkpoint = job.last_article_id
        batch = list(
            session.scalars(
                select(Article)
                .where(_in_range(job.since, job.until), Article.id > checkpoint)
                .order_by(Article.id)
                # a small first batch: the progress shows numbers within seconds
                .limit(BATCH if job.done else FIRST_BATCH)
            )
        )
        items = [(a.title, a.text, cst_date(a.published_at), *exemptions.of(session, a.account)) for a in batch]
    found = scanner.scan(items) if batch else []
    with sessions() as session:
        job = get_job(session=session, job_id=job_id)
        if job.status != RescanStatus.running or job.runner != runner or job.last_article_id != checkpoint:
            session.rollback()
            raise _TakenOver(f"重新扫描任务 {job_id} 已由其他进程接手")
        if not batch:
            job.status, job.finished_at = RescanStatus.done, utcnow()
            job.done = max(job.done, job.total)
            session.commit()
            return job, True
        tally = write_batch(
            session,
            [
                Scanned(a.id, a.title, a.text, a.lexicon_version, item[3], item[4], hits)
                for a, item, hits in zip(batch, items, found, strict=True)
            ],
            version,
        )
        job.done += len(batch)
        job.added += tally.added
        job.kept += tally.kept
        job.obsolete += tally.obsolete
        job.last_article_id = batch[-1].id
        job.heartbeat_at = utcnow()
        session.commit()
        return job, False


@dataclass(frozen=True, slots=True)
class Scanned:
    """An article as scanned: what the batch write needs to reconcile its stored hits."""

    id: int
    title: str
    text: str
    lexicon_version: str
    phrases: Sequence[str]  # exempted phrases and rules of its account
    rules: Sequence[str]
    hits: list[dict[str, Any]]  # what the engine found now

    def field_text(self, field: str) -> str:
        return self.title if field == TITLE else self.text


_STORED = (
    HitRecord.id,
    HitRecord.article_id,
    HitRecord.field,
    HitRecord.rule_id,
    HitRecord.start,
    HitRecord.end,
    HitRecord.status,
    HitRecord.text,
    HitRecord.context,
    HitRecord.category,
    HitRecord.severity,
    HitRecord.message,
    HitRecord.suggestions,
    HitRecord.lexicon_version,
)
_REFRESHED = ("text", "context", "category", "severity", "message", "suggestions")


def write_batch(session: Session, articles: Sequence[Scanned], version: str) -> Tally:
    """Reconcile the stored hits of a batch of scanned articles with what was found, in a few batched Core
    statements (not one ORM object per hit). The stored hits are locked first (SELECT … FOR UPDATE on
    PostgreSQL, in id order like every review), so a review committing meanwhile is read, never overwritten:
    a re-scan changes the status only of hits that vanished or came back. The caller commits."""
    tally = Tally()
    if not articles:
        return tally
    ids = [a.id for a in articles]
    stored: dict[int, list[Any]] = {i: [] for i in ids}
    locking = select(*_STORED).where(HitRecord.article_id.in_(ids)).order_by(HitRecord.id).with_for_update()
    for row in session.execute(locking):
        stored[row.article_id].append(row)
    now = utcnow()
    new_rows: list[dict[str, Any]] = []
    refreshed: list[dict[str, Any]] = []
    changes: list[tuple[Any, str, str]] = []  # (stored row, to status, note); "" as to: restore
    for article in articles:
        existing: dict[Key, Any] = {}
        for row in stored[article.id]:
            existing.setdefault((row.field, row.rule_id, row.start, row.end), row)
        seen: set[Key] = set()
        for item in article.hits:
            key = (item["field"], item["rule_id"], item["start"], item["end"])
            seen.add(key)
            row = existing.get(key)
            if row is None:
                new_rows.append(HitRecord.row(item, version, article.id, now))
                tally.added += 1
                continue
            tally.kept += 1
            # The rule's current words (a lexicon update may reword a message); status and history stay.
            fresh = {name: item[name] for name in _REFRESHED}
            fresh["suggestions"] = list(fresh["suggestions"])
            if any(getattr(row, name) != fresh[name] for name in _REFRESHED) or row.lexicon_version != version:
                refreshed.append({"b_id": row.id, **fresh, "lexicon_version": version})
            if row.status == HitStatus.obsolete.value:
                changes.append((row, "", f"词库 {version} 重新扫描后再次命中"))
        covers: dict[str, Cover] = {}
        for key, row in existing.items():
            if key in seen or row.status == HitStatus.obsolete.value or _exempted(article, row, covers):
                continue
            changes.append((row, HitStatus.obsolete.value, f"词库 {version} 重新扫描后不再命中"))
            tally.obsolete += 1
    table = HitRecord.__table__
    if new_rows:
        session.execute(insert(table), new_rows)
    if refreshed:
        values = {name: bindparam(name) for name in (*_REFRESHED, "lexicon_version")}
        session.execute(update(table).where(table.c.id == bindparam("b_id")).values(**values), refreshed)
    if changes:
        before = _before_obsolete(session, [row.id for row, to, _ in changes if not to])
        logs, statuses = [], []
        for row, to, note in changes:
            to = to or before.get(row.id, HitStatus.pending.value)
            logs.append(
                {
                    "hit_id": row.id,
                    "actor": ACTOR,
                    "at": now,
                    "from_status": row.status,
                    "to_status": to,
                    "note": note,
                    "exemption_id": None,
                }
            )
            statuses.append({"b_id": row.id, "status": to})
        # By the system: the reviewer's name, time and note stay those of the last review.
        session.execute(
            update(table).where(table.c.id == bindparam("b_id")).values(status=bindparam("status")), statuses
        )
        session.execute(insert(ReviewLog.__table__), logs)
    stale = [a.id for a in articles if a.lexicon_version != version]
    if stale:
        session.execute(
            update(Article)
            .where(Article.id.in_(stale))
            .values(lexicon_version=version)
            .execution_options(synchronize_session=False)
        )
    return tally


def _exempted(article: Scanned, row: Any, covers: dict[str, Cover]) -> bool:
    """A stored hit the engine now leaves out because of an exemption keeps its status (the exemption
    dismissed it, logged): only a hit the lexicons no longer find becomes obsolete."""
    if row.rule_id in article.rules:
        return True
    if not article.phrases:
        return False
    if row.field not in covers:
        covers[row.field] = Cover(phrase_spans(article.field_text(row.field), article.phrases))
    return covers[row.field].covers(row.start, row.end)


def _before_obsolete(session: Session, ids: Sequence[int]) -> dict[int, str]:
    """The status each hit had before it last became obsolete: a hit that matches again returns to it."""
    if not ids:
        return {}
    latest = (
        select(func.max(ReviewLog.id))
        .where(ReviewLog.hit_id.in_(list(ids)), ReviewLog.to_status == HitStatus.obsolete.value)
        .group_by(ReviewLog.hit_id)
    )
    rows = session.execute(select(ReviewLog.hit_id, ReviewLog.from_status).where(ReviewLog.id.in_(latest)))
    return {row.hit_id: row.from_status for row in rows}
