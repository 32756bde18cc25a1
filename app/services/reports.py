"""The quarter's report from the stored data: accounts in the office's register order, their
publication dates, and the hits reviewers confirmed. `app.reports.build_report` decides the rest."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clock import CST
from app.models import Account, Article, HitRecord
from app.reports import AccountInput, ConfirmedHit, Period, Quarter, Report, build_report
from app.reports.circular import Circular
from app.reports.platforms import check_platforms
from app.services.errors import Invalid
from app.vocabulary import HitStatus, Platform, Severity


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=CST)


@dataclass(frozen=True, slots=True)
class Pending:
    """Hits of the period still awaiting review: the report counts only confirmed ones, so these may
    still change it."""

    total: int
    serious: int


def pending_in(*, session: Session, period: Period) -> Pending:
    rows = session.execute(
        select(HitRecord.severity, func.count(HitRecord.id))
        .join(HitRecord.article)
        .where(
            HitRecord.status == HitStatus.pending.value,
            Article.published_at >= _midnight(period.start),
            Article.published_at < _midnight(period.end + dt.timedelta(days=1)),
        )
        .group_by(HitRecord.severity)
    ).all()
    counts = dict(rows)
    return Pending(total=sum(counts.values()), serious=counts.get(Severity.serious, 0))


def quarter_report(
    *, session: Session, period: Period, inspection_date: dt.date | None = None, stale_after_days: int = 14
) -> Report:
    inspection = inspection_date or period.end
    until = _midnight(max(inspection, period.end) + dt.timedelta(days=1))
    since = _midnight(period.start)
    accounts = list(session.scalars(select(Account).order_by(Account.id)))
    # Publication dates from the period start on, plus each account's last article before it: the
    # staleness of the quarter's first weeks depends on it. Dates only, never the texts.
    published: dict[int, list[dt.datetime]] = {a.id: [] for a in accounts}
    for account_id, when in session.execute(
        select(Article.account_id, Article.published_at).where(
            Article.published_at >= since, Article.published_at < until
        )
    ):
        published[account_id].append(when)
    for account_id, when in session.execute(
        select(Article.account_id, func.max(Article.published_at))
        .where(Article.published_at < since)
        .group_by(Article.account_id)
    ):
        published[account_id].append(when)
    confirmed = session.execute(
        select(HitRecord, Article)
        .join(HitRecord.article)
        .where(
            HitRecord.status == HitStatus.confirmed.value,
            Article.published_at >= since,
            Article.published_at < _midnight(period.end + dt.timedelta(days=1)),
        )
        .order_by(Article.account_id, Article.published_at, HitRecord.start)
    ).all()
    try:
        return build_report(
            period,
            [
                AccountInput(
                    key=a.id,
                    filing_no=a.filing_no,
                    name=a.name,
                    platform_label=Platform(a.platform).label,
                    organization=a.organization.name if a.organization else None,
                    active=a.active,
                    published=published[a.id],
                )
                for a in accounts
            ],
            [
                ConfirmedHit(
                    account_key=article.account_id,
                    article_title=article.title,
                    published_at=article.published_at,
                    url=article.url,
                    text=hit.text,
                    context=hit.context,
                    suggestions=tuple(hit.suggestions),
                    reviewer=hit.reviewer,
                    severity=hit.severity,
                    category=hit.category,
                )
                for hit, article in confirmed
            ],
            inspection_date=inspection_date,
            stale_after_days=stale_after_days,
        )
    except ValueError as exc:
        raise Invalid("bad_report_request", str(exc)) from None


def circular_report(
    *,
    session: Session,
    period: Period,
    inspection_date: dt.date | None = None,
    stale_after_days: int = 14,
    jurisdiction: str = "全区",
    urged: bool = False,
) -> Circular:
    """The whole circular: the new-media report, the quarter's counts and the platform check."""
    from app.services.disclosures import disclosure_counts
    from app.services.platforms import platform_inputs

    report = quarter_report(
        session=session, period=period, inspection_date=inspection_date, stale_after_days=stale_after_days
    )
    units, cycles = platform_inputs(session=session)
    try:
        platforms = check_platforms(period, units, inspection_date=report.inspection_date, cycles=cycles)
    except ValueError as exc:
        raise Invalid("bad_report_request", str(exc)) from None
    counts = disclosure_counts(session=session, quarter=period if isinstance(period, Quarter) else None)
    return Circular(report, counts, platforms, jurisdiction=jurisdiction, urged=urged)
