"""Large ingests (reviewers and admins): a JSONL file put on the PostgreSQL job queue, and its progress."""

from __future__ import annotations

import io
from typing import Annotated

from fastapi import APIRouter, File, UploadFile

from app.api.auth import Reviewer
from app.api.deps import IdPath, ReadSessionDep, SessionDep, SettingsDep
from app.api.schemas import ErrorResponse
from app.schemas.ingests import IngestPublic, IngestStarted, LineProblem
from app.services import queued_ingest
from app.services.errors import Conflict
from app.services.queue import start_queued_ingest, uses_queue

router = APIRouter(prefix="/api", tags=["入库任务"])

_ERRORS = {
    404: {"model": ErrorResponse},
    409: {"model": ErrorResponse, "description": "任务队列需要 PostgreSQL"},
    413: {"model": ErrorResponse},
    422: {"model": ErrorResponse},
}


@router.post("/ingests", status_code=202, response_model=IngestStarted, responses=_ERRORS)
def start_ingest(
    file: Annotated[UploadFile, File(description="JSONL 文件：每行一篇文章，与 POST /api/articles 的请求体相同")],
    session: SessionDep,
    settings: SettingsDep,
    user: Reviewer,
) -> IngestStarted:
    """把一个 JSONL 文件整个放进任务队列（仅 PostgreSQL），由 cuomin worker 进程分块入库；不是 JSON 的行按行号记下。
    返回任务编号，用 GET /api/ingests/{id} 查看进度和出错的行。内置 SQLite 上 409：请用 POST /api/articles/batch
    或 cuomin ingest。"""
    if not uses_queue(settings.db_url):
        raise Conflict(
            "queue_needs_postgresql",
            "入库任务队列需要 PostgreSQL（CUOMIN_DATABASE_URL）；"
            "内置 SQLite 上请用 POST /api/articles/batch 或 cuomin ingest",
        )
    lines = io.TextIOWrapper(file.file, encoding="utf-8-sig")
    job, chunk_ids = start_queued_ingest(
        session=session,
        lines=lines,
        label=file.filename or "上传的文件",
        size=settings.ingest_chunk_articles,
        database_url=settings.db_url,
        organization_scope=user.organization_scope,
        created_by=user.name,
    )
    return IngestStarted(id=job.id, total=job.total, chunks=len(chunk_ids))


@router.get("/ingests/{ingest_id}", response_model=IngestPublic, responses=_ERRORS)
def read_ingest(ingest_id: IdPath, session: ReadSessionDep, _user: Reviewer) -> IngestPublic:
    """入库任务的进度（进行中时是各块之和）：新入库、已入库过、出错的篇数，以及出错的行号和原因。"""
    state = queued_ingest.progress(session=session, job_id=ingest_id)
    job = state.job
    return IngestPublic(
        id=job.id,
        label=job.label,
        status="done" if job.status == "done" else "running",  # the two statuses the table allows
        created_by=job.created_by,
        total=job.total,
        done=state.done,
        chunks=state.chunks,
        chunks_done=state.chunks_done,
        created=job.created,
        duplicates=job.duplicates,
        errors=job.errors,
        hits=job.hits,
        problems=[LineProblem.model_validate(p) for p in state.problems],
        created_at=job.created_at,
        finished_at=job.finished_at,
    )
