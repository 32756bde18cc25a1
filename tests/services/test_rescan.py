"""Quarter-end re-scan: decisions survive, stale hits become obsolete, a killed re-scan resumes."""

from __future__ import annotations

import datetime as dt
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.detection.detector import Detector
from app.models import Account, Article, Exemption, HitRecord, RescanJob, ReviewLog
from app.schemas.articles import ArticleCreate
from app.services import ingestion, rescan, review
from app.services.errors import Conflict
from tests.conftest import DatabaseUnderTest

Q2 = (dt.date(2023, 4, 1), dt.date(2023, 6, 30))


def ingest(sessions: sessionmaker[Session], detector: Detector, n: int, day: str, text: str) -> int:
    with sessions() as session:
        article_in = ArticleCreate(filing_no="A", title=f"第{n}篇", url=f"https://a/{n}", published_at=day, text=text)
        return ingestion.ingest_article(
            session=session, detector=detector, article_in=article_in, max_article_bytes=10**6
        ).article.id


def hits(sessions: sessionmaker[Session]) -> dict[tuple[int, str, int], str]:
    with sessions() as session:
        rows = session.execute(select(HitRecord.article_id, HitRecord.rule_id, HitRecord.start, HitRecord.status)).all()
    return {(a, r, s): status for a, r, s, status in rows}


def log_count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count(ReviewLog.id))) or 0


def run(
    sessions: sessionmaker[Session],
    detector: Detector,
    since: dt.date = Q2[0],
    until: dt.date = Q2[1],
    workers: int = 1,
) -> RescanJob:
    with sessions() as session:
        job = rescan.start_job(
            session=session, since=since, until=until, label="2023Q2", lexicon_version=detector.version
        )
    return rescan.run_job(sessions=sessions, job_id=job.id, detector=detector, workers=workers)


def edit(lexicon: Path, old: str, new: str) -> Detector:
    path = lexicon / "mini.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return Detector.from_dir(lexicon)


def test_decisions_survive_and_vanished_hits_become_obsolete(sessions, lexicon: Path) -> None:
    first = Detector.from_dir(lexicon)
    a = ingest(sessions, first, 1, "2023-05-01", "截止目前，他做为党员冲锋在前。")
    b = ingest(sessions, first, 2, "2023-06-01", "他做为村干部，推进一带一路战略。")
    outside = ingest(sessions, first, 3, "2023-07-02", "他做为党员。")  # next quarter: not re-scanned
    before = hits(sessions)
    with sessions() as session:
        ids = {(h.article_id, h.rule_id): h.id for h in session.scalars(select(HitRecord))}
        review.review_hits(
            session=session, ids=[ids[(a, "test.jie-zhi")]], status="confirmed", note="确认", reviewer="李"
        )
        review.review_hits(
            session=session, ids=[ids[(b, "test.zuo-wei")]], status="dismissed", note=None, reviewer="李"
        )
    logs = log_count(sessions)

    # The new lexicons drop 做为 and list 村干部.
    second = edit(lexicon, "term: 做为", "term: 村干部")
    job = run(sessions, second)
    assert (job.status, job.total, job.done, job.added, job.kept, job.obsolete) == ("done", 2, 2, 1, 2, 2)
    after = hits(sessions)
    assert after[(a, "test.jie-zhi", 0)] == "confirmed"  # still matches: the decision stays
    assert after[(a, "test.zuo-wei", 6)] == "obsolete"
    assert after[(b, "test.zuo-wei", 1)] == "obsolete"  # was dismissed: obsolete now, never deleted
    assert after[(b, "test.zuo-wei", 3)] == "pending"  # 村干部 is new
    assert after[(outside, "test.zuo-wei", 1)] == before[(outside, "test.zuo-wei", 1)] == "pending"
    assert log_count(sessions) == logs + 2
    with sessions() as session:
        confirmed = session.scalars(
            select(HitRecord).where(HitRecord.article_id == a, HitRecord.rule_id == "test.jie-zhi")
        ).one()
        assert (confirmed.reviewer, confirmed.note, confirmed.lexicon_version) == ("李", "确认", second.version)
        assert session.get(Article, a).lexicon_version == second.version

    # An identical second re-scan changes nothing.
    again = run(sessions, second)
    assert (again.added, again.kept, again.obsolete) == (0, 3, 0)
    assert hits(sessions) == after and log_count(sessions) == logs + 2

    # Back to the first lexicons: obsolete hits return to the status they had.
    restored = run(sessions, edit(lexicon, "term: 村干部", "term: 做为"))
    assert restored.obsolete == 1  # 村干部
    final = hits(sessions)
    assert final[(b, "test.zuo-wei", 1)] == "dismissed" and final[(a, "test.zuo-wei", 6)] == "pending"


def test_title_hits_are_kept_added_and_made_obsolete_by_field(sessions, lexicon: Path) -> None:
    first = Detector.from_dir(lexicon)
    with sessions() as session:
        article_in = ArticleCreate(
            filing_no="A", title="他做为党员", url="https://a/t", published_at="2023-05-01", text="他做为村民。"
        )
        ingestion.ingest_article(session=session, detector=first, article_in=article_in, max_article_bytes=10**6)
    with sessions() as session:
        rows = session.execute(select(HitRecord.field, HitRecord.rule_id, HitRecord.start)).all()
    assert sorted(rows) == [("body", "test.zuo-wei", 1), ("title", "test.zuo-wei", 1)]
    # Same span in title and body: an unchanged lexicon keeps both, each in its own field.
    job = run(sessions, first)
    assert (job.added, job.kept, job.obsolete) == (0, 2, 0)
    job = run(sessions, edit(lexicon, "term: 做为", "term: 党员"))
    assert (job.added, job.kept, job.obsolete) == (1, 0, 2)
    with sessions() as session:
        rows = session.execute(select(HitRecord.field, HitRecord.text, HitRecord.status)).all()
    assert sorted(rows) == [("body", "做为", "obsolete"), ("title", "做为", "obsolete"), ("title", "党员", "pending")]


def test_an_exempted_new_hit_is_not_stored(sessions, lexicon: Path) -> None:
    first = Detector.from_dir(lexicon)
    article = ingest(sessions, first, 1, "2023-05-01", "他是村干部。")
    with sessions() as session:
        session.add(Exemption(kind="phrase", value="是村干部", scope="global", reason="正确用法"))
        session.commit()
    job = run(sessions, edit(lexicon, "term: 做为", "term: 村干部"))
    assert (job.added, job.kept, job.obsolete) == (0, 0, 0)
    assert not [k for k in hits(sessions) if k[0] == article]


def test_a_killed_rescan_resumes_and_loses_nothing(sessions, lexicon: Path, monkeypatch) -> None:
    first = Detector.from_dir(lexicon)
    for n in range(7):
        ingest(sessions, first, n, f"2023-05-{n + 1:02d}", f"第{n}篇，他做为党员。")
    second = edit(lexicon, "term: 做为", "terms: [做为, 党员]")
    monkeypatch.setattr(rescan, "BATCH", 3)
    monkeypatch.setattr(rescan, "FIRST_BATCH", 2)  # the first commit comes early: progress shows at once
    with sessions() as session:
        job = rescan.start_job(
            session=session, since=Q2[0], until=Q2[1], label="2023Q2", lexicon_version=second.version
        )

    def killed(job: RescanJob) -> None:
        raise KeyboardInterrupt  # the process dies after its first committed batch

    with pytest.raises(KeyboardInterrupt):
        rescan.run_job(sessions=sessions, job_id=job.id, detector=second, progress=killed)
    with sessions() as session:
        assert session.get(RescanJob, job.id).done == 2
        # Run by a process of another host, with a fresh heartbeat: it may still be running.
        session.get(RescanJob, job.id).runner = "another-host:4242:0a0b0c0d"
        session.commit()
        with pytest.raises(Conflict):
            rescan.start_job(session=session, since=Q2[0], until=Q2[1], label="2023Q2", lexicon_version=second.version)
    monkeypatch.setattr(rescan, "STALE_AFTER", dt.timedelta(0))
    resumed = run(sessions, second)
    assert resumed.id == job.id
    assert (resumed.status, resumed.done, resumed.added, resumed.kept) == ("done", 7, 7, 7)
    with sessions() as session:  # 做为 and 党员 in each of the 7: nothing twice, nothing lost
        rows = session.scalar(select(func.count(HitRecord.id)))
    assert rows == 14 == len(hits(sessions))


def test_workers_give_the_same_result(sessions, lexicon: Path) -> None:
    first = Detector.from_dir(lexicon)
    for n in range(5):
        ingest(sessions, first, n, "2023-05-01", f"第{n}篇，截止目前，他做为党员。")
    second = edit(lexicon, "term: 做为", "terms: [做为, 党员]")
    job = run(sessions, second, workers=2)
    assert (job.status, job.added, job.kept, job.obsolete) == ("done", 5, 10, 0)


# -- hardening (issue 15) ----------------------------------------------------------------------------

NESTED = """category: 常见错别字
entries:
  - id: test.jia-yi-bing-ding
    term: 甲乙丙丁
    suggest: [甲乙]
    severity: serious
    message: 长词条。
    source: 测试
    examples: {bad: ["今天[[甲乙丙丁]]出现。"], good: ["今天甲乙出现。"]}
  - id: test.bing-ding
    term: 丙丁
    suggest: [丙]
    severity: warning
    message: 短词条。
    source: 测试
    examples: {bad: ["今天[[丙丁]]出现。"], good: ["今天丙出现。"]}
"""


def test_ingest_and_rescan_agree_on_an_exempted_rule(sessions, tmp_path: Path) -> None:
    directory = tmp_path / "nested"
    directory.mkdir()
    (directory / "nested.yaml").write_text(NESTED, encoding="utf-8")
    detector = Detector.from_dir(directory)
    with sessions() as session:
        session.add(Exemption(kind="rule", value="test.jia-yi-bing-ding", scope="global", reason="本地用法"))
        session.commit()
    article = ingest(sessions, detector, 1, "2023-05-01", "今天甲乙丙丁出现。")
    assert hits(sessions) == {(article, "test.bing-ding", 4): "pending"}
    job = run(sessions, detector)
    assert (job.added, job.kept, job.obsolete) == (0, 1, 0)
    assert hits(sessions) == {(article, "test.bing-ding", 4): "pending"}


def test_a_stored_hit_an_exemption_now_covers_keeps_its_status(sessions, lexicon: Path) -> None:
    detector = Detector.from_dir(lexicon)
    article = ingest(sessions, detector, 1, "2023-05-01", "他做为党员。")
    with sessions() as session:
        session.add(Exemption(kind="phrase", value="做为党员", scope="global", reason="引文"))
        session.commit()
    job = run(sessions, detector)
    assert (job.added, job.kept, job.obsolete) == (0, 0, 0)
    assert hits(sessions) == {(article, "test.zuo-wei", 1): "pending"}


def test_the_database_refuses_a_second_running_job_and_a_second_row_per_span(sessions, lexicon: Path) -> None:
    from sqlalchemy.exc import IntegrityError

    detector = Detector.from_dir(lexicon)
    article = ingest(sessions, detector, 1, "2023-05-01", "他做为党员。")
    with sessions() as session:
        session.add_all([RescanJob(label="a", since=Q2[0], until=Q2[1], lexicon_version="v") for _ in range(2)])
        with pytest.raises(IntegrityError):
            session.commit()
    with sessions() as session:
        stored = session.scalars(select(HitRecord)).one()
        item = {c: getattr(stored, c) for c in ("rule_id", "start", "end", "text", "context", "category")}
        item |= {"severity": stored.severity, "message": stored.message, "suggestions": stored.suggestions}
        session.add(HitRecord.found(item, "v", article_id=article))
        with pytest.raises(IntegrityError):
            session.commit()


def test_concurrent_starts_make_one_job(sessions, lexicon: Path) -> None:
    """The probe: 8 concurrent POST /api/rescans made four jobs on PostgreSQL (check, then insert)."""
    detector = Detector.from_dir(lexicon)
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def start() -> None:
        with sessions() as session:
            barrier.wait()
            try:
                rescan.start_job(session=session, since=Q2[0], until=Q2[1], label="2023Q2", lexicon_version="v")
                outcomes.append("started")
            except Conflict:
                outcomes.append("409")

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["409"] * 7 + ["started"]
    with sessions() as session:
        assert session.scalar(select(func.count(RescanJob.id)).where(RescanJob.status == "running")) == 1
    del detector


def test_writes_go_on_while_a_batch_is_scanned(sessions, lexicon: Path, db: DatabaseUnderTest) -> None:
    """The scan holds no write transaction: on SQLite another writer that will not wait gets in."""
    detector = Detector.from_dir(lexicon)
    for n in range(3):
        ingest(sessions, detector, n, "2023-05-01", f"第{n}篇，他做为党员。")
    written: list[int] = []
    real = detector.check_article

    def check_and_write(title: str, text: str, **kwargs):
        if db.backend == "sqlite":
            connection = sqlite3.connect(db.engine.url.database, timeout=0.05, isolation_level=None)
            try:
                connection.execute("BEGIN IMMEDIATE")
                connection.execute("UPDATE account SET name = name || '' WHERE filing_no = 'A'")
                connection.execute("COMMIT")
            finally:
                connection.close()
        else:
            with sessions() as session:
                session.scalars(select(Account)).one().name += ""
                session.commit()
        written.append(1)
        return real(title, text, **kwargs)

    detector.check_article = check_and_write  # type: ignore[method-assign]
    job = run(sessions, detector)
    assert job.status == "done" and len(written) == 3


def test_a_database_error_is_recorded_without_its_sql(sessions, lexicon: Path, monkeypatch) -> None:
    from sqlalchemy.exc import OperationalError

    detector = Detector.from_dir(lexicon)
    ingest(sessions, detector, 1, "2023-05-01", "他做为党员。")

    def locked(*_args, **_kwargs):
        raise OperationalError("INSERT INTO hit (article_id) VALUES (?)", (1,), Exception("database is locked"))

    monkeypatch.setattr(rescan, "write_batch", locked)
    with pytest.raises(OperationalError):
        run(sessions, detector)
    with sessions() as session:
        job = session.scalars(select(RescanJob)).one()
    assert job.status == "failed" and "INSERT" not in job.error and "数据库错误" in job.error


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_job_whose_process_died_is_taken_over_at_once(sessions, lexicon: Path) -> None:
    """The probe: after SIGKILL and restart, new re-scans got 409 for 92–112 s (until the heartbeat went stale)."""
    detector = Detector.from_dir(lexicon)
    for n in range(3):
        ingest(sessions, detector, n, "2023-05-01", f"第{n}篇，他做为党员。")
    with sessions() as session:
        job = RescanJob(label="2023Q2", since=Q2[0], until=Q2[1], lexicon_version=detector.version, total=3)
        job.runner = f"{socket.gethostname()}:{_dead_pid()}:deadbeef"
        session.add(job)
        session.commit()
    recovered = rescan.recover(sessions=sessions, detector=detector, workers=1)
    assert recovered is not None and recovered.id == job.id
    deadline = time.monotonic() + 30
    while True:
        with sessions() as session:
            status = session.get(RescanJob, job.id).status
        if status != "running" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert status == "done"
    with sessions() as session:  # and a new re-scan may start at once
        again = rescan.start_job(
            session=session, since=Q2[0], until=Q2[1], label="2023Q2", lexicon_version=detector.version
        )
    assert again.id != job.id


WORKER_PARENT = """
import sys, time
from app.detection.detector import Detector
from app.services.rescan import Scanner
import datetime as dt
scanner = Scanner(Detector.from_dir(sys.argv[1]), 2)
scanner.scan([("", "他做为党员。", dt.date(2023, 5, 1), (), ())] * 4)
print(" ".join(str(p) for p in scanner._pool._processes), flush=True)
time.sleep(600)
"""


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="reads process states from /proc (Linux)")
def test_workers_die_with_a_killed_parent(lexicon: Path) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", WORKER_PARENT, str(lexicon)], stdout=subprocess.PIPE, cwd=Path(__file__).parents[2]
    )
    try:
        workers = [int(p) for p in parent.stdout.readline().split()]  # type: ignore[union-attr]
        assert len(workers) == 2 and all(_alive(p) for p in workers)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 10
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(p) for p in workers)
    finally:
        if parent.poll() is None:
            parent.kill()


def _alive(pid: int) -> bool:
    """Running, not a zombie awaiting its reaper."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")
