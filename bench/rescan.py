"""Quarter-end re-scan throughput and peak memory, on SQLite and on PostgreSQL, in one run.

    .venv/bin/python bench/rescan.py [--articles 100000] [--workers N] [--postgres URL]

For each database: a fresh database (an SQLite file; a new schema on PostgreSQL, dropped afterwards)
gets N synthetic 3,000-character articles (cut from the official corpus, numbered so each is new),
inserted directly, not through the API: this measures the re-scan. Then a first re-scan with the
shipped lexicons (every hit is new), and a second, identical one (every hit is kept). Prints
articles/s and the peak resident memory of this process and of its worker processes.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import resource
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import insert, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import DEFAULT_LEXICON_DIR  # noqa: E402
from app.db import create_db_engine, session_factory, upgrade  # noqa: E402
from app.detection.cache import load_detector  # noqa: E402
from app.detection.detector import Detector  # noqa: E402
from app.models import Account, Article  # noqa: E402
from app.services import rescan  # noqa: E402
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
    args = parser.parse_args()
    postgres = postgres_url(args.postgres)
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


if __name__ == "__main__":
    main()
