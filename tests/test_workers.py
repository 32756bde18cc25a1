"""`cuomin serve --workers 2`: the rate limit and a lexicon reload hold for both worker processes."""

from __future__ import annotations

import json
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.conftest import ADMIN, ADMIN_TOKEN, MINI_LEXICON
from tests.serving import Server, cuomin_serve

RATE = 10
WAVES_SECONDS = 15


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Server:
    workdir = tmp_path_factory.mktemp("workers")
    lexicon = workdir / "lex"
    shutil.copytree(MINI_LEXICON, lexicon)
    env = {
        "CUOMIN_WORKERS": "2",
        "CUOMIN_LEXICON_DIR": str(lexicon),
        "CUOMIN_CACHE_DIR": str(workdir / "cache"),
        "CUOMIN_ADMIN_TOKEN": ADMIN_TOKEN,
        "CUOMIN_CHECK_RATE_LIMIT": str(RATE),
        "CUOMIN_LOG_LEVEL": "info",  # the request log names the worker that answered
    }
    with cuomin_serve(workdir, env, timeout=180) as running:
        yield running


def workers_seen(server: Server) -> set[int]:
    lines = [json.loads(line) for line in server.log.read_text().splitlines() if line.startswith('{"ts"')]
    return {line["worker"] for line in lines if line.get("event") == "request"}


def fresh_get(server: Server, path: str) -> httpx.Response:
    # A new connection each time: the kernel hands it to either worker.
    return httpx.get(server.url + path, headers=ADMIN, timeout=30)


def test_the_rate_limit_counts_both_workers_together(server: Server) -> None:
    def check(_: int) -> int:
        return httpx.post(server.url + "/api/check", json={"text": "截止目前。"}, headers=ADMIN, timeout=30).status_code

    # Waves of concurrent requests, each on a new connection, until both workers have answered some: the
    # kernel hands a connection to whichever worker accepts first, and one may win a whole wave. Bounded, so
    # that the bucket's refill stays well under RATE and a limit kept per process (2 x RATE) would show.
    statuses: list[int] = []
    started = time.monotonic()
    with ThreadPoolExecutor(16) as clients:
        while len(statuses) < 6 * RATE or (
            len(workers_seen(server)) < 2 and time.monotonic() - started < WAVES_SECONDS
        ):
            statuses += clients.map(check, range(2 * RATE))
    elapsed = time.monotonic() - started
    refill = int(elapsed * RATE / 60) + 1  # the bucket refills RATE a minute while the requests run
    assert set(statuses) == {200, 429}
    assert RATE <= statuses.count(200) <= RATE + refill, (statuses.count(200), elapsed)
    assert len(workers_seen(server)) == 2


def test_a_reload_in_one_worker_is_applied_by_both(server: Server) -> None:
    before = {fresh_get(server, "/api/lexicon").json()["version"] for _ in range(20)}
    assert len(before) == 1
    lexicon = next(Path(server.log.parent).glob("lex"))
    text = (lexicon / "mini.yaml").read_text(encoding="utf-8")
    (lexicon / "mini.yaml").write_text(text.replace("term: 做为", "terms: [做为, 作为了]"), encoding="utf-8")
    reloaded = httpx.post(server.url + "/api/lexicon/reload", headers=ADMIN, timeout=120)
    assert reloaded.status_code == 200, reloaded.text
    new = reloaded.json()["version"]
    assert new not in before
    with ThreadPoolExecutor(16) as clients:
        after = list(clients.map(lambda _: fresh_get(server, "/healthz").json()["lexicon_version"], range(60)))
    assert set(after) == {new}
    assert len(workers_seen(server)) == 2  # both workers answered some of these
