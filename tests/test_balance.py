"""The workers of `cuomin serve --workers N` even out their keep-alive connections (app/api/balance.py)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.api import balance
from app.api.balance import COUNTER, PREFIX, Balance, WorkerLoad


def neighbour(state: Path, pid: int, inflight: int) -> None:
    """Another worker's counter, as that worker would publish it."""
    (state / f"{PREFIX}{pid}").write_bytes(COUNTER.pack(inflight))


def answer_headers(load: WorkerLoad) -> list[tuple[bytes, bytes]]:
    """The headers this worker's answer to one more request carries."""
    sent: list[dict[str, object]] = []

    async def app(scope: object, receive: object, send: object) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})  # type: ignore[operator]

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {"type": "http", "app": SimpleNamespace(state=SimpleNamespace(worker_load=load))}
    asyncio.run(Balance(app)(scope, None, send))  # type: ignore[arg-type]
    return list(sent[0]["headers"])  # type: ignore[call-overload]


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(balance, "REFRESH_SECONDS", 0.0)
    return tmp_path


def test_a_worker_over_its_share_asks_the_client_to_reconnect(state: Path) -> None:
    load = WorkerLoad(state)
    neighbour(state, os.getppid(), 2)
    load.add(6)  # with this request 7 in hand, the other worker 2: the mean is 4.5
    assert (b"connection", b"close") in answer_headers(load)
    assert load.inflight == 6  # the request is counted while it is answered only


def test_an_even_or_a_single_worker_keeps_its_connections(state: Path) -> None:
    load = WorkerLoad(state)
    assert (b"connection", b"close") not in answer_headers(load)
    load.add(6)
    assert (b"connection", b"close") not in answer_headers(load)  # no other worker
    neighbour(state, os.getppid(), 6)
    assert (b"connection", b"close") not in answer_headers(load)


def test_a_dead_workers_counter_is_dropped(state: Path) -> None:
    load = WorkerLoad(state)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(gone.stdout)
    neighbour(state, dead, 0)  # it would pull the mean down
    load.add(6)
    assert (b"connection", b"close") not in answer_headers(load)
    assert not (state / f"{PREFIX}{dead}").exists()


def test_a_worker_publishes_from_its_start_and_removes_its_counter_at_the_end(state: Path) -> None:
    load = WorkerLoad(state)
    path = state / f"{PREFIX}{os.getpid()}"
    assert COUNTER.unpack(path.read_bytes())[0] == 0  # before any request: the others may shed to it
    load.add(3)
    assert COUNTER.unpack(path.read_bytes())[0] == 3
    load.close()
    assert not path.exists()
