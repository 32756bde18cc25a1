"""A real `cuomin serve` on a free loopback port, for the tests and benches that talk HTTP to it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

CUOMIN = [sys.executable, "-m", "app.cli"]
ROOT = Path(__file__).resolve().parent.parent


class ServerFailed(RuntimeError):
    """cuomin serve exited, or did not answer in time; the message carries its log."""


@dataclass(frozen=True)
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def cuomin_serve(workdir: Path, env: Mapping[str, str], *, timeout: float = 60) -> Iterator[Server]:
    """Start `cuomin serve` in workdir with env added to this process's, wait for /healthz, stop it after."""
    port = free_port()
    log = workdir / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*CUOMIN, "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=workdir,
            # One worker unless a test asks for more: each one loads its own detector.
            env={**os.environ, "CUOMIN_LOG_LEVEL": "warning", "CUOMIN_WORKERS": "1", **env, "PYTHONPATH": _path()},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        server = Server(f"http://127.0.0.1:{port}", process, log)
        try:
            _wait_until_ready(server, timeout)
            yield server
        finally:
            stop(process)


def _path() -> str:
    """This checkout first: run from workdir, `-m app.cli` would otherwise import whatever `app` the
    interpreter has installed, which may be another checkout's (an editable install), and the tests and
    benches would measure code other than their own."""
    return os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))


def _wait_until_ready(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if server.process.poll() is not None:
            raise ServerFailed(f"cuomin serve exited with {server.process.returncode}:\n{_tail(server.log)}")
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1).is_success:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise ServerFailed(f"cuomin serve did not answer within {timeout:.0f} s:\n{_tail(server.log)}")
        time.sleep(0.1)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _tail(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-5000:]
