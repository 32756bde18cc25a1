"""Reading stored hits and reviewing them; every status change goes into the append-only log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, contains_eager

from app.clock import CST, utcnow
from app.models import REVIEW_STATUSES, Account, Article, Hit, HitStatus, ReviewLog
from app.services.errors import Conflict, Invalid, NotFound

MAX_REVIEW_IDS = 1000


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


def _query(filters: HitFilter) -> Select[tuple[Hit]]:
    query = (
        select(Hit)
        .join(Hit.article)
        .join(Article.account)
        .options(contains_eager(Hit.article).contains_eager(Article.account))
    )
    if filters.account_id is not None:
        query = query.where(Article.account_id == filters.account_id)
    if filters.organization_id is not None:
        query = query.where(Account.organization_id == filters.organization_id)
    if filters.organization_scope is not None:
        query = query.where(Account.organization_id == filters.organization_scope)
    for column, value in (
        (Hit.category, filters.category),
        (Hit.severity, filters.severity),
        (Hit.status, filters.status),
        (Hit.rule_id, filters.rule_id),
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
                Hit.text.contains(filters.q, autoescape=True),
                Hit.context.contains(filters.q, autoescape=True),
                Article.title.contains(filters.q, autoescape=True),
            )
        )
    return query


def _cst_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=CST)


def list_hits(*, session: Session, filters: HitFilter, limit: int = 50, offset: int = 0) -> tuple[list[Hit], int]:
    """Newest articles first, then in text order."""
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise Invalid("bad_date_range", "起始日期不能晚于截止日期")
    query = _query(filters)
    total = session.scalar(select(func.count()).select_from(query.with_only_columns(Hit.id).subquery())) or 0
    items = session.scalars(
        query.order_by(Article.published_at.desc(), Article.id.desc(), Hit.start, Hit.id).limit(limit).offset(offset)
    ).all()
    return list(items), total


def get_hit(*, session: Session, hit_id: int) -> Hit:
    hit = session.get(Hit, hit_id)
    if hit is None:
        raise NotFound("hit_not_found", f"命中不存在：编号 {hit_id}")
    return hit


def change_status(
    *,
    session: Session,
    hit: Hit,
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
) -> tuple[list[Hit], int]:
    """Review many hits at once: all of them or, when one is missing or obsolete, none."""
    to = HitStatus(status)
    if to not in REVIEW_STATUSES:
        raise Invalid("bad_status", "审核只能设为 pending、confirmed 或 dismissed")
    if len(ids) > MAX_REVIEW_IDS:
        raise Invalid("too_many_ids", f"一次最多审核 {MAX_REVIEW_IDS} 条命中")
    unique = list(dict.fromkeys(ids))
    # Rows locked in id order: two batches over overlapping ids, each locking in its scan order, deadlock.
    locking = select(Hit).where(Hit.id.in_(unique)).order_by(Hit.id).with_for_update()
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
