"""State the API replicas of a PostgreSQL deployment share: the check rate limit and the lexicon version."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base


class RateBucket(Base):
    """One token bucket per API token: every replica takes from the same one (app/api/replicas.py)."""

    __tablename__ = "rate_bucket"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    at: Mapped[dt.datetime]
    granted: Mapped[bool] = mapped_column(default=True)  # whether the last request on it was let through


class LexiconState(Base):
    """The lexicon version the last reload installed (one row): a replica starting or told by NOTIFY loads it."""

    __tablename__ = "lexicon_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(64))
    reloaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
