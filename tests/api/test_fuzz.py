"""Schemathesis over the whole OpenAPI surface, as the admin (who may call everything): no 5xx, and
every answer documented (status, content type, headers) and matching its schema.

In-process (ASGI) on SQLite, and again on PostgreSQL when TEST_DATABASE_URL is set, over a database
seeded with two organisations' accounts, articles and hits so that ids in paths sometimes exist.
Bounded for CI on two cores: FUZZ_EXAMPLES examples per operation (both valid and invalid input),
about 15 s per database (CUOMIN_FUZZ_EXAMPLES=500 for a longer run).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.config import Settings
from app.db import Base
from app.main import create_app
from tests.conftest import ADMIN, ADMIN_TOKEN, MINI_LEXICON, DatabaseUnderTest

FUZZ_EXAMPLES = int(os.environ.get("CUOMIN_FUZZ_EXAMPLES", "40"))
# The test client's per-request cookies and raw-bytes bodies are deprecated in httpx; schemathesis uses both.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def fuzz_client(database: DatabaseUnderTest) -> Iterator[TestClient]:
    """The app on the session's database (per backend), seeded: ids 1 and 2 exist for accounts,
    organisations, articles and hits. Emptied afterwards, as `db` does."""
    app = create_app(
        Settings(
            lexicon_dir=MINI_LEXICON,
            database_url=database.url,
            admin_token=ADMIN_TOKEN,
            max_article_bytes=20_000,
            max_batch_bytes=200_000,
            max_body_bytes=100_000,
        )
    )
    with TestClient(app, headers=ADMIN, raise_server_exceptions=False) as client:
        for n, organization in ((1, "甲县"), (2, "乙县")):
            body = {"filing_no": f"F-{n}", "name": f"账号{n}", "platform": "微信", "organization": organization}
            assert client.post("/api/accounts", json=body).status_code == 201
            article = {
                "filing_no": f"F-{n}",
                "title": f"稿{n}",
                "published_at": "2024-05-01",
                "text": "截止目前，他做为党员。",
            }
            assert client.post("/api/articles", json=article).status_code == 201
        yield client
    with database.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


# The document does not depend on the database: read it once, at collection, from an app never started.
schema = schemathesis.openapi.from_dict(
    create_app(Settings(lexicon_dir=MINI_LEXICON, admin_token=ADMIN_TOKEN)).openapi()
)


@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,  # the same cases on every run: a CI failure reproduces locally
    suppress_health_check=list(HealthCheck),
)
def test_fuzz_the_api(case: schemathesis.Case, fuzz_client: TestClient) -> None:
    if case.media_type == "multipart/form-data":
        # An upload (POST /api/accounts/import): httpx can encode a file part only from bytes or text, and
        # schemathesis reads the streamed request back; other generated values never reach the server.
        assume(isinstance(case.body, dict) and all(isinstance(v, bytes | str) for v in case.body.values()))
    response = fuzz_client.request(**case.as_transport_kwargs(base_url=str(fuzz_client.base_url)))
    if case.media_type == "multipart/form-data":
        response.request.read()
    case.validate_response(response, checks=CHECKS)
