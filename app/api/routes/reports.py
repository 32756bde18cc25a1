"""The quarter's report (reviewers and admins): JSON, or the annex as XLSX, DOCX or CSV."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response

from app.api.auth import Reviewer
from app.api.deps import ReadSessionDep, SettingsDep
from app.api.schemas import ErrorResponse
from app.reports import FORMATS, Quarter
from app.services.errors import Invalid
from app.services.reports import pending_in, quarter_report

router = APIRouter(prefix="/api", tags=["季度报告"])

ReportFormat = Literal["json", "xlsx", "docx", "csv"]


@router.get(
    "/reports/{quarter}",
    responses={200: {"description": "报告（JSON）或附件文件"}, 422: {"model": ErrorResponse}},
)
def read_report(
    quarter: str,
    session: ReadSessionDep,
    settings: SettingsDep,
    _user: Reviewer,
    format: Annotated[ReportFormat, Query(description="json，或附件1的 xlsx / docx / csv")] = "json",
    inspection_date: Annotated[dt.date | None, Query(description="检查日期，默认季度最后一天")] = None,
    stale_days: Annotated[int | None, Query(ge=1, le=366, description="超过多少天未更新算“未更新”，默认 14")] = None,
) -> Any:
    """季度通报：检查数、检查比例、存在问题的账号、错敏问题数、超期未更新账号，附件1 的问题清单和通报段落。
    只统计已确认的命中；`pending_hits`／`pending_serious_hits` 是本季度仍待审核的命中数（其中严重表述错误的），
    不为 0 时数字还可能变化。"""
    try:
        period = Quarter.parse(quarter)
    except ValueError as exc:
        raise Invalid("bad_quarter", str(exc)) from None
    report = quarter_report(
        session=session,
        period=period,
        inspection_date=inspection_date,
        stale_after_days=stale_days or settings.stale_days,
    )
    if format == "json":
        pending = pending_in(session=session, period=period)
        # Only confirmed hits count: pending ones may still change the figures.
        return {**report.as_dict(), "pending_hits": pending.total, "pending_serious_hits": pending.serious}
    fmt = FORMATS[format]
    filename = quote(fmt.filename(report))
    return Response(
        fmt.render(report),
        media_type=fmt.media_type,
        headers={"Content-Disposition": f"attachment; filename=report{fmt.suffix}; filename*=UTF-8''{filename}"},
    )
