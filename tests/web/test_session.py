"""The pages' session without a browser: login and logout, the cookie, CSRF on the API, scope, escaping, extraction."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.session_cookie import CSRF_HEADER, SESSION_COOKIE, csrf_token
from app.web.routes import mark_context
from tests.conftest import ADMIN, ADMIN_TOKEN, MINI_LEXICON, DatabaseUnderTest


@pytest.fixture
def client(db: DatabaseUnderTest) -> Iterator[TestClient]:
    settings = Settings(lexicon_dir=MINI_LEXICON, database_url=db.url, admin_token=ADMIN_TOKEN)
    with TestClient(create_app(settings), follow_redirects=False) as client:
        yield client


@pytest.fixture
def seeded(client: TestClient, db: DatabaseUnderTest) -> dict[str, Any]:
    """Two organisations, an account and an article (with a <script> title) in each, and an editor token for the first."""
    from app.db import create_db_engine, session_factory
    from app.services.tokens import create_token
    from app.vocabulary import Role

    made: dict[str, Any] = {}
    for key, filing_no, organization in (("a", "A-1", "甲镇人民政府"), ("b", "B-1", "乙街道办事处")):
        account = client.post(
            "/api/accounts",
            headers=ADMIN,
            json={
                "filing_no": filing_no,
                "name": f"{organization}发布",
                "platform": "微信",
                "organization": organization,
            },
        ).json()
        article = client.post(
            "/api/articles",
            headers=ADMIN,
            json={
                "account_id": account["id"],
                "title": f"<script>alert('{key}')</script>通知",
                "published_at": "2024-05-01T10:00:00+08:00",
                "text": "截止目前，他做为党员冲锋在前。",
            },
        ).json()
        made[key] = {"account": account, "hits": article["hits"]}
    engine = create_db_engine(db.url)
    with session_factory(engine)() as session:
        for role, organization, key in ((Role.editor, "甲镇人民政府", "editor"), (Role.reviewer, None, "reviewer")):
            made[key] = create_token(session=session, role=role, organization=organization)[1]
    engine.dispose()
    return made


def _login(client: TestClient, token: str) -> None:
    response = client.post("/login", data={"token": token, "next": "/review"})
    assert response.status_code == 303 and response.headers["location"] == "/review"


@pytest.mark.parametrize(
    "path",
    [
        "/check",
        "/review?status=all",
        "/accounts",
        "/accounts/1",
        "/reports",
        "/exemptions",
        "/admin/accounts",
        "/articles/1",
    ],
)
def test_pages_send_a_visitor_without_a_session_to_login(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/")


def test_login_sets_a_strict_httponly_cookie(client: TestClient) -> None:
    assert client.post("/login", data={"token": "cm_wrong"}).status_code == 401
    assert client.post("/login", data={"token": ""}).status_code == 401
    response = client.post("/login", data={"token": ADMIN_TOKEN, "next": "/accounts"})
    assert response.status_code == 303 and response.headers["location"] == "/accounts"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=") and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Path=/" in cookie
    assert client.get("/login").status_code == 303  # already signed in
    policy = client.get("/check").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_login_never_redirects_to_another_site(client: TestClient, target: str) -> None:
    response = client.post("/login", data={"token": ADMIN_TOKEN, "next": target})
    assert response.headers["location"] == "/check"


def test_login_posted_from_another_site_is_refused(client: TestClient) -> None:
    response = client.post("/login", data={"token": ADMIN_TOKEN}, headers={"Origin": "http://evil.example"})
    assert response.status_code == 403 and "set-cookie" not in response.headers
    assert "来自其他网站" in response.text


def test_the_api_takes_the_cookie_and_wants_csrf_for_changes(client: TestClient) -> None:
    _login(client, ADMIN_TOKEN)
    assert client.get("/api/me").json()["role"] == "admin"
    body = {"text": "截止目前"}
    refused = client.post("/api/check", json=body)
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    assert client.post("/api/check", json=body, headers={CSRF_HEADER: "0" * 64}).status_code == 403
    assert (
        client.post(
            "/api/check", json=body, headers={CSRF_HEADER: csrf_token(client.cookies[SESSION_COOKIE])}
        ).status_code
        == 200
    )
    # A bearer token needs no CSRF token: nothing a browser sends by itself.
    client.cookies.clear()
    assert client.post("/api/check", json=body, headers=ADMIN).status_code == 200
    assert client.get("/api/me").status_code == 401


def test_logout_needs_the_pages_csrf_field(client: TestClient) -> None:
    _login(client, ADMIN_TOKEN)
    assert client.post("/logout", data={"csrf_token": "nope"}).status_code == 403
    response = client.post("/logout", data={"csrf_token": csrf_token(client.cookies[SESSION_COOKIE])})
    assert response.status_code == 303 and f'{SESSION_COOKIE}=""' in response.headers["set-cookie"]


def test_an_editor_sees_only_their_organisation(client: TestClient, seeded: dict[str, Any]) -> None:
    _login(client, seeded["editor"])
    page = client.get("/review?status=all").text
    assert "甲镇人民政府发布" in page and "乙街道办事处发布" not in page
    assert 'data-act="confirmed"' not in page  # no review buttons for editors
    assert client.get(f"/accounts/{seeded['a']['account']['id']}").status_code == 200
    other = client.get(f"/accounts/{seeded['b']['account']['id']}")
    assert other.status_code == 404 and "账号不存在" in other.text
    assert client.get("/accounts/99999").status_code == 404
    assert "乙街道办事处发布" not in client.get("/accounts").text
    assert client.get("/reports").status_code == 403
    csrf = {CSRF_HEADER: csrf_token(client.cookies[SESSION_COOKIE])}
    hit = seeded["a"]["hits"][0]["id"]
    assert client.patch(f"/api/hits/{hit}", json={"status": "confirmed"}, headers=csrf).status_code == 403
    assert client.get(f"/api/hits/{seeded['b']['hits'][0]['id']}").status_code == 404


def test_stored_text_is_escaped(client: TestClient, seeded: dict[str, Any]) -> None:
    _login(client, seeded["reviewer"])
    for path in ("/review?status=all", f"/accounts/{seeded['a']['account']['id']}"):
        page = client.get(path).text
        assert "&lt;script&gt;alert(&#39;a&#39;)&lt;/script&gt;通知" in page
        assert "<script>alert" not in page
    assert 'data-act="confirmed"' in client.get("/review").text


def test_extract_reads_docx_html_and_gb18030_text(client: TestClient) -> None:
    assert client.post("/check/extract", files={"file": ("a.txt", b"x")}).status_code == 401
    _login(client, ADMIN_TOKEN)
    assert client.post("/check/extract", files={"file": ("a.txt", b"x")}).status_code == 403  # no CSRF header
    headers = {CSRF_HEADER: csrf_token(client.cookies[SESSION_COOKIE])}

    def extract(**kwargs: Any) -> Any:
        return client.post("/check/extract", headers=headers, **kwargs)

    document = docx.Document()
    document.add_paragraph("截止目前，")
    document.add_paragraph("他做为党员。")
    buffer = io.BytesIO()
    document.save(buffer)
    assert extract(files={"file": ("稿件.docx", buffer.getvalue())}).json()["text"] == "截止目前，\n他做为党员。"
    assert extract(files={"file": ("稿件.txt", "截止目前".encode("gb18030"))}).json()["text"] == "截止目前"
    page = '<html><body><div id="js_content"><p>截止目前</p><script>alert(1)</script></div></body></html>'
    assert extract(data={"html": page}).json()["text"] == "截止目前"
    plain = "<html><head><title>通知</title></head><body><p>他做为党员</p></body></html>"
    assert extract(data={"html": plain}).json() == {
        "text": "他做为党员",
        "title": "通知",
        "account": None,
        "published_on": None,
    }
    wechat = (Path(__file__).parents[1] / "ingest" / "data" / "wechat_article.html").read_text(encoding="utf-8")
    extracted = extract(data={"html": wechat}).json()
    assert (extracted["title"], extracted["account"], extracted["published_on"]) == (
        "我县召开安全生产工作会议",
        "某某县发布",
        "2024-05-01",
    )
    assert extract(files={"file": ("a.pdf", b"%PDF")}).status_code == 422
    assert extract(files={"file": ("a.docx", b"not a zip")}).status_code == 422
    assert extract(data={"html": "<html><body></body></html>"}).status_code == 422


def test_mark_context_finds_the_occurrence_at_the_hit() -> None:
    # 截止 twice in the context: the one where the hit is (20 characters after the context's start, capped).
    assert mark_context("截止前截止目前", "截止", 3, 20) == ("截止前", "截止", "目前")
    assert mark_context("截止前截止目前", "截止", 0, 20) == ("", "截止", "前截止目前")
    assert mark_context("无关", "截止", 5, 20) == ("无关", "", "")


def _bomb() -> bytes:
    """A real .docx whose document.xml inflates to 40 MB: a few hundred KB once compressed."""
    document = docx.Document()
    document.add_paragraph("截止目前")
    plain = io.BytesIO()
    document.save(plain)
    bomb = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + b"<w:p/>" * 7_000_000)
            target.writestr(item.filename, data)
    return bomb.getvalue()


def test_extract_refuses_a_docx_bomb_and_says_what_is_wrong(client: TestClient) -> None:
    """The probe: a 0.21 MB .docx cost 47.6 s and +845 MB; two files, or too long a page, got a message
    about JSON."""
    _login(client, ADMIN_TOKEN)
    headers = {CSRF_HEADER: csrf_token(client.cookies[SESSION_COOKIE])}
    bomb = _bomb()
    assert len(bomb) < 1_000_000
    refused = client.post("/check/extract", headers=headers, files={"file": ("稿件.docx", bomb)})
    assert refused.status_code == 422 and "解压后过大" in refused.json()["message"]
    two = client.post("/check/extract", headers=headers, files=[("file", ("a.txt", b"x")), ("file", ("b.txt", b"y"))])
    assert two.status_code == 422 and two.json()["message"] == "一次只能上传一个文件"
    long_page = client.post("/check/extract", headers=headers, files={"html": (None, "字" * 1_000_000)})
    assert long_page.status_code == 422 and "网页内容过大" in long_page.json()["message"]


def test_wrong_tokens_are_throttled_per_client_address(client: TestClient) -> None:
    """The probe: 2,000 wrong tokens at 22/s without slowing down."""
    answers = [client.post("/login", data={"token": f"cm_wrong{n}"}).status_code for n in range(12)]
    assert answers[:10] == [401] * 10 and answers[10:] == [429, 429]
    refused = client.post("/login", data={"token": ADMIN_TOKEN})  # even the right one waits now
    assert refused.status_code == 429 and 1 <= int(refused.headers["retry-after"]) <= 10
    assert "秒后再试" in refused.text


def test_the_session_lives_on_the_server_not_in_the_cookie(client: TestClient, db: DatabaseUnderTest) -> None:
    """The probe: the cookie held the raw API token, and logging out only cleared the cookie."""
    from app.db import session_factory
    from app.models import WebSession
    from app.services.tokens import create_token, revoke_token
    from app.vocabulary import Role

    with session_factory(db.engine)() as session:
        token_row, token = create_token(session=session, role=Role.reviewer, name="审核员甲")
    _login(client, token)
    session_id = client.cookies[SESSION_COOKIE]
    assert token not in session_id and ADMIN_TOKEN not in session_id
    assert client.get("/api/me").json()["name"] == "审核员甲"

    # Logging out ends it on the server: the same cookie, kept by a thief, no longer works.
    assert client.post("/logout", data={"csrf_token": csrf_token(session_id)}).status_code == 303
    client.cookies.set(SESSION_COOKIE, session_id)
    assert client.get("/api/me").status_code == 401
    assert client.get("/check").status_code == 303

    # Revoking the token ends its sessions; so does their expiry on the server.
    client.cookies.clear()
    _login(client, token)
    assert client.get("/api/me").status_code == 200
    with session_factory(db.engine)() as session:
        revoke_token(session=session, ident=str(token_row.id))
    assert client.get("/api/me").status_code == 401
    client.cookies.clear()
    _login(client, ADMIN_TOKEN)
    assert client.get("/api/me").status_code == 200
    with session_factory(db.engine)() as session:
        for row in session.query(WebSession).all():
            row.expires_at = row.created_at
        session.commit()
    assert client.get("/api/me").status_code == 401


# Each page and role: the status, and for a page shown, a word only that page has.
PAGES = {
    # path: (editor, reviewer, admin, marker)
    "/exemptions": (403, 200, 200, "豁免"),
    "/admin/accounts": (403, 403, 200, "导入账号表"),
    "/articles/{own}": (200, 200, 200, "审核记录"),
    "/articles/{other}": (404, 200, 200, "审核记录"),
    "/articles/99999": (404, 404, 404, "文章不存在"),
    "/reports": (403, 200, 200, "季度报告"),
}


@pytest.mark.parametrize("path", sorted(PAGES))
def test_the_page_role_matrix(client: TestClient, seeded: dict[str, Any], path: str) -> None:
    articles = {
        key: client.get(f"/api/hits/{seeded[key]['hits'][0]['id']}", headers=ADMIN).json()["article_id"]
        for key in ("a", "b")
    }
    url = path.format(own=articles["a"], other=articles["b"])
    *expected, marker = PAGES[path]
    for role, status in zip(("editor", "reviewer", "admin"), expected, strict=True):
        client.cookies.clear()
        _login(client, ADMIN_TOKEN if role == "admin" else seeded[role])
        response = client.get(url)
        assert response.status_code == status, (role, url, response.status_code)
        if status == 200:
            assert marker in response.text
        elif status == 403:
            assert "权限不足" in response.text
    # The menu offers only the pages a role may open.
    client.cookies.clear()
    _login(client, seeded["editor"])
    menu = client.get("/check").text
    assert 'href="/exemptions"' not in menu and 'href="/admin/accounts"' not in menu
    client.cookies.clear()
    _login(client, ADMIN_TOKEN)
    menu = client.get("/check").text
    assert 'href="/exemptions"' in menu and 'href="/admin/accounts"' in menu


def test_the_article_page_marks_title_and_body_hits(client: TestClient, seeded: dict[str, Any]) -> None:
    _login(client, seeded["reviewer"])
    article_id = client.get(f"/api/hits/{seeded['a']['hits'][0]['id']}", headers=ADMIN).json()["article_id"]
    page = client.get(f"/articles/{article_id}").text
    # The stored <script> title stays text; each body hit is a mark.
    assert "&lt;script&gt;alert(&#39;a&#39;)&lt;/script&gt;通知" in page and "<script>alert" not in page
    assert len(re.findall(r"<mark [^>]*data-hit-id=", page)) == 2
    assert ">截止</mark>目前，他<mark" in page


def test_an_unknown_page_is_a_chinese_page_and_the_api_keeps_json(client: TestClient) -> None:
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    page = client.get("/no-such-page<script>", headers=browser)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "页面不存在" in page.text and "<script>" not in page.text.split("</title>")[1]
    api = client.get("/api/no-such-thing", headers=browser)
    assert api.status_code == 404 and api.json()["code"] == "not_found"
    assert client.get("/no-such-page").json()["code"] == "not_found"  # a client that did not ask for HTML
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.content.startswith(b"<svg")


def test_page_parameters_have_the_api_bounds_and_an_empty_filter_is_none(client: TestClient, seeded: dict) -> None:
    _login(client, seeded["reviewer"])
    account_id = seeded["a"]["account"]["id"]
    # A filter form's "全部" sends the field empty: no filter.
    page = client.get("/review?status=all&account_id=&organization_id=&offset=&page=")
    assert page.status_code == 200 and "甲镇人民政府发布" in page.text and "乙街道办事处发布" in page.text
    assert client.get(f"/review?status=all&account_id={account_id}&page=1").status_code == 200
    assert client.get("/accounts?offset=50").status_code == 200
    for query in ("account_id=0", "account_id=abc", f"account_id={2**31}", "page=0", "offset=-1", "offset=2000000000"):
        response = client.get(f"/review?{query}")
        assert response.status_code == 422 and response.json()["code"] == "invalid_request", query
    assert client.get(f"/accounts/{2**31}").status_code == 422
