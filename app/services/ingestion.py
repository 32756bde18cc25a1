"""Ingesting articles: resolve the account, read the text (or the saved WeChat page), scan it with the
exemptions that apply, and store the article with its hits in one transaction.

Re-ingesting is idempotent: an article with the same account and url, or the same account and
content, is the one already stored. Each article is its own transaction, so a batch that fails or is
interrupted half-way leaves the articles before it whole and no part of the one it was writing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.clock import cst_date
from app.detection.detector import STORED_PROFILE, Detector
from app.models import Article, HitRecord
from app.schemas.articles import ArticleCreate
from app.services.accounts import resolve_account
from app.services.errors import Invalid, NotFound, TooLarge
from app.services.exemptions import applicable

log = logging.getLogger("cuomin.ingest")


@dataclass(frozen=True, slots=True)
class Ingested:
    article: Article
    created: bool


def content_hash(title: str, text: str) -> str:
    return hashlib.sha256(f"{title}\n\n{text}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Prepared:
    """An article as it will be stored, before its account is resolved."""

    title: str
    published_at: dt.datetime
    text: str
    url: str | None
    nickname: str | None
    digest: str


def prepare(article_in: ArticleCreate, max_article_bytes: int) -> Prepared:
    """The title, date and text of an article (read from the WeChat page when one is given); a
    ServiceError for an article that cannot be stored."""
    body = article_in.text if article_in.text is not None else article_in.html or ""
    size = len(body.encode("utf-8", errors="surrogatepass"))
    if size > max_article_bytes:
        raise TooLarge("article_too_large", f"文章过大：{size:,} 字节，单篇最多 {max_article_bytes:,} 字节")

    title, published_at, nickname = article_in.title, article_in.published_at, None
    if article_in.html is not None:
        from app.ingest import wechat  # BeautifulSoup costs 0.2 s to import; most articles come as text

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

    return Prepared(title, published_at, text, article_in.url or None, nickname, content_hash(title, text))


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
    prepared = prepare(article_in, max_article_bytes)
    title, published_at, text = prepared.title, prepared.published_at, prepared.text

    account = resolve_account(
        session=session,
        account_id=article_in.account_id,
        filing_no=article_in.filing_no,
        nickname=prepared.nickname,
        organization_scope=organization_scope,
    )
    digest = prepared.digest
    existing = _existing(session, account.id, article_in.url, digest)
    if existing is not None:
        session.commit()  # nothing written; commit keeps the loaded objects (rollback would expire them)
        return Ingested(existing, created=False)
    phrases, rules = applicable(session=session, account=account)
    account_id = account.id
    # End the read transaction before scanning: on SQLite it holds the write lock.
    session.commit()

    hits = detector.check_article(
        title,
        text,
        date=cst_date(published_at),
        exempt_phrases=phrases,
        exempt_rules=rules,
        profile=STORED_PROFILE,
    )
    article = Article(
        account_id=account_id,
        title=title,
        url=article_in.url or None,
        published_at=published_at,
        text=text,
        content_hash=digest,
        lexicon_version=detector.version,
    )
    article.hits = [HitRecord.found(hit.as_dict(), detector.version) for hit in hits]
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
