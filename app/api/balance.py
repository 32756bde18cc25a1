"""Keep-alive connections spread over the worker processes of one `cuomin serve --workers N`.

The workers share one listening socket, and whichever worker the kernel wakes first accepts every connection
waiting: clients that connect at about the same time (a proxy's pool, editors after a restart) mostly land on
one worker and stay there. Each worker checks its drafts one at a time, so a worker holding 24 of 32 busy
connections answers them three times slower than its neighbour answers its 8, with both cores equally busy.

Each worker publishes how many requests it is answering in a small file of the run's state directory
(CUOMIN_WORKER_STATE; one 8-byte counter each, memory-mapped) and reads the others' now and then. A worker
answering more than its share (the mean over the workers, plus a margin) asks the client to reconnect after
this answer (`Connection: close`, which every HTTP client honours); the new connection goes to whichever
worker accepts it, so the busy worker sheds connections until the load is even. An idle or even server
never closes a connection.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import struct
import time
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PREFIX = "inflight-"
MARGIN = 1  # requests over the mean a worker may hold before it sheds a connection
REFRESH_SECONDS = 0.5  # how often the list of the other workers is read again
COUNTER = struct.Struct("q")


def _open(path: Path) -> mmap.mmap:
    with path.open("r+b") as file:
        return mmap.mmap(file.fileno(), COUNTER.size)


class WorkerLoad:
    """This worker's counter of requests in hand, published from its start (a worker that has not answered
    anything yet is the one the others should shed to), and the other workers' counters."""

    def __init__(self, state: Path) -> None:
        self.state = state
        self.pid = os.getpid()
        self.path = state / f"{PREFIX}{self.pid}"
        self.path.write_bytes(COUNTER.pack(0))
        self._mine = _open(self.path)
        self.inflight = 0
        self._others: dict[int, mmap.mmap] = {}
        self._refreshed = -REFRESH_SECONDS

    def close(self) -> None:
        self._mine.close()
        for other in self._others.values():
            other.close()
        with contextlib.suppress(OSError):
            self.path.unlink()

    def add(self, step: int) -> None:
        self.inflight += step
        COUNTER.pack_into(self._mine, 0, self.inflight)

    def _refresh(self) -> None:
        now = time.monotonic()
        if now - self._refreshed < REFRESH_SECONDS:
            return
        self._refreshed = now
        seen = set()
        for path in self.state.glob(f"{PREFIX}*"):
            pid = int(path.name[len(PREFIX) :])
            if pid == self.pid:
                continue
            try:
                os.kill(pid, 0)
            except ProcessLookupError:  # a worker that died without its lifespan's end; uvicorn replaces it
                with contextlib.suppress(OSError):
                    path.unlink()
                continue
            except PermissionError:
                pass
            seen.add(pid)
            if pid not in self._others:
                with contextlib.suppress(OSError, ValueError):
                    self._others[pid] = _open(path)
        for pid in set(self._others) - seen:
            self._others.pop(pid).close()

    def over_share(self) -> bool:
        """More requests in hand than the workers' mean plus MARGIN."""
        self._refresh()
        if not self._others:
            return False
        total = self.inflight + sum(COUNTER.unpack_from(other, 0)[0] for other in self._others.values())
        return self.inflight > total / (len(self._others) + 1) + MARGIN


class Balance:
    """`Connection: close` on the answers of a worker over its share (app.state.worker_load, set at start)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        load: WorkerLoad | None = getattr(scope["app"].state, "worker_load", None) if "app" in scope else None
        if scope["type"] != "http" or load is None:
            await self.app(scope, receive, send)
            return
        load.add(1)

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start" and load.over_share():
                message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            load.add(-1)
