"""Administrator and reviewer pages in the browser: 账号管理 (register, import with row errors, edit, deactivate),
豁免 (revoke, and the count an exemption will dismiss before it does), the full article, a hit's review log."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import Workbook

from tests.conftest import ADMIN, ADMIN_TOKEN
from tests.web.conftest import World, login, screenshot

expect = pytest.importorskip(
    "playwright.sync_api", reason="浏览器测试跳过：没有安装 playwright（pip install -e '.[dev]'）"
).expect


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("width", [1280, 390])
def test_accounts_registered_imported_edited_and_deactivated(
    page: Any, world: World, tmp_path: Path, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    login(page, ADMIN_TOKEN, "/admin/accounts")
    suffix = str(width)
    form = page.locator("[data-testid=register-form]")
    form.locator("input[name=filing_no]").fill(f"ADM-{suffix}")
    form.locator("input[name=name]").fill(f"管理样例{suffix}")
    form.locator("select[name=platform]").select_option("weibo")
    form.locator("input[name=organization]").fill("管理测试局")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#toast:has-text('已登记')")
    row = page.locator(f"tr[data-filing-no='ADM-{suffix}']")
    expect(row).to_contain_text("微博")

    # The circular's annex layout, with a row the CLI would refuse: the table names its line.
    data = _xlsx(
        [
            ["备案单号", "政务新媒体名称", "类型", "所属组织"],
            [f"IMP-{suffix}-1", f"导入样例{suffix}", "微信公众号", "管理测试局"],
            [f"IMP-{suffix}-2", "", "微信", "管理测试局"],
            [f"IMP-{suffix}-3", "导入样例三", "短视频", "管理测试局"],
        ]
    )
    page.set_input_files(
        "[data-testid=import-form] input[type=file]",
        {"name": "名录.xlsx", "mimeType": "application/octet-stream", "buffer": data},
    )
    page.click("[data-testid=import-form] button[type=submit]")
    result = page.locator("[data-testid=import-result]")
    expect(result).to_contain_text("新增 1 个")
    errors = result.locator("table tbody tr")
    expect(errors).to_have_count(2)
    assert errors.nth(0).inner_text().startswith("3") and "缺少政务新媒体名称" in errors.nth(0).inner_text()
    assert "短视频" in errors.nth(1).inner_text()
    screenshot(page, f"admin-accounts-{width}", tmp_path, full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # Edit, then deactivate (asked first) and re-enable.
    page.reload()
    row.locator("[data-edit]").click()
    page.fill("#edit-form input[name=name]", f"管理样例{suffix}（改）")
    page.click("#edit-form button[type=submit]")
    expect(row).to_contain_text(f"管理样例{suffix}（改）")
    page.once("dialog", lambda dialog: dialog.accept())
    row.locator("[data-deactivate]").click()
    expect(row).to_contain_text("已停用")
    account = httpx.get(f"{world.url}/api/accounts", params={"q": f"ADM-{suffix}"}, headers=ADMIN, timeout=10).json()[
        "items"
    ][0]
    assert account["active"] is False and account["name"] == f"管理样例{suffix}（改）"
    row.locator("[data-activate]").click()
    expect(row).to_contain_text("启用")
    expect(row.locator("[data-deactivate]")).to_be_visible()


def test_exemption_preview_revoke_article_view_and_log(page: Any, world: World, tmp_path: Path) -> None:
    login(page, world.tokens["reviewer"], "/review")
    street = world.accounts["street"]["id"]
    page.goto(f"/review?account_id={street}&status=all")
    row = page.locator("#queue li.hit-row[data-text='做为']").first
    row.locator(".context").click()
    # The dialog says how many pending hits the exemption will dismiss, before anything is stored.
    page.keyboard.press("e")
    preview = page.locator("[data-testid=exempt-preview]")
    expect(preview).to_contain_text("将立即排除")
    shown = int(preview.get_attribute("data-count"))
    page.select_option("#exempt-form select[name=scope]", "global")
    expect(preview).not_to_have_attribute("data-count", str(shown))
    wider = int(preview.get_attribute("data-count"))
    assert wider >= shown
    page.select_option("#exempt-form select[name=scope]", "account")
    expect(preview).to_have_attribute("data-count", str(shown))
    page.fill("#exempt-form textarea[name=reason]", "引用原文")
    page.click("#exempt-form button[type=submit]")
    page.wait_for_selector(f"#toast:has-text('排除了 {shown} 条')")

    # The article in full, its hits marked; the log of the exempted hit.
    page.goto(f"/review?account_id={street}&status=all")
    page.locator("#queue li.hit-row[data-text='做为'] [data-testid=article-link]").first.click()
    page.wait_for_url("**/articles/*")
    assert page.locator("[data-testid=article-text] mark.hit").count() >= 1
    assert "做为" in page.locator("[data-testid=article-text] mark.hit").all_inner_texts()
    page.locator("[data-testid=article-hits] li.status-dismissed [data-log]").first.click()
    log = page.locator("[data-testid=log-dialog]")
    expect(log).to_be_visible()
    expect(log).to_contain_text("已排除")
    expect(log).to_contain_text("引用原文")
    screenshot(page, "article", tmp_path, full_page=True)
    log.locator("[data-close]").click()

    # 豁免: listed with its reason; revoked after a confirmation, kept as a record.
    page.goto("/exemptions")
    listed = page.locator("[data-testid=exemptions] tr[data-id]").filter(has_text="引用原文")
    expect(listed).to_have_count(1)
    screenshot(page, "exemptions", tmp_path)
    page.once("dialog", lambda dialog: dialog.accept())
    listed.locator("[data-revoke]").click()
    page.wait_for_selector("#toast:has-text('已删除豁免')")
    page.wait_for_load_state("load")
    expect(page.locator("[data-testid=exemptions] tr[data-id]").filter(has_text="引用原文")).to_have_count(0)
    page.goto("/exemptions?deleted=1")
    expect(page.locator("[data-testid=exemptions] tr[data-id]").filter(has_text="引用原文")).to_contain_text("删除")
