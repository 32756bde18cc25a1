"""Large ingests on the PostgreSQL job queue: a job per file, its lines stored in chunks that workers ingest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base

INGEST_STATUSES = ("running", "done")
INGEST_CHUNK_STATUSES = ("pending", "running", "done")
INGEST_CHUNK_KINDS = ("lines", "repeats")


class IngestJob(Base):
    """One JSONL file given to `cuomin ingest --queue` or POST /api/ingests. While it runs, its chunks are the
    truth about its progress; when the last chunk is done their sums are kept here."""

    __tablename__ = "ingest_job"
    __table_args__ = (
        CheckConstraint("status IN (" + ", ".join(f"'{s}'" for s in INGEST_STATUSES) + ")", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(200))  # the file's name
    status: Mapped[str] = mapped_column(String(16), default="running")
    # An editor's token ingests for its organisation only: the workers resolve accounts within it.
    organization_scope: Mapped[int | None]
    created_by: Mapped[str | None] = mapped_column(String(100))  # the API token's name; None from the CLI
    total: Mapped[int] = mapped_column(default=0)  # non-blank lines of the file
    created: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)
    hits: Mapped[int] = mapped_column(default=0)  # hits stored with the created articles
    # Lines that are not JSON, [{"line", "code", "error"}]: found when the file is read, never queued.
    line_errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]


class IngestChunk(Base):
    """A few hundred lines of a job: their items until the chunk is done, the owner and heartbeat of the
    worker that claimed it (owner changes only by compare-and-set), and what came of each line."""

    __tablename__ = "ingest_chunk"
    __table_args__ = (
        CheckConstraint("status IN (" + ", ".join(f"'{s}'" for s in INGEST_CHUNK_STATUSES) + ")", name="status"),
        CheckConstraint("kind IN (" + ", ".join(f"'{k}'" for k in INGEST_CHUNK_KINDS) + ")", name="kind"),
        UniqueConstraint("job_id", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("ingest_job.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int]
    # "lines": first copies; "repeats": lines repeating an earlier one, ingested once every "lines" chunk of
    # the job is done, so that the file's first copy is the one stored (app/services/queued_ingest.py).
    kind: Mapped[str] = mapped_column(String(8), default="lines")
    first_line: Mapped[int]
    # [[line, item], …] as read from the file; emptied (NULL) when the chunk is done: its articles are stored
    # by then, and its failed lines are in `problems` with their numbers.
    items: Mapped[list[Any] | None] = mapped_column(JSON)
    total: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    owner: Mapped[str | None] = mapped_column(String(200))  # host:pid:run of the worker that claimed it
    heartbeat_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)
    hits: Mapped[int] = mapped_column(default=0)
    problems: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)  # [{"line", "code", "error"}]
    finished_at: Mapped[dt.datetime | None]
