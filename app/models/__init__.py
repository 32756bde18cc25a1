"""SQLAlchemy models. Importing this package registers every table on Base.metadata."""

from app.models.account import Account, Organization
from app.models.article import Article, Hit
from app.models.disclosure import (
    DisclosureColumn,
    DisclosureColumnUpdate,
    DisclosureCycle,
    DisclosureFigure,
    DisclosureUnit,
)
from app.models.enums import REVIEW_STATUSES, ExemptionKind, ExemptionScope, HitStatus, Platform
from app.models.replica import LexiconState, RateBucket
from app.models.rescan import RescanChunk, RescanJob
from app.models.review import Exemption, ReviewLog
from app.models.token import ApiToken, Role, WebSession

__all__ = [
    "REVIEW_STATUSES",
    "Account",
    "ApiToken",
    "Article",
    "DisclosureColumn",
    "DisclosureColumnUpdate",
    "DisclosureCycle",
    "DisclosureFigure",
    "DisclosureUnit",
    "Exemption",
    "ExemptionKind",
    "ExemptionScope",
    "Hit",
    "HitStatus",
    "LexiconState",
    "Organization",
    "Platform",
    "RateBucket",
    "RescanChunk",
    "RescanJob",
    "ReviewLog",
    "Role",
    "WebSession",
]
