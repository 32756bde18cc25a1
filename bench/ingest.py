"""Articles/s ingested and scanned through the HTTP API, on SQLite and on PostgreSQL, in one run.

    .venv/bin/python bench/ingest.py [--articles N] [--clients N] [--postgres URL]

For each database it starts a real `cuomin serve` on loopback with the shipped lexicons and a fresh
database (an SQLite file; a new schema on PostgreSQL, dropped afterwards), registers one account,
and measures three ways of sending the same 3,000-character articles cut from the official corpus:
one POST /api/articles at a time, N clients at once, and POST /api/articles/batch in batches of 100
(checked in worker processes, one per core), then `cuomin ingest` of a JSONL file of them. Beside them:
the engine's single-core rate on the same articles, measured first in the same run, and the CPU seconds
per 1,000 articles of the check batch ingest runs.
For the batch API and `cuomin ingest` it prints the CPU seconds per 1,000 articles of the server (or the
command's) process, of its checking processes and of the PostgreSQL backends serving it (bench/cpu.py),
and the rate they allow on 2 idle cores: a figure taken on a busy machine still says whether the target
is within reach. The server's figures are the more precise; those of `cuomin ingest` are what remains after
taking away a short run's (its start), so use --articles 1000 or more for them. With CUOMIN_TYPO_LAYER=off
in the environment, the server, the command and the engine figure all check without the typo layer.
PostgreSQL is TEST_DATABASE_URL or --postgres, or postgresql+psycopg://postgres@127.0.0.1:5432/test
when pg_isready answers; it is skipped when none is reachable.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import DEFAULT_LEXICON_DIR, get_settings  # noqa: E402
from app.db import create_db_engine  # noqa: E402
from bench.cpu import CHECKING, MAIN, POSTGRESQL, Meter, ceiling, own_and_children, per_thousand  # noqa: E402
from tests.serving import CUOMIN, Server, cuomin_serve  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "official"
ARTICLE_CHARS = 3000
BATCH = 100
WARM_LINES = 100  # the articles of the run of `cuomin ingest` that measures its start
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# The servers this script starts accept this admin token (CUOMIN_ADMIN_TOKEN); its clients send it.
ADMIN_TOKEN = secrets.token_urlsafe(32)
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
# The PostgreSQL connections of the server and of `cuomin ingest` carry this name, to tell their backends'
# CPU from that of the other users of the server.
APPLICATION = f"cuomin_bench_{secrets.token_hex(4)}"


def texts(count: int) -> list[str]:
    pieces = []
    for path in sorted(CORPUS.glob("*.txt")):
        body = path.read_text(encoding="utf-8")
        pieces += [body[i : i + ARTICLE_CHARS] for i in range(0, len(body) - ARTICLE_CHARS + 1, ARTICLE_CHARS)]
    if not pieces:
        pieces = ["截止目前，全县已完成隐患排查整改。他做为一名党员冲锋在前。" * 100]
    # Each article must be new: number them, cycling through the corpus.
    return [f"（{n}）{pieces[n % len(pieces)]}" for n in range(count)]


@contextlib.contextmanager
def database(kind: str, pg_url: str | None, workdir: Path) -> Iterator[str | None]:
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'bench.db'}"
        return
    if pg_url is None:
        yield None
        return
    schema = f"cuomin_bench_{secrets.token_hex(4)}"
    admin = create_db_engine(pg_url)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        print(f"PostgreSQL 不可用（{exc.__class__.__name__}），跳过")
        admin.dispose()
        yield None
        return
    try:
        options = {"options": f"-csearch_path={schema}", "application_name": APPLICATION}
        url = make_url(pg_url).update_query_dict(options)
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextlib.contextmanager
def server(url: str, workdir: Path) -> Iterator[Server]:
    env = {
        "CUOMIN_DATABASE_URL": url,
        "CUOMIN_LEXICON_DIR": str(DEFAULT_LEXICON_DIR),
        "CUOMIN_ADMIN_TOKEN": ADMIN_TOKEN,
        "CUOMIN_CHECK_RATE_LIMIT": "0",
    }
    subprocess.run([*CUOMIN, "db", "upgrade"], env={**os.environ, **env}, check=True, capture_output=True, cwd=ROOT)
    with cuomin_serve(workdir, env, timeout=120) as running:
        yield running


def article(number: int, body: str, tag: str) -> dict:
    return {
        "filing_no": "BENCH-1",
        "title": f"{tag}-{number}",
        "url": f"https://bench/{tag}/{number}",
        "published_at": "2024-05-01T10:00:00+08:00",
        "text": body,
    }


def meter(pid: int, url: str) -> Meter:
    postgres = create_db_engine(url) if make_url(url).get_backend_name() == "postgresql" else None
    return Meter(pid, postgres=postgres, application=APPLICATION)


def run_one(running: Server, url: str, bodies: list[str], clients: int) -> tuple[dict[str, float], dict[str, float]]:
    """The rates of the three ways through the API, and the CPU costs of the batch one."""
    base = running.url
    rates: dict[str, float] = {}
    with httpx.Client(base_url=base, timeout=120, headers=AUTH) as client:
        created = client.post("/api/accounts", json={"filing_no": "BENCH-1", "name": "基准账号", "platform": "微信"})
        created.raise_for_status()
        for body in bodies[:20]:  # warm-up: jieba, connection pool
            client.post("/api/articles", json=article(0, body, "warm")).raise_for_status()

        started = time.perf_counter()
        hits = 0
        for n, body in enumerate(bodies):
            response = client.post("/api/articles", json=article(n, body, "one"))
            assert response.status_code == 201, response.text
            hits += len(response.json()["hits"])
        rates["one"] = len(bodies) / (time.perf_counter() - started)
        rates["hits/article"] = hits / len(bodies)

    local = threading.local()

    def post(n_body: tuple[int, str]) -> None:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=base, timeout=120, headers=AUTH)  # one keep-alive connection each
        assert local.client.post("/api/articles", json=article(n_body[0], n_body[1], "many")).status_code == 201

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(post, enumerate(bodies)))
    rates["concurrent"] = len(bodies) / (time.perf_counter() - started)

    with httpx.Client(base_url=base, timeout=600, headers=AUTH) as client:
        warm = [article(k, body, "warm-batch") for k, body in enumerate(bodies[:BATCH])]
        client.post("/api/articles/batch", json=warm).raise_for_status()  # starts the checking processes
        # The request bodies are encoded beforehand: this process's work is not the server's.
        payloads = [
            json.dumps([article(first + k, body, "batch") for k, body in enumerate(bodies[first : first + BATCH])])
            for first in range(0, len(bodies), BATCH)
        ]
        cpu = meter(running.process.pid, url)
        with cpu.running():
            before = cpu.totals()
            started = time.perf_counter()
            for payload in payloads:
                response = client.post(
                    "/api/articles/batch", content=payload, headers={"Content-Type": "application/json"}
                )
                result = response.json()
                assert not result["errors"] and len(result["created"]) == len(json.loads(payload)), result["errors"][:3]
            rates["batch"] = len(bodies) / (time.perf_counter() - started)
            costs = per_thousand(before, cpu.totals(), len(bodies))
    return rates, costs


def run_cli(url: str, bodies: list[str], workdir: Path) -> tuple[dict[str, float], dict[str, float]]:
    """`cuomin ingest FILE` on the same articles (a new tag, so all are new), against the same database.
    Its wall time includes the process's start (loading the detector, starting the checking processes):
    a run on a file of WARM_LINES other articles measures that, and the rate without it is given too.
    CPU per article: that of each kind of process beyond the short run's (both start as many processes and
    exit the same way); the command's own counted from the moment its checking processes appear, when its
    start (loading the detector, a variable second or two) is over, so that its variation does not drown the
    cost of writing the articles (the first thousand lines' reading, before that moment, is left out)."""
    env = {**os.environ, "CUOMIN_DATABASE_URL": url, "CUOMIN_LEXICON_DIR": str(DEFAULT_LEXICON_DIR)}
    warm, lines = workdir / "warm.jsonl", workdir / "cli.jsonl"
    for path, tag, some in ((warm, "cli-warm", bodies[:WARM_LINES]), (lines, "cli", bodies)):
        path.write_text(
            "".join(json.dumps(article(n, body, tag), ensure_ascii=False) + "\n" for n, body in enumerate(some)),
            encoding="utf-8",
        )
    walls, spent, after_start = [], [], []
    for path in (warm, lines):
        started = time.perf_counter()
        with tempfile.TemporaryFile() as err:
            command = [*CUOMIN, "ingest", str(path)]
            process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT)
            cpu = meter(process.pid, url)
            with cpu.running():
                # Ended but not yet waited for, the command tells its own CPU and that of the checking
                # processes it joined, exactly (they may have lived for less than a sampling period).
                os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)
                totals = cpu.totals()
                totals[MAIN], totals[CHECKING] = own_and_children(process.pid)
            process.wait()
            walls.append(time.perf_counter() - started)
            spent.append(totals)
            after_start.append(totals[MAIN] - (cpu.main_when_checking or 0.0))
            if process.returncode != 0:
                err.seek(0)
                raise SystemExit(f"cuomin ingest failed:\n{err.read().decode()[-2000:]}")
    start, total = walls
    beyond = len(bodies) - WARM_LINES
    # On a busy machine the short run can take longer than the long one: then there is no rate without start.
    run = beyond / (total - start) if total > start else float("nan")
    rates = {"cli": len(bodies) / total, "cli-run": run, "cli-start": start}
    costs = per_thousand(spent[0], spent[1], beyond)
    costs[MAIN] = (after_start[1] - after_start[0]) * 1000 / beyond
    costs["total"] = costs[MAIN] + costs[CHECKING] + costs[POSTGRESQL]
    return rates, costs


def postgres_url(explicit: str | None) -> str | None:
    """--postgres, TEST_DATABASE_URL, or the local server when pg_isready answers; None: skip PostgreSQL."""
    url = explicit or os.environ.get("TEST_DATABASE_URL")
    if url is None and shutil.which("pg_isready"):
        ready = subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"], check=False)
        url = DEFAULT_PG if ready.returncode == 0 else None
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=500, help="articles per mode (default 500)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--postgres", default=None, help="PostgreSQL URL (default TEST_DATABASE_URL or local)")
    args = parser.parse_args()

    pg_url = postgres_url(args.postgres)
    bodies = texts(args.articles)
    print(f"{len(bodies)} 篇 × {ARTICLE_CHARS} 字／模式，词库 {DEFAULT_LEXICON_DIR}，并发客户端 {args.clients}")
    from bench.baseline import engine_rate

    engine = engine_rate(bodies[:200])
    check_cost = engine_cpu(bodies[:200])
    print(
        f"基线：引擎单核 {engine:.0f} 篇/秒（同一批文章，本进程，不写数据库）；"
        f"入库所用的检查（stored 档，错别字层 {get_settings().typo_layer}）每千篇 {check_cost:.2f} CPU 秒"
    )
    results: dict[str, dict[str, float]] = {}
    costs: dict[tuple[str, str], dict[str, float]] = {}
    for kind in ("sqlite", "postgresql"):
        with tempfile.TemporaryDirectory() as tmp, database(kind, pg_url, Path(tmp)) as url:
            if url is None:
                continue
            with server(url, Path(tmp)) as running:
                results[kind], costs[(kind, "batch")] = run_one(running, url, bodies, args.clients)
            rates, costs[(kind, "cli")] = run_cli(url, bodies, Path(tmp))
            results[kind] |= rates
    print(
        f"\n{'数据库':<12}{'逐篇 篇/秒':>12}{'并发 篇/秒':>12}{'批量 篇/秒':>12}"
        f"{'cuomin ingest':>15}{'（不含启动）':>12}{'命中/篇':>10}"
    )
    for kind, rates in results.items():
        print(
            f"{kind:<14}{rates['one']:>12.1f}{rates['concurrent']:>12.1f}{rates['batch']:>12.1f}"
            f"{rates['cli']:>15.1f}{rates['cli-run']:>14.1f}{rates['hits/article']:>10.1f}"
        )
    print(f"本机 1 分钟平均负载 {os.getloadavg()[0]:.1f}（2 核；高于 2 时别的进程在争用 CPU，各数字都偏低）")
    for kind, rates in results.items():
        print(
            f"（{kind}：批量 ÷ 引擎单核 {rates['batch'] / engine:.2f}，"
            f"cuomin ingest（不含启动 {rates['cli-start']:.1f} s）÷ 引擎单核 {rates['cli-run'] / engine:.2f}；"
            f"目标 ≥ 500 篇/秒，本次相当于 {500 / engine:.2f} 倍引擎单核）"
        )
    print(
        "\n每千篇的 CPU 秒（比墙钟稳定，但机器很忙时也会偏高；2 核上 500 篇/秒要求合计 < 4，且单个进程 < 2）：\n"
        f"{'':<24}{'服务端/命令进程':>10}{'检查进程':>10}{'PostgreSQL':>12}{'合计':>8}{'空闲 2 核可达 篇/秒':>16}"
    )
    for (kind, mode), cost in costs.items():
        label = f"{kind} {'批量 API' if mode == 'batch' else 'cuomin ingest'}"
        print(
            f"{label:<28}{cost[MAIN]:>10.2f}{cost[CHECKING]:>12.2f}{cost[POSTGRESQL]:>12.2f}"
            f"{cost['total']:>10.2f}{ceiling(cost):>16.0f}"
        )
    print(f"（其中检查本身约 {check_cost:.2f}：检查进程超出它的部分是传送文章与命中的开销）")


def engine_cpu(bodies: list[str]) -> float:
    """CPU seconds per 1,000 articles of the check batch ingest runs (the stored profile, title and text, the
    typo layer as CUOMIN_TYPO_LAYER says, as for the server and `cuomin ingest` this script starts)."""
    import datetime as dt

    from app.detection.cache import load_detector
    from app.detection.detector import STORED_PROFILE

    detector = load_detector(DEFAULT_LEXICON_DIR, context_chars=20, typo=get_settings().typo_layer)
    day = dt.date(2024, 5, 1)
    for body in bodies[:20]:
        detector.check_article("标题", body, date=day, profile=STORED_PROFILE)
    started = time.process_time()
    for body in bodies:
        detector.check_article("标题", body, date=day, profile=STORED_PROFILE)
    return (time.process_time() - started) * 1000 / len(bodies)


if __name__ == "__main__":
    main()
