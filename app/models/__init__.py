"""SQLAlchemy models. Importing this package registers every table on Base.metadata."""

from app.models.account import Account, Organization
from app.models.article import Article, Hit
from app.models.enums import REVIEW_STATUSES, ExemptionKind, ExemptionScope, HitStatus, Platform
from app.models.review import Exemption, ReviewLog

__all__ = [
    "REVIEW_STATUSES",
    "Account",
    "Article",
    "Exemption",
    "ExemptionKind",
    "ExemptionScope",
    "Hit",
    "HitStatus",
    "Organization",
    "Platform",
    "ReviewLog",
]
