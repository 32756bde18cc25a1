"""The pages: 登录, 草稿检查, 审核, 账号, 季度报告. Server-rendered with Jinja2 (autoescaped); the actions
(checking, reviewing, exempting, re-scanning) are the JSON API, called by the pages' scripts with the session
cookie and the CSRF header (see `app.session_cookie`).

Each page sees exactly what the API would show the same token: lists go through the services with the
caller's `organization_scope`, a single account of another organisation is the API's very 404, and review
and report pages need the reviewer role.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from bs4 import BeautifulSoup, Tag
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.templating import Jinja2Templates

from app.api import auth
from app.api.auth import Principal
from app.clock import CST, cst_date
from app.detection.labels import rule_label
from app.ingest import wechat
from app.ingest.docx_file import DocxError, docx_text
from app.reports import ANNEX_COLUMNS, FORMATS, Quarter, stale_problem
from app.reports.platforms import PLATFORM_ANNEX_COLUMNS
from app.schemas.accounts import AccountPublic
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

# Plain Starlette routes, not API operations: outside the OpenAPI document and the API's access matrix
# (each page checks the session itself and sends a visitor without one to the login page).
router = APIRouter()


def page(path: str, methods: tuple[str, ...] = ("GET",)) -> Any:
    def register(endpoint: Any) -> Any:
        router.add_route(path, endpoint, methods=list(methods), include_in_schema=False)
        return endpoint

    return register


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


# -- who is asking ------------------------------------------------------------------------------------


def _user(request: Request) -> Principal | None:
    """The principal of the session cookie, or None (runs queries: the routes are sync, in the threadpool)."""
    session_id = cookie_session_id(request)
    if not session_id:
        return None
    principal = auth.resolve_session(request, session_id)
    return None if principal is None else auth.remember(request, principal)


def _to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


def _page(request: Request, name: str, user: Principal, status_code: int = 200, **context: Any) -> Response:
    token = cookie_session_id(request) or ""
    organization = None
    if user.organization_id is not None:
        with request.app.state.read_sessions() as session:
            organization = next(
                (o.name for o in accounts.list_organizations(session=session, organization_scope=user.organization_id)),
                None,
            )
    return templates.TemplateResponse(
        request,
        name,
        {
            "user": user,
            "organization_name": organization,
            "can_review": user.has(Role.reviewer),
            "csrf": csrf_token(token),
            "path": request.url.path,
            "stale_label": stale_problem(request.app.state.settings.stale_days),
            **context,
        },
        status_code=status_code,
        headers=PAGE_HEADERS,
    )


def _error(request: Request, user: Principal, status_code: int, title: str, message: str) -> Response:
    return _page(request, "error.html", user, status_code=status_code, title=title, message=message)


def _forbidden(request: Request, user: Principal, needed: str) -> Response:
    return _error(request, user, 403, "权限不足", f"{needed}，当前令牌“{user.name}”是{user.role.label}")


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


@page("/login")
def login_page(request: Request) -> Response:
    next = request.query_params.get("next")
    if _user(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return templates.TemplateResponse(
        request, "login.html", {"next": _safe_next(next), "error": None}, headers=PAGE_HEADERS
    )


@page("/login", ("POST",))
async def login(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    token = str(form.get("token") or "").strip()[:500]
    next = str(form.get("next") or "/check")
    limiter, address = request.app.state.login_limiter, request.client.host if request.client else "-"
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
    session_id = await run_in_threadpool(_open_session, request, principal, token)
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session(response, request, session_id)
    return response


def _open_session(request: Request, principal: Principal, token: str) -> str:
    with request.app.state.sessions() as session:
        return web_sessions.open_session(
            session=session,
            token_id=principal.token_id,
            admin_token=token if principal.token_id is None else None,
            lifetime=dt.timedelta(seconds=SESSION_MAX_AGE),
        )


def _end_session(request: Request, session_id: str) -> None:
    with request.app.state.sessions() as session:
        web_sessions.end_session(session=session, session_id=session_id)


@page("/logout", ("POST",))
async def logout(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    token = cookie_session_id(request)
    if token and not csrf_valid(token, str(form.get(CSRF_FIELD) or "")):
        return JSONResponse({"code": "csrf_failed", "message": "请刷新页面后重试"}, status_code=403)
    if token:
        await run_in_threadpool(_end_session, request, token)  # ended on the server, not only in this browser
    response = RedirectResponse("/login", status_code=303)
    clear_session(response)
    return response


@page("/favicon.ico")
def favicon(request: Request) -> Response:
    # Browsers ask for /favicon.ico whatever the page says; the SVG serves both.
    return Response(
        (STATIC / "favicon.svg").read_bytes(),
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@page("/")
def home(request: Request) -> Response:
    return RedirectResponse("/check", status_code=303)


# -- 草稿检查 ----------------------------------------------------------------------------------------


@page("/check")
def check_page(request: Request) -> Response:
    user = _user(request)
    if user is None:
        return _to_login(request)
    today = dt.datetime.now(CST).date()
    return _page(request, "check.html", user, today=today.isoformat())


def _html_text(html: str) -> dict[str, str | None]:
    """The text of a WeChat article page (its #js_content) with its title, account and publication date,
    or the text and title of any other page."""
    try:
        page = wechat.parse(html)
        published = cst_date(page.published_at).isoformat() if page.published_at else None
        return {"text": page.text, "title": page.title, "account": page.nickname, "published_on": published}
    except wechat.WechatPageError:
        pass
    soup = BeautifulSoup(html, "lxml")
    root = soup.body or soup
    title = soup.title.get_text(strip=True) if soup.title else None
    text = wechat.body_text(root) if isinstance(root, Tag) else ""
    return {"text": text, "title": title, "account": None, "published_on": None}


def _extract_error(message: str) -> JSONResponse:
    return JSONResponse({"code": "extract_failed", "message": message}, status_code=422)


@page("/check/extract", ("POST",))
async def extract(request: Request) -> Response:
    """The text of an uploaded .txt/.docx/.html file, or of pasted page HTML: what the draft check then checks."""
    user = await run_in_threadpool(_user, request)
    if user is None:
        return JSONResponse({"code": "auth_required", "message": "登录已过期，请重新登录"}, status_code=401)
    if not csrf_valid(cookie_session_id(request) or "", request.headers.get(CSRF_HEADER)):
        return JSONResponse({"code": "csrf_failed", "message": "请刷新页面后重试"}, status_code=403)
    try:
        # A pasted page is held to an ingested article's limit (CUOMIN_MAX_ARTICLE_BYTES).
        most = request.app.state.settings.max_article_bytes
        form = await request.form(max_files=1, max_fields=5, max_part_size=most)
    except (MultiPartException, HTTPException) as exc:  # Starlette turns the first into a 400 with its words
        return _extract_error(_form_problem(str(getattr(exc, "detail", exc)), most))
    file, html = form.get("file"), form.get("html")
    extracted: dict[str, str | None] = {"title": None, "account": None, "published_on": None}
    if isinstance(file, UploadFile):
        data = await file.read()
        name = (file.filename or "").lower()
        if name.endswith(".docx"):
            try:
                extracted["text"] = await run_in_threadpool(docx_text, data)
            except DocxError as exc:
                return _extract_error(str(exc))
        elif name.endswith((".html", ".htm")):
            extracted = await run_in_threadpool(_html_text, _decode(data))
        elif name.endswith(".txt") or not name:
            extracted["text"] = _decode(data)
        else:
            return _extract_error("只支持 .txt、.docx、.html 文件")
    elif isinstance(html, str):
        extracted = await run_in_threadpool(_html_text, html)
    else:
        return _extract_error("没有收到文件或网页内容")
    if not (extracted.get("text") or "").strip():
        return _extract_error("文件中没有找到正文")
    return JSONResponse(extracted)


def _form_problem(detail: str, most: int) -> str:
    """The multipart parser's English complaint, said in Chinese."""
    if "files" in detail.lower():
        return "一次只能上传一个文件"
    if "size" in detail.lower():
        return f"粘贴的网页内容过大：最多 {most:,} 字节，请只粘贴文章页面"
    return "上传的内容无法解析，请重新选择文件"


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding).replace("\r\n", "\n")
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


# -- 审核 ---------------------------------------------------------------------------------------------


def _int(value: str | None) -> int | None:
    try:
        number = int(value) if value not in (None, "") else None
    except ValueError:
        return None
    return number if number is not None and 1 <= number < 2**31 else None


def _offset(params: Any) -> int:
    """Where a listing starts: ?page=N (the pager's jump box) or ?offset=."""
    page_number = _int(params.get("page"))
    if page_number is not None:
        return min((page_number - 1) * PAGE_SIZE, 10**9)
    return max(0, min(_int(params.get("offset")) or 0, 10**9))


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


@page("/review")
def review_page(request: Request) -> Response:
    user = _user(request)
    if user is None:
        return _to_login(request)
    params = request.query_params
    status = params.get("status", "pending")
    severity = params.get("severity") or None
    quarter_key = (params.get("quarter") or "").strip()
    date_from = date_to = None
    notice = None
    period = None
    if quarter_key:
        try:
            period = Quarter.parse(quarter_key)
            date_from, date_to, quarter_key = period.start, period.end, period.key
        except ValueError as exc:
            notice, quarter_key = str(exc), ""
    sort = params.get("sort") or "newest"
    sort = sort if sort in review.SORTS else "newest"
    filters = review.HitFilter(
        account_id=_int(params.get("account_id")),
        organization_id=_int(params.get("organization_id")),
        category=params.get("category") or None,
        severity=severity if severity in SEVERITY_LABELS else None,
        status=status if status in STATUS_LABELS else None,
        date_from=date_from,
        date_to=date_to,
        q=(params.get("q") or "").strip()[:200] or None,
        organization_scope=user.organization_scope,
    )
    offset = _offset(params)
    settings = request.app.state.settings
    with request.app.state.read_sessions() as session:
        hits, total = review.list_hits(session=session, filters=filters, limit=PAGE_SIZE, offset=offset, sort=sort)
        rows = [
            {
                "hit": HitRecordPublic.of(h),
                "parts": mark_context(h.context, h.text, h.start, settings.context_chars),
            }
            for h in hits
        ]
        choices = _filter_choices(session, user)
        quarters = _quarter_choices(session, period)
    detector = request.app.state.detectors.current
    categories = sorted({rule.category for rule in detector.lexicon.rules})
    query = {k: v for k, v in params.items() if k not in ("offset", "page")}
    return _page(
        request,
        "review.html",
        user,
        rows=rows,
        total=total,
        offset=offset,
        page_size=PAGE_SIZE,
        filters={
            "account_id": filters.account_id,
            "organization_id": filters.organization_id,
            "category": filters.category or "",
            "severity": filters.severity or "",
            "status": status if status in STATUS_LABELS or status == "all" else "pending",
            "quarter": quarter_key,
            "q": filters.q or "",
        },
        query=query,
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
    current = Quarter.containing(dt.datetime.now(CST).date())
    quarters = {current, current.previous(), *(q for q in keep if q is not None)}
    quarters.update(Quarter(year, number) for year, number in review.quarters_with_data(session=session))
    return sorted(quarters, reverse=True)


# -- 账号 ---------------------------------------------------------------------------------------------


@page("/accounts")
def accounts_page(request: Request) -> Response:
    user = _user(request)
    if user is None:
        return _to_login(request)
    params = request.query_params
    q = (params.get("q") or "").strip()[:200] or None
    organization_id = _int(params.get("organization_id"))
    offset = _offset(params)
    settings = request.app.state.settings
    today = dt.datetime.now(CST).date()
    with request.app.state.read_sessions() as session:
        items, total = accounts.list_accounts(
            session=session,
            organization_id=organization_id,
            q=q,
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
    query = {k: v for k, v in params.items() if k not in ("offset", "page")}
    return _page(
        request,
        "accounts.html",
        user,
        rows=rows,
        total=total,
        offset=offset,
        page_size=PAGE_SIZE,
        query=query,
        q=q or "",
        organization_id=organization_id,
        organizations=[(o.id, o.name) for o in organizations],
        stale_days=settings.stale_days,
        today=today,
    )


@page("/accounts/{account_id:int}")
def account_page(request: Request) -> Response:
    account_id: int = request.path_params["account_id"]
    user = _user(request)
    if user is None:
        return _to_login(request)
    settings = request.app.state.settings
    today = dt.datetime.now(CST).date()
    with request.app.state.read_sessions() as session:
        try:
            if not 1 <= account_id < 2**31:
                raise NotFound("account_not_found", f"账号不存在：编号 {account_id}")
            account = accounts.get_account(session=session, account_id=account_id)
            # Another organisation's account does not exist for an editor: the API's very 404.
            auth.ensure_visible(
                user,
                account.organization_id,
                NotFound("account_not_found", f"账号不存在：编号 {account_id}"),
            )
        except ServiceError as exc:
            return _error(request, user, 404, "账号不存在", exc.message)
        activity = overview.account_activity(session=session, account_ids=[account.id])[account.id]
        articles, article_total = overview.account_articles(session=session, account_id=account.id)
        hits, hit_total = review.list_hits(
            session=session,
            filters=review.HitFilter(account_id=account.id, organization_scope=user.organization_scope),
            limit=100,
        )
        months = overview.hits_per_month(session=session, account_id=account.id)
        public = AccountPublic.model_validate(account)
        hit_rows = [HitRecordPublic.of(h) for h in hits]
    return _page(
        request,
        "account.html",
        user,
        account=public,
        activity=activity,
        staleness=overview.staleness_on(activity.latest, today, settings.stale_days),
        articles=articles,
        article_total=article_total,
        hits=hit_rows,
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


@page("/reports")
def report_page(request: Request) -> Response:
    user = _user(request)
    if user is None:
        return _to_login(request)
    if not user.has(Role.reviewer):
        return _forbidden(request, user, "季度报告需要审核员或更高权限")
    last_quarter = Quarter.containing(dt.datetime.now(CST).date()).previous()
    wanted = (request.query_params.get("quarter") or "").strip()
    notice = None
    try:
        period = Quarter.parse(wanted) if wanted else last_quarter
    except ValueError as exc:
        notice, period = str(exc), last_quarter
    settings = request.app.state.settings
    with request.app.state.read_sessions() as session:
        try:
            circular = circular_report(
                session=session,
                period=period,
                stale_after_days=settings.stale_days,
                jurisdiction=settings.jurisdiction,
            )
        except ServiceError as exc:
            return _error(request, user, 422, "无法生成报告", exc.message)
        pending = pending_in(session=session, period=period)
        quarters = _quarter_choices(session, period)
    return _page(
        request,
        "report.html",
        user,
        report=circular.report,
        circular=circular,
        platform_columns=PLATFORM_ANNEX_COLUMNS,
        pending=pending,
        period=period,
        quarters=quarters,
        notice=notice,
        formats=[(key, FORMATS[key].suffix) for key in ("xlsx", "docx", "csv")],
    )


def platform_label(code: str) -> str:
    return Platform(code).label


_env.filters["platform"] = platform_label
_env.filters["cst_date"] = lambda value: cst_date(value).isoformat() if value else ""


# -- 文章 (the full article with its hits: an intranet cannot open the external link) -----------------


@page("/articles/{article_id:int}")
def article_page(request: Request) -> Response:
    article_id: int = request.path_params["article_id"]
    user = _user(request)
    if user is None:
        return _to_login(request)
    missing = NotFound("article_not_found", f"文章不存在：编号 {article_id}")
    with request.app.state.read_sessions() as session:
        try:
            if not 1 <= article_id < 2**31:
                raise missing
            article = ingestion.get_article(session=session, article_id=article_id)
            auth.ensure_visible(user, article.account.organization_id, missing)
        except ServiceError as exc:
            return _error(request, user, 404, "文章不存在", exc.message)
        live = [h for h in article.hits if h.status != HitStatus.obsolete.value]
        detector = request.app.state.detectors.current
        context = {
            "article": article,
            "account": article.account,
            "title_pieces": pieces(article.title, [h for h in live if h.field == "title"]),
            "body_pieces": pieces(article.text, [h for h in live if h.field == "body"]),
            "hits": [HitRecordPublic.of(h) for h in article.hits],
            "rule_labels": {h.rule_id: rule_label(detector, h.rule_id) for h in article.hits},
        }
        return _page(request, "article.html", user, **context)


# -- 豁免 (reviewers: list and revoke) -----------------------------------------------------------------


@page("/exemptions")
def exemptions_page(request: Request) -> Response:
    user = _user(request)
    if user is None:
        return _to_login(request)
    if not user.has(Role.reviewer):
        return _forbidden(request, user, "豁免需要审核员或更高权限")
    params = request.query_params
    include_deleted = params.get("deleted") == "1"
    offset = _offset(params)
    detector = request.app.state.detectors.current
    with request.app.state.read_sessions() as session:
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
    query = {k: v for k, v in params.items() if k not in ("offset", "page")}
    return _page(
        request,
        "exemptions.html",
        user,
        rows=rows,
        total=total,
        offset=offset,
        page_size=PAGE_SIZE,
        query=query,
        include_deleted=include_deleted,
    )


# -- 账号管理 (administrators: register, import, edit, deactivate) ----------------------------------------


@page("/admin/accounts")
def admin_accounts_page(request: Request) -> Response:
    user = _user(request)
    if user is None:
        return _to_login(request)
    if not user.has(Role.admin):
        return _forbidden(request, user, "账号管理需要管理员权限")
    params = request.query_params
    q = (params.get("q") or "").strip()[:200] or None
    offset = _offset(params)
    with request.app.state.read_sessions() as session:
        items, total = accounts.list_accounts(session=session, q=q, limit=PAGE_SIZE, offset=offset)
        rows = [AccountPublic.model_validate(a) for a in items]
        organizations = [o.name for o in accounts.list_organizations(session=session)]
    query = {k: v for k, v in params.items() if k not in ("offset", "page")}
    return _page(
        request,
        "admin_accounts.html",
        user,
        rows=rows,
        total=total,
        offset=offset,
        page_size=PAGE_SIZE,
        query=query,
        q=q or "",
        organizations=organizations,
        platforms=[(p.value, p.label) for p in Platform],
    )
