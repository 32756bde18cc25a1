"""Quarter-end re-scan: every article in a date range is scanned again with the current lexicons.

Review decisions survive: a hit that still matches (same article, rule and span) keeps its status and
its history; one that no longer matches becomes obsolete (never deleted, and logged); new hits are
pending. An identical second re-scan changes nothing. Articles are taken in id order and committed
in batches, the job remembering the last one done, so a re-scan killed half way resumes where it
stopped and loses nothing. Memory does not grow with the number of articles: one batch at a time.
Scanning, the costly part, runs in worker processes when there is more than one core.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.clock import CST, cst_date, utcnow
from app.detection.detector import Detector
from app.models import Account, Article, Hit, HitStatus, RescanJob, ReviewLog
from app.services.errors import Conflict, NotFound
from app.services.exemptions import applicable, phrase_spans
from app.services.review import change_status

ACTOR = "重新扫描"
BATCH = 200
# The first batch is small, so that progress shows within a moment of the start (workers need a few
# seconds to load the lexicons before anything is scanned).
FIRST_BATCH = 20
# A running job whose heartbeat is older than this was killed; a new re-scan may take over.
STALE_AFTER = dt.timedelta(minutes=2)

Key = tuple[str, str, int, int]  # field, rule, start, end


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
    """A new job, or the interrupted one for the same range and lexicons; 409 while another runs."""
    now = utcnow()
    resumed = None
    for job in session.scalars(select(RescanJob).where(RescanJob.status == "running")):
        if now - job.heartbeat_at < STALE_AFTER:
            session.rollback()
            raise Conflict(
                "rescan_running", f"已有重新扫描任务（编号 {job.id}，{job.label}）正在进行，请等它完成后再开始"
            )
        if (job.since, job.until, job.lexicon_version) == (since, until, lexicon_version) and resumed is None:
            resumed = job
        else:
            job.status, job.error, job.finished_at = "failed", "任务中断，已由新的重新扫描取代", now
    if resumed is not None:
        resumed.heartbeat_at = now
        session.commit()
        return resumed
    total = session.scalar(select(func.count(Article.id)).where(_in_range(since, until))) or 0
    job = RescanJob(label=label, since=since, until=until, lexicon_version=lexicon_version, total=total)
    session.add(job)
    session.commit()
    return job


def get_job(*, session: Session, job_id: int) -> RescanJob:
    job = session.get(RescanJob, job_id)
    if job is None:
        raise NotFound("rescan_not_found", f"重新扫描任务不存在：编号 {job_id}")
    return job


# -- scanning, in this process or in workers ------------------------------------------------------

_worker_detector: Detector | None = None


def _init_worker(lexicon_dir: str, context_chars: int, version: str) -> None:
    global _worker_detector
    _worker_detector = Detector.from_dir(lexicon_dir, context_chars=context_chars)
    if _worker_detector.version != version:
        raise RuntimeError(f"词库在重新扫描期间被修改（{version} → {_worker_detector.version}）")


# What a re-scan reads of one article: title, body and publication day.
Item = tuple[str, str, dt.date]


def _scan_in_worker(item: Item) -> list[dict[str, Any]]:
    assert _worker_detector is not None
    return [h.as_dict() for h in _worker_detector.check_article(item[0], item[1], date=item[2])]


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
                initargs=(str(detector.lexicon.directory), detector.context_chars, detector.version),
            )

    def scan(self, items: Sequence[Item]) -> list[list[dict[str, Any]]]:
        if self._pool is None:
            return [
                [h.as_dict() for h in self.detector.check_article(title, text, date=day)] for title, text, day in items
            ]
        return list(self._pool.map(_scan_in_worker, items, chunksize=max(1, len(items) // 32)))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# -- the job ---------------------------------------------------------------------------------------


@dataclass
class _Exemptions:
    cache: dict[int, tuple[list[str], set[str]]] = field(default_factory=dict)

    def of(self, session: Session, account: Account) -> tuple[list[str], set[str]]:
        if account.id not in self.cache:
            phrases, rules = applicable(session=session, account=account)
            self.cache[account.id] = (phrases, set(rules))
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
    scanner = Scanner(detector, workers)
    exemptions = _Exemptions()
    try:
        while True:
            with sessions() as session:
                job = get_job(session=session, job_id=job_id)
                finished = _next_batch(session, job, scanner, exemptions, detector.version)
            # Outside the transaction: a slow or failing callback must not hold the database.
            if progress:
                progress(job)
            if finished:
                return job
    except Exception as exc:
        with sessions() as session:
            job = get_job(session=session, job_id=job_id)
            job.status, job.error, job.finished_at = "failed", f"{type(exc).__name__}: {exc}"[:2000], utcnow()
            session.commit()
        raise
    finally:
        scanner.close()


def _next_batch(session: Session, job: RescanJob, scanner: Scanner, exemptions: _Exemptions, version: str) -> bool:
    """Scan and commit the next batch after the checkpoint; True when there was none left."""
    batch = list(
        session.scalars(
            select(Article)
            .where(_in_range(job.since, job.until), Article.id > job.last_article_id)
            .order_by(Article.id)
            .limit(BATCH if job.done else FIRST_BATCH)
        )
    )
    if not batch:
        job.status, job.finished_at = "done", utcnow()
        job.done = max(job.done, job.total)
        session.commit()
        return True
    found = scanner.scan([(a.title, a.text, cst_date(a.published_at)) for a in batch])
    stored: dict[int, list[Hit]] = {a.id: [] for a in batch}
    for hit in session.scalars(select(Hit).where(Hit.article_id.in_(list(stored))).order_by(Hit.id)):
        stored[hit.article_id].append(hit)
    tally = Tally()
    for article, hits in zip(batch, found, strict=True):
        phrases, rules = exemptions.of(session, article.account)
        _reconcile(session, article, stored[article.id], hits, version, phrases, rules, tally)
    job.done += len(batch)
    job.added += tally.added
    job.kept += tally.kept
    job.obsolete += tally.obsolete
    job.last_article_id = batch[-1].id
    job.heartbeat_at = utcnow()
    session.commit()
    return False


def _reconcile(
    session: Session,
    article: Article,
    stored: list[Hit],
    found: list[dict[str, Any]],
    version: str,
    phrases: list[str],
    rules: set[str],
    tally: Tally,
) -> None:
    existing: dict[Key, Hit] = {}
    for hit in stored:
        existing.setdefault((hit.field, hit.rule_id, hit.start, hit.end), hit)
    spans: dict[str, list[tuple[int, int]]] = {}  # per field, found only when a new hit needs them

    def exempted(item: dict[str, Any]) -> bool:
        if item["rule_id"] in rules:
            return True
        if not phrases:
            return False
        where = item["field"]
        if where not in spans:
            spans[where] = phrase_spans(article.field_text(where), phrases)
        return any(s <= item["start"] and item["end"] <= e for s, e in spans[where])

    seen: set[Key] = set()
    for item in found:
        key = (item["field"], item["rule_id"], item["start"], item["end"])
        seen.add(key)
        hit = existing.get(key)
        if hit is not None:
            _refresh(hit, item, version)
            if hit.status == HitStatus.obsolete.value:
                _restore(session, hit, version)
            tally.kept += 1
        elif exempted(item):
            continue  # a new hit is not stored
        else:
            session.add(Hit.found(item, version, article_id=article.id))
            tally.added += 1
    for key, hit in existing.items():
        if key not in seen and hit.status != HitStatus.obsolete.value:
            change_status(
                session=session,
                hit=hit,
                to=HitStatus.obsolete,
                actor=ACTOR,
                note=f"词库 {version} 重新扫描后不再命中",
                by_system=True,
            )
            tally.obsolete += 1
    if article.lexicon_version != version:
        article.lexicon_version = version


def _refresh(hit: Hit, item: dict[str, Any], version: str) -> None:
    """The rule's current words (a lexicon update may reword a message); status and history stay."""
    for name in ("text", "context", "category", "severity", "message"):
        if getattr(hit, name) != item[name]:
            setattr(hit, name, item[name])
    if hit.suggestions != item["suggestions"]:
        hit.suggestions = item["suggestions"]
    if hit.lexicon_version != version:
        hit.lexicon_version = version


def _restore(session: Session, hit: Hit, version: str) -> None:
    """A hit that matches again returns to the status it had before it became obsolete."""
    before = session.scalar(
        select(ReviewLog.from_status)
        .where(ReviewLog.hit_id == hit.id, ReviewLog.to_status == HitStatus.obsolete.value)
        .order_by(ReviewLog.id.desc())
        .limit(1)
    )
    change_status(
        session=session,
        hit=hit,
        to=HitStatus(before or HitStatus.pending.value),
        actor=ACTOR,
        note=f"词库 {version} 重新扫描后再次命中",
        by_system=True,
    )
