"""The quarter's report (reviewers and admins): the whole circular as JSON, DOCX, XLSX, or one annex as CSV."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response

from app.api.auth import Reviewer
from app.api.deps import ReadSessionDep, SettingsDep
from app.api.schemas import ErrorResponse
from app.reports import Quarter
from app.reports.export import DOWNLOADS, FORMATS
from app.services.errors import Invalid
from app.services.reports import circular_report, pending_in

router = APIRouter(prefix="/api", tags=["季度报告"])

# JSON (with the pending-hit counts, below) and every file format of the list the CLI and the page also offer.
ReportFormat = Literal[("json", *DOWNLOADS)]  # type: ignore[valid-type]


@router.get(
    "/reports/{quarter}",
    responses={200: {"description": "通报（JSON）或文件"}, 422: {"model": ErrorResponse}},
)
def read_report(
    quarter: str,
    session: ReadSessionDep,
    settings: SettingsDep,
    _user: Reviewer,
    format: Annotated[
        ReportFormat, Query(description="json；docx 整份通报（正文和附件1～3）；xlsx 每个附件一张表；csv 一个附件")
    ] = "json",
    annex: Annotated[int, Query(ge=1, le=3, description="csv 导出哪个附件：1 政务新媒体、2 镇村平台、3 部门平台")] = 1,
    inspection_date: Annotated[dt.date | None, Query(description="检查日期，默认季度最后一天")] = None,
    stale_days: Annotated[int | None, Query(ge=1, le=366, description="超过多少天未更新算“未更新”，默认 14")] = None,
    urged: Annotated[bool, Query(description="存在问题的平台单位已多次督促仍未整改（总体情况（四）照此写明）")] = False,
) -> Any:
    """季度通报：总体情况（一）～（四）、存在主要问题（一）（二）、附件1～3，以及汇总数字和需要注意的事项（notes）。
    只统计已确认的命中；`pending_hits`／`pending_serious_hits` 是本季度仍待审核的命中数（其中严重表述错误的），
    不为 0 时数字还可能变化。"""
    try:
        period = Quarter.parse(quarter)
    except ValueError as exc:
        raise Invalid("bad_quarter", str(exc)) from None
    circular = circular_report(
        session=session,
        period=period,
        inspection_date=inspection_date,
        stale_after_days=stale_days or settings.stale_days,
        jurisdiction=settings.jurisdiction,
        urged=urged,
    )
    if format == "json":
        pending = pending_in(session=session, period=period)
        # Only confirmed hits count: pending ones may still change the figures.
        return {**circular.as_dict(), "pending_hits": pending.total, "pending_serious_hits": pending.serious}
    fmt = FORMATS[format]
    filename = quote(fmt.filename(circular, annex))
    return Response(
        fmt.render(circular, annex),
        media_type=fmt.media_type,
        headers={"Content-Disposition": f"attachment; filename=report{fmt.suffix}; filename*=UTF-8''{filename}"},
    )
