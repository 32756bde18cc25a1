"""Who is calling, and what they may see and do.

Every request except `GET /healthz`, the OpenAPI documents (`/docs`, `/redoc`, `/openapi.json`) and
the LanguageTool discovery endpoints (`GET /v2/languages`, `GET /v2/configinfo`) presents a token:
`Authorization: Bearer cm_…` (`cuomin tokens create`), or the `CUOMIN_ADMIN_TOKEN` when one is set.
LanguageTool clients send it as the `apiKey` parameter of /v2/check instead (see `token_from_v2`).
The pages (app/web) keep it in their session cookie instead, accepted here too; a state-changing request made
with the cookie must carry the page's `X-CSRF-Token` (see `app.session_cookie`).

Roles, each allowed what the one before it is (ranks: editor < reviewer < admin):

- `editor`: bound to one organisation. Pre-checks drafts, ingests articles for its organisation's
  accounts, reads those accounts, their articles, hits and review logs. Never reviews.
- `reviewer`: the inspection office. Reads everything, reviews hits, manages exemptions, re-scans,
  exports reports.
- `admin`: also manages accounts and organisations (and tokens, on the command line).

Answers: 401 `auth_required` / `token_invalid` without a valid token; 403 `forbidden` for a role
below the endpoint's. Organisation scope is never a 403: a list is silently filtered to the caller's
organisation (its `total` counts only what the caller may see), and a single resource of another
organisation is a 404 with the very code and message of one that does not exist, so an editor cannot
even learn that it exists.

Protecting an endpoint takes one parameter (or one router dependency):

    from app.api.auth import Admin, CurrentUser, Reviewer, ReviewerOnly, scoped

    @router.get("/api/reports/{quarter}")
    def read_report(quarter: str, user: Reviewer, session: ReadSessionDep): ...   # reviewer or admin

    router = APIRouter(prefix="/api", dependencies=[ReviewerOnly])                 # a whole router

    @router.get("/api/things")
    def read_things(user: CurrentUser, session: ReadSessionDep):                   # any role, scoped
        query = scoped(select(Thing).join(Account), user)            # editors: their organisation only
        ...

`CurrentUser` is any valid token; `Reviewer` and `Admin` (or `require_role(Role.x)`) add the role
check. `scoped(query, user, column=Account.organization_id)` filters a query to an editor's
organisation and leaves it alone for reviewers and admins; `user.organization_scope` is that
organisation's id (None: everything) for services that take it as a keyword, and
`ensure_visible(user, organization_id, NotFound(...))` turns a fetched resource of another
organisation into that 404. The OpenAPI document lists 401/403 on every protected operation and the
bearer scheme for the "Authorize" button (`document(app)`, called once by create_app).

Tests: every operation needs a row in MATRIX of tests/api/routes/test_access.py (the status each role
gets); an endpoint without one, or without any of these dependencies, fails the suite.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, FastAPI, Request
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import ColumnElement, Select
from starlette.concurrency import run_in_threadpool

from app.api.errors import ApiError
from app.config import Settings
from app.models import Account
from app.services import tokens, web_sessions
from app.services.errors import ServiceError
from app.session_cookie import cookie_session_id, csrf_missing
from app.vocabulary import Role

__all__ = [
    "Admin",
    "AdminOnly",
    "CurrentUser",
    "Principal",
    "RateLimitedUser",
    "Reviewer",
    "ReviewerOnly",
    "Role",
    "ensure_visible",
    "require_role",
    "scoped",
    "take_check",
]

ADMIN_TOKEN_NAME = "CUOMIN_ADMIN_TOKEN"
LAST_USED_EVERY = 60.0  # seconds: record a token's use at most this often (a write per request would queue)

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="令牌",
    description="cuomin 令牌（`cuomin tokens create` 生成），或 CUOMIN_ADMIN_TOKEN",
)


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller: a token's name, role and (for an editor) organisation."""

    name: str
    role: Role
    organization_id: int | None = None
    token_id: int | None = None  # None for CUOMIN_ADMIN_TOKEN

    def has(self, role: Role) -> bool:
        return self.role.rank >= role.rank

    @property
    def organization_scope(self) -> int | None:
        """The only organisation this caller may see, or None for every organisation."""
        return self.organization_id if self.role is Role.editor else None

    def sees(self, organization_id: int | None) -> bool:
        scope = self.organization_scope
        return scope is None or organization_id == scope

    @property
    def rate_key(self) -> str:
        return f"token:{self.token_id}" if self.token_id is not None else "admin-env"


# -- resolving a presented token --------------------------------------------------------------------


class _LastUsed:
    """When each token's use was last written, so that a busy token writes once a minute, not per request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._written: dict[int, float] = {}

    def due(self, token_id: int) -> bool:
        now = time.monotonic()
        with self._lock:
            if now - self._written.get(token_id, -LAST_USED_EVERY) < LAST_USED_EVERY:
                return False
            self._written[token_id] = now
            return True


def _admin_principal(request: Request, presented: str) -> Principal | None:
    """The admin principal when presented is CUOMIN_ADMIN_TOKEN (no query: safe on the event loop)."""
    settings: Settings = request.app.state.settings
    admin = settings.admin_token.get_secret_value() if settings.admin_token else None
    if admin is not None and hmac.compare_digest(presented.encode(), admin.encode()):
        return Principal(name=ADMIN_TOKEN_NAME, role=Role.admin)
    return None


def resolve(request: Request, presented: str) -> Principal | None:
    """The principal of a presented token (runs queries: call it from a thread, not the event loop)."""
    admin = _admin_principal(request, presented)
    if admin is not None:
        return admin
    with request.app.state.read_sessions() as session:
        found = tokens.find_active(session=session, token=presented)
        if found is None:
            return None
        principal = Principal(
            name=found.name, role=Role(found.role), organization_id=found.organization_id, token_id=found.id
        )
    last_used: _LastUsed = request.app.state.token_last_used
    if last_used.due(found.id):
        with request.app.state.sessions() as session:
            tokens.touch(session=session, token_id=found.id)
    return principal


def resolve_session(request: Request, session_id: str) -> Principal | None:
    """The principal of a pages' session id (from the cookie): its token's, while the session lives and the
    token is not revoked; for CUOMIN_ADMIN_TOKEN, while that is still the configured admin token."""
    settings: Settings = request.app.state.settings
    with request.app.state.read_sessions() as session:
        found = web_sessions.find_session(session=session, session_id=session_id)
        if found is None:
            return None
        web_session, token = found
        if token is not None:
            return Principal(
                name=token.name, role=Role(token.role), organization_id=token.organization_id, token_id=token.id
            )
    admin = settings.admin_token.get_secret_value() if settings.admin_token else None
    if admin is None or web_session.admin_token_hash is None:
        return None
    if not hmac.compare_digest(web_session.admin_token_hash, web_sessions.admin_token_hash(admin)):
        return None
    return Principal(name=ADMIN_TOKEN_NAME, role=Role.admin)


def cookie_session(request: Request) -> str | None:
    """The session id of the pages' cookie, for a request without `Authorization`; None without a cookie.
    A state-changing request (not GET/HEAD/OPTIONS) must carry the session's `X-CSRF-Token`: 403 otherwise."""
    session_id = cookie_session_id(request)
    if session_id is not None and csrf_missing(request, session_id):
        raise ApiError(403, "csrf_failed", "请求缺少有效的 CSRF 令牌（X-CSRF-Token）：请刷新页面后重试")
    return session_id


def _remember(request: Request, principal: Principal) -> Principal:
    request.state.token_name = principal.name  # for the request log
    return principal


async def authenticate(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    # A bearer token, else the pages' session cookie (403 for a change without the session's CSRF header).
    # `async def`: a plain `def` dependency is a hop to the thread pool on every request, dearer than the
    # whole check of a short draft; only what queries the database (a cm_ token, a session) makes that hop.
    presented = credentials.credentials if credentials is not None else None
    session_id = None if presented else cookie_session(request)
    if not presented and not session_id:
        raise ApiError(
            401,
            "auth_required",
            "需要访问令牌：请在请求头中加上 “Authorization: Bearer 令牌”（管理员用 cuomin tokens create 生成）",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if presented:
        principal = _admin_principal(request, presented) or await run_in_threadpool(resolve, request, presented)
    else:
        principal = await run_in_threadpool(resolve_session, request, session_id or "")
    if principal is None:
        raise ApiError(
            401, "token_invalid", "访问令牌无效或已被吊销", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
        )
    return _remember(request, principal)


CurrentUser = Annotated[Principal, Depends(authenticate)]


def require_role(role: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency: the caller, when their role is `role` or above; 403 otherwise (`async`: no thread hop)."""

    async def dependency(user: CurrentUser) -> Principal:
        if not user.has(role):
            raise ApiError(
                403, "forbidden", f"权限不足：需要{role.label}或更高权限，当前令牌“{user.name}”是{user.role.label}"
            )
        return user

    dependency.__name__ = f"require_{role.value}"
    dependency.cuomin_role = role  # type: ignore[attr-defined]  # read by document()
    return dependency


_require_reviewer = require_role(Role.reviewer)
_require_admin = require_role(Role.admin)
Reviewer = Annotated[Principal, Depends(_require_reviewer)]
Admin = Annotated[Principal, Depends(_require_admin)]
ReviewerOnly = Depends(_require_reviewer)  # for `dependencies=[...]` on a route or router
AdminOnly = Depends(_require_admin)


# -- scope ------------------------------------------------------------------------------------------

Q = TypeVar("Q", bound=Select[Any])


def scoped(query: Q, user: Principal, column: ColumnElement[Any] | Any = Account.organization_id) -> Q:
    """query filtered to the caller's organisation (editors); unchanged for reviewers and admins.
    `column` is the organisation id column the query can filter on (the query must join it)."""
    scope = user.organization_scope
    return query if scope is None else query.where(column == scope)


def ensure_visible(user: Principal, organization_id: int | None, not_found: ServiceError) -> None:
    """Raise not_found (the resource's own 404) when the resource belongs to another organisation."""
    if not user.sees(organization_id):
        raise not_found


# -- the per-token rate limit on checking ---------------------------------------------------------


class RateLimiter:
    """A token bucket per key: `per_minute` requests a minute, of which a whole minute's may come at once."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens left, when)

    def acquire(self, key: str) -> float:
        """0 when the request may go ahead, else the seconds to wait before the next one will."""
        return self._take(key, consume=True)

    def wait(self, key: str) -> float:
        """What acquire would answer, without using up anything (to count only failures)."""
        return self._take(key, consume=False)

    def _take(self, key: str, *, consume: bool) -> float:
        if self.per_minute <= 0:
            return 0.0
        rate = self.per_minute / 60.0
        now = time.monotonic()
        with self._lock:
            left, when = self._buckets.get(key, (float(self.per_minute), now))
            left = min(float(self.per_minute), left + (now - when) * rate)
            if left >= 1.0:
                self._buckets[key] = (left - 1.0 if consume else left, now)
                return 0.0
            self._buckets[key] = (left, now)
            return (1.0 - left) / rate


def rate_limit_error(settings: Settings, wait: float) -> ApiError:
    seconds = max(1, int(wait + 0.999))
    return ApiError(
        429,
        "rate_limited",
        f"检查过于频繁：每个令牌每分钟最多检查 {settings.check_rate_limit} 次，请 {seconds} 秒后再试",
        headers={"Retry-After": str(seconds)},
    )


async def take_check(request: Request, key: str) -> float:
    """The rate limiter's answer for one check by key: on the event loop when the limiter is this process's
    memory (or off), in a thread when it writes a file or the database (workers, replicas)."""
    limiter = request.app.state.rate_limiter
    if isinstance(limiter, RateLimiter) or limiter.per_minute <= 0:
        return float(limiter.acquire(key))
    return float(await run_in_threadpool(limiter.acquire, key))


async def limit_checks(request: Request, user: CurrentUser) -> Principal:
    """CurrentUser, counted against the per-token check rate (CUOMIN_CHECK_RATE_LIMIT)."""
    wait = await take_check(request, user.rate_key)
    if wait:
        raise rate_limit_error(request.app.state.settings, wait)
    return user


RateLimitedUser = Annotated[Principal, Depends(limit_checks)]


# -- LanguageTool clients ---------------------------------------------------------------------------


def token_from_v2(request: Request, params: dict[str, str]) -> str | None:
    """The token a LanguageTool client presents: its `apiKey` (the `username` beside it is free, e.g.
    the token's name), or an Authorization header: Bearer, or Basic with the token as the password
    (`remote_server="http://cuomin:令牌@服务器:8000"` in language_tool_python)."""
    if params.get("apiKey"):
        return params["apiKey"]
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if scheme.lower() == "basic" and value.strip():
        try:
            _user, _, password = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return password or None
    return None


def remember(request: Request, principal: Principal) -> Principal:
    """Record the caller for the request log (for endpoints that authenticate by themselves)."""
    return _remember(request, principal)


# -- wiring -----------------------------------------------------------------------------------------


# Wrong tokens tried at the login page per client address and minute (a whole minute's at once): a person
# mistyping is never held up, guessing 2,000 tokens takes hours instead of a minute and a half.
LOGIN_FAILURES_PER_MINUTE = 10


def install(app: FastAPI, settings: Settings) -> None:
    from app.api.workers import RATE_FILE, SharedRateLimiter, state_dir

    app.state.token_last_used = _LastUsed()
    shared = state_dir()  # several worker processes: one limit for all of them
    if shared is not None and settings.check_rate_limit > 0:
        app.state.rate_limiter = SharedRateLimiter(shared / RATE_FILE, settings.check_rate_limit)
    else:
        app.state.rate_limiter = RateLimiter(settings.check_rate_limit)
    app.state.login_limiter = RateLimiter(LOGIN_FAILURES_PER_MINUTE)


def api_routes(app: FastAPI) -> Iterator[APIRoute]:
    """Every operation of the API: the APIRoutes of the app in its OpenAPI document, through included routers
    (which newer FastAPI keeps nested). The pages (`include_in_schema=False`) answer with pages, not JSON."""
    try:
        from fastapi.routing import iter_route_contexts  # FastAPI >= 0.16x: included routers stay nested
    except ImportError:  # pragma: no cover - older FastAPI copies included routes into app.routes
        yield from (route for route in app.routes if isinstance(route, APIRoute) and route.include_in_schema)
        return
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and route.include_in_schema:
            yield route


def dependency_calls(route: APIRoute) -> set[Any]:
    """Every dependency callable of route, however deeply nested."""
    calls, stack = set(), [route.dependant]
    while stack:
        dependant = stack.pop()
        if dependant.call is not None:
            calls.add(dependant.call)
        stack.extend(dependant.dependencies)
    return calls


def document(app: FastAPI) -> None:
    """Add 401 (any protected operation), 403 (role-restricted), 429 (rate-limited) and 413 (a body
    over its limit) to the OpenAPI responses of each operation, from what its route actually has."""
    generate = app.openapi
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}}
    retry = {"Retry-After": {"description": "几秒后可以再试", "schema": {"type": "integer"}}}

    def openapi() -> dict[str, Any]:
        schema = generate()
        paths = schema.get("paths", {})
        for route in api_routes(app):
            calls = dependency_calls(route)
            for method in route.methods:
                responses = paths.get(route.path, {}).get(method.lower(), {}).get("responses")
                if responses is None:
                    continue
                if route.body_field is not None:  # BodyLimit: CUOMIN_MAX_BODY_BYTES and the article limits
                    responses.setdefault("413", {**error, "description": "请求体过大"})
                if authenticate in calls:
                    responses.setdefault("401", {**error, "description": "缺少访问令牌，或令牌无效、已吊销"})
                if any(getattr(call, "cuomin_role", None) for call in calls):
                    responses.setdefault("403", {**error, "description": "令牌的角色权限不足"})
                if limit_checks in calls:
                    description = "该令牌检查过于频繁（CUOMIN_CHECK_RATE_LIMIT）"
                    responses.setdefault("429", {**error, "description": description, "headers": retry})
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
