"""Load: N concurrent clients against a real `cuomin serve` on loopback, with the shipped lexicons.

    .venv/bin/python bench/load.py [--clients 32] [--seconds 20] [--articles 320] [--postgres URL]
                                   [--client asyncio|httpx]

1. /api/check: N clients, each on its own keep-alive connection, post 3,000-character articles cut
   from the official corpus for a fixed time, against one server worker (the baseline) and against
   --workers (default: one per core), then 4 clients against --workers. Prints requests/s, p50/p99
   latency over every request and the error count (anything but a 200 with a valid /api/check body is
   an error, a broken connection too; there must be none), beside the engine's own single-core rate
   on the same drafts measured first in the same run, and the ratio requests/s ÷ (cores × engine rate).
   The clients run on the same cores as the server, in this process: by default as asyncio tasks in
   one thread writing HTTP/1.1 on plain sockets (about 0.2-0.3 ms of CPU per request), with
   --client httpx as httpx clients in a thread each, as before (about 3 ms per request, which the
   server's workers lose). Each run also prints the client's CPU per request and the cores other
   processes of the machine kept busy meanwhile.
2. Concurrent ingestion, on SQLite and on PostgreSQL (TEST_DATABASE_URL, --postgres, or the local
   server when pg_isready answers; skipped when none is reachable): N clients post --articles distinct
   articles, each one twice from two different clients at about the same time. Checks that every
   article is stored exactly once (one 201, the other answer a 200 with the same id), that none is
   lost (the table holds exactly the articles sent), and that the server never logged
   "database is locked". Prints articles/s.

The server runs with an admin token this script makes up (CUOMIN_ADMIN_TOKEN) and no check rate
limit; its log (one JSON line per request) is kept in a temporary directory and searched afterwards.
Exits 1 when any check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import DEFAULT_LEXICON_DIR  # noqa: E402
from app.db import create_db_engine  # noqa: E402
from app.detection.cache import load_detector  # noqa: E402
from app.services.scanning import default_workers  # noqa: E402
from bench.baseline import engine_rate  # noqa: E402
from bench.cpu import cpu_seconds, descendants  # noqa: E402
from bench.ingest import database, postgres_url, texts  # noqa: E402
from tests.serving import CUOMIN, cuomin_serve  # noqa: E402

ADMIN_TOKEN = secrets.token_urlsafe(32)
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@contextlib.contextmanager
def server(url: str, workdir: Path, workers: int = 1) -> Iterator[tuple[str, Path]]:
    """`cuomin serve` on a free loopback port; its base URL and its log file."""
    env = {
        "CUOMIN_WORKERS": str(workers),
        "CUOMIN_DATABASE_URL": url,
        "CUOMIN_LEXICON_DIR": str(DEFAULT_LEXICON_DIR),
        "CUOMIN_ADMIN_TOKEN": ADMIN_TOKEN,
        "CUOMIN_CHECK_RATE_LIMIT": "0",
        "CUOMIN_LOG_LEVEL": "info",  # the log is searched for "database is locked"
    }
    subprocess.run([*CUOMIN, "db", "upgrade"], env={**os.environ, **env}, check=True, capture_output=True, cwd=ROOT)
    with cuomin_serve(workdir, env, timeout=120) as running:
        yield running.url, running.log


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _request(host: str, body: str) -> bytes:
    payload = json.dumps({"text": body}, ensure_ascii=False).encode()
    head = (
        f"POST /api/check HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {ADMIN_TOKEN}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


async def _answer(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """One HTTP/1.1 response: its status, its body (Content-Length or chunked), and whether the server
    closes the connection after it (`Connection: close`)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    closes = headers.get("connection", "").lower() == "close"
    if "content-length" in headers:
        return status, await reader.readexactly(int(headers["content-length"])), closes
    if headers.get("transfer-encoding", "").lower() != "chunked":
        raise ValueError(f"no Content-Length and not chunked: {lines[0]}")
    parts = []
    while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)
    await reader.readuntil(b"\r\n")
    return status, b"".join(parts), closes


def valid_check_answer(body: bytes) -> bool:
    """What every 200 of /api/check must be: a JSON object with a list of hits and a lexicon version."""
    try:
        answer = json.loads(body)
    except ValueError:
        return False
    return isinstance(answer, dict) and isinstance(answer.get("hits"), list) and bool(answer.get("lexicon_version"))


def check_load(base: str, bodies: list[str], clients: int, seconds: float) -> dict[str, float]:
    """N clients on one keep-alive connection each, as asyncio tasks in one thread of this process, writing
    HTTP/1.1 on plain sockets: about a tenth of the CPU httpx in a thread per client spends per request
    (on the cores the server uses too). Each answer must be a 200 whose body is a valid /api/check answer;
    anything else, a broken connection included, is an error."""
    address = urlsplit(base)
    host, port = address.hostname or "127.0.0.1", address.port or 80
    requests = [_request(f"{host}:{port}", body) for body in bodies]
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    reconnects = [0]

    async def client(seed: int, deadline: float) -> None:
        rng = random.Random(seed)
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                writer.write(rng.choice(requests))
                try:
                    status, body, closes = await _answer(reader)
                except (OSError, EOFError, asyncio.IncompleteReadError, ValueError) as exc:
                    statuses[type(exc).__name__] += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
                    continue
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[str(status) if status != 200 or valid_check_answer(body) else "invalid body"] += 1
                if closes:  # as any HTTP client does: a new connection for the next request (timed with it)
                    writer.close()
                    reconnects[0] += 1
                    reader, writer = await asyncio.open_connection(host, port)
        finally:
            writer.close()

    async def run() -> float:
        started = time.perf_counter()
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(client(n, deadline) for n in range(clients)))
        return time.perf_counter() - started

    cpu = time.process_time()
    elapsed = asyncio.run(run())
    cpu = time.process_time() - cpu
    return {**_summary(statuses, latencies, elapsed, cpu), "reconnects": reconnects[0]}


def check_load_httpx(base: str, bodies: list[str], clients: int, seconds: float) -> dict[str, float]:
    """The former client: httpx, a thread per client (about 3 ms of CPU per request on this machine)."""
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        mine: list[float] = []
        counts: Counter[str] = Counter()
        with httpx.Client(base_url=base, headers=AUTH, timeout=60) as client:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    response = client.post("/api/check", json={"text": rng.choice(bodies)})
                    counts[str(response.status_code)] += 1
                except httpx.HTTPError as exc:
                    counts[type(exc).__name__] += 1
                    continue
                mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)
            statuses.update(counts)

    cpu = time.process_time()
    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    return _summary(statuses, latencies, elapsed, cpu)


def _summary(statuses: Counter[str], latencies: list[float], elapsed: float, cpu: float) -> dict[str, float]:
    """Requests/s of the 200 answers, latency percentiles in ms, errors and the client's CPU per request."""
    requests = sum(statuses.values())
    return {
        "requests": requests,
        "rps": statuses["200"] / elapsed,
        "p50": percentile(latencies, 0.50),
        "p99": percentile(latencies, 0.99),
        "mean": statistics.fmean(latencies),
        "errors": sum(count for status, count in statuses.items() if status != "200"),
        "client_ms": cpu / max(1, requests) * 1000,
    }


def _busy_seconds() -> float:
    """CPU seconds the machine has spent on anything but idling, since boot (Linux /proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def others_cpu() -> Iterator[dict[str, float]]:
    """The cores that processes other than this one and the server (its workers) kept busy meanwhile: on a
    shared machine, what the figures were measured beside."""
    figures: dict[str, float] = {}
    server = descendants(os.getpid())
    ours = [cpu_seconds(pid) for pid in server] + [time.process_time()]
    busy, started = _busy_seconds(), time.monotonic()
    try:
        yield figures
    finally:
        spent = sum(cpu_seconds(pid) for pid in server) + time.process_time() - sum(ours)
        figures["cores"] = max(0.0, _busy_seconds() - busy - spent) / (time.monotonic() - started)


def article(number: int, body: str) -> dict[str, str]:
    return {
        "filing_no": "LOAD-1",
        "title": f"稿件{number}",
        "url": f"https://load.example/{number}",
        "published_at": "2024-05-01T10:00:00+08:00",
        "text": f"（{number}）{body}",
    }


def ingest_load(base: str, url: str, bodies: list[str], clients: int) -> dict[str, float]:
    """Every article posted twice, by two different clients, in a shuffled order."""
    with httpx.Client(base_url=base, headers=AUTH, timeout=60) as client:
        account = {"filing_no": "LOAD-1", "name": "压测账号", "platform": "微信"}
        client.post("/api/accounts", json=account).raise_for_status()
    sends = [n for n in range(len(bodies)) for _ in range(2)]
    random.Random(7).shuffle(sends)
    answers: dict[int, list[tuple[int, int | None]]] = {n: [] for n in range(len(bodies))}
    lock = threading.Lock()
    local = threading.local()

    def post(number: int) -> None:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=base, headers=AUTH, timeout=120)
        try:
            response = local.client.post("/api/articles", json=article(number, bodies[number]))
            answer = (response.status_code, response.json().get("id") if response.status_code < 300 else None)
        except httpx.HTTPError:
            answer = (0, None)
        with lock:
            answers[number].append(answer)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(post, sends))
    elapsed = time.perf_counter() - started

    once = sum(
        1 for pair in answers.values() if sorted(s for s, _ in pair) == [200, 201] and len({i for _, i in pair}) == 1
    )
    errors = sum(1 for pair in answers.values() for status, _ in pair if status not in (200, 201))
    kinds = Counter(str(status or "连接错误或超时") for pair in answers.values() for status, _ in pair)
    if errors:
        print(f"  入库应答：{dict(kinds)}", flush=True)
    ids = {i for pair in answers.values() for _, i in pair if i is not None}
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            stored = connection.execute(text("SELECT count(*) FROM article")).scalar()
            distinct = connection.execute(text("SELECT count(DISTINCT content_hash) FROM article")).scalar()
    finally:
        engine.dispose()
    return {
        "articles": len(bodies),
        "requests": len(sends),
        "articles/s": len(bodies) / elapsed,
        "requests/s": len(sends) / elapsed,
        "stored once": once,
        "ids": len(ids),
        "in table": stored or 0,
        "distinct in table": distinct or 0,
        "errors": errors,
    }


def locked_lines(log: Path) -> int:
    return sum(1 for line in log.read_text(errors="replace").splitlines() if "database is locked" in line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (default 32)")
    parser.add_argument("--seconds", type=float, default=20, help="duration of the /api/check run (default 20)")
    parser.add_argument("--articles", type=int, default=320, help="articles to ingest per database (default 320)")
    parser.add_argument("--postgres", default=None, help="PostgreSQL URL (default TEST_DATABASE_URL or local)")
    parser.add_argument("--workers", type=int, default=default_workers(), help="server workers (default: cores)")
    parser.add_argument(
        "--client",
        choices=["asyncio", "httpx"],
        default="asyncio",
        help="the /api/check clients: asyncio tasks on plain sockets (default) or httpx in a thread each",
    )
    args = parser.parse_args()
    load = check_load if args.client == "asyncio" else check_load_httpx
    clients_are = (
        "asyncio 任务（本进程一个线程，HTTP/1.1 直接写在套接字上）"
        if args.client == "asyncio"
        else "httpx（每个客户端一个线程）"
    )

    pg_url = postgres_url(args.postgres)
    bodies = texts(max(args.articles, 200))
    cores = default_workers()
    print(f"{args.clients} 个并发客户端，3,000 字稿件，词库 {DEFAULT_LEXICON_DIR}，CPU {cores} 核", flush=True)
    print(f"/api/check 的客户端：{clients_are}，与服务同用这 {cores} 个核", flush=True)
    detector = load_detector(DEFAULT_LEXICON_DIR, context_chars=20)
    engine = engine_rate(bodies[:200], detector=detector)
    print(f"基线：引擎单核 {engine:.0f} 篇/秒（同一批稿件，本进程）；目标 ≥ 0.6 × {cores} × {engine:.0f} 个请求/秒")
    failed = False

    runs = [(1, args.clients), (args.workers, args.clients), (args.workers, 4)]
    for workers, clients in runs:
        with tempfile.TemporaryDirectory() as tmp, database("sqlite", None, Path(tmp)) as url:
            assert url is not None
            with server(url, Path(tmp), workers) as (base, log):
                with httpx.Client(base_url=base, headers=AUTH, timeout=60) as client:  # warm-up
                    for body in bodies[: 20 * workers]:
                        client.post("/api/check", json={"text": body}).raise_for_status()
                # The machine may be shared: the engine again, just before, with the server idle.
                near = engine_rate(bodies[:200], seconds=3, detector=detector)
                with others_cpu() as others:
                    result = load(base, bodies[:200], clients, args.seconds)
            print(
                f"\n/api/check，{workers} 个工作进程，{clients} 个客户端（{args.seconds:g} 秒）："
                f"{result['requests']:.0f} 个请求，{result['rps']:.1f} 个/秒"
                f"（引擎单核 × 核数的 {result['rps'] / (cores * engine):.2f} 倍；"
                f"按紧接着测的引擎单核 {near:.0f} 篇/秒算 {result['rps'] / (cores * near):.2f} 倍，目标 ≥ 0.6），"
                f"p50 {result['p50']:.0f} ms，p99 {result['p99']:.0f} ms"
                f"（p99/p50 {result['p99'] / result['p50']:.1f}），"
                f"平均 {result['mean']:.0f} ms，错误 {result['errors']:.0f}；"
                f"客户端 CPU {result['client_ms']:.2f} ms/请求，服务要求重新连接 {result.get('reconnects', 0):.0f} 次，"
                f"其他进程占用 {others['cores']:.2f} 核，本机 1 分钟平均负载 {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            failed |= result["errors"] > 0

    for kind in ("sqlite", "postgresql"):
        with tempfile.TemporaryDirectory() as tmp, database(kind, pg_url, Path(tmp)) as url:
            if url is None:
                print(f"\n{kind}：不可用，跳过")
                continue
            with server(url, Path(tmp), args.workers) as (base, log):
                result = ingest_load(base, url, bodies[: args.articles], args.clients)
                if result["errors"]:  # what the server said about them, before its log goes
                    problems = [line for line in log.read_text(errors="replace").splitlines() if "Error" in line]
                    print("  服务日志：\n    " + "\n    ".join(problems[:12]), flush=True)
            locked = locked_lines(log)
            ok = (
                result["stored once"] == result["articles"] == result["in table"] == result["distinct in table"]
                and result["ids"] == result["articles"]
                and result["errors"] == 0
                and locked == 0
            )
            failed |= not ok
            print(
                f"\n并发入库（{kind}）：{result['articles']:.0f} 篇各发 2 次，{result['articles/s']:.1f} 篇/秒"
                f"（{result['requests/s']:.1f} 个请求/秒）；恰好入库一次 {result['stored once']:.0f} 篇，"
                f"表中 {result['in table']:.0f} 篇，错误 {result['errors']:.0f}，"
                f"“database is locked” {locked} 次 —— {'通过' if ok else '失败'}",
                flush=True,
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
