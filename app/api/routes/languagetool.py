"""LanguageTool-compatible HTTP API (/v2/...), so editors' LanguageTool clients check against our lexicons.

The format lives in app/languagetool.py; this is the HTTP half. Like LanguageTool's own server it
reads parameters from the query string and from a form-encoded body, and answers refused requests
with text/plain "Error: ..." (clients show that text; language_tool_python raises it).

/v2/check takes a cuomin token with the same rules as /api/check (any valid token, counted against
the per-token check rate): the client's `apiKey` is the token and the `username` beside it is free
(LanguageTool clients want both filled; the token's name will do). An Authorization header (Bearer,
or Basic with the token as the password) works too. Refusals are LanguageTool's text/plain: 401
without a valid token, 429 with Retry-After. /v2/languages and /v2/configinfo stay open: clients
fetch them, without credentials, to discover the server.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from app import __version__
from app import languagetool as lt
from app.api import auth
from app.api.deps import DetectorDep, SettingsDep
from app.config import Settings
from app.detection.detector import Detector, Findings

router = APIRouter(prefix="/v2", tags=["LanguageTool 兼容接口"])


def _error(exc: lt.LtRequestError) -> PlainTextResponse:
    return PlainTextResponse(f"Error: {exc.message}", status_code=exc.status)


async def _params(request: Request) -> dict[str, str]:
    params = dict(request.query_params)
    if request.method == "POST":
        body = await request.body()
        try:
            # LanguageTool reads the body as a form whatever its content type says; so do we.
            params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError as exc:
            raise lt.LtRequestError("请求内容不是 UTF-8 编码") from exc
    return params


_TEXT_ERROR = {"content": {"text/plain": {"schema": {"type": "string", "example": "Error: …"}}}}
_CHECK_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"description": "LanguageTool 格式的检查结果（matches 等）"},
    400: {**_TEXT_ERROR, "description": "参数错误（缺少 text、语言不支持……）"},
    401: {**_TEXT_ERROR, "description": "缺少令牌（apiKey），或令牌无效、已吊销"},
    413: {**_TEXT_ERROR, "description": "文本过长"},
    429: {
        **_TEXT_ERROR,
        "description": "该令牌检查过于频繁（CUOMIN_CHECK_RATE_LIMIT）",
        "headers": {"Retry-After": {"description": "几秒后可以再试", "schema": {"type": "integer"}}},
    },
}


@router.post("/check", response_model=None, responses=_CHECK_RESPONSES)
async def check(request: Request, detector: DetectorDep, settings: SettingsDep) -> Response:
    """LanguageTool 的 /v2/check：表单参数 text 或 data（含标记），返回 LanguageTool 格式的 matches。"""
    return await _check(request, detector, settings)


@router.get("/check", response_model=None, responses=_CHECK_RESPONSES)
async def check_by_get(request: Request, detector: DetectorDep, settings: SettingsDep) -> Response:
    """同 POST /v2/check，参数在查询串里（LanguageTool 也接受 GET）。"""
    return await _check(request, detector, settings)


async def _check(request: Request, detector: Detector, settings: Settings) -> Response:
    try:
        params = await _params(request)
    except lt.LtRequestError as exc:
        return _error(exc)
    presented = auth.token_from_v2(request, params)
    if presented is None:
        return PlainTextResponse(
            "Error: 需要访问令牌：请在客户端的“API 密钥”（apiKey）中填写 cuomin 令牌，用户名可填令牌名称",
            status_code=401,
        )
    user = await run_in_threadpool(auth.resolve, request, presented)
    if user is None:
        return PlainTextResponse("Error: 访问令牌无效或已被吊销", status_code=401)
    auth.remember(request, user)
    wait = await auth.take_check(request, user.rate_key)  # the shared limiters write: not on the loop
    if wait:
        limited = auth.rate_limit_error(settings, wait)
        return PlainTextResponse(f"Error: {limited.message}", status_code=429, headers=limited.headers)
    try:
        parsed = lt.parse_check_params(params, max_chars=settings.max_text_chars)
    except lt.LtRequestError as exc:
        return _error(exc)
    exempt = lt.exempt_rules(parsed, detector.lexicon.rules)
    # LibreOffice's extension asks once per paragraph (mode=all) and once more for whole-text rules
    # (mode=textLevelOnly); we have none of the latter, and answering both would underline twice.
    found = Findings([])
    if not parsed.text_level_only:
        found = await run_in_threadpool(
            detector.check_text, parsed.text.plain, exempt_rules=exempt, profile=settings.check_profile
        )
    body = lt.check_response(
        found.hits,
        parsed,
        rule=detector.rule,
        version=__version__,
        context_chars=settings.context_chars,
        incomplete=found.cut_at is not None,
    )
    return JSONResponse(body, headers={"X-Cuomin-Lexicon-Version": detector.version})


@router.get("/languages")
async def languages() -> list[dict[str, str]]:
    """支持的语言（LanguageTool 客户端据此确认服务器可用）。"""
    return lt.languages()


@router.get(
    "/configinfo",
    response_model=None,
    responses={200: {"description": "全部规则"}, 400: {**_TEXT_ERROR, "description": "缺少或不支持的 language"}},
)
async def config_info(request: Request, detector: DetectorDep, settings: SettingsDep) -> Response:
    """全部规则（LibreOffice 等客户端在设置界面列出可开关的规则）。"""
    try:
        if not request.query_params.get("language"):
            raise lt.LtRequestError("'language' parameter missing")
        lt.resolve_language(request.query_params["language"])
    except lt.LtRequestError as exc:
        return _error(exc)
    return JSONResponse(lt.config_info(detector.lexicon.rules, version=__version__, max_chars=settings.max_text_chars))
