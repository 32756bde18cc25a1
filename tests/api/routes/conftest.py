from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.conftest import ADMIN, ADMIN_TOKEN, MINI_LEXICON, DatabaseUnderTest


@pytest.fixture
def settings(db: DatabaseUnderTest) -> Settings:
    return Settings(
        lexicon_dir=MINI_LEXICON,
        database_url=db.url,
        max_article_bytes=20_000,
        max_batch_bytes=300_000,
        admin_token=ADMIN_TOKEN,
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """A client with the admin token (CUOMIN_ADMIN_TOKEN): tests/api/routes/test_access.py tests the other roles."""
    with TestClient(create_app(settings), headers=ADMIN) as client:
        yield client


def make_account(client: TestClient, filing_no: str = "GZ-001", **fields: Any) -> dict[str, Any]:
    body = {"filing_no": filing_no, "name": f"账号{filing_no}", "platform": "微信", **fields}
    response = client.post("/api/accounts", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def article(filing_no: str = "GZ-001", text: str = "截止目前，他做为党员冲锋在前。", **fields: Any) -> dict[str, Any]:
    return {
        "filing_no": filing_no,
        "title": "我县召开会议",
        "published_at": "2024-05-01T10:00:00+08:00",
        "text": text,
        **fields,
    }


@pytest.fixture
def account(client: TestClient) -> dict[str, Any]:
    return make_account(client, organization="某县人民政府办公室")
