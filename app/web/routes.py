"""The pages: 登录, 草稿检查, 审核, 账号, 季度报告. Server-rendered with Jinja2 (autoescaped); the actions
(checking, reviewing, exempting, re-scanning) are the JSON API, called by the pages' scripts with the session
cookie and the CSRF header (see `app.session_cookie`).

Each page sees exactly what the API would show the same token: lists go through the services with the
caller's `organization_scope`, a single account of another organisation is the API's very 404, and review
and report pages need the reviewer role.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BeforeValidator
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.templating import Jinja2Templates

from app.api import auth
from app.api.auth import Principal, RateLimiter
from app.api.deps import DetectorDep, IdPath, ReadSessionDep, SessionsDep, SettingsDep
from app.clock import CST, cst_date
from app.config import Settings
from app.detection.labels import rule_label
from app.ingest.draft import Draft, DraftError, file_draft, html_draft
from app.reports import ANNEX_COLUMNS, Quarter, stale_problem
from app.reports.export import DOWNLOADS, FORMATS
from app.reports.platforms import PLATFORM_ANNEX_COLUMNS
from app.reports.quarter import recent_quarters
from app.schemas.accounts import AccountPublic
from app.schemas.common import MAX_OFFSET, DbId, DbOffset
from app.schemas.hits import HitRecordPublic
from app.services import accounts, exemptions, ingestion, overview, review, web_sessions
from app.services.errors import NotFound, ServiceError
from app.services.reports import circular_report, pending_in
from app.session_cookie import (
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_MAX_AGE,
    clear_session,
    cookie_session_id,
    csrf_token,
    csrf_valid,
    set_session,
)
from app.vocabulary import SEVERITY_LABELS, STATUS_LABELS, HitStatus, Platform, Role
from app.web.marking import pieces

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
PAGE_SIZE = 50

# Pages, not API operations: outside the OpenAPI document and the API's access matrix (each page asks for its
# visitor through `PageUser` and the like, which send one without a session to the login page).
router = APIRouter(include_in_schema=False)

_env = Environment(
    loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True), trim_blocks=True
)
templates = Jinja2Templates(env=_env)

# Only this site's own files run: no inline script, no other origin, no framing (the review buttons).
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
_env.globals.update(
    SEVERITY_LABELS=SEVERITY_LABELS,
    STATUS_LABELS=STATUS_LABELS,
    ANNEX_COLUMNS=ANNEX_COLUMNS,
    CSRF_FIELD=CSRF_FIELD,
    ROLE_ADMIN=Role.admin,
)
_env.filters["cst"] = lambda value, fmt="%Y-%m-%d %H:%M": value.astimezone(CST).strftime(fmt) if value else ""
_env.filters["platform"] = lambda code: Platform(code).label
_env.filters["cst_date"] = lambda value: cst_date(value).isoformat() if value else ""


def install(app: FastAPI) -> None:
    """Mount the pages, their static files and the answers to a visitor they turn away."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(LoginRequired)
    async def _to_login(_request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(exc.target)}", status_code=303)

    @app.exception_handler(PageRefused)
    async def _refused(_request: Request, exc: PageRefused) -> Response:
        return exc.page.render("error.html", status_code=exc.status, title=exc.title, message=exc.message)


# -- who is asking ------------------------------------------------------------------------------------


def session_user(request: Request) -> Principal | None:
    """The principal of the session cookie, or None (runs queries: FastAPI calls it in its thread pool)."""
    session_id = cookie_session_id(request)
    if session_id is None:
        return None
    principal = auth.resolve_session(request, session_id)
    return None if principal is None else auth.remember(request, principal)


SessionUser = Annotated[Principal | None, Depends(session_user)]


class LoginRequired(Exception):
    """No session: the visitor goes to the login page, and back to `target` after it."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


@dataclass(frozen=True)
class Page:
    """A signed-in visitor's page: renders a template with what every page shows (the menu, the visitor, the
    CSRF value of the session)."""

    request: Request
    user: Principal
    organization_name: str | None
    settings: Settings

    def render(self, name: str, status_code: int = 200, **context: Any) -> Response:
        return templates.TemplateResponse(
            self.request,
            name,
            {
                "user": self.user,
                "organization_name": self.organization_name,
                "can_review": self.user.has(Role.reviewer),
                "csrf": csrf_token(cookie_session_id(self.request) or ""),
                "path": self.request.url.path,
                "stale_label": stale_problem(self.settings.stale_days),
                **context,
            },
            status_code=status_code,
            headers=PAGE_HEADERS,
        )


class PageRefused(Exception):
    """A page the visitor may not see, or whose subject does not exist: an error page with this status."""

    def __init__(self, page: Page, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.page, self.status, self.title, self.message = page, status, title, message


def page_user(request: Request, user: SessionUser, session: ReadSessionDep, settings: SettingsDep) -> Page:
    """The visitor's page; without a session, to the login page (and back here after it)."""
    if user is None:
        raise LoginRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    organization = None
    if user.organization_id is not None:
        found = accounts.list_organizations(session=session, organization_scope=user.organization_id)
        organization = next((o.name for o in found), None)
    return Page(request, user, organization, settings)


PageUser = Annotated[Page, Depends(page_user)]


def page_role(role: Role, needed: str) -> Any:
    """A dependency: the visitor's page when their role is `role` or above; the 403 error page otherwise."""

    def dependency(page: PageUser) -> Page:
        if not page.user.has(role):
            user = page.user
            raise PageRefused(page, 403, "权限不足", f"{needed}，当前令牌“{user.name}”是{user.role.label}")
        return page

    return Depends(dependency)


ReportsPage = Annotated[Page, page_role(Role.reviewer, "季度报告需要审核员或更高权限")]
ExemptionsPage = Annotated[Page, page_role(Role.reviewer, "豁免需要审核员或更高权限")]
AdminPage = Annotated[Page, page_role(Role.admin, "账号管理需要管理员权限")]


async def get_login_limiter(request: Request) -> RateLimiter:
    return request.app.state.login_limiter  # type: ignore[no-any-return]


LoginLimiter = Annotated[RateLimiter, Depends(get_login_limiter)]


# -- query parameters -----------------------------------------------------------------------------------


def _blank_is_none(value: object) -> object:
    return None if value == "" else value


# A filter form's "全部" sends `account_id=`: no filter. Otherwise the API's bounds (an id no row can have is a 422).
IdFilter = Annotated[DbId | None, BeforeValidator(_blank_is_none), Query()]
PageNumber = Annotated[DbId | None, BeforeValidator(_blank_is_none), Query(description="第几页（跳页框）")]
PageOffset = Annotated[DbOffset | None, BeforeValidator(_blank_is_none), Query()]


def listing_offset(page: PageNumber = None, offset: PageOffset = None) -> int:
    """Where a listing starts: ?page=N (the pager's jump box) or ?offset=."""
    if page is not None:
        return min((page - 1) * PAGE_SIZE, MAX_OFFSET)
    return offset or 0


ListingOffset = Annotated[int, Depends(listing_offset)]


def _listing(request: Request, rows: list[Any], total: int, offset: int) -> dict[str, Any]:
    """A page of a listing and what its pager shows: the query string its links carry along (all but the place)."""
    query = {k: v for k, v in request.query_params.items() if k not in ("offset", "page")}
    return {"rows": rows, "total": total, "offset": offset, "page_size": PAGE_SIZE, "query": query}


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never //host or a scheme): no open redirect after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/check"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/check"
    return target


def _same_origin(request: Request) -> bool:
    """A form post from a page of this site (browsers send Origin on POST); absent Origin is allowed."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


# -- login and logout --------------------------------------------------------------------------------


@router.get("/login")
def login_page(request: Request, user: SessionUser, next: str | None = None) -> Response:
    if user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return templates.TemplateResponse(
        request, "login.html", {"next": _safe_next(next), "error": None}, headers=PAGE_HEADERS
    )


@router.post("/login")
async def login(request: Request, limiter: LoginLimiter, sessions: SessionsDep) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    token = str(form.get("token") or "").strip()[:500]
    next = str(form.get("next") or "/check")
    address = request.client.host if request.client else "-"
    headers = dict(PAGE_HEADERS)
    if not _same_origin(request):  # login CSRF: another site posting its own token into this browser
        principal, error, status = None, "登录请求来自其他网站，已拒绝：请直接打开本服务的登录页", 403
    elif wait := limiter.wait(address):  # only wrong tokens count, per client address
        seconds = max(1, int(wait + 0.999))
        principal, error, status = None, f"错误的令牌输入过多，请 {seconds} 秒后再试", 429
        headers["Retry-After"] = str(seconds)
    else:
        principal = await run_in_threadpool(auth.resolve, request, token) if token else None
        error, status = ("请输入访问令牌" if not token else "令牌无效或已被吊销，请向管理员确认"), 401
        if principal is None and token:
            limiter.acquire(address)
    if principal is None:
        return templates.TemplateResponse(
            request, "login.html", {"next": _safe_next(next), "error": error}, status_code=status, headers=headers
        )
    auth.remember(request, principal)
    session_id = await run_in_threadpool(_open_session, sessions, principal, token)
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session(response, request, session_id)
    return response


def _open_session(sessions: sessionmaker[Session], principal: Principal, token: str) -> str:
    with sessions() as session:
        return web_sessions.open_session(
            session=session,
            token_id=principal.token_id,
            admin_token=token if principal.token_id is None else None,
            lifetime=dt.timedelta(seconds=SESSION_MAX_AGE),
        )


def _end_session(sessions: sessionmaker[Session], session_id: str) -> None:
    with sessions() as session:
        web_sessions.end_session(session=session, session_id=session_id)


@router.post("/logout")
async def logout(request: Request, sessions: SessionsDep) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    session_id = cookie_session_id(request)
    if session_id and not csrf_valid(session_id, str(form.get(CSRF_FIELD) or "")):
        return JSONResponse({"code": "csrf_failed", "message": "请刷新页面后重试"}, status_code=403)
    if session_id:
        await run_in_threadpool(_end_session, sessions, session_id)  # ended on the server, not only in this browser
    response = RedirectResponse("/login", status_code=303)
    clear_session(response)
    return response


@router.get("/favicon.ico")
async def favicon() -> Response:
    # Browsers ask for /favicon.ico whatever the page says; the SVG serves both.
    return Response(
        (STATIC / "favicon.svg").read_bytes(),
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/")
async def home() -> Response:
    return RedirectResponse("/check", status_code=303)


# -- 草稿检查 ----------------------------------------------------------------------------------------


@router.get("/check")
def check_page(page: PageUser) -> Response:
    today = dt.datetime.now(CST).date()
    return page.render("check.html", today=today.isoformat())


def _extract_error(message: str) -> JSONResponse:
    return JSONResponse({"code": "extract_failed", "message": message}, status_code=422)


@router.post("/check/extract")
async def extract(request: Request, user: SessionUser, settings: SettingsDep) -> Response:
    """The text of an uploaded .txt/.docx/.html file, or of pasted page HTML: what the draft check then checks."""
    if user is None:
        return JSONResponse({"code": "auth_required", "message": "登录已过期，请重新登录"}, status_code=401)
    if not csrf_valid(cookie_session_id(request) or "", request.headers.get(CSRF_HEADER)):
        return JSONResponse({"code": "csrf_failed", "message": "请刷新页面后重试"}, status_code=403)
    try:
        # A pasted page is held to an ingested article's limit (CUOMIN_MAX_ARTICLE_BYTES).
        most = settings.max_article_bytes
        form = await request.form(max_files=1, max_fields=5, max_part_size=most)
    except (MultiPartException, HTTPException) as exc:  # Starlette turns the first into a 400 with its words
        return _extract_error(_form_problem(str(getattr(exc, "detail", exc)), most))
    file, html = form.get("file"), form.get("html")
    draft: Draft
    if isinstance(file, UploadFile):
        data = await file.read()
        try:
            draft = await run_in_threadpool(file_draft, file.filename or "", data)
        except DraftError as exc:
            return _extract_error(str(exc))
    elif isinstance(html, str):
        draft = await run_in_threadpool(html_draft, html)
    else:
        return _extract_error("没有收到文件或网页内容")
    if not draft.text.strip():
        return _extract_error("文件中没有找到正文")
    return JSONResponse(draft.as_dict())


def _form_problem(detail: str, most: int) -> str:
    """The multipart parser's English complaint, said in Chinese."""
    if "files" in detail.lower():
        return "一次只能上传一个文件"
    if "size" in detail.lower():
        return f"粘贴的网页内容过大：最多 {most:,} 字节，请只粘贴文章页面"
    return "上传的内容无法解析，请重新选择文件"


# -- 审核 ---------------------------------------------------------------------------------------------


def mark_context(context: str, text: str, start: int, context_chars: int) -> tuple[str, str, str]:
    """context split around the hit's text: (before, text, after); the occurrence nearest the hit's place."""
    expected = min(start, context_chars)
    places = []
    at = context.find(text)
    while at != -1 and text:
        places.append(at)
        at = context.find(text, at + 1)
    if not places:
        return context, "", ""
    at = min(places, key=lambda p: abs(p - expected))
    return context[:at], context[at : at + len(text)], context[at + len(text) :]


@router.get("/review")
def review_page(
    request: Request,
    page: PageUser,
    session: ReadSessionDep,
    detector: DetectorDep,
    offset: ListingOffset,
    account_id: IdFilter = None,
    organization_id: IdFilter = None,
    category: str = "",
    severity: str = "",
    status: str = HitStatus.pending,
    quarter: str = "",
    sort: str = "newest",
    q: str = "",
) -> Response:
    user = page.user
    quarter_key = quarter.strip()
    date_from = date_to = None
    notice = None
    period = None
    if quarter_key:
        try:
            period = Quarter.parse(quarter_key)
            date_from, date_to, quarter_key = period.start, period.end, period.key
        except ValueError as exc:
            notice, quarter_key = str(exc), ""
    sort = sort if sort in review.SORTS else "newest"
    filters = review.HitFilter(
        account_id=account_id,
        organization_id=organization_id,
        category=category or None,
        severity=severity if severity in SEVERITY_LABELS else None,
        status=status if status in STATUS_LABELS else None,
        date_from=date_from,
        date_to=date_to,
        q=q.strip()[:200] or None,
        organization_scope=user.organization_scope,
    )
    hits, total = review.list_hits(session=session, filters=filters, limit=PAGE_SIZE, offset=offset, sort=sort)
    context_chars = page.settings.context_chars
    rows = [
        {"hit": HitRecordPublic.of(h), "parts": mark_context(h.context, h.text, h.start, context_chars)} for h in hits
    ]
    choices = _filter_choices(session, user)
    quarters = _quarter_choices(session, period)
    categories = sorted({rule.category for rule in detector.lexicon.rules})
    return page.render(
        "review.html",
        **_listing(request, rows, total, offset),
        filters={
            "account_id": filters.account_id,
            "organization_id": filters.organization_id,
            "category": filters.category or "",
            "severity": filters.severity or "",
            "status": status if status in STATUS_LABELS or status == "all" else HitStatus.pending.value,
            "quarter": quarter_key,
            "q": filters.q or "",
        },
        categories=categories,
        quarters=quarters,
        sort=sort,
        sorts={key: label for key, (label, _) in review.SORTS.items()},
        rule_labels={row["hit"].rule_id: rule_label(detector, row["hit"].rule_id) for row in rows},
        export_query=urlencode(_api_filters(filters, sort)),
        api_filter={k: v for k, v in _api_filters(filters, sort).items() if k != "sort"},
        notice=notice,
        **choices,
    )


def _api_filters(filters: review.HitFilter, sort: str) -> dict[str, Any]:
    """The page's filters as GET /api/hits (and its export) take them."""
    fields = {
        "account_id": filters.account_id,
        "organization_id": filters.organization_id,
        "category": filters.category,
        "severity": filters.severity,
        "status": filters.status,
        "date_from": filters.date_from.isoformat() if filters.date_from else None,
        "date_to": filters.date_to.isoformat() if filters.date_to else None,
        "q": filters.q,
        "sort": sort,
    }
    return {k: v for k, v in fields.items() if v is not None}


def _filter_choices(session: Session, user: Principal) -> dict[str, Any]:
    organizations = accounts.list_organizations(session=session, organization_scope=user.organization_scope)
    items, _ = accounts.list_accounts(session=session, limit=500, organization_scope=user.organization_scope)
    return {
        "organizations": [(o.id, o.name) for o in organizations],
        "accounts": [(a.id, a.name) for a in items],
    }


def _quarter_choices(session: Session, *keep: Quarter | None) -> list[Quarter]:
    """Every quarter with articles, the current and the last one, and any quarter asked for: newest first."""
    today = dt.datetime.now(CST).date()
    return recent_quarters(today, review.quarters_with_data(session=session), *keep)


# -- 账号 ---------------------------------------------------------------------------------------------


@router.get("/accounts")
def accounts_page(
    request: Request,
    page: PageUser,
    session: ReadSessionDep,
    offset: ListingOffset,
    organization_id: IdFilter = None,
    q: str = "",
) -> Response:
    user, settings = page.user, page.settings
    search = q.strip()[:200] or None
    today = dt.datetime.now(CST).date()
    items, total = accounts.list_accounts(
        session=session,
        organization_id=organization_id,
        q=search,
        limit=PAGE_SIZE,
        offset=offset,
        organization_scope=user.organization_scope,
    )
    activity = overview.account_activity(session=session, account_ids=[a.id for a in items])
    rows = [
        {
            "account": AccountPublic.model_validate(a),
            "activity": activity[a.id],
            "staleness": overview.staleness_on(activity[a.id].latest, today, settings.stale_days),
        }
        for a in items
    ]
    organizations = accounts.list_organizations(session=session, organization_scope=user.organization_scope)
    return page.render(
        "accounts.html",
        **_listing(request, rows, total, offset),
        q=search or "",
        organization_id=organization_id,
        organizations=[(o.id, o.name) for o in organizations],
        stale_days=settings.stale_days,
        today=today,
    )


@router.get("/accounts/{account_id:int}")
def account_page(account_id: IdPath, page: PageUser, session: ReadSessionDep) -> Response:
    user = page.user
    today = dt.datetime.now(CST).date()
    try:
        account = accounts.get_account(session=session, account_id=account_id)
        # Another organisation's account does not exist for an editor: the API's very 404.
        auth.ensure_visible(
            user, account.organization_id, NotFound("account_not_found", f"账号不存在：编号 {account_id}")
        )
    except ServiceError as exc:
        raise PageRefused(page, 404, "账号不存在", exc.message) from None
    activity = overview.account_activity(session=session, account_ids=[account.id])[account.id]
    articles, article_total = overview.account_articles(session=session, account_id=account.id)
    hits, hit_total = review.list_hits(
        session=session,
        filters=review.HitFilter(account_id=account.id, organization_scope=user.organization_scope),
        limit=100,
    )
    months = overview.hits_per_month(session=session, account_id=account.id)
    return page.render(
        "account.html",
        account=AccountPublic.model_validate(account),
        activity=activity,
        staleness=overview.staleness_on(activity.latest, today, page.settings.stale_days),
        articles=articles,
        article_total=article_total,
        hits=[HitRecordPublic.of(h) for h in hits],
        hit_total=hit_total,
        months=months,
        chart=_chart(months),
    )


def _chart(months: list[overview.MonthCount]) -> dict[str, Any]:
    """Bar geometry of the hits-per-month chart (an inline SVG): serious hits stacked at each bar's foot."""
    width, height, top, bottom, left = 720, 220, 20, 40, 36
    plot = height - top - bottom
    peak = max((m.total for m in months), default=0) or 1
    step = (width - left - 10) / max(len(months), 1)
    bars = []
    for index, month in enumerate(months):
        h = plot * month.total / peak
        hs = plot * month.serious / peak
        x = left + index * step + step * 0.15
        bars.append(
            {
                "x": round(x, 1),
                "w": round(step * 0.7, 1),
                "y": round(top + plot - h, 1),
                "h": round(h, 1),
                "ys": round(top + plot - hs, 1),
                "hs": round(hs, 1),
                "label": f"{int(month.month[5:])}月",
                "year": month.month[:4],
                "total": month.total,
                "serious": month.serious,
                "cx": round(x + step * 0.35, 1),
            }
        )
    ticks = sorted({0, peak // 2, peak}) if peak > 1 else [0, 1]
    return {
        "width": width,
        "height": height,
        "base": top + plot,
        "left": left,
        "bars": bars,
        "ticks": [{"value": t, "y": round(top + plot - plot * t / peak, 1)} for t in ticks],
    }


# -- 季度报告 -----------------------------------------------------------------------------------------


@router.get("/reports")
def report_page(page: ReportsPage, session: ReadSessionDep, quarter: str = "") -> Response:
    last_quarter = Quarter.containing(dt.datetime.now(CST).date()).previous()
    wanted = quarter.strip()
    notice = None
    try:
        period = Quarter.parse(wanted) if wanted else last_quarter
    except ValueError as exc:
        notice, period = str(exc), last_quarter
    settings = page.settings
    try:
        circular = circular_report(
            session=session,
            period=period,
            stale_after_days=settings.stale_days,
            jurisdiction=settings.jurisdiction,
        )
    except ServiceError as exc:
        raise PageRefused(page, 422, "无法生成报告", exc.message) from None
    pending = pending_in(session=session, period=period)
    quarters = _quarter_choices(session, period)
    return page.render(
        "report.html",
        report=circular.report,
        circular=circular,
        platform_columns=PLATFORM_ANNEX_COLUMNS,
        pending=pending,
        period=period,
        quarters=quarters,
        notice=notice,
        formats=[(key, FORMATS[key].suffix) for key in DOWNLOADS],
    )


# -- 文章 (the full article with its hits: an intranet cannot open the external link) -----------------


@router.get("/articles/{article_id:int}")
def article_page(article_id: IdPath, page: PageUser, session: ReadSessionDep, detector: DetectorDep) -> Response:
    missing = NotFound("article_not_found", f"文章不存在：编号 {article_id}")
    try:
        article = ingestion.get_article(session=session, article_id=article_id)
        auth.ensure_visible(page.user, article.account.organization_id, missing)
    except ServiceError as exc:
        raise PageRefused(page, 404, "文章不存在", exc.message) from None
    live = [h for h in article.hits if h.status != HitStatus.obsolete]
    return page.render(
        "article.html",
        article=article,
        account=article.account,
        title_pieces=pieces(article.title, [h for h in live if h.field == "title"]),
        body_pieces=pieces(article.text, [h for h in live if h.field == "body"]),
        hits=[HitRecordPublic.of(h) for h in article.hits],
        rule_labels={h.rule_id: rule_label(detector, h.rule_id) for h in article.hits},
    )


# -- 豁免 (reviewers: list and revoke) -----------------------------------------------------------------


@router.get("/exemptions")
def exemptions_page(
    request: Request,
    page: ExemptionsPage,
    session: ReadSessionDep,
    detector: DetectorDep,
    offset: ListingOffset,
    deleted: str = "",
) -> Response:
    include_deleted = deleted == "1"
    items, total = exemptions.list_exemptions(
        session=session, include_deleted=include_deleted, limit=PAGE_SIZE, offset=offset
    )
    rows = [
        {
            "exemption": e,
            "scope": e.account.name if e.account else e.organization.name if e.organization else "全部账号",
            "rule": rule_label(detector, e.value) if e.kind == "rule" else None,
        }
        for e in items
    ]
    return page.render(
        "exemptions.html",
        **_listing(request, rows, total, offset),
        include_deleted=include_deleted,
    )


# -- 账号管理 (administrators: register, import, edit, deactivate) ----------------------------------------


@router.get("/admin/accounts")
def admin_accounts_page(
    request: Request, page: AdminPage, session: ReadSessionDep, offset: ListingOffset, q: str = ""
) -> Response:
    search = q.strip()[:200] or None
    items, total = accounts.list_accounts(session=session, q=search, limit=PAGE_SIZE, offset=offset)
    rows = [AccountPublic.model_validate(a) for a in items]
    organizations = [o.name for o in accounts.list_organizations(session=session)]
    return page.render(
        "admin_accounts.html",
        **_listing(request, rows, total, offset),
        q=search or "",
        organizations=organizations,
        platforms=[(p.value, p.label) for p in Platform],
    )
