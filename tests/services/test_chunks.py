"""Queued re-scans without the queue: chunks, the compare-and-set that fences a stale worker, the sweep."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.detection.detector import Detector
from app.models import Article, HitRecord, RescanChunk, RescanJob, ReviewLog
from app.services import chunks, rescan
from app.services.errors import Conflict
from tests.services.test_rescan import Q2, edit, ingest

STALL = dt.timedelta(seconds=60)


def worker(sessions: sessionmaker[Session], detector: Detector, batch: int = 2) -> chunks.Worker:
    reads = sessionmaker(bind=sessions.kw["bind"], expire_on_commit=False)
    return chunks.Worker(sessions=sessions, reads=reads, detector=detector, stall=STALL, batch=batch)


def start(sessions: sessionmaker[Session], detector: Detector, size: int = 3) -> tuple[int, list[int]]:
    with sessions() as session:
        job, ids = chunks.start(
            session=session, since=Q2[0], until=Q2[1], label="2023Q2", lexicon_version=detector.version, size=size
        )
    return job.id, ids


def test_chunks_sum_to_the_job_and_the_sweep_finishes_it(sessions, lexicon: Path) -> None:
    first = Detector.from_dir(lexicon)
    for n in range(7):
        ingest(sessions, first, n, "2023-05-01", f"截止目前，他做为党员{n}。")
    ingest(sessions, first, 99, "2023-07-02", "他做为党员。")  # next quarter
    second = edit(lexicon, "term: 做为", "term: 党员")
    job_id, ids = start(sessions, second)
    assert len(ids) == 3  # 7 articles in chunks of 3
    with sessions() as session:
        job = rescan.get_job(session=session, job_id=job_id)
        assert (job.status, job.total, job.done, job.queued) == ("running", 7, 0, True)
        # The database keeps one running job: a second start is refused.
        with pytest.raises(Conflict):
            chunks.start(session=session, since=Q2[0], until=Q2[1], label="q", lexicon_version=second.version)
    w = worker(sessions, second)
    for chunk_id in ids:
        assert w.run(chunk_id, f"w:{chunk_id}") == "done"
    with sessions() as session:
        job = rescan.get_job(session=session, job_id=job_id)
        assert (job.status, job.total, job.done, job.added, job.kept, job.obsolete) == ("done", 7, 7, 7, 7, 7)
        kinds = session.scalars(select(RescanChunk.kind).where(RescanChunk.job_id == job_id)).all()
        assert sorted(kinds) == ["range"] * 3 + ["sweep"]
        in_q2 = session.scalars(
            select(Article.lexicon_version).where(Article.published_at < dt.datetime(2023, 7, 1, tzinfo=dt.UTC))
        )
        assert set(in_q2) == {second.version}
        assert session.scalar(select(func.count(ReviewLog.id))) == 7  # one per vanished 做为


def test_a_stale_worker_is_fenced_by_the_checkpoint(sessions, lexicon: Path) -> None:
    detector = Detector.from_dir(lexicon)
    for n in range(4):
        ingest(sessions, detector, n, "2023-05-01", f"他做为党员{n}。")
    with sessions() as session:
        session.execute(update(Article).values(lexicon_version="old"))
        session.execute(update(HitRecord).values(rule_id="gone.rule"))  # every stored hit vanishes
        session.commit()
    _job_id, (chunk_id,) = start(sessions, detector, size=10)
    a, b = worker(sessions, detector), worker(sessions, detector)
    assert a._claim(chunk_id, "A")
    assert not b._claim(chunk_id, "B")  # A's heartbeat is fresh
    scanner, exemptions = rescan.Scanner(detector, 1), rescan._Exemptions()
    assert a._batch(chunk_id, "A", scanner, exemptions)  # one batch committed by A
    # A freezes; its heartbeat goes stale and B takes the chunk over.
    with sessions() as session:
        session.execute(update(RescanChunk).values(heartbeat_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)))
        session.commit()
    assert b._claim(chunk_id, "B")
    with pytest.raises(chunks.Fenced):
        a._batch(chunk_id, "A", scanner, exemptions)  # A wakes up: nothing it scanned is written
    assert b._run_one(chunk_id, "B") == "done"
    with sessions() as session:
        chunk = session.get(RescanChunk, chunk_id)
        assert (chunk.done, chunk.obsolete, chunk.batches, chunk.owner) == (4, 4, 2, "B")
        logs = session.execute(select(ReviewLog.hit_id, func.count()).group_by(ReviewLog.hit_id)).all()
        assert len(logs) == 4 and all(count == 1 for _, count in logs)


def test_a_worker_refuses_a_chunk_of_another_lexicon(sessions, lexicon: Path) -> None:
    detector = Detector.from_dir(lexicon)
    ingest(sessions, detector, 1, "2023-05-01", "他做为党员。")
    _job_id, (chunk_id,) = start(sessions, detector)
    other = edit(lexicon, "term: 做为", "term: 党员")
    with pytest.raises(chunks.LexiconMismatch):
        worker(sessions, other).run(chunk_id, "X")
    with sessions() as session:
        assert session.get(RescanChunk, chunk_id).status == "pending"
        # A re-scan on the new lexicon replaces the job the workers can no longer run.
        chunks.start(session=session, since=Q2[0], until=Q2[1], label="q", lexicon_version=other.version)
        assert session.scalar(select(func.count()).where(RescanJob.status == "failed")) == 1


def test_stalled_lists_chunks_no_live_worker_moves(sessions, lexicon: Path) -> None:
    detector = Detector.from_dir(lexicon)
    for n in range(4):
        ingest(sessions, detector, n, "2023-05-01", f"他做为党员{n}。")
    _job_id, ids = start(sessions, detector, size=2)
    w = worker(sessions, detector)
    assert w._claim(ids[0], "A")
    with sessions() as session:
        assert chunks.stalled(session, STALL) == []
        assert chunks.stalled(session, dt.timedelta(0)) == ids
