"""POST /api/articles, /api/articles/batch and GET /api/articles/{id}."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.models import Article, HitRecord
from tests.api.routes.conftest import article, make_account
from tests.conftest import DatabaseUnderTest

PAGE = (Path(__file__).parents[2] / "ingest" / "data" / "wechat_article.html").read_text(encoding="utf-8")


def counts(db: DatabaseUnderTest) -> tuple[int, int]:
    with db.engine.connect() as connection:
        articles = connection.scalar(select(func.count()).select_from(Article))
        hits = connection.scalar(select(func.count()).select_from(HitRecord))
    return articles or 0, hits or 0


def test_ingest_scans_and_stores_hits_with_the_lexicon_version(client: TestClient, account: dict) -> None:
    text = "截止目前，他做为党员冲锋在前。"
    response = client.post("/api/articles", json=article(text=text, url="https://mp.weixin.qq.com/s/a"))
    assert response.status_code == 201
    body = response.json()
    version = client.get("/healthz").json()["lexicon_version"]
    assert body["duplicate"] is False and body["lexicon_version"] == version
    assert [(h["rule_id"], h["text"], h["status"]) for h in body["hits"]] == [
        ("test.jie-zhi", "截止", "pending"),
        ("test.zuo-wei", "做为", "pending"),
    ]
    for hit in body["hits"]:
        assert text[hit["start"] : hit["end"]] == hit["text"]
    stored = client.get(f"/api/articles/{body['id']}").json()
    assert stored["text"] == text and stored["account_id"] == account["id"]
    assert stored["published_at"] == "2024-05-01T10:00:00+08:00"
    assert [h["id"] for h in stored["hits"]] == [h["id"] for h in body["hits"]]
    listed = client.get("/api/hits").json()["items"]
    assert {h["lexicon_version"] for h in listed} == {version}


def test_the_title_is_checked_and_its_hits_are_stored_first(client: TestClient, account: dict) -> None:
    body = article(title="截止目前他做为党员", text="他做为党员冲锋在前。")
    created = client.post("/api/articles", json=body).json()
    assert [(h["field"], h["rule_id"], h["start"]) for h in created["hits"]] == [
        ("title", "test.jie-zhi", 0),
        ("title", "test.zuo-wei", 5),
        ("body", "test.zuo-wei", 1),
    ]
    stored = client.get(f"/api/articles/{created['id']}").json()
    assert [h["field"] for h in stored["hits"]] == ["title", "title", "body"]
    for hit in stored["hits"]:
        assert stored[hit["field"] if hit["field"] == "title" else "text"][hit["start"] : hit["end"]] == hit["text"]
    listed = client.get("/api/hits", params={"rule_id": "test.jie-zhi"}).json()["items"]
    assert [(h["field"], h["article_title"]) for h in listed] == [("title", "截止目前他做为党员")]


def test_a_phrase_exemption_dismisses_a_title_hit(client: TestClient, account: dict) -> None:
    created = client.post("/api/articles", json=article(title="他做为党员", text="他做为村民。")).json()
    response = client.post(
        "/api/exemptions", json={"kind": "phrase", "value": "做为党员", "scope": "global", "reason": "引用原话"}
    )
    assert response.json()["dismissed"] == 1
    stored = client.get(f"/api/articles/{created['id']}").json()["hits"]
    assert [(h["field"], h["status"]) for h in stored] == [("title", "dismissed"), ("body", "pending")]


def test_the_publish_date_drives_time_dependent_rules(client: TestClient, account: dict) -> None:
    old = client.post("/api/articles", json=article(text="县国土资源局开展检查。", published_at="2017-05-01"))
    new = client.post("/api/articles", json=article(text="县国土资源局开展执法。", published_at="2024-05-01"))
    assert old.json()["hits"] == []
    assert [h["rule_id"] for h in new.json()["hits"]] == ["test.guo-tu"]


@pytest.mark.parametrize(
    "again",
    [
        {"url": "https://mp.weixin.qq.com/s/a", "text": "内容已改，他做为党员。"},  # same url, edited text
        {"url": "https://mp.weixin.qq.com/s/other"},  # same content under another url
        {"url": None},
    ],
)
def test_reingesting_is_idempotent(client: TestClient, account: dict, db: DatabaseUnderTest, again: dict) -> None:
    first = client.post("/api/articles", json=article(url="https://mp.weixin.qq.com/s/a"))
    assert first.status_code == 201
    before = counts(db)
    second = client.post("/api/articles", json=article(**again))
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"] and second.json()["duplicate"] is True
    assert second.json()["hits"] == first.json()["hits"]
    assert counts(db) == before


def test_the_same_text_for_two_accounts_is_two_articles(client: TestClient, account: dict) -> None:
    make_account(client, "GZ-002")
    first = client.post("/api/articles", json=article())
    second = client.post("/api/articles", json=article(filing_no="GZ-002"))
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]


def test_account_by_id_and_by_the_pages_nickname(client: TestClient) -> None:
    made = make_account(client, "GZ-9", name="某某县发布")
    by_id = client.post(
        "/api/articles", json={**article(filing_no=None, text="他做为党员。"), "account_id": made["id"]}
    )
    assert by_id.status_code == 201
    by_page = client.post("/api/articles", json={"html": PAGE})
    assert by_page.status_code == 201, by_page.text
    stored = client.get(f"/api/articles/{by_page.json()['id']}").json()
    assert stored["account_id"] == made["id"]
    assert stored["title"] == "我县召开安全生产工作会议"
    assert stored["published_at"] == "2024-05-01T10:00:00+08:00"
    assert stored["text"].startswith("截止目前，全县已完成隐患排查整改。\n会议强调")
    assert [h["text"] for h in by_page.json()["hits"]] == ["截止", "做为"]


def test_html_fields_can_be_overridden(client: TestClient, account: dict) -> None:
    body = {"filing_no": "GZ-001", "html": PAGE, "title": "另拟标题", "published_at": "2016-01-01T09:00:00"}
    created = client.post("/api/articles", json=body).json()
    stored = client.get(f"/api/articles/{created['id']}").json()
    assert stored["title"] == "另拟标题" and stored["published_at"] == "2016-01-01T09:00:00+08:00"


# -- bad input: one test for each kind the issue lists --------------------------------------------


def test_body_over_the_article_limit_is_413(client: TestClient, account: dict, db: DatabaseUnderTest) -> None:
    response = client.post("/api/articles", json=article(text="字" * 8000))  # 24,000 bytes > 20,000
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large" and "文章过大" in response.json()["message"]
    assert counts(db) == (0, 0)


def test_a_chunked_body_over_the_limit_is_413_too(client: TestClient, account: dict) -> None:
    payload = json.dumps(article(text="字" * 8000)).encode()
    response = client.post(
        "/api/articles",
        content=iter([payload[:10_000], payload[10_000:]]),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413


def test_an_article_over_the_limit_inside_a_batch_is_an_item_error(client: TestClient, account: dict) -> None:
    response = client.post("/api/articles/batch", json=[article(text="字" * 7000), article(text="他做为党员。")])
    assert response.status_code == 200
    body = response.json()
    assert [e["index"] for e in body["errors"]] == [0] and body["errors"][0]["code"] == "article_too_large"
    assert [c["index"] for c in body["created"]] == [1]


def test_malformed_json_is_422(client: TestClient) -> None:
    response = client.post("/api/articles", content=b'{"title": ', headers={"content-type": "application/json"})
    assert response.status_code == 422 and "不是有效的 JSON" in response.json()["message"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": None}, "缺少标题"),
        ({"published_at": None}, "缺少发布时间"),
        ({"text": None}, "“text”（正文）和“html”（网页）须给出且只给出一个"),
        ({"html": "<p>x</p>"}, "须给出且只给出一个"),
        ({"text": "   \n"}, "正文不能为空"),
        ({"filing_no": None}, "缺少账号"),
        ({"text": 5}, "“文本”应为字符串"),
        ({"title": "x" * 501}, "“标题”过长"),
        ({"published": "2024-05-01"}, "不支持的字段“published”"),
    ],
)
def test_missing_or_wrong_fields_are_422_naming_the_field(
    client: TestClient, account: dict, db: DatabaseUnderTest, change: dict, message: str
) -> None:
    body = {k: v for k, v in {**article(), **change}.items() if v is not None}
    response = client.post("/api/articles", json=body)
    assert response.status_code == 422
    assert message in response.json()["message"]
    assert counts(db) == (0, 0)


@pytest.mark.parametrize("published_at", ["2024-02-30", "2024-13-01T10:00:00", "昨天", "2024-05-01T25:00:00"])
def test_an_invalid_date_is_422(client: TestClient, account: dict, published_at: str) -> None:
    response = client.post("/api/articles", json=article(published_at=published_at))
    assert response.status_code == 422
    assert "“发布时间”应为日期时间" in response.json()["message"]


def test_unknown_account_is_404(client: TestClient, db: DatabaseUnderTest) -> None:
    response = client.post("/api/articles", json=article(filing_no="NOPE"))
    assert response.status_code == 404
    assert response.json() == {"code": "account_not_found", "message": "账号不存在：备案单号 NOPE"}
    response = client.post("/api/articles", json={**article(filing_no=None), "account_id": 12345})
    assert response.status_code == 404
    assert counts(db) == (0, 0)


def test_a_deactivated_account_takes_no_articles(client: TestClient, account: dict) -> None:
    client.delete(f"/api/accounts/{account['id']}")
    response = client.post("/api/articles", json=article())
    assert response.status_code == 409 and response.json()["code"] == "account_inactive"


@pytest.mark.parametrize(
    "html",
    ["<html><body><p>只有这些</p></body></html>", '<html><div id="js_content"> <img src="a.png"> </div></html>'],
)
def test_html_with_no_body_is_422(client: TestClient, account: dict, db: DatabaseUnderTest, html: str) -> None:
    response = client.post("/api/articles", json={"filing_no": "GZ-001", "html": html, "published_at": "2024-05-01"})
    assert response.status_code == 422 and response.json()["code"] == "html_no_body"
    assert "正文" in response.json()["message"]
    assert counts(db) == (0, 0)


def test_html_without_any_date_needs_published_at(client: TestClient, account: dict) -> None:
    page = PAGE.replace('var ct = "1714528800";', "").replace('var publish_time = "2024-05-01" || "";', "")
    response = client.post("/api/articles", json={"filing_no": "GZ-001", "html": page})
    assert response.status_code == 422 and response.json()["code"] == "published_at_missing"
    response = client.post("/api/articles", json={"filing_no": "GZ-001", "html": page, "published_at": "2024-06-01"})
    assert response.status_code == 201


def test_a_nul_character_cannot_reach_the_database(client: TestClient, account: dict, db: DatabaseUnderTest) -> None:
    response = client.post("/api/articles", json=article(text="他做为\x00党员。"))
    assert response.status_code == 422 and response.json()["code"] == "bad_character"
    assert counts(db) == (0, 0)


def test_unknown_article_is_404(client: TestClient) -> None:
    response = client.get("/api/articles/77")
    assert response.status_code == 404 and response.json()["code"] == "article_not_found"


# -- batches ----------------------------------------------------------------------------------------


def test_batch_reports_created_duplicates_and_errors_and_one_bad_item_harms_none(
    client: TestClient, account: dict, db: DatabaseUnderTest
) -> None:
    stored = client.post("/api/articles", json=article(url="https://a/1")).json()
    items: list[Any] = [
        article(text="他做为党员。", url="https://a/2"),
        article(url="https://a/1"),  # already stored
        article(filing_no="NOPE", url="https://a/3"),
        article(published_at="2024-02-30", url="https://a/4"),
        "not an object",
        {"filing_no": "GZ-001", "html": "<p>no body</p>", "published_at": "2024-05-01"},
        article(text="截止今年，任务完成。", url="https://a/5"),
        article(text="他做为党员。", url="https://a/2"),  # a duplicate of item 0
    ]
    response = client.post("/api/articles/batch", json=items)
    assert response.status_code == 200
    body = response.json()
    assert [c["index"] for c in body["created"]] == [0, 6]
    assert [c["hits"] for c in body["created"]] == [1, 1]
    assert body["duplicates"] == [{"index": 1, "id": stored["id"]}, {"index": 7, "id": body["created"][0]["id"]}]
    errors = {e["index"]: e for e in body["errors"]}
    assert sorted(errors) == [2, 3, 4, 5]
    assert errors[2]["code"] == "account_not_found" and "NOPE" in errors[2]["error"]
    assert "“发布时间”应为日期时间" in errors[3]["error"]
    assert errors[4]["error"] == "每项应为一个 JSON 对象（一篇文章）"
    assert errors[5]["code"] == "html_no_body"
    assert counts(db) == (3, 2 + 1 + 1)


def test_batch_limits(client: TestClient, account: dict) -> None:
    response = client.post("/api/articles/batch", json=[{}] * 1001)
    assert response.status_code == 413 and response.json()["code"] == "batch_too_large"
    response = client.post("/api/articles/batch", json=article())
    assert response.status_code == 422 and response.json()["code"] == "batch_not_array"
    response = client.post("/api/articles/batch", json=[article(text="字" * 6000)] * 20)  # 360 KB > 300 KB
    assert response.status_code == 413 and "批量入库请求过大" in response.json()["message"]
    assert client.post("/api/articles/batch", json=[]).json() == {"created": [], "duplicates": [], "errors": []}


def test_openapi_documents_the_new_endpoints_with_examples(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in (
        "/api/accounts",
        "/api/articles",
        "/api/articles/batch",
        "/api/hits",
        "/api/hits/review",
        "/api/hits/{hit_id}/log",
        "/api/exemptions",
        "/api/exemptions/{exemption_id}",
    ):
        assert path in schema["paths"], path
    batch = schema["paths"]["/api/articles/batch"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert batch["items"] == {"$ref": "#/components/schemas/ArticleCreate"} and batch["maxItems"] == 1000
    for name in ("ArticleCreate", "AccountCreate", "ExemptionCreate", "HitUpdate", "HitsReview", "BatchResult"):
        assert schema["components"]["schemas"][name]["examples"], name
