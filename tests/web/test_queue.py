"""The review queue at scale (more hits than a page): page numbers, sorting, rule names, select all that match
the filter, bulk actions confirmed and undoable, notes that do not stick, the XLSX export, every quarter listed;
and each page at 390 px."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from tests.conftest import ADMIN
from tests.web.conftest import TODAY, World, _at, login, screenshot

expect = pytest.importorskip(
    "playwright.sync_api", reason="浏览器测试跳过：没有安装 playwright（pip install -e '.[dev]'）"
).expect

ARTICLES = 60  # one 截止 each: more than a page of 50


@pytest.fixture(scope="module")
def bulk_account(world: World) -> dict[str, Any]:
    with httpx.Client(base_url=world.url, headers=ADMIN, timeout=60) as api:
        account = api.post(
            "/api/accounts",
            json={"filing_no": "BULK-1", "name": "批量样例号", "platform": "微信", "organization": "批量测试局"},
        ).json()
        items = [
            {
                "account_id": account["id"],
                "title": f"批量样例{n}",
                "published_at": _at(TODAY),
                "text": f"截止目前，第{n}项工作已完成。",
            }
            for n in range(ARTICLES)
        ]
        # And one in 2023Q2: the quarter menus list every quarter with articles, however old.
        items.append(
            {
                "account_id": account["id"],
                "title": "往年样例",
                "published_at": "2023-05-04T10:00:00+08:00",
                "text": "他做为党员冲锋在前。",
            }
        )
        result = api.post("/api/articles/batch", json=items).json()
        assert not result["errors"] and len(result["created"]) == ARTICLES + 1
    return account


def _statuses(world: World, account_id: int) -> dict[str, int]:
    counts = {}
    for status in ("pending", "confirmed", "dismissed"):
        params = {"account_id": account_id, "status": status, "date_from": TODAY.isoformat(), "limit": 1}
        counts[status] = httpx.get(f"{world.url}/api/hits", params=params, headers=ADMIN, timeout=10).json()["total"]
    return counts


def test_the_queue_at_scale(page: Any, world: World, bulk_account: dict[str, Any], tmp_path: Path) -> None:
    account_id = bulk_account["id"]
    login(page, world.tokens["reviewer"], "/review")
    page.goto(f"/review?account_id={account_id}&status=pending&quarter=")
    rows = page.locator("#queue li.hit-row")
    expect(rows).to_have_count(50)
    assert page.inner_text("[data-testid=total]") == f"共 {ARTICLES + 1} 条"
    pager = page.locator("[data-testid=pager]")
    assert pager.locator("a.page").all_inner_texts() == ["2"] and "2 页" in pager.inner_text()

    # The rule's Chinese name, its id on hover.
    rule = rows.first.locator(".rule")
    assert rule.inner_text() == "“截止”应作“截至”" and "typo.jie-zhi" in rule.get_attribute("title")

    # Every quarter with articles is in the menu, 2023Q2 included, and a quarter in the URL stays chosen.
    options = page.locator("select[name=quarter] option").all_inner_texts()
    assert "2023年第二季度" in options
    page.goto(f"/review?account_id={account_id}&status=pending&quarter=2023Q2")
    assert page.input_value("select[name=quarter]") == "2023Q2"
    expect(rows).to_have_count(1)
    page.goto(f"/review?account_id={account_id}&status=pending&sort=oldest")
    assert page.input_value("#sort") == "oldest"
    assert rows.first.get_attribute("data-text") == "做为"  # the 2023 article comes first
    page.goto(f"/review?account_id={account_id}&status=pending&quarter=&sort=newest")

    # The export is the whole filtered list, not the page.
    with page.expect_download() as caught:
        page.click("[data-testid=export]")
    path = tmp_path / "命中.xlsx"
    caught.value.save_as(str(path))
    sheet = list(load_workbook(io.BytesIO(path.read_bytes())).worksheets[0].iter_rows(values_only=True))
    assert len(sheet) == 1 + ARTICLES + 1 and sheet[0][0] == "编号"

    # Select everything the filter matches (not only this page), dismiss it with a note, after a confirmation.
    page.goto(f"/review?account_id={account_id}&status=pending&date_from=&quarter=")
    page.check("#select-all")
    page.click("#select-matching")
    assert page.inner_text("[data-testid=selected-count]") == f"已选全部 {ARTICLES + 1} 条符合筛选的命中"
    page.fill("#note", "样例，不属差错")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.click("button[data-bulk=dismissed]")
    page.wait_for_selector("#toast:has-text('已设为已排除')")
    assert asked and f"{ARTICLES + 1} 条" in asked[0]
    assert _statuses(world, account_id)["dismissed"] == ARTICLES
    assert page.input_value("#note") == ""  # the note went with that action and no further
    screenshot(page, "review-bulk", tmp_path)

    # The selection is kept: 退回待审 undoes it, though those hits no longer match "待审核".
    assert page.inner_text("[data-testid=selected-count]") == f"已选刚才处理的 {ARTICLES + 1} 条"
    page.click("button[data-bulk=pending]")
    page.wait_for_selector("#toast:has-text('已设为待审核')")
    assert _statuses(world, account_id) == {"pending": ARTICLES, "confirmed": 0, "dismissed": 0}

    # A later single review carries no leftover note.
    page.reload()
    first = int(rows.first.get_attribute("data-id"))
    page.keyboard.press("c")
    page.wait_for_selector(f'li.hit-row[data-id="{first}"].status-confirmed')
    hit = httpx.get(f"{world.url}/api/hits/{first}", headers=ADMIN, timeout=10).json()
    assert hit["status"] == "confirmed"
    log = httpx.get(f"{world.url}/api/hits/{first}/log", headers=ADMIN, timeout=10).json()["items"]
    assert [(e["to_status"], e["note"]) for e in log] == [
        ("dismissed", "样例，不属差错"),
        ("pending", None),
        ("confirmed", None),
    ]

    # Page 2 by its number.
    page.click("[data-testid=pager] a.page:text-is('2')")
    expect(rows).to_have_count(ARTICLES - 50)  # one of the 61 was just confirmed


def test_a_page_of_the_queue_cancelled_dismissal_changes_nothing(
    page: Any, world: World, bulk_account: dict[str, Any]
) -> None:
    account_id = bulk_account["id"]
    login(page, world.tokens["reviewer"], "/review")
    page.goto(f"/review?account_id={account_id}&status=pending")
    before = _statuses(world, account_id)
    page.check("#select-all")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("button[data-bulk=dismissed]")
    page.wait_for_timeout(300)
    assert _statuses(world, account_id) == before


@pytest.mark.parametrize("path", ["/check", "/review", "/accounts", "/reports"])
def test_every_page_fits_a_phone(
    page: Any, world: World, bulk_account: dict[str, Any], tmp_path: Path, path: str
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, world.tokens["reviewer"], path)
    # Nothing wider than the screen, and the menu on one line (not one character per line).
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    heights = page.locator("header nav a").evaluate_all("links => links.map(a => a.getBoundingClientRect().height)")
    assert max(heights) < 40
    if path == "/review":
        # The filters are folded: the first hit is on the first screen.
        assert page.locator("#filters-box").get_attribute("open") is None
        top = page.locator("#queue li.hit-row").first.bounding_box()["y"]
        assert top < 844
    if path == "/accounts":
        table = page.locator("table[data-testid=accounts]")
        counts = table.locator("th").all_inner_texts()
        assert any("命中" in c or "待审核" in c for c in counts)
    screenshot(page, f"phone{path.replace('/', '-')}", tmp_path, full_page=True)
