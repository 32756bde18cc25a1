"""/api/check with the shipped lexicons: the typo layer's profile is the caller's choice."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.config import DEFAULT_LEXICON_DIR, Settings
from app.main import create_app
from tests.conftest import ADMIN, ADMIN_TOKEN

# 温补→稳步 is a whole-word homophone slip, offered to an editor (draft) but not stored (inspection)
TEXT = "原则同意《示范区总休方案》。今年以来，全市物价温补下降。"


@pytest.fixture(scope="module")
def client():
    settings = Settings(lexicon_dir=DEFAULT_LEXICON_DIR, admin_token=ADMIN_TOKEN)
    with TestClient(create_app(settings), headers=ADMIN) as client:
        yield client


def typos(client: TestClient, **body) -> list[tuple[str, str, float]]:
    response = client.post("/api/check", json={"text": TEXT, **body})
    assert response.status_code == 200, response.text
    return [
        (h["text"], h["suggestions"][0], h["confidence"]) for h in response.json()["hits"] if h["rule_id"] == "typo.lm"
    ]


def test_draft_is_the_default_and_inspection_is_stricter(client: TestClient) -> None:
    draft = typos(client)
    assert [(t, s) for t, s, _ in draft] == [("休", "体"), ("温补", "稳步")]
    assert typos(client, profile="draft") == draft
    assert [(t, s) for t, s, _ in typos(client, profile="inspection")] == [("休", "体")]
    assert all(0 < c <= 1 for _, _, c in draft)


def test_unknown_profile_is_refused_in_chinese(client: TestClient) -> None:
    response = client.post("/api/check", json={"text": TEXT, "profile": "strict"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
