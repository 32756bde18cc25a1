"""Hardening: the per-token check rate limit, request limits, errors without internals, the request log."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.api import auth
from app.config import Settings
from app.main import create_app
from app.services import tokens
from app.vocabulary import Role
from tests.conftest import ADMIN, ADMIN_TOKEN, MINI_LEXICON, DatabaseUnderTest


def make_settings(db: DatabaseUnderTest, **overrides: object) -> Settings:
    return Settings(lexicon_dir=MINI_LEXICON, database_url=db.url, admin_token=ADMIN_TOKEN, **overrides)


def editor_token(db: DatabaseUnderTest, client: TestClient, name: str = "某编辑") -> str:
    body = {"filing_no": "E-1", "name": "账号", "platform": "微信", "organization": "甲县"}
    assert client.post("/api/accounts", json=body, headers=ADMIN).status_code in (201, 409)
    with Session(db.engine) as session:
        _, clear = tokens.create_token(session=session, role=Role.editor, name=name, organization="甲县")
    return clear


# -- the rate limit ---------------------------------------------------------------------------------


def test_rate_limiter_bucket(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(auth.time, "monotonic", lambda: now[0])
    limiter = auth.RateLimiter(per_minute=60)  # one a second, a minute's worth at once
    assert all(limiter.acquire("a") == 0 for _ in range(60))
    assert limiter.acquire("a") == pytest.approx(1.0)
    assert limiter.acquire("b") == 0  # per key
    now[0] += 0.5
    assert limiter.acquire("a") == pytest.approx(0.5)
    now[0] += 0.5
    assert limiter.acquire("a") == 0
    assert auth.RateLimiter(per_minute=0).acquire("a") == 0  # 0: no limit


def test_check_is_rate_limited_per_token_with_retry_after(db: DatabaseUnderTest) -> None:
    with TestClient(create_app(make_settings(db, check_rate_limit=3))) as client:
        editor = {"Authorization": f"Bearer {editor_token(db, client)}"}
        for _ in range(3):
            assert client.post("/api/check", json={"text": "他做为党员"}, headers=editor).status_code == 200
        refused = client.post("/api/check", json={"text": "他做为党员"}, headers=editor)
        assert refused.status_code == 429
        assert refused.json()["code"] == "rate_limited" and "每分钟最多检查 3 次" in refused.json()["message"]
        assert 1 <= int(refused.headers["retry-after"]) <= 20
        # /v2/check draws on the same allowance, and answers as LanguageTool does
        v2 = client.post(
            "/v2/check", data={"text": "他做为党员", "language": "zh-CN", "apiKey": editor["Authorization"][7:]}
        )
        assert v2.status_code == 429 and v2.text.startswith("Error: ") and v2.headers["retry-after"]
        # another token has its own allowance; other endpoints are not counted
        assert client.post("/api/check", json={"text": "他做为党员"}, headers=ADMIN).status_code == 200
        assert client.get("/api/hits", headers=editor).status_code == 200


# -- request limits ---------------------------------------------------------------------------------


@pytest.fixture
def client(db: DatabaseUnderTest) -> Iterator[TestClient]:
    settings = make_settings(db, max_body_bytes=2000, max_text_chars=500)
    with TestClient(create_app(settings), headers=ADMIN, raise_server_exceptions=False) as client:
        yield client


def test_every_body_has_a_limit(client: TestClient) -> None:
    big = {"text": "字" * 1000}  # 3,000+ bytes
    response = client.post("/api/check", json=big)
    assert response.status_code == 413 and response.json()["code"] == "body_too_large"
    assert "最多 2,000 字节" in response.json()["message"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"text": "'
        for _ in range(10):
            yield "字".encode() * 100
        yield b'"}'

    streamed = client.post("/api/check", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413
    assert client.post("/api/hits/review", json={"ids": list(range(1, 600)), "status": "dismissed"}).status_code == 413
    # under the body limit, the text limit still applies
    assert client.post("/api/check", json={"text": "a" * 501}).json()["code"] == "text_too_long"


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/api/accounts/99999999999", 422),  # beyond any id: refused, not passed to the database
        ("/api/accounts/0", 422),
        ("/api/hits?limit=501", 422),  # page size
        ("/api/hits?offset=10000000000", 422),
        ("/api/hits?account_id=99999999999", 422),
        ("/api/accounts?q=" + "字" * 201, 422),
    ],
)
def test_parameters_are_bounded(client: TestClient, path: str, code: int) -> None:
    response = client.get(path)
    assert response.status_code == code and response.json()["code"] == "invalid_request"


def test_bodies_with_values_the_database_cannot_hold(client: TestClient) -> None:
    nul = client.post("/api/accounts", json={"filing_no": "X\x00", "name": "a", "platform": "微信"})
    assert nul.status_code in (201, 422)  # SQLite stores NUL; PostgreSQL refuses it: a 422, never a 500
    if nul.status_code == 422:
        assert nul.json()["code"] == "invalid_value"
    search = client.get("/api/hits", params={"q": "\x00"})
    assert search.status_code == 200 or search.json()["code"] == "invalid_value"
    big = client.post("/api/hits/review", json={"ids": [2**40], "status": "confirmed"})
    assert big.status_code == 422
    bad_utf8 = client.post("/api/exemptions", content=b'{"kind": "\xff"}', headers={"content-type": "application/json"})
    assert bad_utf8.status_code == 422 and bad_utf8.json()["code"] == "invalid_request"


def test_a_crash_is_a_chinese_500_without_internals(db: DatabaseUnderTest) -> None:
    app = create_app(make_settings(db))

    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail in /srv/app.py")

    with TestClient(app, headers=ADMIN, raise_server_exceptions=False) as client:
        response = client.get("/api/boom")
    assert response.status_code == 500
    assert response.json() == {"code": "internal_error", "message": "服务器内部错误，请稍后重试"}
    assert "secret" not in response.text and "Traceback" not in response.text


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/api/nothing", 404, "not_found"),
        ("DELETE", "/api/check", 405, "method_not_allowed"),
        ("GET", "/api/me", 401, "auth_required"),
    ],
)
def test_errors_have_a_code_and_a_chinese_message(method: str, path: str, status: int, code: str) -> None:
    with TestClient(create_app(Settings(lexicon_dir=MINI_LEXICON))) as client:
        response = client.request(method, path)
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code and any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])


# -- the request log --------------------------------------------------------------------------------


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_one_json_line_per_request_without_token_or_text(db: DatabaseUnderTest) -> None:
    lines = Lines()
    logger = logging.getLogger("cuomin.access")
    logger.addHandler(lines)
    try:
        with TestClient(create_app(make_settings(db))) as client:
            token = editor_token(db, client, name="张编辑")
            editor = {"Authorization": f"Bearer {token}"}
            secret_text = "机密草稿内容做为"
            lines.lines.clear()
            assert client.post("/api/check", json={"text": secret_text}, headers=editor).status_code == 200
            assert client.get("/api/hits", params={"q": secret_text}, headers=editor).status_code == 200
            client.get("/v2/check", params={"text": secret_text, "language": "zh", "apiKey": token})
            assert client.get("/api/me").status_code == 401
            assert client.get("/healthz").status_code == 200
    finally:
        logger.removeHandler(lines)
    records = [json.loads(line) for line in lines.lines]
    assert [(r["method"], r["path"], r["status"], r["token"]) for r in records] == [
        ("POST", "/api/check", 200, "张编辑"),
        ("GET", "/api/hits", 200, "张编辑"),
        ("GET", "/v2/check", 200, "张编辑"),
        ("GET", "/api/me", 401, None),
        ("GET", "/healthz", 200, None),
    ]
    assert all(r["duration_ms"] >= 0 and r["event"] == "request" for r in records)
    for line in lines.lines:
        assert token not in line and token[:12] not in line
        assert secret_text not in line and "apiKey" not in line
