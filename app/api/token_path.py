"""The token in the server URL, for LanguageTool clients that cannot send one.

The LanguageTool browser extension takes only a server URL: no API key, no header. Such a client is
given `http://服务器:8000/lt/<令牌>/v2` as its server; this middleware moves the token from the path
into an Authorization header and the request goes on as `/v2/...`. It runs outermost, before the
request log, so the token never reaches a log line: any other `/lt/<token>/...` loses its token too
(and finds nothing there), however it is spelled (`/LT/`, `//lt/`). The error handler of a 500 sits
outside every middleware and sees the path as sent: it logs `redact(path)`.
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Receive, Scope, Send

PREFIX = "/lt/"
_ANY_PREFIX = re.compile(r"^/+lt/", re.IGNORECASE)


def redact(path: str) -> str:
    """path without the token of a /lt/<token>/… path (any spelling of the prefix)."""
    found = _ANY_PREFIX.match(path)
    if found is None:
        return path
    _token, _, rest = path[found.end() :].partition("/")
    return PREFIX + "-/" + rest


class TokenInPath:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _ANY_PREFIX.match(scope["path"]):
            headers = [(k, v) for k, v in scope["headers"] if k != b"authorization"]
            token, _, rest = scope["path"][len(PREFIX) :].partition("/")
            if scope["path"].startswith(PREFIX) and token and rest.startswith("v2/"):
                headers.append((b"authorization", b"Bearer " + token.encode("utf-8")))
                path = "/" + rest
            else:
                path = redact(scope["path"])
            scope = {**scope, "path": path, "raw_path": path.encode(), "headers": headers}
        await self.app(scope, receive, send)
