"""SQLAlchemy models. Importing this package registers every table on Base.metadata."""

from app.models.account import Account, Organization
from app.models.article import Article, HitRecord
from app.models.disclosure import (
    DisclosureColumn,
    DisclosureColumnUpdate,
    DisclosureCycle,
    DisclosureFigure,
    DisclosureUnit,
)
from app.models.ingest import IngestChunk, IngestJob
from app.models.replica import LexiconState, RateBucket
from app.models.rescan import RescanChunk, RescanJob
from app.models.review import Exemption, ReviewLog
from app.models.token import ApiToken, WebSession

__all__ = [
    "Account",
    "ApiToken",
    "Article",
    "DisclosureColumn",
    "DisclosureColumnUpdate",
    "DisclosureCycle",
    "DisclosureFigure",
    "DisclosureUnit",
    "Exemption",
    "HitRecord",
    "IngestChunk",
    "IngestJob",
    "LexiconState",
    "Organization",
    "RateBucket",
    "RescanChunk",
    "RescanJob",
    "ReviewLog",
    "WebSession",
]
