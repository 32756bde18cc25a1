"""Read-only overviews of accounts for the pages: last article, hit counts by status, articles, hits per month.

Scope is the caller's business: pass only the accounts the caller may see (the account list comes from
`accounts.list_accounts(organization_scope=…)`, one account is checked with `ensure_visible`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.clock import cst_date
from app.models import Article, HitRecord
from app.reports import Quarter, Staleness, account_staleness
from app.vocabulary import HitStatus, Severity


@dataclass(frozen=True)
class AccountActivity:
    latest: dt.datetime | None  # the latest article's publication time
    articles: int
    hits: dict[str, int] = field(default_factory=dict)  # status → count, every HitStatus present

    @property
    def open_hits(self) -> int:
        return self.hits.get(HitStatus.pending.value, 0)


def account_activity(*, session: Session, account_ids: Sequence[int]) -> dict[int, AccountActivity]:
    """Latest article, article count and hit counts by status of each account (all statuses, zeros included)."""
    if not account_ids:
        return {}
    ids = list(account_ids)
    latest: dict[int, tuple[dt.datetime | None, int]] = dict.fromkeys(ids, (None, 0))
    for account_id, when, count in session.execute(
        select(Article.account_id, func.max(Article.published_at), func.count(Article.id))
        .where(Article.account_id.in_(ids))
        .group_by(Article.account_id)
    ):
        latest[account_id] = (when, count)
    hits: dict[int, dict[str, int]] = {i: {s.value: 0 for s in HitStatus} for i in ids}
    for account_id, status, count in session.execute(
        select(Article.account_id, HitRecord.status, func.count(HitRecord.id))
        .join(HitRecord.article)
        .where(Article.account_id.in_(ids))
        .group_by(Article.account_id, HitRecord.status)
    ):
        hits[account_id][status] = count
    return {i: AccountActivity(latest=latest[i][0], articles=latest[i][1], hits=hits[i]) for i in ids}


def staleness_on(latest: dt.datetime | None, today: dt.date, stale_after_days: int) -> Staleness:
    """The report's rule (超2周未更新) applied on `today` to an account whose latest article is `latest`."""
    return account_staleness(
        [latest] if latest else [],
        Quarter.containing(today),
        inspection_date=today,
        stale_after_days=stale_after_days,
    )


@dataclass(frozen=True)
class ArticleRow:
    id: int
    title: str
    url: str | None
    published_at: dt.datetime
    hits: int
    serious: int


def account_articles(*, session: Session, account_id: int, limit: int = 50) -> tuple[list[ArticleRow], int]:
    """The account's latest articles with their hit counts (obsolete hits not counted), and how many it has."""
    total = session.scalar(select(func.count(Article.id)).where(Article.account_id == account_id)) or 0
    live = HitRecord.status != HitStatus.obsolete.value
    counts = (
        select(
            HitRecord.article_id,
            func.count(HitRecord.id).label("hits"),
            func.sum(case((HitRecord.severity == Severity.serious, 1), else_=0)).label("serious"),
        )
        .where(live)
        .group_by(HitRecord.article_id)
        .subquery()
    )
    rows = session.execute(
        select(Article.id, Article.title, Article.url, Article.published_at, counts.c.hits, counts.c.serious)
        .outerjoin(counts, counts.c.article_id == Article.id)
        .where(Article.account_id == account_id)
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(limit)
    ).all()
    return [ArticleRow(r[0], r[1], r[2], r[3], r[4] or 0, r[5] or 0) for r in rows], total


@dataclass(frozen=True)
class MonthCount:
    month: str  # 2024-05
    total: int
    serious: int


def hits_per_month(*, session: Session, account_id: int, months: int = 12) -> list[MonthCount]:
    """Hits (obsolete ones not counted) per month of publication (Beijing time), the last `months` months up to
    the latest month with a hit, empty months included; [] when the account has no hit."""
    rows = session.execute(
        select(Article.published_at, HitRecord.severity)
        .join(HitRecord.article)
        .where(Article.account_id == account_id, HitRecord.status != HitStatus.obsolete.value)
    ).all()
    if not rows:
        return []
    total: Counter[str] = Counter()
    serious: Counter[str] = Counter()
    for published_at, severity in rows:
        key = cst_date(published_at).strftime("%Y-%m")
        total[key] += 1
        serious[key] += severity == Severity.serious
    last = max(total)
    year, month = int(last[:4]), int(last[5:])
    keys = []
    for _ in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return [MonthCount(k, total[k], serious[k]) for k in reversed(keys)]
