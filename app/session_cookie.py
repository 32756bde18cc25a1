"""The pages' session: its id in an HttpOnly, SameSite=Strict cookie, and the CSRF token that goes with it.

A browser cannot set `Authorization: Bearer` on a link or a download, so the login page opens a session on
the server (`app.services.web_sessions`: revocable, expiring there) and keeps only its random id in a
cookie, never the API token. The cookie is sent on every same-site request, which is what cross-site request forgery
abuses; SameSite=Strict already keeps it off requests started by other sites, and every request that changes
something must also carry `X-CSRF-Token`: a value derived from the session token (HMAC-SHA256), written into
each page (`<meta name="csrf-token">`) and read by its script. Another site can neither read the page nor
compute the value, and a plain form or a cross-origin request cannot set the header without a CORS preflight.

Below both front ends: the API (`app.api.auth` accepts the cookie) and the pages (`app.web.routes` sets it) import
this module; it imports neither, and says nothing about how a refusal is answered (the API raises its 403).
"""

from __future__ import annotations

import hashlib
import hmac

from starlette.requests import Request
from starlette.responses import Response

SESSION_COOKIE = "cuomin_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"  # the same value in a plain form (login, logout)
SESSION_MAX_AGE = 12 * 3600  # seconds: a working day; then the login page again
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token(session_id: str) -> str:
    """The CSRF value of a session: fixed for the session, unguessable without its id."""
    return hmac.new(session_id.encode("utf-8", "surrogatepass"), b"cuomin-csrf", hashlib.sha256).hexdigest()


def csrf_valid(session_id: str, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(csrf_token(session_id), presented or "")


def cookie_session_id(request: Request) -> str | None:
    """The session id of the request's cookie; None without one."""
    return request.cookies.get(SESSION_COOKIE) or None


def csrf_missing(request: Request, session_id: str) -> bool:
    """True when a request made with the session's cookie changes something (not GET/HEAD/OPTIONS) without
    the session's `X-CSRF-Token`: the caller refuses it."""
    return request.method not in SAFE_METHODS and not csrf_valid(session_id, request.headers.get(CSRF_HEADER))


def set_session(response: Response, request: Request, session_id: str) -> None:
    """Keep the session id in the cookie (Secure when the page was served over HTTPS)."""
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        max_age=SESSION_MAX_AGE,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
