"""The quarter's counts for sections (一) and (二): proactive disclosures, requests for disclosure, letters."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.ingest.platforms_file import FigureRow
from app.models import DisclosureFigure
from app.reports.disclosure import DisclosureCounts, DisclosureRequests, Letters
from app.reports.quarter import Quarter
from app.schemas.platforms import FiguresIn, FiguresPublic, LettersIn, RequestsIn
from app.services.errors import Invalid


def _figures(session: Session, quarter: Quarter) -> list[DisclosureFigure]:
    query = select(DisclosureFigure).where(DisclosureFigure.quarter == quarter.key)
    return list(session.scalars(query.order_by(DisclosureFigure.position, DisclosureFigure.id)))


def get_figures(*, session: Session, quarter: Quarter) -> FiguresPublic:
    rows = _figures(session, quarter)
    proactive = [r.received for r in rows if r.kind == "proactive"]
    return FiguresPublic(
        quarter=quarter.key,
        proactive=sum(proactive) if proactive else None,
        requests=[
            RequestsIn(unit=r.unit, channel=r.detail, received=r.received, answered=r.answered)
            for r in rows
            if r.kind == "request"
        ],
        letters=[
            LettersIn(department=r.unit, type=r.detail, received=r.received, replied=r.answered)
            for r in rows
            if r.kind == "letter"
        ],
        recorded=bool(rows),
    )


def replace_figures(*, session: Session, quarter: Quarter, figures_in: FiguresIn) -> FiguresPublic:
    """Everything recorded for the quarter is replaced, in one transaction."""
    rows: list[DisclosureFigure] = []
    if figures_in.proactive is not None:
        rows.append(DisclosureFigure(kind="proactive", received=figures_in.proactive, answered=figures_in.proactive))
    rows += [
        DisclosureFigure(kind="request", unit=r.unit, detail=r.channel, received=r.received, answered=r.answered)
        for r in figures_in.requests
    ]
    rows += [
        DisclosureFigure(kind="letter", unit=x.department, detail=x.type, received=x.received, answered=x.replied)
        for x in figures_in.letters
    ]
    _check(rows)
    session.execute(delete(DisclosureFigure).where(DisclosureFigure.quarter == quarter.key))
    for position, row in enumerate(rows):
        row.quarter, row.position = quarter.key, position
        session.add(row)
    session.commit()
    return get_figures(session=session, quarter=quarter)


def _check(rows: list[DisclosureFigure]) -> None:
    seen: set[tuple[str, str, str]] = set()
    for row in rows:
        if row.answered > row.received:
            what = "回复数" if row.kind == "letter" else "答复数"
            raise Invalid("bad_figures", f"{row.unit}的{what} {row.answered} 大于受理数 {row.received}")
        key = (row.kind, row.unit, row.detail)
        if key in seen:
            raise Invalid("bad_figures", f"{row.unit}的“{row.detail}”重复出现：每个单位的每个渠道或类型只填一行")
        seen.add(key)


def import_figures(
    *, session: Session, rows: Iterable[FigureRow], quarter: Quarter | None
) -> tuple[dict[str, int], list[str]]:
    """Replace, per quarter and kind present in the file, what was recorded; rows of the same unit and channel
    (or type) add up. The quarter comes from the row's 季度 column, else from `quarter`."""
    errors: list[str] = []
    grouped: dict[tuple[str, str], dict[tuple[str, str], list[int]]] = {}
    for row in rows:
        try:
            period = Quarter.parse(row.quarter) if row.quarter else quarter
        except ValueError as exc:
            errors.append(f"第 {row.line} 行：{exc}")
            continue
        if period is None:
            errors.append(f"第 {row.line} 行：没有季度（文件中没有“季度”列时请用 --quarter 指定）")
            continue
        totals = grouped.setdefault((period.key, row.kind), {}).setdefault((row.unit, row.detail), [0, 0])
        totals[0] += row.received
        totals[1] += row.answered
    counts: dict[str, int] = {}
    for (key, kind), entries in grouped.items():
        session.execute(delete(DisclosureFigure).where(DisclosureFigure.quarter == key, DisclosureFigure.kind == kind))
        for position, ((unit, detail), (received, answered)) in enumerate(entries.items()):
            session.add(
                DisclosureFigure(
                    quarter=key,
                    kind=kind,
                    unit=unit,
                    detail=detail,
                    received=received,
                    answered=answered,
                    position=position,
                )
            )
        counts[key] = counts.get(key, 0) + len(entries)
    session.commit()
    return counts, errors


def disclosure_counts(*, session: Session, quarter: Quarter | None) -> DisclosureCounts:
    """What the report needs; a date range (no quarter) has nothing recorded."""
    if quarter is None:
        return DisclosureCounts(proactive=None)
    figures = get_figures(session=session, quarter=quarter)
    return DisclosureCounts(
        proactive=figures.proactive,
        requests=[DisclosureRequests(r.unit, r.channel, r.received, r.answered) for r in figures.requests],
        letters=[Letters(x.department, x.type, x.received, x.replied) for x in figures.letters],
        requests_recorded=figures.recorded,
        letters_recorded=figures.recorded,
    )
