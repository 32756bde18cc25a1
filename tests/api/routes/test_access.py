"""Who may do what, endpoint by endpoint: the access matrix of issue 5.

Roles: nobody (no token), a wrong token, a revoked token, an editor of 甲县, a reviewer, an admin
(a stored token) and CUOMIN_ADMIN_TOKEN. Every operation of the service is a row of MATRIX, with the
status each role gets; `test_every_operation_is_in_the_matrix` fails for an endpoint without a row.
Scope (what an editor sees of another organisation) has its own tests below the matrix.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.api import auth
from app.config import Settings
from app.main import create_app
from app.services import tokens
from app.vocabulary import Role
from tests.api.routes.conftest import article, make_account
from tests.conftest import ADMIN, ADMIN_TOKEN, DatabaseUnderTest

ROLES = ("anon", "bad", "revoked", "editor", "reviewer", "admin", "env_admin")
OPEN_ROUTES = {
    "/healthz",
    "/openapi.json",
    "/docs",
    "/docs/oauth2-redirect",
    "/redoc",
    "/v2/languages",
    "/v2/configinfo",
}


@dataclass
class World:
    """Two organisations (甲县 own, 乙县 other), an account, an article and its hits in each, an
    exemption per role to delete, and a token per role."""

    ids: dict[str, int]
    headers: dict[str, dict[str, str]]
    keys: dict[str, str]  # the clear token of each role (for /v2 apiKey)


@pytest.fixture
def world(client: TestClient, db: DatabaseUnderTest) -> World:
    own = make_account(client, "OWN-1", organization="甲县")
    other = make_account(client, "OTHER-1", organization="乙县")
    ids = {"own_account": own["id"], "other_account": other["id"], "own_org": own["organization"]["id"]}
    ids["other_org"] = other["organization"]["id"]
    for key, filing_no in (("own", "OWN-1"), ("other", "OTHER-1")):
        ingested = client.post("/api/articles", json=article(filing_no, f"截止目前，{key}做为党员。")).json()
        ids[f"{key}_article"], ids[f"{key}_hit"] = ingested["id"], ingested["hits"][0]["id"]
    for key, org in (("own", "甲县"), ("other", "乙县")):
        unit = client.post("/api/platforms", json={"name": f"{org}某镇人民政府", "kind": "镇办", "organization": org})
        ids[f"{key}_platform"] = unit.json()["id"]
        with_column = client.post(f"/api/platforms/{ids[f'{key}_platform']}/columns", json={"name": "通知公告"})
        ids[f"{key}_column"] = with_column.json()["columns"][0]["id"]
    for role in ROLES:
        body = {"kind": "phrase", "value": f"短语{role}", "scope": "global", "reason": "测试"}
        ids[f"exemption_{role}"] = client.post("/api/exemptions", json=body).json()["id"]
    keys: dict[str, str] = {"bad": "cm_" + "x" * 43, "env_admin": ADMIN_TOKEN}
    with Session(db.engine) as session:
        for role, org in (("editor", "甲县"), ("reviewer", None), ("admin", None), ("revoked", None)):
            token, clear = tokens.create_token(
                session=session, role=Role.reviewer if role == "revoked" else Role(role), name=role, organization=org
            )
            keys[role] = clear
        tokens.revoke_token(session=session, ident=str(token.id))
    headers = {role: {"Authorization": f"Bearer {key}"} for role, key in keys.items()}
    headers["anon"] = {}
    return World(ids=ids, headers=headers, keys=keys)


@dataclass(frozen=True)
class Row:
    method: str
    route: str  # the route as declared (for the completeness test)
    expect: dict[str, int | frozenset[int]]  # a set: any of these (a race the row does not control)
    path: str = ""  # the path to call, with {ids}; the route itself when empty
    body: Callable[[str], Any] | None = None  # role -> JSON body
    form: bool = False  # LanguageTool: form-encoded, the token as apiKey instead of a header
    files: Callable[[str], Any] | None = None  # role -> multipart files (an upload)

    def __str__(self) -> str:
        return f"{self.method} {self.path or self.route}"


def protected(
    editor: int, reviewer: int | frozenset[int], admin: int | frozenset[int]
) -> dict[str, int | frozenset[int]]:
    return {
        "anon": 401,
        "bad": 401,
        "revoked": 401,
        "editor": editor,
        "reviewer": reviewer,
        "admin": admin,
        "env_admin": admin,
    }


OPEN = dict.fromkeys(ROLES, 200)
ANY_TOKEN = protected(200, 200, 200)
REVIEWER_UP = protected(403, 200, 200)
ADMIN_ONLY = protected(403, 403, 200)


def new_article(filing_no: str) -> Callable[[str], Any]:
    return lambda role: article(filing_no, f"{role}：截止目前，他做为党员。", title=f"新稿-{role}")


EXEMPTION = {"kind": "rule", "value": "test.zuo-wei", "scope": "global", "reason": "测试"}

MATRIX = [
    Row("GET", "/healthz", OPEN),
    Row("GET", "/openapi.json", OPEN),
    Row("GET", "/docs", OPEN),
    Row("GET", "/docs/oauth2-redirect", OPEN),
    Row("GET", "/redoc", OPEN),
    Row("GET", "/v2/languages", OPEN),
    Row("GET", "/v2/configinfo", OPEN, path="/v2/configinfo?language=zh-CN"),
    Row("POST", "/api/check", ANY_TOKEN, body=lambda role: {"text": f"{role}做为党员"}),
    Row("GET", "/api/lexicon", ANY_TOKEN),
    Row("POST", "/api/lexicon/reload", ADMIN_ONLY),
    Row("GET", "/api/me", ANY_TOKEN),
    Row("POST", "/v2/check", ANY_TOKEN, form=True),
    Row("GET", "/v2/check", ANY_TOKEN, form=True),
    # accounts and organisations: everyone reads what they may see, admins write
    Row(
        "POST",
        "/api/accounts",
        protected(403, 403, 201),
        body=lambda role: {"filing_no": f"N-{role}", "name": "新", "platform": "微信"},
    ),
    Row("GET", "/api/accounts", ANY_TOKEN),
    Row("GET", "/api/accounts/{account_id}", ANY_TOKEN, path="/api/accounts/{own_account}"),
    Row("GET", "/api/accounts/{account_id}", protected(404, 200, 200), path="/api/accounts/{other_account}"),
    Row(
        "PATCH",
        "/api/accounts/{account_id}",
        ADMIN_ONLY,
        path="/api/accounts/{own_account}",
        body=lambda role: {"name": f"改名{role}"},
    ),
    Row("DELETE", "/api/accounts/{account_id}", ADMIN_ONLY, path="/api/accounts/{own_account}"),
    Row(
        "POST",
        "/api/accounts/import",
        ADMIN_ONLY,
        files=lambda role: {
            "file": ("名录.csv", f"备案单号,政务新媒体名称,类型\nIMP-{role},导入{role},微信\n".encode())
        },
    ),
    Row("GET", "/api/organizations", ANY_TOKEN),
    # articles: any role ingests and reads; an editor only its own organisation's
    Row("POST", "/api/articles", protected(201, 201, 201), body=new_article("OWN-1")),
    Row("POST", "/api/articles", protected(404, 201, 201), path="/api/articles", body=new_article("OTHER-1")),
    Row("POST", "/api/articles/batch", ANY_TOKEN, body=lambda role: [new_article("OWN-1")(role)]),
    Row("GET", "/api/articles/{article_id}", ANY_TOKEN, path="/api/articles/{own_article}"),
    Row("GET", "/api/articles/{article_id}", protected(404, 200, 200), path="/api/articles/{other_article}"),
    # hits: read in scope; reviewing is for reviewers
    Row("GET", "/api/hits", ANY_TOKEN),
    Row("GET", "/api/hits/{hit_id}", ANY_TOKEN, path="/api/hits/{own_hit}"),
    Row("GET", "/api/hits/{hit_id}", protected(404, 200, 200), path="/api/hits/{other_hit}"),
    Row("GET", "/api/hits/{hit_id}/log", ANY_TOKEN, path="/api/hits/{own_hit}/log"),
    Row("GET", "/api/hits/{hit_id}/log", protected(404, 200, 200), path="/api/hits/{other_hit}/log"),
    Row(
        "PATCH",
        "/api/hits/{hit_id}",
        REVIEWER_UP,
        path="/api/hits/{own_hit}",
        body=lambda role: {"status": "confirmed", "note": role},
    ),
    Row("POST", "/api/hits/review", REVIEWER_UP, body=lambda role: {"ids": [], "status": "dismissed", "note": role}),
    Row("GET", "/api/hits/export", ANY_TOKEN),
    Row(
        "POST",
        "/api/hits/review-matching",
        REVIEWER_UP,
        body=lambda role: {"filter": {"rule_id": "no.such-rule"}, "expected": 0, "status": "dismissed", "note": role},
    ),
    # exemptions: reviewers and admins only
    Row("POST", "/api/exemptions", protected(403, 201, 201), body=lambda role: EXEMPTION),
    Row("GET", "/api/exemptions", REVIEWER_UP),
    Row("POST", "/api/exemptions/preview", REVIEWER_UP, body=lambda role: {**EXEMPTION, "reason": None}),
    Row("DELETE", "/api/exemptions/{exemption_id}", REVIEWER_UP, path="/api/exemptions/{exemption_ROLE}"),
    # re-scans and reports: reviewers and admins (a quarter without articles: the re-scan ends at once,
    # though the next one may still find it running)
    Row("POST", "/api/rescans", protected(403, 202, frozenset({202, 409})), body=lambda role: {"quarter": "2020Q1"}),
    Row("GET", "/api/rescans/{rescan_id}", protected(403, 404, 404), path="/api/rescans/999999"),
    # queued ingests: reviewers and admins (on SQLite the queue is refused: 409; on PostgreSQL 202)
    Row(
        "POST",
        "/api/ingests",
        protected(403, frozenset({202, 409}), frozenset({202, 409})),
        files=lambda role: {"file": ("文章.jsonl", json.dumps(new_article("OWN-1")(role)).encode() + b"\n")},
    ),
    Row("GET", "/api/ingests/{ingest_id}", protected(403, 404, 404), path="/api/ingests/999999"),
    Row("GET", "/api/reports/{quarter}", REVIEWER_UP, path="/api/reports/2024Q2"),
    # disclosure platforms: the inspection office manages them, an editor reads its own organisation's
    Row("GET", "/api/platforms", ANY_TOKEN),
    Row("POST", "/api/platforms", protected(403, 201, 201), body=lambda role: {"name": f"区{role}局", "kind": "部门"}),
    Row("GET", "/api/platforms/{unit_id}", ANY_TOKEN, path="/api/platforms/{own_platform}"),
    Row("GET", "/api/platforms/{unit_id}", protected(404, 200, 200), path="/api/platforms/{other_platform}"),
    Row(
        "PATCH",
        "/api/platforms/{unit_id}",
        REVIEWER_UP,
        path="/api/platforms/{own_platform}",
        body=lambda role: {"short_name": role},
    ),
    Row(
        "POST",
        "/api/platforms/{unit_id}/columns",
        protected(403, 201, 201),
        path="/api/platforms/{own_platform}/columns",
        body=lambda role: {"name": f"栏目{role}", "cycle": "6个月"},
    ),
    Row(
        "PATCH",
        "/api/platform-columns/{column_id}",
        REVIEWER_UP,
        path="/api/platform-columns/{own_column}",
        body=lambda role: {"updated_on": "2024-05-01"},
    ),
    Row("GET", "/api/platform-cycles", ANY_TOKEN),
    Row("PUT", "/api/platform-cycles", REVIEWER_UP, body=lambda role: {"name": "村简介", "cycle": "一年"}),
    Row("GET", "/api/disclosures/{quarter}", REVIEWER_UP, path="/api/disclosures/2024Q2"),
    Row(
        "PUT",
        "/api/disclosures/{quarter}",
        REVIEWER_UP,
        path="/api/disclosures/2024Q2",
        body=lambda role: {"proactive": 3},
    ),
]


def call(client: TestClient, world: World, row: Row, role: str) -> Any:
    path = (row.path or row.route).replace("ROLE", role).format(**world.ids)
    if row.form:
        data = {"language": "zh-CN", "text": "他做为党员。"}
        if role != "anon":
            data |= {"username": role, "apiKey": world.keys[role]}
        if row.method == "GET":
            return client.get(path, params=data, headers={"Authorization": ""})
        return client.post(path, data=data, headers={"Authorization": ""})
    if row.files:
        return client.request(
            row.method, path, files=row.files(role), headers=world.headers[role] or {"Authorization": ""}
        )
    body = row.body(role) if row.body else None
    if isinstance(body, dict) and body.get("ids") == []:
        body = {**body, "ids": [world.ids["own_hit"], world.ids["other_hit"]]}
    # The client's default header is the admin's; each role replaces it (anon removes it).
    headers = world.headers[role] or {"Authorization": ""}
    return client.request(row.method, path, json=body, headers=headers)


@pytest.mark.parametrize("row", MATRIX, ids=str)
def test_access_matrix(client: TestClient, world: World, row: Row) -> None:
    got = {}
    for role in ROLES:
        response = call(client, world, row, role)
        got[role] = response.status_code
        if response.status_code in (401, 403, 404) and not row.form and "json" in response.headers["content-type"]:
            body = response.json()
            assert body["code"] and body["message"], body
        if response.status_code == 401 and not row.form:
            assert response.headers["www-authenticate"].startswith("Bearer")
        if response.status_code == 401 and row.form:
            assert response.headers["content-type"].startswith("text/plain")
            assert response.text.startswith("Error: ")
    wrong = {
        role: (status, row.expect[role])
        for role, status in got.items()
        if status != row.expect[role] and not (isinstance(row.expect[role], frozenset) and status in row.expect[role])
    }
    assert not wrong, f"{row}: role → (got, expected): {wrong}"


def test_every_operation_is_in_the_matrix(settings: Settings) -> None:
    app = create_app(settings)
    operations = {(method, route.path) for route in auth.api_routes(app) for method in route.methods}
    operations |= {("GET", path) for path in ("/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc")}
    covered = {(row.method, row.route) for row in MATRIX}
    missing = sorted(operations - covered)
    assert not missing, f"add a row to MATRIX in {__file__} for each of: {missing}"


def test_every_operation_but_the_open_ones_needs_a_token(settings: Settings) -> None:
    """Structural: an endpoint that forgets its dependency fails here even before it has a matrix row."""
    app = create_app(settings)
    for route in auth.api_routes(app):
        if route.path in OPEN_ROUTES:
            continue
        calls = auth.dependency_calls(route)
        protected_ = auth.authenticate in calls or route.path == "/v2/check"  # /v2/check reads apiKey itself
        assert protected_, f"{route.methods} {route.path} has no CurrentUser/Reviewer/Admin dependency"


def test_openapi_documents_the_refusals(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"401"} <= set(paths["/api/hits"]["get"]["responses"]) and "403" not in paths["/api/hits"]["get"][
        "responses"
    ]
    assert {"401", "403"} <= set(paths["/api/exemptions"]["post"]["responses"])
    assert {"401", "429"} <= set(paths["/api/check"]["post"]["responses"])
    assert "401" not in paths["/healthz"]["get"]["responses"]
    schemes = client.get("/openapi.json").json()["components"]["securitySchemes"]
    assert schemes["令牌"] == {"type": "http", "scheme": "bearer", "description": schemes["令牌"]["description"]}


# -- scope: an editor sees its own organisation, and nothing of the others, not even counts ------


def as_role(world: World, role: str) -> dict[str, str]:
    return world.headers[role]


def test_lists_are_filtered_to_the_editors_organisation(client: TestClient, world: World) -> None:
    editor, reviewer = as_role(world, "editor"), as_role(world, "reviewer")
    accounts = client.get("/api/accounts", headers=editor).json()
    assert [a["filing_no"] for a in accounts["items"]] == ["OWN-1"] and accounts["total"] == 1
    assert client.get("/api/accounts", headers=reviewer).json()["total"] == 2
    # filtering explicitly on another organisation gives an empty list, not a refusal
    other = {"organization_id": world.ids["other_org"]}
    assert client.get("/api/accounts", params=other, headers=editor).json() == {"items": [], "total": 0}
    assert client.get("/api/hits", params=other, headers=editor).json() == {"items": [], "total": 0}
    assert client.get("/api/accounts", params={"q": "OTHER"}, headers=editor).json()["total"] == 0
    organizations = client.get("/api/organizations", headers=editor).json()
    assert [o["name"] for o in organizations["items"]] == ["甲县"] and organizations["total"] == 1
    hits = client.get("/api/hits", headers=editor).json()
    assert {h["organization_id"] for h in hits["items"]} == {world.ids["own_org"]}
    assert hits["total"] == len(hits["items"]) == 2
    assert client.get("/api/hits", headers=reviewer).json()["total"] == 4
    platforms = client.get("/api/platforms", headers=editor).json()
    assert [p["name"] for p in platforms["items"]] == ["甲县某镇人民政府"] and platforms["total"] == 1
    assert client.get("/api/platforms", headers=reviewer).json()["total"] == 2


def test_another_organisations_resource_is_a_404_like_a_missing_one(client: TestClient, world: World) -> None:
    editor = as_role(world, "editor")
    for kind, code in (
        ("account", "account_not_found"),
        ("article", "article_not_found"),
        ("hit", "hit_not_found"),
        ("platform", "platform_not_found"),
    ):
        other = client.get(f"/api/{kind}s/{world.ids[f'other_{kind}']}", headers=editor)
        missing = client.get(f"/api/{kind}s/999999", headers=editor)
        assert other.status_code == missing.status_code == 404
        assert other.json()["code"] == missing.json()["code"] == code
        assert other.json()["message"].split("：")[0] == missing.json()["message"].split("：")[0]


def test_an_editor_ingests_only_for_its_own_accounts(client: TestClient, world: World) -> None:
    editor = as_role(world, "editor")
    by_id = article("OWN-1", "新稿：他做为党员。")
    del by_id["filing_no"]
    response = client.post("/api/articles", json={**by_id, "account_id": world.ids["other_account"]}, headers=editor)
    assert response.status_code == 404 and response.json()["code"] == "account_not_found"
    batch = [article("OWN-1", "甲：他做为党员。"), article("OTHER-1", "乙：他做为党员。"), article("NOPE", "丙")]
    result = client.post("/api/articles/batch", json=batch, headers=editor).json()
    assert [c["index"] for c in result["created"]] == [0]
    assert [(e["index"], e["code"]) for e in result["errors"]] == [(1, "account_not_found"), (2, "account_not_found")]
    assert result["errors"][0]["error"].split("：")[0] == result["errors"][1]["error"].split("：")[0]


def test_reviews_and_exemptions_are_signed_with_the_token_name(client: TestClient, world: World) -> None:
    reviewer = as_role(world, "reviewer")
    hit = client.patch(f"/api/hits/{world.ids['own_hit']}", json={"status": "confirmed"}, headers=reviewer).json()
    assert hit["reviewer"] == "reviewer"
    named = client.patch(
        f"/api/hits/{world.ids['own_hit']}", json={"status": "dismissed", "reviewer": "张三"}, headers=reviewer
    ).json()
    assert named["reviewer"] == "张三"
    exemption = client.post("/api/exemptions", json=EXEMPTION, headers=reviewer).json()
    assert exemption["created_by"] == "reviewer"


def test_me(client: TestClient, world: World) -> None:
    me = client.get("/api/me", headers=as_role(world, "editor")).json()
    assert me == {
        "name": "editor",
        "role": "editor",
        "role_label": "编辑",
        "organization_id": world.ids["own_org"],
        "organization_name": "甲县",
    }
    assert client.get("/api/me", headers=ADMIN).json()["name"] == "CUOMIN_ADMIN_TOKEN"


def test_a_token_records_its_last_use_and_dies_when_revoked(
    client: TestClient, world: World, db: DatabaseUnderTest
) -> None:
    editor = as_role(world, "editor")
    with Session(db.engine) as session:
        (token,) = [t for t in tokens.list_tokens(session=session) if t.name == "editor"]
        assert token.last_used_at is None
    assert client.get("/api/me", headers=editor).status_code == 200
    with Session(db.engine) as session:
        (token,) = [t for t in tokens.list_tokens(session=session) if t.name == "editor"]
        assert token.last_used_at is not None
        tokens.revoke_token(session=session, ident=token.prefix)
    response = client.get("/api/me", headers=editor)
    assert response.status_code == 401 and response.json()["code"] == "token_invalid"


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer ", "Basic Zm9vOmJhcg==", "Token abc", "Bearer " + "x" * 5000, "Bearer cm_" + "é" * 40],
)
def test_malformed_authorization_is_a_401(client: TestClient, header: str) -> None:
    response = client.get("/api/me", headers={"Authorization": header.encode("latin-1")})
    assert response.status_code == 401
    assert response.json()["code"] in {"auth_required", "token_invalid"}


def test_no_admin_token_setting_means_no_backdoor(settings: Settings) -> None:
    with TestClient(create_app(settings.model_copy(update={"admin_token": None}))) as client:
        assert client.get("/api/me", headers=ADMIN).status_code == 401
