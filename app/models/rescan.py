"""Re-scan jobs: the quarter-end pass of every article in a date range with the current lexicons."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base
from app.vocabulary import RescanStatus

RESCAN_STATUSES = tuple(s.value for s in RescanStatus)


class RescanJob(Base):
    __tablename__ = "rescan_job"
    __table_args__ = (
        CheckConstraint("status IN (" + ", ".join(f"'{s}'" for s in RESCAN_STATUSES) + ")", name="status"),
        # One running job at a time, enforced by the database: two concurrent starts cannot both insert.
        Index(
            "uq_rescan_job_running",
            "status",
            unique=True,
            postgresql_where=text("status = 'running'"),
            sqlite_where=text("status = 'running'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(40))  # 2023Q2, or 2023-04-01—2023-06-30
    since: Mapped[dt.date]
    until: Mapped[dt.date]
    status: Mapped[str] = mapped_column(String(16), default=RescanStatus.running.value)
    lexicon_version: Mapped[str] = mapped_column(String(64))
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    added: Mapped[int] = mapped_column(default=0)
    kept: Mapped[int] = mapped_column(default=0)
    obsolete: Mapped[int] = mapped_column(default=0)
    # Articles are taken in id order and committed in batches: a killed job resumes after this one.
    last_article_id: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Written at every batch: a running job whose heartbeat stopped was killed.
    heartbeat_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # host:pid:run of the process running the job: a restarted server knows at once that it is abandoned.
    runner: Mapped[str | None] = mapped_column(String(200))
    finished_at: Mapped[dt.datetime | None]
