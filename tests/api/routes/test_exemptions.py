"""POST/GET/DELETE /api/exemptions: dismissing matching pending hits and suppressing later ones."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.routes.conftest import article, make_account


@pytest.fixture
def accounts(client: TestClient) -> dict[str, dict]:
    return {
        "A": make_account(client, "A", organization="甲县"),
        "B": make_account(client, "B", organization="甲县"),
        "C": make_account(client, "C", organization="乙县"),
    }


def ingest(client: TestClient, filing_no: str, text: str) -> list[str]:
    response = client.post("/api/articles", json=article(filing_no, text))
    assert response.status_code == 201
    return [h["text"] for h in response.json()["hits"]]


def statuses(client: TestClient, account_id: int) -> list[tuple[str, str]]:
    items = client.get("/api/hits", params={"account_id": account_id}).json()["items"]
    return [(h["text"], h["status"]) for h in items]


def test_rule_exemption_for_an_account(client: TestClient, accounts: dict[str, dict]) -> None:
    ingest(client, "A", "他做为党员。")
    ingest(client, "B", "他做为党员。")
    body = {
        "kind": "rule",
        "value": "test.zuo-wei",
        "scope": "account",
        "account_id": accounts["A"]["id"],
        "reason": "本账号引用原文",
        "created_by": "张三",
    }
    response = client.post("/api/exemptions", json=body)
    assert response.status_code == 201
    created = response.json()
    assert created["dismissed"] == 1 and created["scope"] == "account"
    assert statuses(client, accounts["A"]["id"]) == [("做为", "dismissed")]
    assert statuses(client, accounts["B"]["id"]) == [("做为", "pending")]
    hit_id = client.get("/api/hits", params={"account_id": accounts["A"]["id"]}).json()["items"][0]["id"]
    log = client.get(f"/api/hits/{hit_id}/log").json()["items"]
    assert [(e["actor"], e["to_status"], e["exemption_id"]) for e in log] == [("张三", "dismissed", created["id"])]
    assert log[0]["note"] == f"豁免 #{created['id']}：本账号引用原文"
    # Later scans of A skip the rule; B's do not.
    assert ingest(client, "A", "截止目前，他做为党员。") == ["截止"]
    assert ingest(client, "B", "截止目前，他做为党员。") == ["截止", "做为"]


def test_phrase_exemption_for_an_organisation(client: TestClient, accounts: dict[str, dict]) -> None:
    ingest(client, "A", "推进一带一路战略，这是一项战略。")  # both "战略" hits inside and outside the phrase
    ingest(client, "C", "这是一项战略。")
    organization = accounts["A"]["organization"]["id"]
    response = client.post(
        "/api/exemptions",
        json={
            "kind": "phrase",
            "value": "一项战略",
            "scope": "organization",
            "organization_id": organization,
            "reason": "地方表述",
        },
    )
    assert response.status_code == 201 and response.json()["dismissed"] == 1
    assert statuses(client, accounts["A"]["id"]) == [("一带一路战略", "pending"), ("战略", "dismissed")]
    assert statuses(client, accounts["C"]["id"]) == [("战略", "pending")]  # another organisation
    assert ingest(client, "B", "这是一项战略，那是战略。") == ["战略"]  # B is in 甲县: only the one outside


def test_a_phrase_matches_as_the_engine_does(client: TestClient, accounts: dict[str, dict]) -> None:
    ingest(client, "A", "他做 为党员。")  # the engine ignores the space
    response = client.post("/api/exemptions", json={"kind": "phrase", "value": "做为党员", "reason": "x"})
    assert response.json()["dismissed"] == 1
    assert statuses(client, accounts["A"]["id"]) == [("做 为", "dismissed")]


def test_global_exemption_spares_reviewed_hits(client: TestClient, accounts: dict[str, dict]) -> None:
    ingest(client, "A", "他做为党员。")
    ingest(client, "C", "他做为党员。")
    confirmed = client.get("/api/hits", params={"account_id": accounts["A"]["id"]}).json()["items"][0]["id"]
    client.patch(f"/api/hits/{confirmed}", json={"status": "confirmed"})
    response = client.post("/api/exemptions", json={"kind": "rule", "value": "test.zuo-wei", "reason": "全部豁免"})
    assert response.json()["dismissed"] == 1
    assert statuses(client, accounts["A"]["id"]) == [("做为", "confirmed")]
    assert statuses(client, accounts["C"]["id"]) == [("做为", "dismissed")]


def test_deleting_stops_the_exemption_but_keeps_the_record(client: TestClient, accounts: dict[str, dict]) -> None:
    created = client.post("/api/exemptions", json={"kind": "rule", "value": "test.zuo-wei", "reason": "x"}).json()
    assert ingest(client, "A", "他做为党员。") == []
    response = client.delete(f"/api/exemptions/{created['id']}", params={"by": "李四"})
    assert response.status_code == 200
    assert response.json()["deleted_by"] == "李四" and response.json()["deleted_at"]
    assert ingest(client, "A", "她做为党员。") == ["做为"]
    assert client.get("/api/exemptions").json()["total"] == 0
    listed = client.get("/api/exemptions", params={"include_deleted": "true"}).json()
    assert [e["id"] for e in listed["items"]] == [created["id"]]
    assert client.delete(f"/api/exemptions/{created['id']}").status_code == 404


def test_list_filters(client: TestClient, accounts: dict[str, dict]) -> None:
    client.post("/api/exemptions", json={"kind": "phrase", "value": "甲", "reason": "x"})
    client.post(
        "/api/exemptions",
        json={"kind": "phrase", "value": "乙", "scope": "account", "account_id": accounts["B"]["id"], "reason": "x"},
    )
    assert client.get("/api/exemptions").json()["total"] == 2
    assert [e["value"] for e in client.get("/api/exemptions", params={"scope": "account"}).json()["items"]] == ["乙"]
    assert client.get("/api/exemptions", params={"account_id": accounts["A"]["id"]}).json()["total"] == 0


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"kind": "rule", "value": "no.such-rule", "reason": "x"}, 422, "词库中没有规则“no.such-rule”"),
        ({"kind": "phrase", "value": "甲", "reason": " "}, 422, "“理由”不能为空"),
        ({"kind": "phrase", "value": "甲"}, 422, "缺少字段“理由”"),
        ({"kind": "word", "value": "甲", "reason": "x"}, 422, "“豁免类型”应为"),
        ({"kind": "phrase", "value": "甲", "scope": "account", "reason": "x"}, 422, "豁免范围与编号不符"),
        ({"kind": "phrase", "value": "甲", "account_id": 1, "reason": "x"}, 422, "豁免范围与编号不符"),
        ({"kind": "phrase", "value": "\u200b", "reason": "x"}, 422, "豁免词语不能只有空白或格式字符"),
        ({"kind": "phrase", "value": "甲", "scope": "account", "account_id": 999, "reason": "x"}, 404, "账号不存在"),
        (
            {"kind": "phrase", "value": "甲", "scope": "organization", "organization_id": 999, "reason": "x"},
            404,
            "组织不存在",
        ),
    ],
)
def test_bad_exemptions(client: TestClient, body: dict, status: int, message: str) -> None:
    response = client.post("/api/exemptions", json=body)
    assert response.status_code == status
    assert message in response.json()["message"]
    assert client.get("/api/exemptions", params={"include_deleted": "true"}).json()["total"] == 0


def test_check_still_stores_nothing(client: TestClient, accounts: dict[str, dict]) -> None:
    assert client.post("/api/check", json={"text": "他做为党员。"}).json()["hits"]
    assert client.get("/api/hits").json()["total"] == 0


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"kind": "rule", "value": "test.zuo-wei", "scope": "global"}, 3),
        ({"kind": "rule", "value": "test.zuo-wei", "scope": "organization", "organization": "甲县"}, 2),
        ({"kind": "phrase", "value": "做为党员", "scope": "account", "account": "A"}, 1),
        ({"kind": "phrase", "value": "做为党员冲锋", "scope": "global"}, 0),
    ],
)
def test_preview_says_what_an_exemption_will_dismiss_before_it_does(
    client: TestClient, accounts: dict[str, dict], body: dict, expected: int
) -> None:
    for filing_no in ("A", "B", "C"):
        ingest(client, filing_no, "他做为党员。")
    body = dict(body)
    if "organization" in body:
        body["organization_id"] = accounts["A"]["organization"]["id"] if body.pop("organization") == "甲县" else 0
    if "account" in body:
        body["account_id"] = accounts[body.pop("account")]["id"]
    preview = client.post("/api/exemptions/preview", json=body)
    assert preview.status_code == 200, preview.text
    assert preview.json() == {"would_dismiss": expected}
    assert client.get("/api/exemptions").json()["total"] == 0  # nothing was stored
    assert client.get("/api/hits", params={"status": "dismissed"}).json()["total"] == 0
    created = client.post("/api/exemptions", json={**body, "reason": "测试"}).json()
    assert created["dismissed"] == expected


def test_preview_refuses_what_creation_refuses(client: TestClient, accounts: dict[str, dict]) -> None:
    response = client.post("/api/exemptions/preview", json={"kind": "rule", "value": "no.such-rule", "scope": "global"})
    assert response.status_code == 422 and response.json()["code"] == "unknown_rule"
