"""Request body limits, enforced while the body arrives (before it is parsed or held whole).

A client sends its whole body before it reads the answer (urllib, requests, curl all do): answering 413
and closing while it is still sending makes it report "connection reset" or "broken pipe" instead of the
413 and its message. So the rest of an over-long body is read and dropped first, up to DRAIN_MAX bytes
(memory stays flat: nothing is kept); a body longer still is cut off, as before.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DRAIN_MAX = 64 * 1024 * 1024


async def _drain(receive: Receive, budget: int) -> None:
    """Read and drop what is left of the request body, up to budget bytes."""
    while budget > 0:
        message = await receive()
        if message["type"] != "http.request":
            return
        budget -= len(message.get("body", b""))
        if not message.get("more_body", False):
            return


class BodyTooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(413)


class BodyLimit:
    """A 413 {"code", "message"} for a request whose body is over its path's limit (or the default one)."""

    def __init__(
        self, app: ASGIApp, limits: Mapping[str, tuple[int, str]], default: tuple[int, str] | None = None
    ) -> None:
        self.app = app
        self.limits = limits  # path -> (bytes, what is being sent, for the message)
        self.default = default  # every other path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limits.get(scope.get("path", ""), self.default) if scope["type"] == "http" else None
        if limit is None:
            await self.app(scope, receive, send)
            return
        most, what = limit
        declared = dict(scope.get("headers", ())).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > most:
            await _drain(receive, DRAIN_MAX)
            await _too_large(send, int(declared), most, what)
            return
        received = 0

        async def counting() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > most:
                    if message.get("more_body", False):
                        await _drain(receive, DRAIN_MAX)
                    # Reached through FastAPI's body reading, which passes HTTPException on as is.
                    raise BodyTooLarge()
            return message

        await self.app(scope, counting, send)


async def _too_large(send: Send, size: int, most: int, what: str) -> None:
    body: dict[str, Any] = {
        "code": "body_too_large",
        "message": f"{what}过大：请求体 {size:,} 字节，最多 {most:,} 字节",
    }
    payload = json.dumps(body, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": payload})
