"""Large ingests on the PostgreSQL job queue: the chunks are the truth, as for queued re-scans.

`cuomin ingest FILE --queue` and POST /api/ingests read a JSONL file once and store, in one transaction,
an `ingest_job` and its `ingest_chunk` rows: a few hundred lines each, with their items. Lines that are not
JSON are recorded on the job by number and never queued. The chunks then go on the queue, and any
`cuomin worker` ingests them with `ingest_many`, as `cuomin ingest` does in-process:

- A worker claims a chunk (pending, or one whose owner's heartbeat is older than the stall timeout) by
  writing its own name as owner. Every write transaction of the chunk starts with a compare-and-set on
  that owner (which also moves the heartbeat): a worker taken for dead that wakes up writes nothing more.
- Each article a chunk writes carries the chunk's id. A retry after a killed attempt finds what that
  attempt wrote, and counts those articles as created by the chunk (once), not as duplicates; a chunk's
  outcome is recorded, again by compare-and-set on its owner, only by the attempt that saw it to the end.
  So the counts are exact however often a chunk is retried: created is the number of articles the job
  stored, and each of them is stored once (the article table's unique constraints).
- A chunk's items stay in its row until it is done (a retry needs them), then are cleared: the articles
  are in the article table and the failed lines in the chunk's problems with their numbers, so a second
  copy of every text would only double what a million-article ingest stores.
- Which of two copies of an article in the file is stored must not depend on which worker is faster: a
  line that repeats an earlier one goes to a "repeats" chunk, ingested only when every chunk of first
  copies is done (by the worker that finished the last of them), so the first copy is stored, as by
  `cuomin ingest`, and the repeats are its duplicates.
- The job is done when its last chunk is; until then its progress is the sum of its chunks.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import exists, func, insert, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from app.clock import utcnow
from app.detection.detector import Detector
from app.models import IngestChunk, IngestJob
from app.schemas.articles import BatchResult
from app.services.batch_ingestion import Fenced, Origin, ingest_many
from app.services.errors import Invalid, NotFound
from app.services.scanning import ScanPool

log = logging.getLogger("cuomin.ingest")

CHUNK_ITEMS = 500
# A chunk ends early past this many characters of JSON: saved WeChat pages can be large, and a row (and a
# worker's memory) should not hold hundreds of megabytes.
CHUNK_CHARS = 16 * 1024 * 1024
NOT_JSON = "不是有效的 JSON"
SHOWN_PROBLEMS = 1000  # errors listed by GET /api/ingests/{id}; the count is always whole


class _NotJson:
    """A line that is not JSON (read_lines gives it in place of the item)."""


BAD_LINE = _NotJson()


def read_lines(lines: Iterable[str]) -> Iterator[tuple[int, Any, int]]:
    """(line number, item, length) of each non-blank line; the item is BAD_LINE for one that is not JSON."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line), len(line)
        except ValueError:
            yield number, BAD_LINE, len(line)


def _keys(item: Any) -> tuple[int, ...]:
    """What a line would repeat an earlier one by, from its raw JSON: the account as named and the url, and
    the account as named and the content. Only a hint for scheduling (see start): two lines naming one
    account differently (by id and by filing number) or the same text in two forms are not caught."""
    if not isinstance(item, dict):
        return ()
    fields = [item.get(k) for k in ("account_id", "filing_no", "title", "text", "html", "url")]
    if not all(isinstance(f, str | int | None) for f in fields):
        return ()  # not an article: it fails validation wherever it is
    account_id, filing_no, title, body, html, url = (str(f).strip() if f is not None else "" for f in fields)
    content = hash((account_id, filing_no, title, body, html))
    return (content, hash((account_id, filing_no, url))) if url else (content,)


def start(
    *,
    session: Session,
    lines: Iterable[str],
    label: str,
    size: int = CHUNK_ITEMS,
    organization_scope: int | None = None,
    created_by: str | None = None,
) -> tuple[IngestJob, list[int]]:
    """A new job and its chunks (the ids of those to put on the queue now), all in one transaction: a file that
    fails to read half way (not UTF-8) leaves nothing.

    A line that repeats an earlier one (same account and url, or same account and content, as far as the
    raw JSON tells) goes to a "repeats" chunk, ingested only once every other chunk is done: as with
    `cuomin ingest`, the first of two copies in the file is the one stored, whichever worker runs first.
    Memory holds one chunk of each kind, and a hash or two per line."""
    now = utcnow()
    job = IngestJob(
        label=label[:200], organization_scope=organization_scope, created_by=created_by, total=0, created_at=now
    )
    session.add(job)
    session.flush()
    bad: list[dict[str, Any]] = []
    parts: dict[str, list[list[Any]]] = {"lines": [], "repeats": []}
    chars = {"lines": 0, "repeats": 0}
    seen: set[int] = set()
    seq = total = 0

    def store(kind: str) -> None:
        nonlocal seq
        part = parts[kind]
        row = {
            "job_id": job.id,
            "seq": seq,
            "kind": kind,
            "first_line": part[0][0],
            "items": part,
            "total": len(part),
            "status": "pending",
            "heartbeat_at": now,
            "attempts": 0,
            "created": 0,
            "duplicates": 0,
            "errors": 0,
            "hits": 0,
        }
        session.execute(insert(IngestChunk), [row])
        parts[kind], chars[kind], seq = [], 0, seq + 1

    try:
        for number, item, length in read_lines(lines):
            total += 1
            if item is BAD_LINE:
                bad.append({"line": number, "code": "invalid_json", "error": NOT_JSON})
                continue
            keys = _keys(item)
            kind = "repeats" if any(k in seen for k in keys) else "lines"
            seen.update(keys)
            parts[kind].append([number, item])
            chars[kind] += length
            if len(parts[kind]) >= size or chars[kind] >= CHUNK_CHARS:
                store(kind)
    except UnicodeDecodeError:
        session.rollback()
        raise Invalid("not_utf8", f"文件 {label} 不是 UTF-8 编码的文本") from None
    for kind in ("lines", "repeats"):
        if parts[kind]:
            store(kind)
    job.total, job.line_errors, job.errors = total, bad, len(bad)
    if seq == 0:  # nothing to queue: every line was bad, or the file was empty
        job.status, job.finished_at = "done", now
    session.commit()
    query = select(IngestChunk.id).where(IngestChunk.job_id == job.id, IngestChunk.kind == "lines")
    return job, list(session.scalars(query.order_by(IngestChunk.seq)))


@dataclass
class Progress:
    """A job as GET /api/ingests/{id} shows it: its counters (the sum of its chunks while it runs) and the
    failed lines, in line order."""

    job: IngestJob
    done: int  # lines dealt with: those of done chunks, and the bad lines
    chunks: int
    chunks_done: int
    problems: list[dict[str, Any]] = field(default_factory=list)


def progress(*, session: Session, job_id: int, problems: int = SHOWN_PROBLEMS) -> Progress:
    job = session.get(IngestJob, job_id)
    if job is None:
        raise NotFound("ingest_not_found", f"入库任务不存在：编号 {job_id}")
    done = func.coalesce(func.sum(IngestChunk.total).filter(IngestChunk.status == "done"), 0)
    sums = session.execute(
        select(
            func.count(),
            func.count().filter(IngestChunk.status == "done"),
            done,
            *(func.coalesce(func.sum(getattr(IngestChunk, n)), 0) for n in ("created", "duplicates", "errors", "hits")),
        ).where(IngestChunk.job_id == job_id)
    ).one()
    chunks, chunks_done, lines_done, created, duplicates, errors, hits = (int(v) for v in sums)
    bad = list(job.line_errors or [])
    if job.status == "running":  # the chunks are the truth (set as loaded values: nothing to write back)
        counts = {"created": created, "duplicates": duplicates, "errors": errors + len(bad), "hits": hits}
        for name, value in counts.items():
            set_committed_value(job, name, value)
    found = list(bad)
    if problems:
        query = select(IngestChunk.problems).where(IngestChunk.job_id == job_id, IngestChunk.problems.is_not(None))
        for rows in session.scalars(query):
            found.extend(rows)
    found.sort(key=lambda p: p["line"])
    done = lines_done + len(bad)
    return Progress(job=job, done=done, chunks=chunks, chunks_done=chunks_done, problems=found[:problems])


def stalled(session: Session, stall: dt.timedelta) -> list[int]:
    """Chunks of running jobs that no live worker moves (never claimed, or the owner's heartbeat is older than
    the stall timeout): the queue gets them again. A repeats chunk only once its job's other chunks are done."""
    rows = session.scalars(
        select(IngestChunk.id)
        .join(IngestJob, IngestJob.id == IngestChunk.job_id)
        .where(
            IngestJob.status == "running",
            IngestChunk.status != "done",
            IngestChunk.heartbeat_at < utcnow() - stall,
            (IngestChunk.kind == "lines") | ~_lines_left(IngestChunk.job_id),
        )
        .order_by(IngestChunk.id)
    )
    return list(rows)


def _lines_left(job_id: Any) -> Any:
    """Whether the job still has a chunk of first copies (kind "lines") that is not done."""
    other = aliased(IngestChunk)
    return exists().where(other.job_id == job_id, other.kind == "lines", other.status != "done")


@dataclass
class IngestWorker:
    """What a `cuomin worker` process ingests chunks with: its sessions, its detector, the stall timeout."""

    sessions: sessionmaker[Session]
    reads: sessionmaker[Session]
    detector: Detector
    stall: dt.timedelta
    max_article_bytes: int

    def run(self, chunk_id: int, owner: str) -> str:
        """Claim the chunk, ingest its items and record the outcome; after the job's last chunk of first
        copies, ingest its repeats chunks too (another worker may take some), then finish the job. What
        happened: "done", or "busy" (another worker has it, it is done, or it is a repeats chunk whose
        turn has not come). Raises Fenced when a chunk was taken over meanwhile."""
        outcome = self._run_one(chunk_id, owner)
        if outcome != "done":
            return outcome
        for following in self._finish(chunk_id):
            self._run_one(following, owner)
            self._finish(following)
        return outcome

    def _run_one(self, chunk_id: int, owner: str) -> str:
        if not self._claim(chunk_id, owner):
            return "busy"
        with self.reads() as session:
            chunk = session.get(IngestChunk, chunk_id)
            assert chunk is not None
            job = session.get(IngestJob, chunk.job_id)
            assert job is not None
            numbered, scope, job_id = list(chunk.items or []), job.organization_scope, job.id
        pool = ScanPool(self.detector, 1)  # one worker process per core: it checks in-process
        result = ingest_many(
            sessions=self.sessions,
            pool=pool,
            items=[item for _line, item in numbered],
            max_article_bytes=self.max_article_bytes,
            organization_scope=scope,
            origin=Origin(chunk_id, partial(self._fence, chunk_id, owner)),
        )
        self._record(chunk_id, owner, result, [line for line, _item in numbered])
        log.info("ingest %s: chunk %s done", job_id, chunk_id)
        return "done"

    def _claim(self, chunk_id: int, owner: str) -> bool:
        now = utcnow()
        with self.sessions() as session:
            claimed = session.execute(
                update(IngestChunk)
                .where(
                    IngestChunk.id == chunk_id,
                    IngestChunk.status != "done",
                    (IngestChunk.kind == "lines") | ~_lines_left(IngestChunk.job_id),
                    (IngestChunk.status == "pending")
                    | (IngestChunk.owner == owner)
                    | (IngestChunk.heartbeat_at < now - self.stall),
                )
                .values(status="running", owner=owner, heartbeat_at=now, attempts=IngestChunk.attempts + 1)
                .execution_options(synchronize_session=False)
            ).rowcount
            session.commit()
        if claimed == 1:
            log.info("ingest chunk %s claimed by %s", chunk_id, owner)
        return claimed == 1

    def _fence(self, chunk_id: int, owner: str, session: Session) -> None:
        """The first statement of each write transaction: the chunk is still this worker's (and its heartbeat
        moves). On PostgreSQL the row stays locked until the transaction ends: a claim waits for it."""
        moved = session.execute(
            update(IngestChunk)
            .where(IngestChunk.id == chunk_id, IngestChunk.owner == owner, IngestChunk.status == "running")
            .values(heartbeat_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        if moved != 1:
            raise Fenced(f"入库块 {chunk_id} 已由其他工作进程接手，本批不保存")

    def _record(self, chunk_id: int, owner: str, result: BatchResult, lines: list[int]) -> None:
        problems = [{"line": lines[e.index], "code": e.code, "error": e.error} for e in result.errors]
        now = utcnow()
        with self.sessions() as session:
            self._fence(chunk_id, owner, session)
            session.execute(
                update(IngestChunk)
                .where(IngestChunk.id == chunk_id)
                .values(
                    status="done",
                    items=None,
                    created=len(result.created),
                    duplicates=len(result.duplicates),
                    errors=len(result.errors),
                    hits=sum(c.hits for c in result.created),
                    problems=problems,
                    finished_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            session.commit()

    def _finish(self, chunk_id: int) -> list[int]:
        """After a chunk is done: once the job's chunks of first copies are all done, its repeats chunks not
        yet done (for this worker to run); the job done, with its chunks' sums, when no chunk is left. The
        job's row is locked: two workers finishing the last chunks at once do this one after the other."""
        with self.sessions() as session:
            job_id = session.scalar(select(IngestChunk.job_id).where(IngestChunk.id == chunk_id))
            job = session.scalars(select(IngestJob).where(IngestJob.id == job_id).with_for_update()).one()
            left = session.execute(
                select(IngestChunk.id, IngestChunk.kind)
                .where(IngestChunk.job_id == job_id, IngestChunk.status != "done")
                .order_by(IngestChunk.seq)
            ).all()
            if job.status != "running" or left:
                session.rollback()
                waiting = job.status == "running" and not any(kind == "lines" for _id, kind in left)
                return [chunk for chunk, _kind in left] if waiting else []
            sums = progress(session=session, job_id=job_id, problems=0).job
            session.execute(
                update(IngestJob)
                .where(IngestJob.id == job_id)
                .values(
                    status="done",
                    finished_at=utcnow(),
                    created=sums.created,
                    duplicates=sums.duplicates,
                    errors=sums.errors,
                    hits=sums.hits,
                )
                .execution_options(synchronize_session=False)
            )
            session.commit()
            log.info("ingest %s done: %s created", job_id, sums.created)
            return []
