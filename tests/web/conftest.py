"""The pages in a real browser: `cuomin serve` in a subprocess on a free loopback port (temp SQLite, the shipped
lexicons), seeded through the JSON API, driven by Playwright with Debian's chromium.

The browser tests skip, saying why, only where no chromium can be found (`.ci/run` installs Debian's `chromium`
package when /usr/bin/chromium is missing). Screenshots go to the test's temp directory and, with
CUOMIN_SCREENSHOTS=1 (or when the file is not there yet), to docs/screenshots/ for the README.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.clock import CST
from app.config import DEFAULT_LEXICON_DIR
from app.reports import Quarter
from tests.conftest import ADMIN, ADMIN_TOKEN
from tests.serving import cuomin_serve

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000  # any single wait in a page; the suite stays bounded on a 2-core machine


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CUOMIN_CHROMIUM"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium")


@dataclass
class World:
    """The running service and what was seeded into it."""

    url: str
    tokens: dict[str, str]  # editor_a, editor_b, reviewer
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)  # key → the API's account
    hits: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # account key → its hits (API)

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=ADMIN, timeout=30)


# Articles relative to today, so that "stale" and "the last quarter" mean the same whenever the tests run.
TODAY = dt.datetime.now(CST).date()
LAST_QUARTER = Quarter.containing(TODAY).previous()


def _at(day: dt.date, hour: int = 10) -> str:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=CST).isoformat()


ACCOUNTS = {
    # key: (filing_no, name, platform, organization)
    "town": ("70743", "新时代新万店", "微信", "万店镇人民政府"),
    "town_weibo": ("70744", "万店发布", "微博", "万店镇人民政府"),
    "queue": ("70745", "万店审核样例", "微信", "万店镇人民政府"),
    "street": ("3025416030979726", "幸福西城", "微信", "西城街道办事处"),
}

ARTICLES: list[tuple[str, str, dt.date, str]] = [
    # account key, title, published, text
    (
        "town",
        "全镇召开安全生产会议",
        LAST_QUARTER.start + dt.timedelta(days=12),
        "截止目前，全镇已完成隐患排查。他做为一名党员冲锋在前。会议要求深入推进一带一路战略。",
    ),
    (
        "town",
        "镇政府发布防汛通知",
        LAST_QUARTER.start + dt.timedelta(days=40),
        "各村要认真落实防汛责任，中华人民共合国防汛条例是依据。",
    ),
    ("town", "本周便民服务安排", TODAY - dt.timedelta(days=3), "截止本周五，便民服务大厅照常办公。"),
    ("town_weibo", "万店镇乡村振兴纪实", TODAY - dt.timedelta(days=45), "他做为村支书带领群众致富。"),
    (
        "queue",
        "审核样例一",
        TODAY - dt.timedelta(days=2),
        "截止目前，全镇共有志愿者三百名。他做为志愿者代表发言。推进一带一路战略取得新成效。",
    ),
    (
        "queue",
        "<script>window.__pwned=3</script>审核样例二",
        TODAY - dt.timedelta(days=1),
        "截止昨天，<b>本周</b>工作已完成。<script>window.__pwned=4</script>",
    ),
    (
        "street",
        "西城街道开展文明创建",
        LAST_QUARTER.start + dt.timedelta(days=20),
        "街道工作人员做为志愿者参与活动，推进一带一路战略。",
    ),
    ("street", "西城街道近期工作", TODAY - dt.timedelta(days=5), "截止目前，街道已走访居民八百户。"),
]


def _seed(url: str, tokens_for: Any) -> World:
    with httpx.Client(base_url=url, headers=ADMIN, timeout=30) as api:
        world = World(url=url, tokens={})
        for key, (filing_no, name, platform, organization) in ACCOUNTS.items():
            response = api.post(
                "/api/accounts",
                json={"filing_no": filing_no, "name": name, "platform": platform, "organization": organization},
            )
            assert response.status_code == 201, response.text
            world.accounts[key] = response.json()
            world.hits[key] = []
        for key, title, day, text in ARTICLES:
            response = api.post(
                "/api/articles",
                json={"account_id": world.accounts[key]["id"], "title": title, "published_at": _at(day), "text": text},
            )
            assert response.status_code == 201, response.text
            world.hits[key] += response.json()["hits"]
        # The last quarter's serious hits of two accounts are confirmed: the report has an annex.
        serious = [
            h["id"]
            for key in ("town", "street")
            for h in api.get(
                "/api/hits",
                params={
                    "account_id": world.accounts[key]["id"],
                    "severity": "serious",
                    "date_from": LAST_QUARTER.start.isoformat(),
                    "date_to": LAST_QUARTER.end.isoformat(),
                },
            ).json()["items"]
        ]
        assert serious, "the seed articles should have serious hits in the last quarter"
        response = api.post("/api/hits/review", json={"ids": serious, "status": "confirmed", "note": "确属错误"})
        assert response.status_code == 200, response.text
        # A town and one of its villages whose column was last updated a year before the quarter ended, and the
        # quarter's counts: the report has sections (一)–(四) and an annex 2.
        for unit in (
            {"name": "万店镇人民政府", "kind": "镇办"},
            {"name": "兴隆村村民委员会", "kind": "村（居）", "town": "万店镇人民政府"},
        ):
            created = api.post("/api/platforms", json=unit)
            assert created.status_code == 201, created.text
        stale = {
            "name": "村务公开",
            "cycle": "6个月",
            "updated_on": (LAST_QUARTER.start - dt.timedelta(days=300)).isoformat(),
        }
        assert api.post(f"/api/platforms/{created.json()['id']}/columns", json=stale).status_code == 201
        counts = {
            "proactive": 321,
            "letters": [{"department": "区民政局", "type": "建议", "received": 2, "replied": 2}],
        }
        assert api.put(f"/api/disclosures/{LAST_QUARTER.key}", json=counts).status_code == 200
    world.tokens = tokens_for(world)
    return world


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from app.db import create_db_engine, session_factory, upgrade
    from app.services.tokens import create_token
    from app.vocabulary import Role

    workdir = tmp_path_factory.mktemp("web")
    database_url = f"sqlite:///{workdir / 'cuomin.db'}"
    engine = create_db_engine(database_url)
    upgrade(engine)
    env = {
        "CUOMIN_DATABASE_URL": database_url,
        "CUOMIN_LEXICON_DIR": str(DEFAULT_LEXICON_DIR),
        "CUOMIN_ADMIN_TOKEN": ADMIN_TOKEN,
        "CUOMIN_RESCAN_WORKERS": "1",
    }

    def tokens_for(world: World) -> dict[str, str]:
        organizations = {a["organization"]["name"]: a["organization"]["id"] for a in world.accounts.values()}
        made = {}
        with session_factory(engine)() as session:
            for key, role, organization in (
                ("editor_a", Role.editor, organizations["万店镇人民政府"]),
                ("editor_b", Role.editor, organizations["西城街道办事处"]),
                ("reviewer", Role.reviewer, None),
            ):
                name = {"editor_a": "万店镇编辑", "editor_b": "西城街道编辑", "reviewer": "区政务公开办"}[key]
                _, clear = create_token(
                    session=session, role=role, name=name, organization=str(organization) if organization else None
                )
                made[key] = clear
        return made

    try:
        with cuomin_serve(workdir, env) as running:
            yield _seed(running.url, tokens_for)
    finally:
        engine.dispose()


# -- the browser -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        pytest.skip(
            "浏览器测试跳过：没有找到 chromium（/usr/bin/chromium）。Debian 上 `apt-get install chromium`，"
            "或用 CUOMIN_CHROMIUM 指定可执行文件；.ci/run 会自动安装。"
        )
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="浏览器测试跳过：没有安装 playwright（pip install -e '.[dev]'）"
    )
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, timeout=60_000)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def context(browser: Any, world: World) -> Iterator[Any]:
    context = browser.new_context(
        base_url=world.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1280, "height": 860},
        accept_downloads=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(context: Any) -> Any:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # The pages' Content-Security-Policy allows only their own files: a violation means something was blocked.
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    assert not errors, f"JavaScript errors or CSP violations on the page: {errors}"


def login(page: Any, token: str, next_path: str = "/check") -> None:
    page.goto(f"/login?next={next_path}")
    page.fill("#token", token)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{next_path}")


def screenshot(page: Any, name: str, tmp_path: Path, *, full_page: bool = False) -> Path:
    """A screenshot in the test's temp directory; copied to docs/screenshots/ with CUOMIN_SCREENSHOTS=1 or
    when it is not there yet (so that an ordinary test run does not rewrite the committed pictures)."""
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    target = SCREENSHOTS / f"{name}.png"
    if os.environ.get("CUOMIN_SCREENSHOTS") == "1" or not target.exists():
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return path
