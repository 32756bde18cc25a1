"""API replicas on one PostgreSQL database: the check rate limit holds across them, a lexicon reload on one
reaches the other (NOTIFY), and forwarded headers are honoured only from the configured proxy."""

from __future__ import annotations

import json
import logging
import shutil
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.conftest import ADMIN, ADMIN_TOKEN, MINI_LEXICON, DatabaseUnderTest


def settings(db: DatabaseUnderTest, lexicon: Path = MINI_LEXICON, **fields: object) -> Settings:
    return Settings(lexicon_dir=lexicon, database_url=db.url, admin_token=ADMIN_TOKEN, **fields)


def postgresql_only(db: DatabaseUnderTest) -> None:
    if db.backend != "postgresql":
        pytest.skip("副本共享的状态只在 PostgreSQL 上放进数据库（SQLite 是单机，见 tests/test_workers.py）")


def test_the_rate_limit_holds_across_replicas(db: DatabaseUnderTest) -> None:
    postgresql_only(db)
    limited = settings(db, check_rate_limit=3)
    with TestClient(create_app(limited), headers=ADMIN) as a, TestClient(create_app(limited), headers=ADMIN) as b:
        answers = [client.post("/api/check", json={"text": "他做为党员。"}) for client in (a, b, a, b)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    assert int(answers[-1].headers["Retry-After"]) >= 1
    assert answers[-1].json()["code"] == "rate_limited"


def test_a_reload_on_one_replica_reaches_the_other(db: DatabaseUnderTest, tmp_path: Path) -> None:
    postgresql_only(db)
    lexicon = tmp_path / "lexicons"
    shutil.copytree(MINI_LEXICON, lexicon)
    same = settings(db, lexicon)
    with TestClient(create_app(same), headers=ADMIN) as a, TestClient(create_app(same), headers=ADMIN) as b:
        old = a.get("/healthz").json()["lexicon_version"]
        assert b.get("/healthz").json()["lexicon_version"] == old
        path = lexicon / "mini.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("term: 做为", "term: 村干部"), encoding="utf-8")
        reloaded = a.post("/api/lexicon/reload")
        assert reloaded.status_code == 200, reloaded.text
        new = reloaded.json()["version"]
        assert new != old and a.get("/healthz").json()["lexicon_version"] == new
        deadline = time.monotonic() + 20
        while (health := b.get("/healthz").json())["lexicon_version"] != new:
            assert time.monotonic() < deadline, health
            time.sleep(0.1)
        assert health["announced_version"] == new
        hits = b.post("/api/check", json={"text": "村干部做为表率。"}).json()["hits"]
        assert [h["text"] for h in hits] == ["村干部"]


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.clients: list[str | None] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.clients.append(json.loads(record.getMessage())["client"])


@pytest.mark.parametrize(("trusted", "seen"), [("*", "203.0.113.9"), ("192.0.2.1", "testclient"), ("", "testclient")])
def test_forwarded_headers_count_only_from_the_configured_proxy(db: DatabaseUnderTest, trusted: str, seen: str) -> None:
    lines = Lines()
    logger = logging.getLogger("cuomin.access")
    logger.addHandler(lines)
    try:
        with TestClient(create_app(settings(db, forwarded_allow_ips=trusted))) as client:
            response = client.get("/healthz", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"})
            assert response.status_code == 200
    finally:
        logger.removeHandler(lines)
    assert lines.clients[-1] == seen
