"""The pages in Debian's chromium: draft check, review by keyboard, accounts, the quarter's report, scope and escaping."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import docx
import httpx
import pytest

from tests.conftest import ADMIN
from tests.web.conftest import LAST_QUARTER, World, login, screenshot

expect = pytest.importorskip(
    "playwright.sync_api", reason="浏览器测试跳过：没有安装 playwright（pip install -e '.[dev]'）"
).expect

DRAFT = "截止目前，全镇已完成隐患排查。他做为一名党员冲锋在前。会议要求深入推进一带一路战略。"


def _api_hit(world: World, hit_id: int) -> dict[str, Any]:
    response = httpx.get(f"{world.url}/api/hits/{hit_id}", headers=ADMIN, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def test_login_required_and_bad_token(page: Any, world: World, tmp_path: Path) -> None:
    page.goto("/review")
    page.wait_for_url("**/login?next=/review")
    page.fill("#token", "cm_not-a-real-token")
    page.click("button[type=submit]")
    assert "令牌无效" in page.inner_text(".error")
    page.fill("#token", "")
    screenshot(page, "login", tmp_path)
    page.fill("#token", world.tokens["reviewer"])
    page.click("button[type=submit]")
    page.wait_for_url("**/review")
    cookie = next(c for c in page.context.cookies() if c["name"] == "cuomin_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie") == ""  # the page's scripts cannot read the token
    page.click("text=退出")
    page.wait_for_url("**/login")
    page.goto("/check")
    page.wait_for_url("**/login?next=/check")


def test_draft_check_highlights_adopt_and_verdict(page: Any, world: World, tmp_path: Path) -> None:
    login(page, world.tokens["editor_a"])
    page.fill("#draft", DRAFT)
    page.click("#run")
    marks = page.locator("#annotated mark.hit")
    marks.first.wait_for()
    assert marks.count() == 3
    assert [marks.nth(i).inner_text() for i in range(3)] == ["截止", "做为", "一带一路战略"]
    assert page.locator("#annotated mark.sev-serious").inner_text() == "一带一路战略"
    assert page.locator("#annotated mark.sev-warning").count() == 2
    assert page.get_attribute("#verdict", "data-verdict") == "serious"
    assert "存在严重表述错误" in page.inner_text("#verdict")
    counts = page.inner_text("#counts")
    assert "常见错别字" in counts and "2" in counts and "过时表述" in counts
    # The list: the most serious first, then by position.
    items = page.locator("#hits > li")
    assert items.count() == 3
    assert [items.nth(i).locator(".wrong").inner_text() for i in range(3)] == ["一带一路战略", "截止", "做为"]

    # Hover shows the message, the suggestion and the source.
    page.hover("#annotated mark.sev-serious")
    popover = page.locator("#popover")
    popover.wait_for(state="visible")
    text = popover.inner_text()
    assert "“一带一路”倡议" in text and "出处" in text and "严重表述错误" in text
    screenshot(page, "check", tmp_path, full_page=True)

    # 采纳 on the serious hit: the text changes, the check runs again, the verdict turns.
    popover.locator("button[data-adopt]").first.click()
    page.wait_for_selector("#verdict[data-verdict=ok]")
    assert "可以发布" in page.inner_text("#verdict")
    assert page.locator("#annotated mark.hit").count() == 2
    assert "推进“一带一路”倡议" in page.input_value("#draft")

    # 全部采纳 fixes the rest; the corrected text is what gets copied.
    page.click("#apply-all")
    expect(page.locator("#annotated mark.hit")).to_have_count(0)
    corrected = "截至目前，全镇已完成隐患排查。他作为一名党员冲锋在前。会议要求深入推进“一带一路”倡议。"
    assert page.input_value("#draft") == corrected
    assert page.inner_text("#annotated") == corrected
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=world.url)
    page.click("#copy")
    page.wait_for_selector("#toast:has-text('已复制')")
    assert page.evaluate("navigator.clipboard.readText()") == corrected


WECHAT_PAGE = (Path(__file__).parents[1] / "ingest" / "data" / "wechat_article.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("width", [1280, 390])
def test_draft_title_stale_result_undo_and_choices(page: Any, world: World, tmp_path: Path, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 860})
    login(page, world.tokens["editor_a"])
    page.fill("#title", "中华人民共合国成立纪念")
    page.fill("#draft", "他做为党员，曾在铁道部工作。")
    page.click("#run")
    # The title is checked too, and its serious hit leads the list.
    page.wait_for_selector("#annotated-title mark.sev-serious")
    assert page.inner_text("#annotated-title mark.hit") == "中华人民共合国"
    first = page.locator("#hits > li").first
    assert "标题" in first.inner_text() and "中华人民共合国" in first.inner_text()
    assert page.get_attribute("#verdict", "data-verdict") == "serious"
    assert page.locator("#annotated mark.hit").count() == 2

    # Typing after the check: the result is marked out of date and its buttons refuse to act on it.
    page.locator("#draft").press("End")
    page.locator("#draft").type("截止目前")
    expect(page.locator("#stale")).to_be_visible()
    expect(page.locator("#apply-all")).to_be_disabled()
    expect(page.locator("#hits button[data-adopt]").first).to_be_disabled()
    screenshot(page, f"check-stale-{width}", tmp_path, full_page=True)
    page.click("#recheck")
    expect(page.locator("#stale")).to_be_hidden()
    expect(page.locator("#annotated mark.hit")).to_have_count(3)  # the typed 截止 is checked: nothing was lost

    # 全部采纳 takes only single suggestions; 铁道部 has two and waits for the editor's choice.
    page.click("#apply-all")
    page.wait_for_selector("#toast:has-text('1 处有多个建议')")
    expect(page.locator("#title")).to_have_value("中华人民共和国成立纪念")
    expect(page.locator("#draft")).to_have_value("他作为党员，曾在铁道部工作。截至目前")
    expect(page.locator("#annotated mark.hit")).to_have_count(1)
    assert page.inner_text("#annotated mark.hit") == "铁道部"
    assert page.inner_text("#text-heading") == "修改后的文本"
    changes = page.locator("#change-list li")
    expect(changes).to_have_count(3)
    assert [changes.nth(i).inner_text() for i in range(3)] == [
        "标题：中华人民共合国→中华人民共和国",
        "做为→作为",
        "截止→截至",
    ]
    choices = page.locator("#hits button[data-adopt]")
    assert [choices.nth(i).inner_text() for i in range(2)] == ["采纳：国家铁路局", "采纳：中国国家铁路集团有限公司"]
    choices.nth(1).click()
    expect(page.locator("#draft")).to_have_value("他作为党员，曾在中国国家铁路集团有限公司工作。截至目前")
    expect(changes).to_have_count(4)
    screenshot(page, f"check-changes-{width}", tmp_path, full_page=True)

    # Undo, step by step, back to the text as checked.
    page.click("#undo")
    expect(page.locator("#draft")).to_have_value("他作为党员，曾在铁道部工作。截至目前")
    expect(changes).to_have_count(3)
    page.click("#undo")
    expect(page.locator("#draft")).to_have_value("他做为党员，曾在铁道部工作。截止目前")
    expect(page.locator("#title")).to_have_value("中华人民共合国成立纪念")
    expect(page.locator("#changes")).to_be_hidden()
    expect(page.locator("#undo")).to_be_disabled()
    assert page.inner_text("#text-heading") == "原文"


def test_a_refused_upload_leaves_no_old_result_and_wechat_fills_the_date(page: Any, world: World) -> None:
    login(page, world.tokens["editor_a"])
    page.fill("#draft", "他做为党员。")
    page.click("#run")
    expect(page.locator("#annotated mark.hit")).to_have_count(1)
    page.set_input_files("#file", {"name": "稿件.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"})
    page.wait_for_selector("#toast:has-text('只支持')")
    expect(page.locator("#result")).to_be_hidden()
    page.set_input_files("#file", {"name": "文章.html", "mimeType": "text/html", "buffer": WECHAT_PAGE.encode("utf-8")})
    expect(page.locator("#annotated mark.hit")).to_have_count(2)
    expect(page.locator("#date")).to_have_value("2024-05-01")
    expect(page.locator("#title")).to_have_value("我县召开安全生产工作会议")
    extracted = page.inner_text("#extracted")
    assert "我县召开安全生产工作会议" in extracted and "某某县发布" in extracted and "2024-05-01" in extracted


def test_script_in_a_draft_stays_text(page: Any, world: World) -> None:
    login(page, world.tokens["editor_a"])
    draft = '通知<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">截止目前'
    page.fill("#draft", draft)
    page.click("#run")
    page.locator("#annotated mark.hit").first.wait_for()
    assert page.inner_text("#annotated") == draft
    assert page.locator("#annotated script, #annotated img").count() == 0
    assert page.evaluate("window.__pwned") is None
    # Stored titles and texts are escaped by the templates too (the review page shows a <script> title).
    page.goto("/review?status=all&q=审核样例二")
    assert "<script>window.__pwned=3</script>审核样例二" in page.inner_text("#queue")
    assert page.locator("#queue script").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_uploads_and_wechat_html(page: Any, world: World, tmp_path: Path) -> None:
    login(page, world.tokens["editor_a"])
    document = docx.Document()
    document.add_paragraph("截止目前，全镇已完成隐患排查。")
    document.add_paragraph("他做为一名党员冲锋在前。")
    path = tmp_path / "稿件.docx"
    document.save(str(path))
    page.set_input_files("#file", str(path))
    expect(page.locator("#annotated mark.hit")).to_have_count(2)
    assert page.input_value("#draft") == "截止目前，全镇已完成隐患排查。\n他做为一名党员冲锋在前。"

    html = (
        '<!DOCTYPE html><html><head><title>公众号文章</title></head><body><div id="js_content">'
        "<p>截止目前，各村已完成排查。</p><script>window.__pwned = 5</script></div></body></html>"
    )
    page.fill("#draft", html)
    page.click("#run")
    expect(page.locator("#draft")).to_have_value("截止目前，各村已完成排查。")
    expect(page.locator("#annotated mark.hit")).to_have_count(1)
    assert page.evaluate("window.__pwned") is None


def test_review_by_keyboard_and_the_api_agrees(page: Any, world: World, tmp_path: Path) -> None:
    login(page, world.tokens["reviewer"], "/review")
    queue_account = world.accounts["queue"]["id"]
    page.goto(f"/review?account_id={queue_account}&status=pending")
    rows = page.locator("#queue li.hit-row")
    # Newest article first: 审核样例二's 截止, then 审核样例一's 截止, 做为 and 一带一路战略.
    assert [rows.nth(i).get_attribute("data-text") for i in range(rows.count())] == [
        "截止",
        "截止",
        "做为",
        "一带一路战略",
    ]
    ids = [int(rows.nth(i).get_attribute("data-id")) for i in range(4)]
    assert "current" in (rows.nth(0).get_attribute("class") or "")
    screenshot(page, "review", tmp_path)

    def has_status(hit_id: int, status: str) -> None:
        page.wait_for_selector(f'li.hit-row[data-id="{hit_id}"].status-{status}')

    page.keyboard.press("j")
    page.keyboard.press("k")
    page.fill("#note", "确属错别字")
    page.press("#note", "Enter")  # back to the queue
    page.keyboard.press("c")  # confirm the first, move to the second
    has_status(ids[0], "confirmed")
    assert _api_hit(world, ids[0])["status"] == "confirmed"
    assert _api_hit(world, ids[0])["note"] == "确属错别字"
    assert "current" in (rows.nth(1).get_attribute("class") or "")
    page.fill("#note", "")
    page.press("#note", "Escape")
    page.keyboard.press("d")  # dismiss the second, move to the third
    has_status(ids[1], "dismissed")
    assert _api_hit(world, ids[1])["status"] == "dismissed"

    # e: exempt the third hit's phrase (做为) for its account, with a reason.
    page.keyboard.press("e")
    page.locator("#exempt-dialog").wait_for(state="visible")
    assert page.input_value("#exempt-form input[name=phrase]") == "做为"
    page.fill("#exempt-form textarea[name=reason]", "引用的是旧文件原文")
    page.click("#exempt-form button[type=submit]")
    has_status(ids[2], "dismissed")
    assert _api_hit(world, ids[2])["status"] == "dismissed"
    exemptions = httpx.get(f"{world.url}/api/exemptions", headers=ADMIN, timeout=10).json()["items"]
    assert any(e["value"] == "做为" and e["account_id"] == queue_account for e in exemptions)

    # Bulk: select with x (and a checkbox), then 退回待审 for both.
    rows.nth(0).locator(".context").click()
    page.keyboard.press("x")
    rows.nth(1).locator(".pick").check()
    assert page.inner_text("#selected-count") == "已选 2 条"
    page.click("button[data-bulk=pending]")
    has_status(ids[0], "pending")
    has_status(ids[1], "pending")
    assert [_api_hit(world, i)["status"] for i in ids[:2]] == ["pending", "pending"]


def test_an_editor_sees_only_their_organisation(page: Any, world: World) -> None:
    login(page, world.tokens["editor_a"], "/review")
    page.goto("/review?status=all")
    queue = page.inner_text("#queue")
    assert "新时代新万店" in queue and "幸福西城" not in queue
    assert page.locator("button[data-act]").count() == 0  # editors do not review
    assert page.locator("#bulk").count() == 0
    assert page.locator("nav >> text=季度报告").count() == 0
    page.goto("/accounts")
    table = page.inner_text("table[data-testid=accounts]")
    assert "新时代新万店" in table and "幸福西城" not in table
    street = world.accounts["street"]["id"]
    response = page.goto(f"/accounts/{street}")
    assert response.status == 404 and "账号不存在" in page.inner_text("main")
    response = page.goto("/reports")
    assert response.status == 403
    # The page's own API calls carry the same scope: another organisation's hit does not exist.
    street_hit = world.hits["street"][0]["id"]
    status = page.evaluate("async (id) => (await fetch(`/api/hits/${id}`)).status", street_hit)
    assert status == 404
    status = page.evaluate(
        """async (id) => (await fetch(`/api/hits/${id}`, {method: 'PATCH',
             headers: {'Content-Type': 'application/json',
                       'X-CSRF-Token': document.querySelector('meta[name=csrf-token]').content},
             body: JSON.stringify({status: 'confirmed'})})).status""",
        world.hits["town"][0]["id"],
    )
    assert status == 403


def test_accounts_and_one_account(page: Any, world: World, tmp_path: Path) -> None:
    login(page, world.tokens["reviewer"], "/accounts")
    rows = page.locator("table[data-testid=accounts] tbody tr")
    # The seeded accounts (other tests of the session may have added theirs).
    for account in world.accounts.values():
        assert rows.filter(has_text=account["filing_no"]).count() == 1
    weibo = rows.filter(has_text="万店发布")
    assert "超2周未更新" in weibo.inner_text()  # 45 days without an article
    assert "超2周未更新" not in rows.filter(has_text="新时代新万店").inner_text()
    assert "西城街道办事处" in rows.filter(has_text="幸福西城").inner_text()
    screenshot(page, "accounts", tmp_path, full_page=True)
    page.click("text=新时代新万店")
    page.wait_for_url(re.compile(r"/accounts/\d+$"))
    chart = page.locator("svg[data-testid=chart]")
    assert chart.locator("rect.bar").count() == 12
    assert chart.locator("rect.bar-serious").count() >= 1
    assert "全镇召开安全生产会议" in page.inner_text("main")
    assert page.locator("[data-testid=account-hits] li").count() == len(world.hits["town"])
    screenshot(page, "account", tmp_path, full_page=True)


def test_quarter_report_download_and_rescan(page: Any, world: World, tmp_path: Path) -> None:
    login(page, world.tokens["reviewer"], "/reports")
    assert page.input_value("#quarter") == LAST_QUARTER.key  # the quarter just ended, by default
    page.goto(f"/reports?quarter={LAST_QUARTER.key}")
    paragraphs = page.inner_text("[data-testid=paragraphs]")
    assert "检查中发现存在问题的政务新媒体" in paragraphs
    annex = page.inner_text("[data-testid=annex]")
    assert f"检查政务新媒体发现的问题清单（{LAST_QUARTER.label}）" in annex
    assert "新时代新万店" in annex and "幸福西城" in annex and "出现严重表述错误" in annex
    assert "主动公开信息321条" in paragraphs and "共1个部门受理问政信件2件" in paragraphs
    assert "（四）政府信息公开平台检查情况。" in paragraphs
    assert "万店镇兴隆村村民委员会“村（居）信息公开平台”栏目应更新未更新。" in paragraphs
    annex2 = page.inner_text("[data-testid=annex2]")
    assert "万店镇兴隆村村民委员会" in annex2 and "“村务公开”栏目超6个月未更新" in annex2
    assert "未发现栏目应更新未更新的单位" in page.inner_text("[data-testid=annex3]")
    assert "没有登记栏目" in page.inner_text("[data-testid=notes]")  # the town has no columns
    screenshot(page, "report", tmp_path, full_page=True)

    with page.expect_download() as caught:
        page.click("a[data-format=docx]")
    path = tmp_path / "通报.docx"
    caught.value.save_as(str(path))
    document = docx.Document(io.BytesIO(path.read_bytes()))
    assert len(document.tables) == 3  # annexes 1, 2 and 3
    assert any("主动公开信息321条" in p.text for p in document.paragraphs)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "新时代新万店" in cells and "3025416030979726" in cells
    assert any("出现严重表述错误" in cell for cell in cells)

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#rescan")
    # At once: it has started (never a bare 0 / N), then the counts as it goes.
    progress = page.locator("[data-testid=rescan-progress]")
    expect(progress).to_contain_text("重新扫描")
    page.wait_for_selector("[data-testid=rescan-progress][data-status=done]", timeout=60_000)
    assert "重新扫描完成" in page.inner_text("[data-testid=rescan-progress]")
    assert "100%" in page.inner_text("[data-testid=rescan-progress]")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_report_says_what_still_awaits_review(page: Any, world: World, tmp_path: Path, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 860})
    login(page, world.tokens["reviewer"], f"/reports?quarter={LAST_QUARTER.key}")
    report = httpx.get(f"{world.url}/api/reports/{LAST_QUARTER.key}", headers=ADMIN, timeout=10).json()
    assert report["pending_hits"] > 0  # the seed leaves the last quarter's warnings pending
    note = page.locator("[data-testid=pending]")
    expect(note).to_contain_text(f"本季度还有 {report['pending_hits']} 条待审核")
    screenshot(page, f"report-pending-{width}", tmp_path)
    # The page is no wider than the screen; the annex scrolls sideways inside its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.click("[data-testid=pending-link]")
    page.wait_for_url(f"**/review?quarter={LAST_QUARTER.key}&status=pending")
    rows = page.locator("#queue li.hit-row")
    expect(rows.first).to_be_visible()
    assert page.inner_text("[data-testid=total]") == f"共 {report['pending_hits']} 条"
