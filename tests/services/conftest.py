"""A database with one organisation's account and a few checked articles, for the services' own tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db import session_factory
from app.detection.detector import Detector
from app.models import Account, Article, HitRecord
from app.schemas.accounts import AccountCreate
from app.schemas.articles import ArticleCreate
from app.services import accounts, ingestion
from tests.conftest import MINI_LEXICON, DatabaseUnderTest

# Two hits each in the mini lexicon (做为, 截止): warnings.
SLIPS = "他做为党员，截止目前。"


@dataclass
class Seeded:
    sessions: sessionmaker[Session]
    own: int  # 甲镇发布, of 甲镇人民政府
    other: int  # 乙镇发布, of 乙镇人民政府
    own_organization: int


def add_article(
    sessions: sessionmaker[Session], detector: Detector, filing_no: str, title: str, published_at: str
) -> int:
    with sessions() as session:
        article_in = ArticleCreate(filing_no=filing_no, title=title, published_at=published_at, text=SLIPS)
        result = ingestion.ingest_article(
            session=session, detector=detector, article_in=article_in, max_article_bytes=10**6
        )
        return result.article.id


def hit_ids(sessions: sessionmaker[Session], account_id: int) -> list[int]:
    with sessions() as session:
        query = select(HitRecord.id).join(HitRecord.article).where(Article.account_id == account_id)
        return list(session.scalars(query.order_by(HitRecord.id)))


@pytest.fixture
def lexicon(tmp_path: Path) -> Path:
    """A copy of the mini lexicon that a test may edit (re-scans after a lexicon change)."""
    directory = tmp_path / "lexicons"
    shutil.copytree(MINI_LEXICON, directory)
    return directory


@pytest.fixture
def sessions(db: DatabaseUnderTest) -> Iterator[sessionmaker[Session]]:
    """An empty database with one account, 甲镇发布 (filing number A)."""
    factory = session_factory(db.engine)
    with factory() as session:
        session.add(Account(filing_no="A", name="甲镇发布", platform="wechat"))
        session.commit()
    yield factory


@pytest.fixture
def seeded(db: DatabaseUnderTest, mini: Detector) -> Iterator[Seeded]:
    sessions = session_factory(db.engine)
    with sessions() as session:
        own = accounts.create_account(
            session=session,
            account_in=AccountCreate(filing_no="A-1", name="甲镇发布", platform="微信", organization="甲镇人民政府"),
        )
        other = accounts.create_account(
            session=session,
            account_in=AccountCreate(filing_no="B-1", name="乙镇发布", platform="抖音", organization="乙镇人民政府"),
        )
        assert own.organization_id is not None
        seeded = Seeded(sessions, own.id, other.id, own.organization_id)
    add_article(sessions, mini, "A-1", "甲一", "2023-05-10T09:00:00+08:00")
    add_article(sessions, mini, "A-1", "甲二", "2023-08-02T09:00:00+08:00")
    add_article(sessions, mini, "B-1", "乙一", "2023-06-30T23:30:00+08:00")
    yield seeded


def account_row(sessions: sessionmaker[Session], account_id: int) -> Account:
    with sessions() as session:
        account = session.get(Account, account_id)
        assert account is not None
        return account
