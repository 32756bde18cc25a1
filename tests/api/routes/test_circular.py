"""Acceptance: the seed's whole circular through the HTTP API: the new-media world of test_quarter_report, the
disclosure platforms entered unit by unit, column by column, the office's cycles and the quarter's counts; the JSON,
the DOCX, the XLSX and the CSV of each annex say what the seed says."""

from __future__ import annotations

import csv
import io
from typing import Any

from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.api.routes.test_quarter_report import build_world, client  # noqa: F401 - the fixture
from tests.reports import platform_world as pw
from tests.reports import world


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def enter_platforms(client: TestClient) -> None:  # noqa: F811 - the fixture's name
    names = {unit.key: unit.name for unit in pw.units()}
    for unit in pw.units():
        body = {"name": unit.name, "kind": unit.kind.value, "active": unit.active}
        if unit.parent is not None:
            body["town"] = names[unit.parent]
        unit_id = ok(client.post("/api/platforms", json=body), 201)["id"]
        for column in unit.columns:
            first, *later = column.updates
            body = {"name": column.name, "updated_on": first.isoformat()}
            if column.cycle is not None:
                body["cycle"] = column.cycle.label
            entered = ok(client.post(f"/api/platforms/{unit_id}/columns", json=body), 201)
            column_id = next(c["id"] for c in entered["columns"] if c["name"] == column.name)
            for day in later:
                ok(client.patch(f"/api/platform-columns/{column_id}", json={"updated_on": day.isoformat()}))
    for name, cycle in pw.OFFICE_CYCLES.items():
        ok(client.put("/api/platform-cycles", json={"name": name, "cycle": cycle.label}))
    counts = pw.COUNTS
    body = {
        "proactive": counts.proactive,
        "requests": [r.as_dict() for r in counts.requests],
        "letters": [x.as_dict() for x in counts.letters],
    }
    ok(client.put("/api/disclosures/2023Q2", json=body))


def test_the_seed_circular_whole(client: TestClient) -> None:  # noqa: F811
    build_world(client)
    enter_platforms(client)
    report = ok(client.get("/api/reports/2023Q2", params={"urged": "true"}))
    assert report["title"] == "关于2023年第二季度全区政府网站与政务新媒体检查情况的通报"
    assert report["sections"] == [
        pw.SEED_DISCLOSURE,
        pw.SEED_LETTERS,
        "（三）政务新媒体检查情况。" + world.SEED_OVERVIEW,
        pw.SEED_PLATFORMS,
    ]
    assert report["problems"] == [pw.SEED_UPDATES, world.SEED_WORDING]
    assert [(str(r["number"]), r["unit"], r["problems"]) for r in report["annex2"]] == pw.SEED_ANNEX2
    assert [(str(r["number"]), r["unit"], r["problems"]) for r in report["annex3"]] == pw.SEED_ANNEX3
    assert report["notes"] == []
    annex1 = [(r["filing_no"], r["name"], r["platform"], r["organization"], r["problems"]) for r in report["annex"]]
    assert annex1 == world.SEED_ANNEX

    docx = Document(io.BytesIO(client.get("/api/reports/2023Q2", params={"format": "docx", "urged": "true"}).content))
    paragraphs = [p.text for p in docx.paragraphs if p.text]
    for paragraph in report["sections"] + report["problems"]:
        assert paragraph in paragraphs
    tables = [[tuple(c.text for c in row.cells) for row in table.rows][1:] for table in docx.tables]
    assert tables == [world.SEED_ANNEX, pw.SEED_ANNEX2, pw.SEED_ANNEX3]

    book = load_workbook(io.BytesIO(client.get("/api/reports/2023Q2", params={"format": "xlsx"}).content))
    assert book.sheetnames == ["附件1", "附件2", "附件3", "错敏问题明细"]
    assert list(book["附件2"].iter_rows(min_row=3, values_only=True)) == pw.SEED_ANNEX2
    csv3 = client.get("/api/reports/2023Q2", params={"format": "csv", "annex": 3})
    assert "filename*=UTF-8''" in csv3.headers["content-disposition"]
    assert [tuple(r) for r in csv.reader(io.StringIO(csv3.content.decode("utf-8-sig")))][1:] == pw.SEED_ANNEX3

    # Without the office's word on urging, section (四) does not claim it.
    plain = ok(client.get("/api/reports/2023Q2"))["sections"][3]
    assert "多次督促" not in plain and "单位有24家（具体问题详见附件2、3）" in plain


def test_platform_requests_that_are_refused(client: TestClient) -> None:  # noqa: F811
    town = ok(client.post("/api/platforms", json={"name": "万店镇人民政府", "kind": "镇办"}), 201)
    cases = [
        ("post", "/api/platforms", {"name": "兴隆村村民委员会", "kind": "村（居）"}, 422, "须填写所属镇办"),
        ("post", "/api/platforms", {"name": "兴隆村村民委员会", "kind": "村", "town": "何店镇人民政府"}, 422, "未登记"),
        ("post", "/api/platforms", {"name": "区司法局", "kind": "部门", "town": "万店镇人民政府"}, 422, "只有村（居）"),
        ("post", "/api/platforms", {"name": "万店镇人民政府", "kind": "镇办"}, 409, "已登记"),
        ("post", "/api/platforms", {"name": "区某局", "kind": "学校"}, 422, "未知的平台类别"),
        ("post", f"/api/platforms/{town['id']}/columns", {"name": "村简介", "cycle": "20个工作日"}, 422, "工作日"),
        ("put", "/api/platform-cycles", {"name": "村简介", "cycle": "经常"}, 422, "无法识别更新周期"),
        ("patch", "/api/platform-columns/999999", {"updated_on": "2023-05-01"}, 404, "栏目不存在"),
        ("get", "/api/platforms/999999", None, 404, "信息公开平台不存在"),
        ("get", "/api/platforms?kind=学校", None, 422, "未知的平台类别"),
        ("put", "/api/disclosures/2023Q5", {"proactive": 1}, 422, "季度"),
        (
            "put",
            "/api/disclosures/2023Q2",
            {"letters": [{"department": "区民政局", "type": "建议", "received": 1, "replied": 2}]},
            422,
            "回复数 2 大于受理数 1",
        ),
        ("put", "/api/disclosures/2023Q2", {"proactive": -1}, 422, "请求"),
        ("get", "/api/reports/2023Q2?format=csv&annex=4", None, 422, "请求"),
    ]
    for method, path, body, status, message in cases:
        response = client.request(method.upper(), path, json=body)
        assert response.status_code == status, (path, body, response.text)
        assert message in response.json()["message"], (path, response.json())
    ok(client.post(f"/api/platforms/{town['id']}/columns", json={"name": "村简介"}), 201)
    again = client.post(f"/api/platforms/{town['id']}/columns", json={"name": "村简介"})
    assert again.status_code == 409 and "已有“村简介”栏目" in again.json()["message"]


def test_a_column_shows_where_its_cycle_comes_from(client: TestClient) -> None:  # noqa: F811
    town = ok(client.post("/api/platforms", json={"name": "万店镇人民政府", "kind": "town"}), 201)
    for name in ("通知公告", "村简介", "财政专项资金"):
        ok(client.post(f"/api/platforms/{town['id']}/columns", json={"name": name}), 201)
    ok(client.put("/api/platform-cycles", json={"name": "财政专项资金", "cycle": "每年"}))
    columns = {c["name"]: c for c in ok(client.get(f"/api/platforms/{town['id']}"))["columns"]}
    assert (
        columns["通知公告"]["effective_cycle"] == "6个月"
        and "国办秘函〔2019〕19号" in columns["通知公告"]["cycle_source"]
    )
    assert (columns["财政专项资金"]["effective_cycle"], columns["财政专项资金"]["cycle_source"]) == ("1年", "office")
    assert columns["村简介"]["effective_cycle"] is None
    changed = ok(client.patch(f"/api/platform-columns/{columns['村简介']['id']}", json={"cycle": "一年"}))
    column = next(c for c in changed["columns"] if c["name"] == "村简介")
    assert (column["cycle"], column["effective_cycle"], column["cycle_source"]) == ("一年", "一年", "column")
    report = ok(client.get("/api/reports/2023Q2"))
    assert "万店镇人民政府的“通知公告”栏目没有更新记录，按从未更新列入问题清单。" in report["notes"]
    assert report["annex2"][0]["problems"] == "“通知公告、村简介、财政专项资金”3个栏目从未更新"
