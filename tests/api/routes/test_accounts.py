"""/api/accounts and /api/organizations."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from tests.api.routes.conftest import make_account


def test_create_accepts_a_label_and_shows_code_and_label(client: TestClient) -> None:
    created = make_account(client, "GZ-1", platform="抖音号", organization="某县融媒体中心")
    assert created["platform"] == "douyin" and created["platform_label"] == "抖音"
    assert created["organization"]["name"] == "某县融媒体中心" and created["active"] is True
    assert client.get(f"/api/accounts/{created['id']}").json() == created
    # The same organisation name is the same organisation.
    other = make_account(client, "GZ-2", platform="weibo", organization="某县融媒体中心")
    assert other["organization"]["id"] == created["organization"]["id"]
    assert client.get("/api/organizations").json()["total"] == 1


def test_duplicate_filing_number_is_a_conflict(client: TestClient) -> None:
    make_account(client, "GZ-1")
    response = client.post("/api/accounts", json={"filing_no": " GZ-1 ", "name": "另一个", "platform": "微博"})
    assert response.status_code == 409
    assert response.json() == {"code": "account_exists", "message": "备案单号 GZ-1 已登记"}
    assert client.get("/api/accounts").json()["total"] == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "x", "platform": "微信"}, "缺少字段“备案单号”"),
        ({"filing_no": "A", "name": "x", "platform": "脸书"}, "未知的类型“脸书”"),
        ({"filing_no": "A", "name": "  ", "platform": "微信"}, "“名称”不能为空"),
        ({"filing_no": "A" * 65, "name": "x", "platform": "微信"}, "“备案单号”过长"),
        ({"filing_no": "A", "name": "x", "platform": "微信", "colour": "red"}, "不支持的字段“colour”"),
    ],
)
def test_bad_account_bodies_are_422_in_chinese(client: TestClient, body: dict, message: str) -> None:
    response = client.post("/api/accounts", json=body)
    assert response.status_code == 422
    assert message in response.json()["message"]
    assert client.get("/api/accounts").json()["total"] == 0


def test_list_filters_and_paginates(client: TestClient) -> None:
    for number, platform in enumerate(["微信", "微博", "微信", "网站"]):
        make_account(client, f"GZ-{number}", platform=platform)
    page = client.get("/api/accounts", params={"platform": "微信公众号", "limit": 1}).json()
    assert page["total"] == 2 and [a["filing_no"] for a in page["items"]] == ["GZ-0"]
    page = client.get("/api/accounts", params={"platform": "wechat", "limit": 1, "offset": 1}).json()
    assert [a["filing_no"] for a in page["items"]] == ["GZ-2"]
    assert client.get("/api/accounts", params={"q": "GZ-3"}).json()["items"][0]["platform"] == "website"
    assert client.get("/api/accounts", params={"q": "%"}).json()["total"] == 0  # LIKE wildcards are literal
    response = client.get("/api/accounts", params={"platform": "火星"})
    assert response.status_code == 422 and "未知的类型" in response.json()["message"]
    response = client.get("/api/accounts", params={"limit": 0})
    assert response.status_code == 422 and "每页条数" in response.json()["message"]


def test_patch_changes_only_what_is_given(client: TestClient) -> None:
    created = make_account(client, "GZ-1", organization="甲单位")
    response = client.patch(f"/api/accounts/{created['id']}", json={"name": "新名称", "platform": "bilibili"})
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["platform_label"], body["organization"]["name"]) == ("新名称", "哔哩哔哩", "甲单位")
    body = client.patch(f"/api/accounts/{created['id']}", json={"organization": None}).json()
    assert body["organization"] is None and body["name"] == "新名称"
    response = client.patch(f"/api/accounts/{created['id']}", json={"filing_no": "X"})
    assert response.status_code == 422 and "不支持的字段“filing_no”" in response.json()["message"]


def test_delete_deactivates_and_keeps_everything(client: TestClient) -> None:
    created = make_account(client, "GZ-1")
    response = client.delete(f"/api/accounts/{created['id']}")
    assert response.status_code == 200 and response.json()["active"] is False
    assert client.get(f"/api/accounts/{created['id']}").json()["active"] is False
    assert client.get("/api/accounts", params={"active": "false"}).json()["total"] == 1
    assert client.get("/api/accounts", params={"active": "true"}).json()["total"] == 0


@pytest.mark.parametrize(("method", "body"), [("get", None), ("patch", {"name": "x"}), ("delete", None)])
def test_unknown_account_is_404(client: TestClient, method: str, body: dict | None) -> None:
    response = client.request(method, "/api/accounts/999", json=body)
    assert response.status_code == 404
    assert response.json() == {"code": "account_not_found", "message": "账号不存在：编号 999"}


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_import_an_account_list_with_row_errors(client: TestClient) -> None:
    make_account(client, "70743", name="旧名称")
    data = _xlsx(
        [
            ["附件2", None, None, None],
            ["备案单号", "政务新媒体名称", "类型", "所属组织"],
            ["70743", "新时代新万店", "微信公众号", "万店镇人民政府"],  # updates the existing one
            ["70744", "万店发布", "微博", "万店镇人民政府"],
            ["70745", "", "微信", "万店镇人民政府"],  # no name
            ["70746", "万店视频", "短视频", "万店镇人民政府"],  # unknown type
            ["70744", "万店发布二", "微博", None],  # duplicate filing number
        ]
    )
    response = client.post("/api/accounts/import", files={"file": ("名录.xlsx", data)})
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["created"], report["updated"], report["unchanged"]) == (1, 1, 0)
    assert [e["line"] for e in report["errors"]] == [5, 6, 7]
    assert "缺少政务新媒体名称" in report["errors"][0]["message"]
    assert "未知的类型“短视频”" in report["errors"][1]["message"]
    assert "重复" in report["errors"][2]["message"]
    names = {a["filing_no"]: a["name"] for a in client.get("/api/accounts").json()["items"]}
    assert names == {"70743": "新时代新万店", "70744": "万店发布"}
    again = client.post("/api/accounts/import", files={"file": ("名录.xlsx", data)}).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("名录.pdf", b"%PDF", "不支持的文件类型"),
        ("名录.xlsx", b"not a workbook", "无法读取 Excel 文件"),
    ],
)
def test_import_refuses_what_is_not_an_account_list(
    client: TestClient, name: str, content: bytes, message: str
) -> None:
    response = client.post("/api/accounts/import", files={"file": (name, content)})
    assert response.status_code == 422 and message in response.json()["message"]
    assert client.get("/api/accounts").json()["total"] == 0
