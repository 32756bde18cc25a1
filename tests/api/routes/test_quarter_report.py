"""Acceptance: the seed's circular (2023年第二季度, 曾都区) reproduced through the HTTP API.

18 active accounts (the 8 of the seed's annex 1 with their real 备案单号, names, types and organisations,
and 10 more), a quarter of articles in which 7 accounts published 21 serious wording errors, confirmed
through the API, plus hits that must not count (dismissed, warnings, after the quarter, a closed
account), and 曾都区科经局 silent for more than two weeks. The report, its annex and the XLSX, DOCX
and CSV files must say what the circular says; a re-scan with the same lexicons changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from collections.abc import Iterator
from typing import Any

import pytest
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from app.config import DEFAULT_LEXICON_DIR, Settings
from app.main import create_app
from tests.conftest import ADMIN, ADMIN_TOKEN, DatabaseUnderTest
from tests.reports.world import REGISTER, SEED_ANNEX, SEED_OVERVIEW, SEED_STALE, SEED_WORDING, SERIOUS_PER_ACCOUNT

# Each sentence gives exactly one serious hit with the shipped lexicons.
ERRORS = [
    "会议强调要坚持一郭两制方针。",
    "台湾总统发表了讲话。",
    "庆祝中华人民共合国成立。",
    "深入学习习近平新时代中国特色社会注意思想。",
    "深刻领悟两个确力的决定性意义。",
    "坚持和发展新时代枫乔经验。",
]
STALE = "72188"


@pytest.fixture
def client(db: DatabaseUnderTest) -> Iterator[TestClient]:
    settings = Settings(lexicon_dir=DEFAULT_LEXICON_DIR, database_url=db.url, admin_token=ADMIN_TOKEN, rescan_workers=1)
    with TestClient(create_app(settings), headers=ADMIN) as client:
        yield client


def days(first: dt.date, last: dt.date, step: int) -> list[dt.date]:
    return [first + dt.timedelta(days=d) for d in range(0, (last - first).days + 1, step)]


def post_articles(client: TestClient, items: list[dict[str, Any]]) -> None:
    response = client.post("/api/articles/batch", json=items)
    assert response.status_code == 200, response.text
    assert response.json()["errors"] == []


def article(filing_no: str, day: dt.date, n: int, extra: str = "") -> dict[str, Any]:
    return {
        "filing_no": filing_no,
        "title": f"{filing_no} 工作动态 {n}",
        "url": f"https://mp.weixin.qq.com/s/{filing_no}-{n}",
        "published_at": f"{day.isoformat()}T09:30:00+08:00",
        "text": f"区里召开工作会议，部署下一阶段重点任务。第{n}期。{extra}",
    }


def hit_ids(client: TestClient, **filters: Any) -> list[int]:
    ids, offset = [], 0
    while True:
        page = client.get("/api/hits", params={**filters, "limit": 100, "offset": offset}).json()
        ids += [h["id"] for h in page["items"]]
        offset += 100
        if offset >= page["total"]:
            return ids


def review(client: TestClient, ids: list[int], status: str) -> None:
    response = client.post(
        "/api/hits/review", json={"ids": ids, "status": status, "note": "季度检查", "reviewer": "王科员"}
    )
    assert response.status_code == 200, response.text


def build_world(client: TestClient) -> None:
    for filing_no, name, platform, organization, _active in REGISTER:
        body = {"filing_no": filing_no, "name": name, "platform": platform, "organization": organization}
        assert client.post("/api/accounts", json=body).status_code == 201
    items = []
    for filing_no, *_ in REGISTER:
        last = dt.date(2023, 6, 10) if filing_no == STALE else dt.date(2023, 6, 28)
        errors = SERIOUS_PER_ACCOUNT.get(filing_no, 0)
        for n, day in enumerate(days(dt.date(2023, 4, 2), last, 6)):
            extra = ERRORS[n % len(ERRORS)] if n < errors else ""
            items.append(article(filing_no, day, n, extra))
    items.append(article("70001", dt.date(2023, 5, 3), 90, "他做为一名党员冲锋在前。"))  # a warning
    items.append(article("70743", dt.date(2023, 7, 3), 91, ERRORS[0]))  # after the quarter
    items.append(article("70411", dt.date(2023, 5, 5), 92, ERRORS[1]))  # an account closed later
    post_articles(client, items)
    review(client, hit_ids(client, status="pending"), "confirmed")
    # A serious hit the office dismissed must not count.
    post_articles(client, [article("70877", dt.date(2023, 5, 20), 93, ERRORS[2])])
    review(client, hit_ids(client, status="pending"), "dismissed")
    closed = {filing_no for filing_no, *_, active in REGISTER if not active}
    for account in client.get("/api/accounts", params={"limit": 100}).json()["items"]:
        if account["filing_no"] in closed:
            assert client.delete(f"/api/accounts/{account['id']}").status_code == 200


def test_the_seed_circular(client: TestClient) -> None:
    build_world(client)
    response = client.get("/api/reports/2023Q2")
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["quarter"] == "2023Q2" and report["inspection_date"] == "2023-06-30"
    assert report["summary"] == {
        "accounts_checked": 18,
        "check_ratio": 100,
        "accounts_with_problems": 8,
        "wording_accounts": 7,
        "wording_hits": 21,
        "stale_accounts": 1,
    }
    annex = [(r["filing_no"], r["name"], r["platform"], r["organization"], r["problems"]) for r in report["annex"]]
    assert annex == SEED_ANNEX
    for sentence in (SEED_OVERVIEW, SEED_STALE, SEED_WORDING):
        assert sentence in report["text"]

    xlsx = client.get("/api/reports/2023Q2", params={"format": "xlsx"})
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "filename*=UTF-8''" in xlsx.headers["content-disposition"]
    book = load_workbook(io.BytesIO(xlsx.content))
    rows = [tuple(c for c in row) for row in book.worksheets[0].iter_rows(values_only=True)]
    assert rows[0][0] == "检查政务新媒体发现的问题清单（2023年第二季度）"
    assert rows[1] == ("备案单号", "政务新媒体名称", "类型", "所属组织", "存在的突出问题")
    assert rows[2:] == SEED_ANNEX
    detail = list(book["错敏问题明细"].iter_rows(values_only=True))
    serious = [row for row in detail[1:] if "严重" in " ".join(str(c) for c in row if c)]
    assert len(serious) >= 21

    docx = Document(io.BytesIO(client.get("/api/reports/2023Q2", params={"format": "docx"}).content))
    assert any(p.text == "检查政务新媒体发现的问题清单（2023年第二季度）" for p in docx.paragraphs)
    table = docx.tables[0]
    assert [tuple(c.text for c in row.cells) for row in table.rows] == [
        ("备案单号", "政务新媒体名称", "类型", "所属组织", "存在的突出问题"),
        *SEED_ANNEX,
    ]

    body = client.get("/api/reports/2023Q2", params={"format": "csv"}).content
    assert body.startswith("\ufeff".encode())
    assert [tuple(r) for r in csv.reader(io.StringIO(body.decode("utf-8-sig")))][1:] == SEED_ANNEX


def test_a_rescan_with_the_same_lexicons_changes_nothing(client: TestClient) -> None:
    build_world(client)
    before = client.get("/api/reports/2023Q2").json()
    started = client.post("/api/rescans", json={"quarter": "2023Q2"})
    assert started.status_code == 202, started.text
    job_id = started.json()["id"]
    deadline = time.monotonic() + 60
    while (job := client.get(f"/api/rescans/{job_id}").json())["status"] == "running":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert job["status"] == "done" and job["done"] == job["total"] > 150
    assert (job["added"], job["obsolete"]) == (0, 0) and job["kept"] > 21
    assert client.get("/api/reports/2023Q2").json() == before


@pytest.mark.parametrize(
    ("path", "body", "status", "message"),
    [
        ("/api/reports/2023Q5", None, 422, "季度"),
        ("/api/reports/2023Q2?format=pdf", None, 422, "请求"),
        ("/api/rescans", {"quarter": "2023Q2", "since": "2023-04-01"}, 422, "只能给出其一"),
        ("/api/rescans", {}, 422, "请给出季度"),
        ("/api/rescans/999", None, 404, "重新扫描任务不存在"),
    ],
)
def test_bad_requests(client: TestClient, path: str, body: Any, status: int, message: str) -> None:
    response = client.post(path, json=body) if body is not None else client.get(path)
    assert response.status_code == status, response.text
    assert message in response.json()["message"]


def test_the_report_says_how_many_hits_of_the_quarter_still_await_review(client: TestClient) -> None:
    created = client.post("/api/accounts", json={"filing_no": "70743", "name": "新时代新万店", "platform": "微信"})
    assert created.status_code == 201
    items = [
        article("70743", dt.date(2023, 5, 3), 1, ERRORS[0] + "他做为一名党员冲锋在前。"),  # serious + warning
        article("70743", dt.date(2023, 6, 30), 2, ERRORS[1]),  # serious, on the quarter's last day
        article("70743", dt.date(2023, 7, 1), 3, ERRORS[2]),  # serious, next quarter
    ]
    post_articles(client, items)
    report = client.get("/api/reports/2023Q2").json()
    assert (report["pending_hits"], report["pending_serious_hits"]) == (3, 2)
    # Nothing confirmed yet: the figures say no account erred, which is exactly why the count is there.
    assert report["summary"]["wording_accounts"] == 0
    review(client, hit_ids(client, status="pending", severity="serious", date_to="2023-06-30"), "confirmed")
    report = client.get("/api/reports/2023Q2").json()
    assert (report["pending_hits"], report["pending_serious_hits"]) == (1, 0)
    assert report["summary"]["wording_accounts"] == 1
    next_quarter = client.get("/api/reports/2023Q3").json()
    assert (next_quarter["pending_hits"], next_quarter["pending_serious_hits"]) == (1, 1)
