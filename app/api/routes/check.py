"""Draft pre-check (先审后发): nothing is stored."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from app.api.auth import Admin, CurrentUser, RateLimitedUser
from app.api.deps import DetectorDep, HolderDep
from app.api.errors import ApiError
from app.api.schemas import CheckRequest, CheckResponse, ErrorResponse, Health, LexiconInfo
from app.config import Settings
from app.detection.detector import Detector, Findings
from app.detection.hit import Hit
from app.detection.lexicon import LexiconError
from app.languagetool import has_lone_surrogate

router = APIRouter()
# Texts up to this many characters (title and body) are checked one at a time, in order: each some 20 ms
# at most.
QUEUED_CHARS = 20_000
_checker_pool: ThreadPoolExecutor | None = None
_checker_lock = threading.Lock()


def _checker() -> ThreadPoolExecutor:
    """This process's one checking thread (made on first use: each server worker process has its own)."""
    global _checker_pool
    with _checker_lock:
        if _checker_pool is None:
            _checker_pool = ThreadPoolExecutor(1, thread_name_prefix="check")
        return _checker_pool


def _check(
    detector: Detector, title: str | None, text: str, profile: str, options: dict[str, Any]
) -> tuple[list[Hit], Findings]:
    # The title's hits first (the most visible text a post has); only the body can be long enough to be cut.
    title_hits = detector.check_article(title, "", profile=profile, **options) if title else []
    return title_hits, detector.check_text(text, profile=profile, **options)


@router.post(
    "/api/check",
    response_model=CheckResponse,
    responses={413: {"model": ErrorResponse}, 422: {"model": ErrorResponse}},
    tags=["检查"],
)
async def check_text(body: CheckRequest, request: Request, _user: RateLimitedUser) -> Response:
    """检查一段草稿文本（和可选的标题），返回全部错敏命中（标题的在前），不保存任何内容。
    任何有效令牌均可；每个令牌限频（CUOMIN_CHECK_RATE_LIMIT）。"""
    # Read from the app's state here rather than through DetectorDep and SettingsDep: FastAPI's solving
    # of each dependency costs more per request than what they do.
    detector: Detector = request.app.state.detector_holder.current
    settings: Settings = request.app.state.settings
    if not body.text.strip():
        raise ApiError(422, "text_empty", "待检查的文本不能为空")
    if has_lone_surrogate(body.text + (body.title or "")) or any(map(has_lone_surrogate, body.exempt_phrases)):
        raise ApiError(422, "bad_character", "文本中含有无效字符（单独的 UTF-16 代理码位），请检查文字的复制来源")
    if len(body.text) > settings.max_text_chars:
        raise ApiError(
            413,
            "text_too_long",
            f"文本过长：共 {len(body.text)} 字，单次最多检查 {settings.max_text_chars} 字，请分段提交",
        )
    started = time.perf_counter()
    profile = body.profile or settings.check_profile
    options = {"date": body.date, "exempt_rules": body.exempt_rules, "exempt_phrases": body.exempt_phrases}
    if len(body.text) + len(body.title or "") <= QUEUED_CHARS:
        # Drafts of a few thousand characters, checked in a few milliseconds each, go through one thread in
        # turn: first come, first served. In a thread each, every request in flight would share the GIL
        # round-robin, each one slowed by all the others and the slowest far behind the middle (the tail).
        # Not on the event loop itself: it stays free to accept and read connections, so that the workers
        # of `cuomin serve --workers N` share the clients evenly.
        loop = asyncio.get_running_loop()
        title_hits, found = await loop.run_in_executor(
            _checker(), _check, detector, body.title, body.text, profile, options
        )
    else:  # a long text would hold up every draft queued behind it; the detector is thread-safe
        title_hits, found = await run_in_threadpool(_check, detector, body.title, body.text, profile, options)
    elapsed = (time.perf_counter() - started) * 1000
    notice = None
    if found.cut_at is not None:
        notice = (
            f"命中过多：只报告了前 {len(found.hits):,} 处，第 {found.cut_at + 1:,} 字起未检查；"
            "请先改正这些问题，或分段提交"
        )
    # Encoded here, not by the response model: the hits are the engine's, already of the documented
    # shape, and validating them again would cost more than the check of a short draft.
    answer = {
        "hits": [h.as_dict() for h in [*title_hits, *found.hits]],
        "lexicon_version": detector.version,
        "elapsed_ms": round(elapsed, 3),
        "cut_at": found.cut_at,
        "notice": notice,
    }
    return Response(json.dumps(answer, ensure_ascii=False).encode(), media_type="application/json")


@router.get("/healthz", response_model=Health, tags=["运维"])
async def healthz(holder: HolderDep) -> Health:
    """服务存活检查，并给出本进程使用的词库版本（PostgreSQL 上还有最近一次重新加载公布的版本）。"""
    detector = holder.current
    announced = getattr(holder, "announced", None)
    return Health(status="ok", lexicon_version=detector.version, rules=len(detector.rules), announced_version=announced)


def _info(detector: Detector) -> LexiconInfo:
    counts = Counter(rule.category for rule in detector.lexicon.rules)
    return LexiconInfo(version=detector.version, rules=len(detector.lexicon.rules), by_category=dict(counts))


@router.get("/api/lexicon", response_model=LexiconInfo, tags=["词库"])
def lexicon_info(detector: DetectorDep, _user: CurrentUser) -> LexiconInfo:
    """当前词库的版本与各类别词条数。"""
    return _info(detector)


@router.post(
    "/api/lexicon/reload", response_model=LexiconInfo, responses={422: {"model": ErrorResponse}}, tags=["词库"]
)
def reload_lexicon(holder: HolderDep, _user: Admin) -> LexiconInfo:
    """从词库目录重新加载词库（管理员）：新词库建好后才替换，期间照常检查；词库有错时 422，旧词库继续使用。"""
    try:
        return _info(holder.reload())
    except LexiconError as exc:
        raise ApiError(422, "lexicon_invalid", f"词库有错误，仍使用原词库：{exc}") from None
