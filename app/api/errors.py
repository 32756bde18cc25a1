"""Every error leaves as JSON {"code", "message"} with a message a clerk can read."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.exc import DataError as DBAPIDataError
from sqlalchemy.exc import StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api.token_path import redact
from app.schemas.messages import describe_errors
from app.services.errors import ServiceError

log = logging.getLogger("cuomin.api")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


_HTTP_MESSAGES = {
    400: ("bad_request", "请求无法解析"),
    401: ("auth_required", "需要访问令牌"),
    403: ("forbidden", "权限不足"),
    404: ("not_found", "请求的地址不存在"),
    405: ("method_not_allowed", "不支持该请求方法"),
    413: ("too_large", "请求内容过大"),
    415: ("unsupported_media_type", "不支持该内容类型"),
    429: ("rate_limited", "请求过于频繁，请稍后再试"),
}


# An unknown address typed into a browser: a page in Chinese, not the API's JSON. It echoes nothing of the request.
_NOT_FOUND_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>页面不存在 · 错敏检查</title><link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/cuomin.css"></head>
<body><main><section class="card error-page"><h1>页面不存在</h1>
<p>没有这个页面，可能是地址输错了，或者链接已经失效。</p>
<p><a href="/check">草稿检查</a>　<a href="/review">审核</a>　<a href="/accounts">账号</a></p>
</section></main></body></html>
"""
_API_PREFIXES = ("/api/", "/v2/", "/lt/", "/static/", "/docs", "/redoc", "/openapi.json", "/healthz")


def _wants_page(request: Request) -> bool:
    """A browser asking for a page (not a client of the API, which keeps its JSON errors)."""
    path = request.url.path
    return (
        request.method == "GET"
        and not path.startswith(_API_PREFIXES)
        and "text/html" in request.headers.get("accept", "")
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"code": exc.code, "message": exc.message}, status_code=exc.status, headers=exc.headers)

    @app.exception_handler(ServiceError)
    async def _service_error(_request: Request, exc: ServiceError) -> JSONResponse:
        return JSONResponse({"code": exc.code, "message": exc.message}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        return JSONResponse(
            {
                "code": "invalid_request",
                "message": f"请求内容不符合要求：{describe_errors(errors)}",
                "errors": [{"loc": list(e.get("loc", ())), "type": e.get("type")} for e in errors],
            },
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404 and _wants_page(request):
            return HTMLResponse(_NOT_FOUND_PAGE, status_code=404, headers={"Cache-Control": "no-store"})
        if exc.status_code == 400:
            # FastAPI's answer to a body it cannot decode (not UTF-8): the same 422 as malformed JSON.
            message = "请求内容无法解析：请求体应为 UTF-8 编码的 JSON"
            return JSONResponse({"code": "invalid_request", "message": message}, status_code=422)
        code, message = _HTTP_MESSAGES.get(exc.status_code, ("http_error", "请求无法处理"))
        return JSONResponse({"code": code, "message": message}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(DBAPIDataError)
    async def _bad_value(request: Request, exc: DBAPIDataError) -> JSONResponse:
        # A value the database cannot hold that validation let through (a NUL character for
        # PostgreSQL, a number beyond its integer range): the request's fault, not the server's.
        log.warning("database refused a value on %s %s: %s", request.method, redact(request.url.path), exc.orig)
        return JSONResponse(
            {"code": "invalid_value", "message": "请求中有数据库无法保存的值（如空字符 \\x00，或超出范围的数字）"},
            status_code=422,
        )

    # Input that validation let through but no computation can take: the request's fault, a 422, never a
    # 500 (which also drops the client's keep-alive connection).
    @app.exception_handler(OverflowError)
    async def _overflow(_request: Request, _exc: OverflowError) -> JSONResponse:
        return _out_of_range()

    @app.exception_handler(UnicodeEncodeError)
    async def _surrogate(_request: Request, _exc: UnicodeEncodeError) -> JSONResponse:
        return _bad_character()

    @app.exception_handler(RecursionError)
    async def _too_deep(_request: Request, _exc: RecursionError) -> JSONResponse:
        return JSONResponse({"code": "too_deep", "message": "请求内容嵌套层次过深，无法处理"}, status_code=422)

    @app.exception_handler(StatementError)
    async def _statement(request: Request, exc: StatementError) -> JSONResponse:
        # A value refused while SQLAlchemy bound it (a date beyond the calendar once in UTC, a lone surrogate).
        if isinstance(exc.orig, OverflowError):
            return _out_of_range()
        if isinstance(exc.orig, UnicodeEncodeError):
            return _bad_character()
        return await _crash(request, exc)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        # This handler runs outside every middleware: the path is as sent, a /lt/<token>/ still in it.
        log.exception("unhandled error on %s %s", request.method, redact(request.url.path))
        return JSONResponse({"code": "internal_error", "message": "服务器内部错误，请稍后重试"}, status_code=500)


def _out_of_range() -> JSONResponse:
    message = "日期超出可处理的范围（换算时区或前后推算后越过公元 1 年或 9999 年），请检查日期或季度"
    return JSONResponse({"code": "date_out_of_range", "message": message}, status_code=422)


def _bad_character() -> JSONResponse:
    message = "请求中含有无效字符（单独的 UTF-16 代理码位，如 \\ud800），请检查文字的复制来源"
    return JSONResponse({"code": "bad_character", "message": message}, status_code=422)
