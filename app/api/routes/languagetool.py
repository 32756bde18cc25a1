"""LanguageTool-compatible HTTP API (/v2/...), so editors' LanguageTool clients check against our lexicons.

The format lives in app/languagetool.py; this is the HTTP half. Like LanguageTool's own server it
reads parameters from the query string and from a form-encoded body, and answers refused requests
with text/plain "Error: ..." (clients show that text; language_tool_python raises it).

`username` and `apiKey` are accepted and ignored for now: they are to map to a cuomin token once
access control lands, with the same rules as /api/check.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from app import __version__
from app import languagetool as lt
from app.api.deps import DetectorDep, SettingsDep
from app.config import Settings
from app.detection.detector import Detector

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


@router.post("/check", response_model=None)
async def check(request: Request, detector: DetectorDep, settings: SettingsDep) -> Response:
    """LanguageTool 的 /v2/check：表单参数 text 或 data（含标记），返回 LanguageTool 格式的 matches。"""
    return await _check(request, detector, settings)


@router.get("/check", response_model=None)
async def check_by_get(request: Request, detector: DetectorDep, settings: SettingsDep) -> Response:
    """同 POST /v2/check，参数在查询串里（LanguageTool 也接受 GET）。"""
    return await _check(request, detector, settings)


async def _check(request: Request, detector: Detector, settings: Settings) -> Response:
    try:
        params = await _params(request)
        parsed = lt.parse_check_params(params, max_chars=settings.max_text_chars)
    except lt.LtRequestError as exc:
        return _error(exc)
    exempt = lt.exempt_rules(parsed, detector.lexicon.rules)
    # LibreOffice's extension asks once per paragraph (mode=all) and once more for whole-text rules
    # (mode=textLevelOnly); we have none of the latter, and answering both would underline twice.
    hits = []
    if not parsed.text_level_only:
        hits = await run_in_threadpool(detector.check, parsed.text.plain, exempt_rules=exempt)
    body = lt.check_response(
        hits, parsed, rule=detector.rule, version=__version__, context_chars=settings.context_chars
    )
    return JSONResponse(body, headers={"X-Cuomin-Lexicon-Version": detector.version})


@router.get("/languages")
async def languages() -> list[dict[str, str]]:
    """支持的语言（LanguageTool 客户端据此确认服务器可用）。"""
    return lt.languages()


@router.get("/configinfo", response_model=None)
async def config_info(request: Request, detector: DetectorDep, settings: SettingsDep) -> Response:
    """全部规则（LibreOffice 等客户端在设置界面列出可开关的规则）。"""
    try:
        if not request.query_params.get("language"):
            raise lt.LtRequestError("'language' parameter missing")
        lt.resolve_language(request.query_params["language"])
    except lt.LtRequestError as exc:
        return _error(exc)
    return JSONResponse(lt.config_info(detector.lexicon.rules, version=__version__, max_chars=settings.max_text_chars))
