"""Quarter-end re-scan throughput and peak memory, on SQLite and on PostgreSQL, in one run.

    .venv/bin/python bench/rescan.py [--articles 100000] [--workers N] [--postgres URL]
    .venv/bin/python bench/rescan.py --queue [--articles 100000] [--workers N] [--postgres URL]

For each database: a fresh database (an SQLite file; a new schema on PostgreSQL, dropped afterwards)
gets N synthetic 3,000-character articles (cut from the official corpus, numbered so each is new),
inserted directly, not through the API: this measures the re-scan. Then a first re-scan with the
shipped lexicons (every hit is new), and a second, identical one (every hit is kept). Prints
articles/s and the peak resident memory of this process and of its worker processes.

With --queue (PostgreSQL only): the re-scan as a deployment on PostgreSQL runs it, split into chunks on the
job queue and scanned by 1, 2, …, N `cuomin worker` processes (each started before the job, as in
production; their start is not timed). Before each run the hits are deleted and the articles marked as
scanned by another lexicon, so every run does the same work (every hit new). Prints articles/s, the ratio
to the engine's single-core rate times the workers, and each worker's peak resident memory (VmHWM).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import os
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, insert, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import DEFAULT_LEXICON_DIR  # noqa: E402
from app.db import create_db_engine, session_factory, upgrade  # noqa: E402
from app.detection.cache import load_detector  # noqa: E402
from app.detection.detector import Detector  # noqa: E402
from app.models import Account, Article, RescanJob  # noqa: E402
from app.services import chunks, rescan  # noqa: E402
from app.services.queue import defer_chunks  # noqa: E402
from bench.baseline import engine_rate  # noqa: E402
from bench.ingest import postgres_url, texts  # noqa: E402

INSERT_BATCH = 2000


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


@contextlib.contextmanager
def database(backend: str, postgres: str | None) -> Iterator[str]:
    if backend == "sqlite":
        directory = tempfile.mkdtemp(prefix="cuomin-bench-")
        try:
            yield f"sqlite:///{directory}/bench.db"
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        return
    assert postgres
    schema = f"cuomin_bench_{secrets.token_hex(4)}"
    admin = create_db_engine(postgres)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield make_url(postgres).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def fill(url: str, count: int, version: str) -> None:
    engine = create_db_engine(url)
    upgrade(engine)
    with session_factory(engine)() as session:
        session.add(Account(filing_no="B-1", name="基准账号", platform="wechat"))
        session.commit()
    corpus = texts(min(count, 5000))
    start = dt.datetime(2023, 4, 1, 9, tzinfo=dt.UTC)
    span = 90 * 24 * 3600
    with engine.begin() as connection:
        for first in range(0, count, INSERT_BATCH):
            rows = []
            for n in range(first, min(count, first + INSERT_BATCH)):
                body = f"（{n}）{corpus[n % len(corpus)]}"
                rows.append(
                    {
                        "account_id": 1,
                        "title": f"第{n}篇",
                        "url": f"https://example.gov.cn/{n}",
                        "published_at": start + dt.timedelta(seconds=n * span // count),
                        "text": body,
                        "content_hash": hashlib.sha256(body.encode()).hexdigest(),
                        "lexicon_version": version,
                        "ingested_at": start,
                    }
                )
            connection.execute(insert(Article), rows)
    engine.dispose()


def run_once(url: str, detector: Detector, workers: int) -> tuple[float, rescan.RescanJob]:
    engine = create_db_engine(url)
    sessions = session_factory(engine)
    with sessions() as session:
        job = rescan.start_job(
            session=session, since=dt.date(2023, 4, 1), until=dt.date(2023, 6, 30), label="2023Q2",
            lexicon_version=detector.version,
        )
    started = time.perf_counter()
    job = rescan.run_job(sessions=sessions, job_id=job.id, detector=detector, workers=workers)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed, job


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=rescan.default_workers())
    parser.add_argument("--postgres", default=None, help="PostgreSQL URL (default TEST_DATABASE_URL or local)")
    parser.add_argument("--queue", action="store_true", help="cuomin worker processes on the job queue (PostgreSQL)")
    args = parser.parse_args()
    postgres = postgres_url(args.postgres)
    if args.queue:
        if not postgres:
            parser.error("--queue needs PostgreSQL (--postgres URL, TEST_DATABASE_URL, or a local server)")
        queue_main(args.articles, args.workers, postgres)
        return
    detector = load_detector(DEFAULT_LEXICON_DIR, context_chars=20)
    print(f"{args.articles:,} articles of about 3,000 characters, {args.workers} worker(s), lexicon {detector.version}")
    engine = engine_rate(texts(200), detector=detector)
    print(f"baseline: the engine alone {engine:,.0f} articles/s on one core; target 0.8 × {args.workers} × that")
    for backend in ["sqlite", *(["postgresql"] if postgres else [])]:
        with database(backend, postgres) as url:
            started = time.perf_counter()
            fill(url, args.articles, detector.version)
            print(f"\n{backend}: inserted in {time.perf_counter() - started:.0f} s")
            for label in ("first re-scan (all hits new)", "second re-scan (nothing changes)"):
                elapsed, job = run_once(url, detector, args.workers)
                print(
                    f"  {label:<34} {job.done / elapsed:>8,.0f} articles/s "
                    f"({job.done / elapsed / (engine * args.workers):.2f} of engine × workers)   {elapsed:>6.1f} s   "
                    f"added {job.added:,} kept {job.kept:,} obsolete {job.obsolete:,}"
                )
    print(
        f"\npeak memory: this process {peak_mb(resource.RUSAGE_SELF):,.0f} MB, "
        f"largest worker {peak_mb(resource.RUSAGE_CHILDREN):,.0f} MB"
    )


# -- --queue: cuomin worker processes ------------------------------------------------------------


def vm_hwm_mb(pid: int) -> float:
    """The peak resident memory of a live process (Linux /proc), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a live process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backend_cpu(engine: Engine) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving this database (a server on this machine only)."""
    with engine.connect() as connection:
        pids = connection.scalars(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        ).all()
    seconds = {}
    for pid in pids:
        with contextlib.suppress(OSError):
            seconds[pid] = cpu_seconds(pid)
    return seconds


@contextlib.contextmanager
def own_database(postgres: str) -> Iterator[str]:
    """A database of its own (its backends' CPU can then be told from other users' of the server)."""
    name = f"cuomin_bench_{secrets.token_hex(4)}"
    admin = create_db_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres).set(database=name).render_as_string(False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def start_workers(url: str, count: int) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, "CUOMIN_DATABASE_URL": url, "CUOMIN_LOG_LEVEL": "warning"}
    processes = [
        subprocess.Popen([sys.executable, "-m", "app.cli", "worker"], cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
        for _ in range(count)
    ]
    engine = create_db_engine(url)
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                if connection.scalar(text("SELECT count(*) FROM procrastinate_workers")) == count:
                    return processes
            if any(p.poll() is not None for p in processes):
                raise SystemExit("a cuomin worker exited at start (run it by hand to see why)")
            time.sleep(0.2)
    finally:
        engine.dispose()
    raise SystemExit("the workers were not ready within 300 s")


def stop_workers(processes: list[subprocess.Popen[bytes]]) -> list[float]:
    peaks = [vm_hwm_mb(p.pid) for p in processes]
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return peaks


def queue_once(url: str, version: str, count: int) -> tuple[float, RescanJob, list[float], float, float]:
    engine = create_db_engine(url)
    sessions = session_factory(engine)
    with engine.begin() as connection:  # the same work for every run: every hit new
        connection.execute(text("DELETE FROM review_log"))
        connection.execute(text("DELETE FROM hit"))
        connection.execute(text("UPDATE article SET lexicon_version = 'before'"))
        connection.execute(text("UPDATE rescan_job SET status = 'done' WHERE status = 'running'"))
    processes = start_workers(url, count)
    try:
        with sessions() as session:
            job, ids = chunks.start(
                session=session,
                since=dt.date(2023, 4, 1),
                until=dt.date(2023, 6, 30),
                label="2023Q2",
                lexicon_version=version,
            )
        started, cpu = time.perf_counter(), sum(cpu_seconds(p.pid) for p in processes)
        backends = backend_cpu(engine)
        defer_chunks(url, ids)
        while True:
            time.sleep(0.2)
            with sessions() as session:
                job = session.get(RescanJob, job.id)
                if job.status != "running":
                    break
        elapsed = time.perf_counter() - started
        cpu = sum(cpu_seconds(p.pid) for p in processes) - cpu
        database_cpu = sum(now - backends.get(pid, 0.0) for pid, now in backend_cpu(engine).items())
    finally:
        peaks = stop_workers(processes)
        engine.dispose()
    return elapsed, job, peaks, cpu, database_cpu


def queue_main(articles: int, most: int, postgres: str) -> None:
    from app.config import get_settings
    from app.worker import _load

    detector = _load(get_settings())  # as the workers load it (and compiled into the cache they read)
    print(
        f"{articles:,} articles of about 3,000 characters, re-scanned from the PostgreSQL job queue by 1…{most} "
        f"cuomin worker process(es), lexicon {detector.version}"
    )
    engine = engine_rate(texts(200), detector=detector)
    print(f"baseline: the engine alone {engine:,.0f} articles/s on one core; target 0.8 × workers × that")
    with own_database(postgres) as url:
        started = time.perf_counter()
        fill(url, articles, "before")
        print(f"inserted in {time.perf_counter() - started:.0f} s")
        for count in range(1, most + 1):
            elapsed, job, peaks, cpu, database_cpu = queue_once(url, detector.version, count)
            chunk_count = job.total and -(-job.total // 2000)
            print(
                f"  {count} worker(s): {job.done / elapsed:>8,.0f} articles/s "
                f"({job.done / elapsed / (engine * count):.2f} of engine × workers)   {elapsed:>6.1f} s   "
                f"{job.status}, {job.done:,}/{job.total:,} articles in {chunk_count} chunks, added {job.added:,}   "
                f"peak memory per worker {', '.join(f'{p:,.0f}' for p in peaks)} MB   "
                f"workers' CPU {cpu:,.0f} s = {job.done / cpu:,.0f} articles/CPU-s; "
                f"PostgreSQL's {database_cpu:,.0f} s = {job.done / max(database_cpu, 1e-9):,.0f} articles/CPU-s"
            )
    print(
        "articles per CPU-second of the workers does not depend on what else runs on the machine (the wall-clock "
        "rate does); PostgreSQL's is that of the backends serving the bench's database (a server on this machine)"
    )


if __name__ == "__main__":
    main()
