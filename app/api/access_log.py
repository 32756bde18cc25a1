"""One JSON line per request on the `cuomin.access` logger: time, method, path, status, duration,
the token's name and the client address. Never the token itself, the query string (it may carry a
LanguageTool client's apiKey or text), or any body."""

from __future__ import annotations

import json
import logging
import os
import sys
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.token_path import redact
from app.clock import utcnow

log = logging.getLogger("cuomin.access")


def configure(level: str) -> None:
    """Write the request lines to stderr as they are (JSON), once, unless something else has set up
    handlers for the logger already (an embedding application, a test)."""
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.propagate = False
    log.setLevel(level.upper() if level.upper() in logging.getLevelNamesMapping() else logging.INFO)


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state = scope.setdefault("state", {})  # Request.state writes here: the auth dependency sets token_name
        status = 500

        async def recording(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording)
        finally:
            client = scope.get("client")
            line = {
                "ts": utcnow().isoformat(timespec="milliseconds"),
                "event": "request",
                "method": scope.get("method"),
                "path": redact(scope.get("path") or ""),
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "token": state.get("token_name"),
                "client": client[0] if client else None,
                "worker": os.getpid(),  # which process of `cuomin serve --workers N` answered
            }
            log.info(json.dumps(line, ensure_ascii=False))
