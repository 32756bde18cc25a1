"""Quarter-end re-scans (reviewers and admins): started here, run in the background, one at a time."""

from __future__ import annotations

from fastapi import APIRouter, Request

from app.api.auth import Reviewer
from app.api.deps import DetectorDep, IdPath, ReadSessionDep, SessionDep, SettingsDep
from app.api.schemas import ErrorResponse
from app.reports import parse_period
from app.schemas.rescans import RescanCreate, RescanPublic, RescanStarted
from app.services import rescan
from app.services.errors import Invalid
from app.services.queue import start_queued_rescan, uses_queue

router = APIRouter(prefix="/api", tags=["重新扫描"])

_ERRORS = {404: {"model": ErrorResponse}, 409: {"model": ErrorResponse}, 422: {"model": ErrorResponse}}


@router.post("/rescans", status_code=202, response_model=RescanStarted, responses=_ERRORS)
def start_rescan(
    body: RescanCreate,
    request: Request,
    session: SessionDep,
    detector: DetectorDep,
    settings: SettingsDep,
    _user: Reviewer,
) -> RescanStarted:
    """用当前词库和豁免重新扫描一个季度（或起止日期内）的全部文章；已有审核结论保留，不再命中的标为过时。
    同一时间只能有一个重新扫描任务（否则 409）；用 GET /api/rescans/{id} 查看进度。"""
    try:
        period = parse_period(body.quarter, body.since, body.until)
    except ValueError as exc:
        raise Invalid("bad_period", str(exc)) from None
    if uses_queue(settings.db_url):  # PostgreSQL: `cuomin worker` processes take the chunks from the queue
        job, _chunks = start_queued_rescan(
            session=session,
            since=period.start,
            until=period.end,
            label=period.key,
            lexicon_version=detector.version,
            size=settings.rescan_chunk_articles,
            database_url=settings.db_url,
        )
        return RescanStarted(id=job.id)
    job = rescan.start_job(
        session=session, since=period.start, until=period.end, label=period.key, lexicon_version=detector.version
    )
    workers = settings.rescan_workers or rescan.default_workers()
    rescan.run_in_background(sessions=request.app.state.sessions, job_id=job.id, detector=detector, workers=workers)
    return RescanStarted(id=job.id)


@router.get("/rescans/{rescan_id}", response_model=RescanPublic, responses=_ERRORS)
def read_rescan(rescan_id: IdPath, session: ReadSessionDep, _user: Reviewer) -> RescanPublic:
    """重新扫描任务的状态与计数：total、done、added、kept、obsolete。"""
    return RescanPublic.model_validate(rescan.get_job(session=session, job_id=rescan_id))
