"""GET /api/hits (filters, pagination), PATCH /api/hits/{id}, POST /api/hits/review, the review log."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.models import HitRecord, ReviewLog
from app.services import tokens
from app.vocabulary import Role
from tests.api.routes.conftest import article, make_account
from tests.conftest import DatabaseUnderTest


@pytest.fixture
def corpus(client: TestClient) -> dict[str, int]:
    """Two organisations, three accounts, four articles over three dates."""
    a = make_account(client, "A", organization="甲县")["id"]
    b = make_account(client, "B", organization="甲县")["id"]
    c = make_account(client, "C", organization="乙县")["id"]
    posts = [
        ("A", "2024-05-01T09:00:00+08:00", "截止目前，他做为党员。", "安全生产"),  # 2 hits (warning)
        ("B", "2024-05-02T23:30:00+08:00", "推进一带一路战略。", "对外开放"),  # 1 serious
        ("C", "2024-06-10T08:00:00+08:00", "他做为党员，这是一项战略。", "乡村振兴"),  # warning + info
        ("A", "2024-04-30T23:59:00+08:00", "没有问题的稿件。", "无"),
    ]
    for filing_no, when, text, title in posts:
        response = client.post("/api/articles", json=article(filing_no, text, published_at=when, title=title))
        assert response.status_code == 201
    return {"A": a, "B": b, "C": c}


def ids(client: TestClient, **params: object) -> list[tuple[str, str]]:
    body = client.get("/api/hits", params=params).json()
    return [(h["account_name"], h["text"]) for h in body["items"]]


def test_filters(client: TestClient, corpus: dict[str, int]) -> None:
    assert len(ids(client)) == 5
    assert ids(client, account_id=corpus["A"]) == [("账号A", "截止"), ("账号A", "做为")]
    organization = client.get(f"/api/accounts/{corpus['C']}").json()["organization"]["id"]
    assert ids(client, organization_id=organization) == [("账号C", "做为"), ("账号C", "战略")]
    assert ids(client, severity="serious") == [("账号B", "一带一路战略")]
    assert ids(client, category="常见错别字", severity="info") == [("账号C", "战略")]
    assert ids(client, rule_id="test.zuo-wei") == [("账号C", "做为"), ("账号A", "做为")]  # newest article first
    # Dates are Beijing dates: 23:30 on 2 May is still 2 May although it is 15:30 UTC.
    assert ids(client, date_from="2024-05-02", date_to="2024-05-02") == [("账号B", "一带一路战略")]
    assert ids(client, date_to="2024-05-01") == [("账号A", "截止"), ("账号A", "做为")]
    assert len(ids(client, date_from="2024-05-01", date_to="2024-06-10")) == 5
    assert ids(client, q="一带") == [("账号B", "一带一路战略")]
    assert ids(client, q="乡村振兴") == [("账号C", "做为"), ("账号C", "战略")]  # the article title
    assert ids(client, q="%") == []
    assert ids(client, status="confirmed") == []


def test_pagination_and_total(client: TestClient, corpus: dict[str, int]) -> None:
    first = client.get("/api/hits", params={"limit": 2}).json()
    second = client.get("/api/hits", params={"limit": 2, "offset": 2}).json()
    rest = client.get("/api/hits", params={"limit": 2, "offset": 4}).json()
    assert first["total"] == second["total"] == rest["total"] == 5
    seen = [h["id"] for h in first["items"] + second["items"] + rest["items"]]
    assert len(seen) == len(set(seen)) == 5


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2024-02-30"}, "“起始日期”应为 YYYY-MM-DD 格式的日期"),
        ({"date_from": "2024-06-01", "date_to": "2024-05-01"}, "起始日期不能晚于截止日期"),
        ({"severity": "fatal"}, "“严重程度”应为"),
        ({"status": "done"}, "“状态”应为"),
        ({"limit": 501}, "“每页条数”"),
        ({"account_id": "abc"}, "“账号编号”应为有效范围内的整数"),
    ],
)
def test_bad_filters_are_422(client: TestClient, params: dict, message: str) -> None:
    response = client.get("/api/hits", params=params)
    assert response.status_code == 422
    assert message in response.json()["message"]


def test_review_one_hit_logs_every_change(client: TestClient, corpus: dict[str, int]) -> None:
    hit = client.get("/api/hits", params={"severity": "serious"}).json()["items"][0]
    response = client.patch(
        f"/api/hits/{hit['id']}", json={"status": "confirmed", "note": "确属错误", "reviewer": "张三"}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["note"], body["reviewer"]) == ("confirmed", "确属错误", "张三")
    assert body["reviewed_at"]
    # The same status and note again changes nothing and logs nothing.
    client.patch(f"/api/hits/{hit['id']}", json={"status": "confirmed", "reviewer": "李四"})
    client.patch(f"/api/hits/{hit['id']}", json={"status": "pending", "note": "再议", "reviewer": "李四"})
    log = client.get(f"/api/hits/{hit['id']}/log").json()
    assert log["total"] == 2
    assert [(e["actor"], e["from_status"], e["to_status"], e["note"]) for e in log["items"]] == [
        ("张三", "pending", "confirmed", "确属错误"),
        ("李四", "confirmed", "pending", "再议"),
    ]
    assert client.get(f"/api/hits/{hit['id']}").json()["status"] == "pending"
    assert ids(client, status="pending") and len(ids(client, status="pending")) == 5


def test_review_many_is_all_or_nothing(client: TestClient, corpus: dict[str, int]) -> None:
    all_ids = [h["id"] for h in client.get("/api/hits").json()["items"]]
    response = client.post("/api/hits/review", json={"ids": [*all_ids[:2], 999999], "status": "dismissed"})
    assert response.status_code == 404 and "999999" in response.json()["message"]
    assert len(ids(client, status="pending")) == 5
    response = client.post(
        "/api/hits/review",
        json={"ids": all_ids[:3] + all_ids[:1], "status": "dismissed", "note": "引用原文", "reviewer": "王五"},
    )
    assert response.status_code == 200
    assert response.json()["updated"] == 3 and len(response.json()["items"]) == 3
    assert len(ids(client, status="dismissed")) == 3
    for hit_id in all_ids[:3]:
        assert client.get(f"/api/hits/{hit_id}/log").json()["items"][0]["note"] == "引用原文"


def test_obsolete_hits_cannot_be_reviewed(client: TestClient, corpus: dict[str, int], db: DatabaseUnderTest) -> None:
    hit_id = client.get("/api/hits").json()["items"][0]["id"]
    with Session(db.engine) as session:
        session.execute(update(HitRecord).where(HitRecord.id == hit_id).values(status="obsolete"))
        session.commit()
    response = client.patch(f"/api/hits/{hit_id}", json={"status": "confirmed"})
    assert response.status_code == 409 and response.json()["code"] == "hit_obsolete"
    response = client.patch(f"/api/hits/{hit_id}", json={"status": "obsolete"})
    assert response.status_code == 422 and "“状态”应为" in response.json()["message"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/hits/review", {"ids": [], "status": "confirmed"}),
        ("/api/hits/review", {"ids": list(range(1001)), "status": "confirmed"}),
        ("/api/hits/review", {"ids": [1]}),
        ("/api/hits/review", {"ids": ["x"], "status": "confirmed"}),
    ],
)
def test_bad_review_bodies_are_422(client: TestClient, path: str, body: dict) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 422 and response.json()["code"] == "invalid_request"


def test_unknown_hit_is_404(client: TestClient) -> None:
    for response in (
        client.get("/api/hits/5"),
        client.patch("/api/hits/5", json={"status": "confirmed"}),
        client.get("/api/hits/5/log"),
    ):
        assert response.status_code == 404 and response.json() == {
            "code": "hit_not_found",
            "message": "命中不存在：编号 5",
        }


def test_the_review_log_is_append_only(client: TestClient, corpus: dict[str, int], db: DatabaseUnderTest) -> None:
    hit_id = client.get("/api/hits").json()["items"][0]["id"]
    client.patch(f"/api/hits/{hit_id}", json={"status": "confirmed"})
    with Session(db.engine) as session:
        entry = session.scalars(select(ReviewLog)).one()
        entry.note = "篡改"
        with pytest.raises(RuntimeError, match="只能追加"):
            session.commit()
        session.rollback()
        session.delete(session.scalars(select(ReviewLog)).one())
        with pytest.raises(RuntimeError, match="只能追加"):
            session.commit()


def test_sorting(client: TestClient, corpus: dict[str, int]) -> None:
    severity = client.get("/api/hits", params={"sort": "severity"}).json()["items"]
    assert [h["severity"] for h in severity] == ["serious", "warning", "warning", "warning", "info"]
    assert ids(client, sort="oldest")[:2] == [("账号A", "截止"), ("账号A", "做为")]
    assert [name for name, _ in ids(client, sort="account")] == ["账号A", "账号A", "账号B", "账号C", "账号C"]
    assert ids(client, sort="newest")[0][0] == "账号C"
    response = client.get("/api/hits", params={"sort": "random"})
    assert response.status_code == 422 and response.json()["code"] == "invalid_request"


def _sheet(content: bytes) -> list[tuple]:
    book = load_workbook(io.BytesIO(content))
    return list(book.worksheets[0].iter_rows(values_only=True))


def test_export_is_the_filtered_list_as_xlsx(client: TestClient, corpus: dict[str, int], db: DatabaseUnderTest) -> None:
    response = client.get("/api/hits/export", params={"account_id": corpus["A"], "sort": "oldest"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    rows = _sheet(response.content)
    header = rows[0]
    assert header[:8] == ("编号", "状态", "严重程度", "类别", "规则", "规则编号", "位置", "命中文字")
    column = {name: i for i, name in enumerate(header)}
    assert [(r[column["命中文字"]], r[column["状态"]], r[column["账号"]]) for r in rows[1:]] == [
        ("截止", "待审核", "账号A"),
        ("做为", "待审核", "账号A"),
    ]
    zuo_wei = rows[2]
    assert zuo_wei[column["规则"]] == "“做为”应作“作为”" and zuo_wei[column["规则编号"]] == "test.zuo-wei"
    assert zuo_wei[column["发布日期"]] == "2024-05-01" and zuo_wei[column["位置"]] == "正文"
    # Every page of the filter, not only the first 50; the same filters as the list.
    everything = _sheet(client.get("/api/hits/export").content)
    assert len(everything) - 1 == client.get("/api/hits").json()["total"] == 5
    # An editor exports only their organisation's hits.
    with Session(db.engine) as session:
        _, key = tokens.create_token(session=session, role=Role.editor, name="甲县编辑", organization="甲县")
    mine = _sheet(client.get("/api/hits/export", headers={"Authorization": f"Bearer {key}"}).content)
    assert {r[column["账号"]] for r in mine[1:]} == {"账号A", "账号B"}


def test_review_everything_the_filter_matches(client: TestClient, corpus: dict[str, int]) -> None:
    body = {"filter": {"severity": "warning", "status": "pending"}, "status": "dismissed", "note": "批量排除"}
    # The page showed 2, but 3 match now: nothing changes.
    stale = client.post("/api/hits/review-matching", json={**body, "expected": 2})
    assert stale.status_code == 409 and stale.json()["code"] == "selection_changed"
    assert "现在 3 条" in stale.json()["message"]
    assert client.get("/api/hits", params={"status": "dismissed"}).json()["total"] == 0
    done = client.post("/api/hits/review-matching", json={**body, "expected": 3})
    assert done.status_code == 200, done.text
    result = done.json()
    assert (len(result["ids"]), result["updated"], result["obsolete"]) == (3, 3, 0)
    dismissed = client.get("/api/hits", params={"status": "dismissed"}).json()["items"]
    assert sorted(h["id"] for h in dismissed) == sorted(result["ids"])
    assert {h["note"] for h in dismissed} == {"批量排除"}
    log = client.get(f"/api/hits/{result['ids'][0]}/log").json()["items"]
    assert [(e["from_status"], e["to_status"], e["note"]) for e in log] == [("pending", "dismissed", "批量排除")]
    # The ids undo it, through the ordinary bulk review.
    back = client.post("/api/hits/review", json={"ids": result["ids"], "status": "pending"})
    assert back.status_code == 200 and back.json()["updated"] == 3
    bad = client.post("/api/hits/review-matching", json={**body, "expected": -1})
    assert bad.status_code == 422
