"""Exemptions: a new one dismisses the matching pending hits (logged) and every later scan skips it."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.detection.detector import Detector
from app.detection.exempt import Cover, phrase_spans
from app.detection.normalize import normalize_term
from app.models import Account, Article, Exemption, HitRecord, Organization
from app.schemas.exemptions import ExemptionCreate
from app.services.errors import Invalid, NotFound
from app.services.review import change_status
from app.vocabulary import ExemptionKind, ExemptionScope, HitStatus


def applicable(*, session: Session, account: Account) -> tuple[list[str], list[str]]:
    """The phrases and rule ids exempted for account: global ones, its organisation's and its own."""
    scope = Exemption.scope == ExemptionScope.global_.value
    scope = or_(scope, and_(Exemption.scope == ExemptionScope.account.value, Exemption.account_id == account.id))
    if account.organization_id is not None:
        scope = or_(
            scope,
            and_(
                Exemption.scope == ExemptionScope.organization.value,
                Exemption.organization_id == account.organization_id,
            ),
        )
    rows = session.execute(select(Exemption.kind, Exemption.value).where(Exemption.deleted_at.is_(None), scope)).all()
    phrases = sorted({value for kind, value in rows if kind == ExemptionKind.phrase.value})
    rules = sorted({value for kind, value in rows if kind == ExemptionKind.rule.value})
    return phrases, rules


def _in_scope(exemption: Exemption) -> ColumnElement[bool]:
    if exemption.scope == ExemptionScope.account.value:
        return Article.account_id == exemption.account_id
    if exemption.scope == ExemptionScope.organization.value:
        return Account.organization_id == exemption.organization_id
    return HitRecord.id.is_not(None)


def _check(session: Session, detector: Detector, exemption_in: ExemptionCreate) -> None:
    if exemption_in.organization_id is not None and session.get(Organization, exemption_in.organization_id) is None:
        raise NotFound("organization_not_found", f"组织不存在：编号 {exemption_in.organization_id}")
    if exemption_in.account_id is not None and session.get(Account, exemption_in.account_id) is None:
        raise NotFound("account_not_found", f"账号不存在：编号 {exemption_in.account_id}")
    if exemption_in.kind == ExemptionKind.rule:
        try:
            detector.rule(exemption_in.value)
        except KeyError:
            raise Invalid("unknown_rule", f"词库中没有规则“{exemption_in.value}”") from None
    elif not normalize_term(exemption_in.value):
        raise Invalid("empty_phrase", "豁免词语不能只有空白或格式字符")


def _covered(session: Session, exemption: Exemption) -> list[HitRecord]:
    """The pending hits the exemption would dismiss."""
    pending = (
        select(HitRecord)
        .join(Article, HitRecord.article_id == Article.id)
        .join(Account, Article.account_id == Account.id)
        .where(HitRecord.status == HitStatus.pending.value, _in_scope(exemption))
    )
    if exemption.kind == ExemptionKind.rule.value:
        return list(session.scalars(pending.where(HitRecord.rule_id == exemption.value)))
    return _covered_by_phrase(session, pending, exemption.value)


def preview_exemption(*, session: Session, detector: Detector, exemption_in: ExemptionCreate) -> int:
    """How many pending hits the exemption would dismiss now; nothing is written."""
    _check(session, detector, exemption_in)
    probe = Exemption(
        kind=exemption_in.kind.value,
        value=exemption_in.value,
        scope=exemption_in.scope.value,
        organization_id=exemption_in.organization_id,
        account_id=exemption_in.account_id,
    )
    count = len(_covered(session, probe))
    session.rollback()
    return count


def create_exemption(*, session: Session, detector: Detector, exemption_in: ExemptionCreate) -> tuple[Exemption, int]:
    """Store the exemption and dismiss the pending hits it covers, in one transaction."""
    _check(session, detector, exemption_in)
    exemption = Exemption(
        kind=exemption_in.kind.value,
        value=exemption_in.value,
        scope=exemption_in.scope.value,
        organization_id=exemption_in.organization_id,
        account_id=exemption_in.account_id,
        reason=exemption_in.reason,
        created_by=exemption_in.created_by,
    )
    session.add(exemption)
    session.flush()

    covered = _covered(session, exemption)
    note = f"豁免 #{exemption.id}：{exemption.reason}"
    for hit in covered:
        change_status(
            session=session,
            hit=hit,
            to=HitStatus.dismissed,
            actor=exemption.created_by,
            note=note,
            exemption_id=exemption.id,
        )
    session.commit()
    return exemption, len(covered)


def _covered_by_phrase(session: Session, pending: Select[tuple[HitRecord]], phrase: str) -> list[HitRecord]:
    # A hit can lie inside the phrase only if its own text does; read article texts only for those.
    needle = normalize_term(phrase)
    candidates: dict[int, list[HitRecord]] = defaultdict(list)
    for hit in session.scalars(pending):
        if normalize_term(hit.text) in needle:
            candidates[hit.article_id].append(hit)
    covered = []
    for article_id, hits in candidates.items():
        article = session.get(Article, article_id)
        assert article is not None  # the hits were just read through it
        # what the engine exempts, the same way, in the field each hit lies in
        covers = {where: Cover(phrase_spans(article.field_text(where), [phrase])) for where in {h.field for h in hits}}
        covered += [h for h in hits if covers[h.field].covers(h.start, h.end)]
    return covered


def list_exemptions(
    *,
    session: Session,
    scope: ExemptionScope | None = None,
    account_id: int | None = None,
    organization_id: int | None = None,
    include_deleted: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Exemption], int]:
    query = select(Exemption)
    if not include_deleted:
        query = query.where(Exemption.deleted_at.is_(None))
    if scope is not None:
        query = query.where(Exemption.scope == scope.value)
    if account_id is not None:
        query = query.where(Exemption.account_id == account_id)
    if organization_id is not None:
        query = query.where(Exemption.organization_id == organization_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(query.order_by(Exemption.id).limit(limit).offset(offset)).all()
    return list(items), total


def delete_exemption(*, session: Session, exemption_id: int, by: str | None = None) -> Exemption:
    """Stop applying the exemption to later scans. The row stays (the review log refers to it), and
    the hits it dismissed stay dismissed: a reviewer reopens them one by one if needed."""
    exemption = session.get(Exemption, exemption_id)
    if exemption is None or exemption.deleted_at is not None:
        raise NotFound("exemption_not_found", f"豁免不存在或已删除：编号 {exemption_id}")
    exemption.deleted_at = utcnow()
    exemption.deleted_by = by
    session.commit()
    return exemption
