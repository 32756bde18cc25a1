"""POST /api/check and the service's open endpoints."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.conftest import ADMIN, ADMIN_TOKEN, MINI_LEXICON


@pytest.fixture(scope="module")
def client():
    settings = Settings(lexicon_dir=MINI_LEXICON, max_text_chars=1000, admin_token=ADMIN_TOKEN)
    with TestClient(create_app(settings), headers=ADMIN) as client:
        yield client


def test_check_returns_hits_with_original_offsets(client: TestClient) -> None:
    text = "截止 目前，他做为党员。"
    response = client.post("/api/check", json={"text": text})
    assert response.status_code == 200
    body = response.json()
    assert body["lexicon_version"] == client.get("/healthz").json()["lexicon_version"]
    assert body["elapsed_ms"] >= 0
    assert [(h["rule_id"], h["text"]) for h in body["hits"]] == [("test.jie-zhi", "截止"), ("test.zuo-wei", "做为")]
    for hit in body["hits"]:
        assert text[hit["start"] : hit["end"]] == hit["text"]


def test_a_title_is_checked_on_its_own_and_its_hits_come_first(client: TestClient) -> None:
    title, text = "他做为党员", "截止目前，他做为党员。"
    body = client.post("/api/check", json={"title": title, "text": text}).json()
    assert [(h["field"], h["rule_id"], h["start"]) for h in body["hits"]] == [
        ("title", "test.zuo-wei", 1),
        ("body", "test.jie-zhi", 0),
        ("body", "test.zuo-wei", 6),
    ]
    for hit in body["hits"]:
        assert (title if hit["field"] == "title" else text)[hit["start"] : hit["end"]] == hit["text"]
    # No term is found across the join of title and text ("做" + "为").
    joined = client.post("/api/check", json={"title": "他做", "text": "为党员。"}).json()["hits"]
    assert joined == []
    # Exemptions apply to the title as well.
    hits = client.post("/api/check", json={"title": title, "text": "好", "exempt_phrases": ["他做为"]}).json()["hits"]
    assert hits == []
    without = client.post("/api/check", json={"text": text}).json()["hits"]
    assert {h["field"] for h in without} == {"body"}


def test_check_honours_date_and_exemptions(client: TestClient) -> None:
    text = "县国土资源局开展检查，他做为党员。"
    hits = client.post("/api/check", json={"text": text, "date": "2017-01-01"}).json()["hits"]
    assert [h["rule_id"] for h in hits] == ["test.zuo-wei"]
    hits = client.post("/api/check", json={"text": text, "exempt_rules": ["test.zuo-wei"]}).json()["hits"]
    assert [h["rule_id"] for h in hits] == ["test.guo-tu"]


@pytest.mark.parametrize(
    ("body", "status", "code", "message"),
    [
        ({"text": ""}, 422, "text_empty", "待检查的文本不能为空"),
        ({"text": " \n "}, 422, "text_empty", "待检查的文本不能为空"),
        ({"text": "字" * 1001}, 413, "text_too_long", "文本过长：共 1001 字，单次最多检查 1000 字"),
        ({}, 422, "invalid_request", "缺少字段“文本”"),
        ({"text": 5}, 422, "invalid_request", "“文本”应为字符串"),
        ({"text": "a", "date": "2024-02-30"}, 422, "invalid_request", "“日期”应为 YYYY-MM-DD 格式的日期"),
        ({"text": "a", "title": "题" * 501}, 422, "invalid_request", "“标题”"),
    ],
)
def test_bad_input_gets_a_chinese_message(client: TestClient, body: dict, status: int, code: str, message: str) -> None:
    response = client.post("/api/check", json=body)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert message in response.json()["message"]


def test_malformed_json_and_unknown_paths(client: TestClient) -> None:
    response = client.post("/api/check", content=b"{bad", headers={"content-type": "application/json"})
    assert response.status_code == 422 and "不是有效的 JSON" in response.json()["message"]
    response = client.get("/api/nothing")
    assert response.status_code == 404 and response.json()["message"] == "请求的地址不存在"


def test_health_lexicon_info_and_openapi(client: TestClient) -> None:
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["rules"] == 6
    info = client.get("/api/lexicon").json()
    assert info["by_category"] == {"常见错别字": 6}
    schema = client.get("/openapi.json").json()
    assert "/api/check" in schema["paths"]
    assert schema["components"]["schemas"]["CheckRequest"]["examples"]
    assert client.get("/docs").status_code == 200


def test_admin_reloads_the_lexicon_and_a_broken_one_keeps_the_old(tmp_path) -> None:
    import shutil

    from tests.conftest import ADMIN, ADMIN_TOKEN

    directory = tmp_path / "lexicons"
    shutil.copytree(MINI_LEXICON, directory)
    settings = Settings(lexicon_dir=directory, admin_token=ADMIN_TOKEN)
    with TestClient(create_app(settings), headers=ADMIN) as client:
        before = client.get("/api/lexicon").json()["version"]
        path = directory / "mini.yaml"
        path.write_text(
            path.read_text(encoding="utf-8").replace("term: 做为", "terms: [做为, 当做为]"), encoding="utf-8"
        )
        reloaded = client.post("/api/lexicon/reload")
        assert reloaded.status_code == 200 and reloaded.json()["version"] != before
        assert client.get("/healthz").json()["lexicon_version"] == reloaded.json()["version"]
        (directory / "broken.yaml").write_text("category: 常见错别字\nentries: [{id: X}]\n", encoding="utf-8")
        refused = client.post("/api/lexicon/reload")
        assert refused.status_code == 422 and "仍使用原词库" in refused.json()["message"]
        assert client.get("/healthz").json()["lexicon_version"] == reloaded.json()["version"]
        assert client.post("/api/check", json={"text": "他做为党员。"}).json()["hits"]


def test_the_server_warms_each_detector_before_it_serves_it(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At start and on a reload: a detector's first checks would otherwise decode, import and compile what
    they meet, for a second or more, with every request behind them waiting."""
    import shutil

    from app.detection.detector import Detector

    warmed: list[str] = []
    original = Detector.warm

    def warm(self: Detector) -> None:
        original(self)
        warmed.append(self.version)

    monkeypatch.setattr(Detector, "warm", warm)
    directory = tmp_path / "lexicons"
    shutil.copytree(MINI_LEXICON, directory)
    settings = Settings(lexicon_dir=directory, admin_token=ADMIN_TOKEN, cache_dir=tmp_path / "cache")
    with TestClient(create_app(settings), headers=ADMIN) as client:
        assert warmed == [client.get("/healthz").json()["lexicon_version"]]
        path = directory / "mini.yaml"
        path.write_text(
            path.read_text(encoding="utf-8").replace("term: 做为", "terms: [做为, 当做为]"), encoding="utf-8"
        )
        reloaded = client.post("/api/lexicon/reload").json()["version"]
        assert warmed[1:] == [reloaded]


def test_a_long_text_does_not_queue_behind_the_drafts_and_has_the_same_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drafts up to QUEUED_CHARS are checked one at a time by one thread, longer ones in a thread each: the
    same hits."""
    from app.api.routes import check as route

    calls: list[int] = []
    original = route.run_in_threadpool

    async def counting(func, *args, **kwargs):  # type: ignore[no-untyped-def]
        if func is route._check:
            calls.append(len(args[2]))
        return await original(func, *args, **kwargs)

    monkeypatch.setattr(route, "run_in_threadpool", counting)
    text = "截止目前，他做为党员。"
    settings = Settings(lexicon_dir=MINI_LEXICON, admin_token=ADMIN_TOKEN)
    with TestClient(create_app(settings), headers=ADMIN) as client:
        short = client.post("/api/check", json={"title": "他做为党员", "text": text}).json()["hits"]
        assert calls == []
        padding = "好" * route.QUEUED_CHARS
        long = client.post("/api/check", json={"title": "他做为党员", "text": text + padding}).json()["hits"]
        assert calls == [len(text) + route.QUEUED_CHARS]
    assert [(h["field"], h["rule_id"], h["start"]) for h in long] == [
        (h["field"], h["rule_id"], h["start"]) for h in short
    ]
