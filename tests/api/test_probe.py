"""The hostile probe of issue 15, replayed against the app: each test is one defect it found."""

from __future__ import annotations

import json
import logging
import re
import shutil
import traceback
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from app import languagetool as lt
from app.config import DEFAULT_LEXICON_DIR
from app.main import create_app
from tests.api.test_hardening import editor_token, make_settings
from tests.conftest import ADMIN, ADMIN_TOKEN, MINI_LEXICON, DatabaseUnderTest
from tests.serving import Server, cuomin_serve


class Everything(logging.Handler):
    """Every record of every logger, with its traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.text: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.text.append(record.getMessage())
        if record.exc_info:
            self.text.append("".join(traceback.format_exception(*record.exc_info)))


@pytest.fixture
def logs() -> Iterator[Everything]:
    handler = Everything()
    loggers = [logging.getLogger(name) for name in ("", "cuomin.access", "uvicorn", "uvicorn.error", "uvicorn.access")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def test_no_token_in_any_log_even_on_a_500(db: DatabaseUnderTest, logs: Everything, monkeypatch) -> None:
    def crash(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(lt, "check_response", crash)
    with TestClient(create_app(make_settings(db)), raise_server_exceptions=False) as client:
        token = editor_token(db, client)
        for path in (f"/lt/{token}/v2/check", f"/LT/{token}/v2/check", f"//lt/{token}/v2/check", f"/Lt/{token}/x"):
            url = httpx.URL("http://testserver/", raw_path=path.encode())  # sent as is: //lt is no host
            client.post(url, data={"text": "他做为党员", "language": "zh-CN"})
    everything = "\n".join(logs.text)
    assert "boom" in everything  # the 500 was logged, with its trace
    assert token not in everything and token[:12] not in everything


# -- bodies over the limit, against a real server ------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    workdir = tmp_path_factory.mktemp("serve")
    env = {"CUOMIN_LEXICON_DIR": str(MINI_LEXICON), "CUOMIN_ADMIN_TOKEN": ADMIN_TOKEN}
    env["CUOMIN_DATABASE_URL"] = ""  # the embedded database in workdir/var, upgraded on start
    with cuomin_serve(workdir, env) as running:
        yield running


@pytest.mark.parametrize(("path", "size"), [("/api/articles", 3_000_000), ("/api/check", 9_000_000)])
def test_the_client_receives_the_413_of_a_body_over_the_limit(server: Server, path: str, size: int) -> None:
    """The probe: urllib and requests reported "connection reset" / "broken pipe" instead of the 413."""
    body = json.dumps({"text": "字" * (size // 3)}).encode()
    request = urllib.request.Request(
        server.url + path, data=body, headers={**ADMIN, "Content-Type": "application/json"}, method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=60)
    assert refused.value.code == 413
    assert json.loads(refused.value.read())["code"] == "body_too_large"


# -- 500 instead of 422 ----------------------------------------------------------------------------------


@pytest.fixture
def client(db: DatabaseUnderTest) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(db)), headers=ADMIN, raise_server_exceptions=False) as client:
        assert (
            client.post("/api/accounts", json={"filing_no": "A", "name": "甲", "platform": "微信"}).status_code == 201
        )
        yield client


def _article(**fields: object) -> dict[str, object]:
    return {
        "filing_no": "A",
        "title": "标题",
        "published_at": "2024-05-01T10:00:00+08:00",
        "text": "他做为党员",
        **fields,
    }


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/hits?date_from=0001-01-01", None),
        ("GET", "/api/hits?date_to=9999-12-31", None),
        ("GET", "/api/reports/9999Q4", None),
        ("GET", "/api/reports/0001Q1", None),
        ("POST", "/api/articles", _article(published_at="9999-12-31T23:59:59-12:00")),
        ("POST", "/api/articles", _article(published_at="0001-01-01T00:00:00+14:00")),
        ("POST", "/api/rescans", {"quarter": "9999Q4"}),
        ("POST", "/api/rescans", {"since": "0001-01-01", "until": "0001-01-02"}),
        ("POST", "/api/check", {"text": "他做为\ud800党员"}),
        ("POST", "/api/articles", _article(text="他做为\udfff党员")),
        (
            "POST",
            "/api/articles",
            _article(text=None, html='<div id="js_content">' + "<p>" * 3000 + "他做为党员</div>"),
        ),
    ],
)
def test_edge_inputs_are_a_4xx_with_a_chinese_message(client: TestClient, method: str, path: str, body) -> None:
    content = None if body is None else json.dumps(body)  # json.dumps writes a lone surrogate as \ud800
    response = client.request(method, path, content=content, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500 or response.status_code == 201, response.text
    if response.status_code != 201:  # the nested page is just a page: stored
        assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["message"])
    assert response.headers.get("connection") != "close"


@pytest.mark.parametrize("data", ['{"text": "他做为\\ud800党员"}', "[" * 100_000])
def test_languagetool_data_that_cannot_be_checked_is_a_400(client: TestClient, data: str) -> None:
    response = client.post("/v2/check", data={"data": data, "language": "zh-CN", "apiKey": ADMIN_TOKEN})
    assert response.status_code == 400 and response.text.startswith("Error: ")


@pytest.mark.parametrize("path", ["/review?date_from=0001-01-01&date_to=9999-12-31", "/review?quarter=9999Q4",
                                  "/reports?quarter=9999Q4", "/reports?quarter=0001Q1"])  # fmt: skip
def test_pages_with_edge_dates_are_not_a_500(client: TestClient, path: str) -> None:
    client.post("/login", data={"token": ADMIN_TOKEN, "next": "/check"})
    response = client.get(path)
    assert response.status_code < 500, response.text[:300]


# -- lexicon reload ------------------------------------------------------------------------------------


@pytest.fixture
def shipped_copy(tmp_path: Path, db: DatabaseUnderTest) -> Iterator[tuple[TestClient, Path]]:
    directory = tmp_path / "lexicons"
    shutil.copytree(DEFAULT_LEXICON_DIR, directory)
    settings = make_settings(db).model_copy(update={"lexicon_dir": directory})
    with TestClient(create_app(settings), headers=ADMIN) as client:
        yield client, directory


def test_a_reload_without_the_divisions_table_fails_and_keeps_the_rules(shipped_copy) -> None:
    client, directory = shipped_copy
    before = client.get("/api/lexicon").json()
    (directory / "data" / "divisions.csv").unlink()
    refused = client.post("/api/lexicon/reload")
    assert refused.status_code == 422 and "divisions.csv" in refused.json()["message"]
    assert client.get("/api/lexicon").json() == before


def test_a_reload_error_shows_no_absolute_path(shipped_copy) -> None:
    client, directory = shipped_copy
    (directory / "typos.yaml").write_text("category: [\n", encoding="utf-8")
    refused = client.post("/api/lexicon/reload")
    assert refused.status_code == 422 and "typos.yaml" in refused.json()["message"]
    assert str(directory) not in refused.text and str(directory.parent) not in refused.text


def test_no_shipped_file_names_a_path_of_a_machine() -> None:
    for path in DEFAULT_LEXICON_DIR.rglob("*"):
        if path.is_file():
            # binary tables (the typo model) are read as bytes: a path would show there as ASCII too
            text = path.read_bytes().decode("utf-8", errors="replace")
            assert not re.search(r"(?<![\w.])/(?:work|home|root|Users|tmp)/", text), path.name


# -- NUL --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/accounts", {"filing_no": "X\x00", "name": "a", "platform": "微信"}),
        ("/api/accounts", {"filing_no": "X-2", "name": "名\x00称", "platform": "微信", "organization": "甲"}),
        ("/api/exemptions", {"kind": "phrase", "value": "做\x00为", "scope": "global", "reason": "r"}),
    ],
)
def test_a_nul_is_refused_alike_on_every_database(client: TestClient, path: str, body: dict) -> None:
    """The probe: SQLite stored NUL in names where PostgreSQL refused it."""
    response = client.post(path, json=body)
    assert response.status_code == 422 and response.json()["code"] in ("invalid_value", "bad_character")
    assert client.get("/api/accounts").json()["total"] == 1  # only the fixture's


# -- the bound on hits, as the clients see it ------------------------------------------------------------


def test_check_reports_where_a_flood_of_hits_was_cut(client: TestClient) -> None:
    text = "他做为党员，" * 3000  # 3,000 hits of the mini lexicon
    body = client.post("/api/check", json={"text": text}).json()
    assert len(body["hits"]) == 1000 and body["cut_at"] == 6001  # the 1,001st 做为
    assert "只报告了前 1,000 处" in body["notice"]
    assert client.post("/api/check", json={"text": "他做为党员"}).json()["cut_at"] is None
    lt_body = client.post("/v2/check", data={"text": text, "language": "zh-CN", "apiKey": ADMIN_TOKEN}).json()
    assert lt_body["warnings"]["incompleteResults"] is True and len(lt_body["matches"]) == 1000


def test_api_documents_load_nothing_from_other_sites(client: TestClient) -> None:
    """The probe: /docs and /redoc loaded scripts and fonts from CDNs, which an intranet cannot reach."""
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        assets = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"url: '([^']+)'", html)
        assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets), assets
        assert "googleapis" not in html and "cdn" not in html.lower()
        for asset in assets:
            if asset.startswith("/docs-assets/"):
                assert client.get(asset).status_code == 200
