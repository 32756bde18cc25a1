"""Every error leaves as JSON {"code", "message"} with a message a clerk can read."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.schemas.messages import describe_errors
from app.services.errors import ServiceError

log = logging.getLogger("cuomin.api")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


_HTTP_MESSAGES = {
    404: ("not_found", "请求的地址不存在"),
    405: ("method_not_allowed", "不支持该请求方法"),
    413: ("too_large", "请求内容过大"),
}

def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"code": exc.code, "message": exc.message}, status_code=exc.status)

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
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = _HTTP_MESSAGES.get(exc.status_code, ("http_error", "请求无法处理"))
        return JSONResponse({"code": code, "message": message}, status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"code": "internal_error", "message": "服务器内部错误，请稍后重试"}, status_code=500)
