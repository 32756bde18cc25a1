"""Stateless API replicas on PostgreSQL: what `cuomin serve` processes on several machines must share lives
in the database, not in one machine's memory or files.

- The check rate limit: one token bucket per API token in `rate_bucket`, taken from in one statement
  (INSERT … ON CONFLICT DO UPDATE … RETURNING): two replicas never both spend the last token.
- The lexicon version: a reload answered by one replica writes the version to `lexicon_state` and announces
  it with NOTIFY in the same transaction. Every replica LISTENs (and reads the row again now and then, for a
  notification missed while its connection was down) and loads that lexicon from its files in its own time,
  serving the old one until the new one is built; `/healthz` says which version a replica serves and which
  one was announced.

On SQLite (one machine) app/api/workers.py shares the same state between the processes of one server.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine, text

from app.clock import utcnow
from app.config import Settings
from app.detection.detector import Detector

log = logging.getLogger("cuomin.replicas")

CHANNEL = "cuomin_lexicon"
POLL_SECONDS = 30.0

_TAKE = text(
    """
    INSERT INTO rate_bucket AS b (key, tokens, at, granted)
    VALUES (:key, :cap - 1, timezone('utc', clock_timestamp()), true)
    ON CONFLICT (key) DO UPDATE SET
        tokens = CASE WHEN {refill} >= 1 THEN {refill} - 1 ELSE {refill} END,
        granted = {refill} >= 1,
        at = timezone('utc', clock_timestamp())
    RETURNING tokens, granted
    """.format(
        refill="LEAST(:cap, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM timezone('utc', clock_timestamp()) - b.at))"
        " * :rate)"
    )
)


class DatabaseRateLimiter:
    """RateLimiter's token buckets in the database: the limit holds across every replica and process."""

    def __init__(self, engine: Engine, per_minute: int) -> None:
        self.engine = engine
        self.per_minute = per_minute

    def acquire(self, key: str) -> float:
        """0 when the request may go ahead, else the seconds to wait before the next one will."""
        if self.per_minute <= 0:
            return 0.0
        rate = self.per_minute / 60.0
        with self.engine.begin() as connection:
            tokens, granted = connection.execute(
                _TAKE, {"key": key[:200], "cap": float(self.per_minute), "rate": rate}
            ).one()
        return 0.0 if granted else (1.0 - float(tokens)) / rate


class ReplicatedDetectors:
    """The server's DetectorHolder, with its reloads announced to and followed from the other replicas."""

    def __init__(self, holder: Any, engine: Engine, url: str, *, poll: float = POLL_SECONDS) -> None:
        self._holder = holder
        self._engine = engine
        self._url = url
        self._poll = poll
        self.announced: str | None = self._read()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="lexicon-listen", daemon=True)
        self._thread.start()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._holder, name)

    @property
    def current(self) -> Detector:
        return self._holder.current

    def reload(self) -> Detector:
        fresh = self._holder.reload()
        with self._engine.begin() as connection:
            updated = connection.execute(
                text("UPDATE lexicon_state SET version = :v, reloaded_at = :at WHERE id = 1"),
                {"v": fresh.version, "at": utcnow().replace(tzinfo=None)},
            ).rowcount
            if not updated:
                connection.execute(
                    text("INSERT INTO lexicon_state (id, version, reloaded_at) VALUES (1, :v, :at)"),
                    {"v": fresh.version, "at": utcnow().replace(tzinfo=None)},
                )
            connection.execute(text("SELECT pg_notify(:channel, :v)"), {"channel": CHANNEL, "v": fresh.version})
        self.announced = fresh.version
        return fresh

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _read(self) -> str | None:
        with self._engine.connect() as connection:
            return connection.scalar(text("SELECT version FROM lexicon_state WHERE id = 1"))

    def _follow(self, version: str | None) -> None:
        if not version:
            return
        self.announced = version
        if version == self._holder.current.version:
            return
        try:
            fresh = self._holder.reload()  # from this replica's files; it keeps serving the old one meanwhile
        except Exception as exc:
            log.error("另一副本重新加载了词库 %s，本副本加载失败，继续使用 %s：%s", version, self.current.version, exc)
            return
        if fresh.version != version:
            log.warning("另一副本重新加载了词库 %s，本副本的词库文件是 %s：请同步词库目录", version, fresh.version)
        else:
            log.info("lexicon %s loaded after another replica's reload", version)

    def _listen(self) -> None:
        import psycopg

        from app.services.queue import conninfo

        while not self._stop.is_set():
            try:
                with psycopg.connect(conninfo(self._url), autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._follow(self._read())  # what was announced while this replica was not listening
                    waited = 0.0
                    while not self._stop.is_set():
                        for notice in connection.notifies(timeout=1.0):
                            self._follow(notice.payload)
                        waited += 1.0
                        if waited >= self._poll:
                            waited = 0.0
                            self._follow(self._read())
            except Exception as exc:
                if self._stop.is_set():
                    return
                log.warning("lexicon listener: %s; retrying in 5 s", exc)
                self._stop.wait(5.0)


def install(app: FastAPI, settings: Settings) -> None:
    """On PostgreSQL: the rate limit and the lexicon version in the database (call after open_database)."""
    engine: Engine = app.state.engine
    if engine.dialect.name != "postgresql":
        return
    if settings.check_rate_limit > 0:
        app.state.rate_limiter = DatabaseRateLimiter(engine, settings.check_rate_limit)
    app.state.detector_holder = ReplicatedDetectors(app.state.detector_holder, engine, settings.db_url)


def close(app: FastAPI) -> None:
    detectors = getattr(app.state, "detector_holder", None)
    if isinstance(detectors, ReplicatedDetectors):
        detectors.close()
