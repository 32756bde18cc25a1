"""Reading stored hits and reviewing them; every status change goes into the append-only log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session, contains_eager

from app.clock import CST, utcnow
from app.models import Account, Article, HitRecord, ReviewLog
from app.services.errors import Conflict, Invalid, NotFound
from app.vocabulary import REVIEW_STATUSES, HitStatus, Severity

MAX_REVIEW_IDS = 1000
# Reviewing "all that match the filter" at once; larger sets are narrowed first (a quarter, an account).
MAX_REVIEW_MATCHING = 20_000


@dataclass(frozen=True, slots=True)
class HitFilter:
    account_id: int | None = None
    organization_id: int | None = None
    category: str | None = None
    severity: str | None = None
    status: str | None = None
    rule_id: str | None = None
    date_from: dt.date | None = None  # publish date, Beijing time, inclusive
    date_to: dt.date | None = None  # inclusive
    q: str | None = None  # in the matched text, its context or the article title
    organization_scope: int | None = None  # the caller may see only this organisation (an editor)


def _query(filters: HitFilter) -> Select[tuple[HitRecord]]:
    query = (
        select(HitRecord)
        .join(HitRecord.article)
        .join(Article.account)
        .options(contains_eager(HitRecord.article).contains_eager(Article.account))
    )
    if filters.account_id is not None:
        query = query.where(Article.account_id == filters.account_id)
    if filters.organization_id is not None:
        query = query.where(Account.organization_id == filters.organization_id)
    if filters.organization_scope is not None:
        query = query.where(Account.organization_id == filters.organization_scope)
    for column, value in (
        (HitRecord.category, filters.category),
        (HitRecord.severity, filters.severity),
        (HitRecord.status, filters.status),
        (HitRecord.rule_id, filters.rule_id),
    ):
        if value:
            query = query.where(column == value)
    if filters.date_from is not None:
        query = query.where(Article.published_at >= _cst_midnight(filters.date_from))
    if filters.date_to is not None:
        query = query.where(Article.published_at < _cst_midnight(filters.date_to + dt.timedelta(days=1)))
    if filters.q:
        query = query.where(
            or_(
                HitRecord.text.contains(filters.q, autoescape=True),
                HitRecord.context.contains(filters.q, autoescape=True),
                Article.title.contains(filters.q, autoescape=True),
            )
        )
    return query


def _cst_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=CST)


_SEVERITY_RANK = case({s.value: -s.rank for s in Severity}, value=HitRecord.severity, else_=0)
# Within an article: the title's hits first ("title" sorts after "body"), then in text order.
_IN_ARTICLE = (Article.id.desc(), HitRecord.field.desc(), HitRecord.start, HitRecord.id)
SORTS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "newest": ("发布日期（新的在前）", (Article.published_at.desc(), *_IN_ARTICLE)),
    "oldest": ("发布日期（早的在前）", (Article.published_at, *_IN_ARTICLE)),
    "severity": ("严重程度", (_SEVERITY_RANK, Article.published_at.desc(), *_IN_ARTICLE)),
    "account": ("账号", (Account.name, Account.id, Article.published_at.desc(), *_IN_ARTICLE)),
}


def list_hits(
    *, session: Session, filters: HitFilter, limit: int = 50, offset: int = 0, sort: str = "newest"
) -> tuple[list[HitRecord], int]:
    """Newest articles first (or by another of SORTS), then the title's hits, then in text order."""
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise Invalid("bad_date_range", "起始日期不能晚于截止日期")
    query = _query(filters)
    total = session.scalar(select(func.count()).select_from(query.with_only_columns(HitRecord.id).subquery())) or 0
    order = SORTS.get(sort, SORTS["newest"])[1]
    items = session.scalars(query.order_by(*order).limit(limit).offset(offset)).all()
    return list(items), total


def quarters_with_data(*, session: Session) -> list[tuple[int, int]]:
    """(year, quarter) of every quarter in which an article was published (Beijing time), newest first."""
    months = set()
    for (when,) in session.execute(
        select(func.min(Article.published_at)).union_all(select(func.max(Article.published_at)))
    ):
        if when is not None:
            local = when.astimezone(CST)
            months.add((local.year, (local.month - 1) // 3 + 1))
    if not months:
        return []
    first, last = min(months), max(months)
    # Every quarter between the first and the last article: a quarter with no article is rare, and
    # listing it costs nothing (its queue is simply empty).
    quarters, (year, quarter) = [], last
    while (year, quarter) >= first:
        quarters.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return quarters


def get_hit(*, session: Session, hit_id: int) -> HitRecord:
    hit = session.get(HitRecord, hit_id)
    if hit is None:
        raise NotFound("hit_not_found", f"命中不存在：编号 {hit_id}")
    return hit


def change_status(
    *,
    session: Session,
    hit: HitRecord,
    to: HitStatus,
    actor: str | None,
    note: str | None,
    exemption_id: int | None = None,
    by_system: bool = False,
) -> bool:
    """Set the hit's status and note and log the change; False (and no log) when nothing changes.
    A change by the system (a re-scan) is logged but leaves the reviewer's name and time alone.
    The caller commits."""
    if hit.status == to.value and (note is None or note == hit.note):
        return False
    session.add(
        ReviewLog(
            hit_id=hit.id, actor=actor, from_status=hit.status, to_status=to.value, note=note, exemption_id=exemption_id
        )
    )
    hit.status = to.value
    if by_system:
        return True
    if note is not None:
        hit.note = note
    hit.reviewer = actor
    hit.reviewed_at = utcnow()
    return True


def review_hits(
    *, session: Session, ids: Sequence[int], status: str, note: str | None, reviewer: str | None
) -> tuple[list[HitRecord], int]:
    """Review many hits at once: all of them or, when one is missing or obsolete, none."""
    to = HitStatus(status)
    if to not in REVIEW_STATUSES:
        raise Invalid("bad_status", "审核只能设为 pending、confirmed 或 dismissed")
    if len(ids) > MAX_REVIEW_IDS:
        raise Invalid("too_many_ids", f"一次最多审核 {MAX_REVIEW_IDS} 条命中")
    unique = list(dict.fromkeys(ids))
    # Rows locked in id order: two batches over overlapping ids, each locking in its scan order, deadlock.
    locking = select(HitRecord).where(HitRecord.id.in_(unique)).order_by(HitRecord.id).with_for_update()
    hits = {h.id: h for h in session.scalars(locking)}
    missing = [i for i in unique if i not in hits]
    if missing:
        session.rollback()
        raise NotFound("hit_not_found", f"命中不存在：编号 {'、'.join(map(str, missing[:20]))}")
    obsolete = [i for i in unique if hits[i].status == HitStatus.obsolete.value]
    if obsolete:
        session.rollback()
        listed = "、".join(map(str, obsolete[:20]))
        raise Conflict("hit_obsolete", f"命中已过时（词库更新后不再命中），不能审核：编号 {listed}")
    changed = sum(change_status(session=session, hit=hits[i], to=to, actor=reviewer, note=note) for i in unique)
    session.commit()
    return [hits[i] for i in unique], changed


def hit_log(*, session: Session, hit_id: int) -> list[ReviewLog]:
    get_hit(session=session, hit_id=hit_id)
    return list(session.scalars(select(ReviewLog).where(ReviewLog.hit_id == hit_id).order_by(ReviewLog.id)))


@dataclass(frozen=True, slots=True)
class MatchingReviewed:
    ids: list[int]  # the hits set to the status (obsolete ones are left alone)
    changed: int
    obsolete: int


def review_matching(
    *, session: Session, filters: HitFilter, expected: int, status: str, note: str | None, reviewer: str | None
) -> MatchingReviewed:
    """Review every hit the filters match, in one transaction; 409 when the set is no longer the one the
    reviewer saw (expected is the count the page showed), so nothing is changed behind their back."""
    to = HitStatus(status)
    if to not in REVIEW_STATUSES:
        raise Invalid("bad_status", "审核只能设为 pending、confirmed 或 dismissed")
    # Lock the hits only: PostgreSQL refuses FOR UPDATE on the outer-joined organisation.
    query = _query(filters).order_by(HitRecord.id).limit(MAX_REVIEW_MATCHING + 1).with_for_update(of=HitRecord)
    hits = list(session.scalars(query))
    if len(hits) > MAX_REVIEW_MATCHING:
        session.rollback()
        raise Invalid(
            "too_many_hits", f"符合筛选的命中超过 {MAX_REVIEW_MATCHING:,} 条，请先缩小范围（如按季度、账号筛选）"
        )
    if len(hits) != expected:
        session.rollback()
        raise Conflict(
            "selection_changed",
            f"符合筛选的命中已有变化（现在 {len(hits)} 条，页面上是 {expected} 条），请刷新页面后再操作",
        )
    live = [h for h in hits if h.status != HitStatus.obsolete.value]
    changed = sum(change_status(session=session, hit=h, to=to, actor=reviewer, note=note) for h in live)
    session.commit()
    return MatchingReviewed(ids=[h.id for h in live], changed=changed, obsolete=len(hits) - len(live))
