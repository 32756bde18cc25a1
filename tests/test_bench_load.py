"""bench/load.py's /api/check client counts only a 200 with a valid /api/check body as a success."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import Iterator

import pytest

from bench.load import check_load

GOOD = json.dumps({"hits": [], "lexicon_version": "abc", "elapsed_ms": 1.0, "cut_at": None, "notice": None}).encode()


def _response(kind: str) -> bytes:
    if kind == "chunked":
        chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (GOOD[:10], GOOD[10:])) + b"0\r\n\r\n"
        return b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks
    status, body = {"good": (b"200 OK", GOOD), "bad body": (b"200 OK", b'{"hits": "no"}'), "503": (b"503 X", GOOD)}[
        kind
    ]
    return b"HTTP/1.1 %s\r\nContent-Length: %d\r\n\r\n%s" % (status, len(body), body)


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[str]:
    """An HTTP/1.1 keep-alive server on loopback that gives every request the same answer."""
    answer = _response(request.param)
    loop = asyncio.new_event_loop()
    started = threading.Event()
    address: list[str] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                )
                await reader.readexactly(length)
                writer.write(answer)
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def serve() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        address.append(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}")
        started.set()
        async with server:
            await server.serve_forever()

    def run() -> None:
        with contextlib.suppress(RuntimeError):  # the loop stopped at the end of the test
            loop.run_until_complete(serve())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(5)
    yield address[0]
    loop.call_soon_threadsafe(loop.stop)


@pytest.mark.parametrize("server", ["good", "chunked"], indirect=True)
def test_valid_answers_are_counted(server: str) -> None:
    result = check_load(server, ["截止目前", "他做为党员"], clients=3, seconds=0.3)
    assert result["requests"] > 3 and result["errors"] == 0 and result["rps"] > 0


@pytest.mark.parametrize("server", ["bad body", "503"], indirect=True)
def test_anything_but_a_valid_200_is_an_error(server: str) -> None:
    result = check_load(server, ["截止目前"], clients=2, seconds=0.3)
    assert result["requests"] > 2 and result["errors"] == result["requests"] and result["rps"] == 0
