"""Ingesting articles: resolve the account, read the text (or the saved WeChat page), scan it with the
exemptions that apply, and store the article with its hits in one transaction.

Re-ingesting is idempotent: an article with the same account and url, or the same account and
content, is the one already stored. Each article is its own transaction, so a batch that fails or is
interrupted half-way leaves the articles before it whole and no part of the one it was writing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.clock import cst_date
from app.detection.detector import Detector
from app.ingest import wechat
from app.models import Article, Hit
from app.schemas.articles import ArticleCreate, BatchCreated, BatchDuplicate, BatchError, BatchResult
from app.schemas.messages import describe_errors
from app.services.accounts import resolve_account
from app.services.errors import Invalid, NotFound, ServiceError, TooLarge
from app.services.exemptions import applicable

log = logging.getLogger("cuomin.ingest")


@dataclass(frozen=True, slots=True)
class Ingested:
    article: Article
    created: bool


def content_hash(title: str, text: str) -> str:
    return hashlib.sha256(f"{title}\n\n{text}".encode()).hexdigest()


def ingest_article(
    *,
    session: Session,
    detector: Detector,
    article_in: ArticleCreate,
    max_article_bytes: int,
    organization_scope: int | None = None,
) -> Ingested:
    """Store and scan one article, or return the one already stored. With organization_scope (an
    editor's organisation), an account of another organisation is one that does not exist."""
    body = article_in.text if article_in.text is not None else article_in.html or ""
    size = len(body.encode("utf-8", errors="surrogatepass"))
    if size > max_article_bytes:
        raise TooLarge("article_too_large", f"文章过大：{size:,} 字节，单篇最多 {max_article_bytes:,} 字节")

    title, published_at, nickname = article_in.title, article_in.published_at, None
    if article_in.html is not None:
        try:
            page = wechat.parse(article_in.html)
        except wechat.WechatPageError as exc:
            raise Invalid("html_no_body", str(exc)) from None
        text = page.text
        title = title or page.title
        published_at = published_at or page.published_at
        nickname = page.nickname
    else:
        text = article_in.text or ""
    if not text.strip():
        raise Invalid("text_empty", "正文不能为空")
    if "\x00" in text or "\x00" in (title or ""):
        raise Invalid("bad_character", "正文或标题中含有空字符（\\x00）")
    if not title:
        raise Invalid("title_missing", "缺少标题（title）")
    if published_at is None:
        where = "：网页中也没有找到发布日期" if article_in.html is not None else ""
        raise Invalid("published_at_missing", f"缺少发布时间（published_at）{where}")

    account = resolve_account(
        session=session,
        account_id=article_in.account_id,
        filing_no=article_in.filing_no,
        nickname=nickname,
        organization_scope=organization_scope,
    )
    digest = content_hash(title, text)
    existing = _existing(session, account.id, article_in.url, digest)
    if existing is not None:
        session.commit()  # nothing written; commit keeps the loaded objects (rollback would expire them)
        return Ingested(existing, created=False)
    phrases, rules = applicable(session=session, account=account)
    account_id = account.id
    # End the read transaction before scanning: on SQLite it holds the write lock.
    session.commit()

    hits = detector.check_article(title, text, date=cst_date(published_at), exempt_phrases=phrases, exempt_rules=rules)
    article = Article(
        account_id=account_id,
        title=title,
        url=article_in.url or None,
        published_at=published_at,
        text=text,
        content_hash=digest,
        lexicon_version=detector.version,
    )
    article.hits = [Hit.found(hit.as_dict(), detector.version) for hit in hits]
    session.add(article)
    try:
        session.commit()
    except IntegrityError:
        # The same article arrived concurrently and was stored first.
        session.rollback()
        existing = _existing(session, account_id, article_in.url, digest)
        if existing is None:
            raise
        session.commit()
        return Ingested(existing, created=False)
    return Ingested(article, created=True)


def _existing(session: Session, account_id: int, url: str | None, digest: str) -> Article | None:
    same = Article.content_hash == digest
    if url:
        same = or_(same, Article.url == url)
    return session.scalars(
        select(Article).options(selectinload(Article.hits)).where(Article.account_id == account_id, same).limit(1)
    ).first()


def get_article(*, session: Session, article_id: int) -> Article:
    article = session.scalars(
        select(Article).options(selectinload(Article.hits)).where(Article.id == article_id)
    ).first()
    if article is None:
        raise NotFound("article_not_found", f"文章不存在：编号 {article_id}")
    return article


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one item of a batch: an article (created or not) or an error."""

    ingested: Ingested | None = None
    code: str = ""
    error: str = ""


def ingest_item(
    *,
    sessions: Callable[[], Session],
    detector: Detector,
    item: Any,
    max_article_bytes: int,
    organization_scope: int | None = None,
) -> Outcome:
    """Validate and ingest one raw item in its own session; every failure becomes an Outcome."""
    if not isinstance(item, dict | ArticleCreate):
        return Outcome(code="invalid_request", error="每项应为一个 JSON 对象（一篇文章）")
    try:
        article_in = item if isinstance(item, ArticleCreate) else ArticleCreate.model_validate(item)
    except ValidationError as exc:
        return Outcome(code="invalid_request", error=describe_errors(exc.errors()))
    try:
        with sessions() as session:
            ingested = ingest_article(
                session=session,
                detector=detector,
                article_in=article_in,
                max_article_bytes=max_article_bytes,
                organization_scope=organization_scope,
            )
            # The caller reads hits after the session has closed.
            _ = ingested.article.hits
            return Outcome(ingested=ingested)
    except ServiceError as exc:
        return Outcome(code=exc.code, error=exc.message)
    except Exception:
        log.exception("ingesting an article failed")
        return Outcome(code="internal_error", error="服务器内部错误，该篇未入库")


def ingest_batch(
    *,
    sessions: Callable[[], Session],
    detector: Detector,
    items: Iterable[Any],
    max_article_bytes: int,
    organization_scope: int | None = None,
) -> BatchResult:
    result = BatchResult(created=[], duplicates=[], errors=[])
    for index, item in enumerate(items):
        outcome = ingest_item(
            sessions=sessions,
            detector=detector,
            item=item,
            max_article_bytes=max_article_bytes,
            organization_scope=organization_scope,
        )
        if outcome.ingested is None:
            result.errors.append(BatchError(index=index, code=outcome.code, error=outcome.error))
        elif outcome.ingested.created:
            article = outcome.ingested.article
            result.created.append(BatchCreated(index=index, id=article.id, hits=len(article.hits)))
        else:
            result.duplicates.append(BatchDuplicate(index=index, id=outcome.ingested.article.id))
    return result
