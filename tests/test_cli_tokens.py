"""`cuomin tokens create|list|revoke`, what the database keeps of a token, and the first-run hint."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.cli import _hint_first_token
from app.models import ApiToken, Organization
from app.services import tokens
from tests.conftest import DatabaseUnderTest
from tests.test_cli_db import run


def test_create_list_revoke(db: DatabaseUnderTest) -> None:
    with Session(db.engine) as session:
        session.add(Organization(name="某县人民政府办公室"))
        session.commit()

    admin = run(["tokens", "create", "--role", "admin", "--name", "管理员"], db.url)
    assert admin.returncode == 0, admin.stderr
    token = admin.stdout.strip()
    assert token.startswith("cm_") and len(token) == 46 and "\n" not in token  # stdout: the token alone
    assert "只显示这一次" in admin.stderr

    editor = run(["tokens", "create", "--role", "editor", "--org", "某县人民政府办公室", "--name", "张三"], db.url)
    assert editor.returncode == 0, editor.stderr
    assert "编辑，组织：某县人民政府办公室" in editor.stderr

    listed = run(["tokens", "list"], db.url)
    assert listed.returncode == 0
    assert "管理员" in listed.stdout and "张三" in listed.stdout and "某县人民政府办公室" in listed.stdout
    assert token not in listed.stdout and editor.stdout.strip() not in listed.stdout
    rows = [json.loads(line) for line in run(["tokens", "list", "--json"], db.url).stdout.splitlines()]
    assert [(r["name"], r["role"], r["revoked"]) for r in rows] == [
        ("管理员", "admin", False),
        ("张三", "editor", False),
    ]
    assert rows[0]["prefix"] == token[:10]

    revoked = run(["tokens", "revoke", str(rows[1]["id"])], db.url)
    assert revoked.returncode == 0 and "已吊销令牌" in revoked.stdout
    assert run(["tokens", "revoke", token[:10]], db.url).returncode == 0  # by prefix
    assert "已吊销" in run(["tokens", "list"], db.url).stdout
    assert run(["tokens", "list", "--active"], db.url).stdout == ""
    with Session(db.engine) as session:
        assert tokens.find_active(session=session, token=token) is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "editor"], "编辑令牌必须绑定一个组织"),
        (["--role", "editor", "--org", "不存在的组织"], "--create-org"),
        (["--role", "reviewer", "--org", "某县"], "不绑定组织"),
        (["--role", "root"], "的值“root”无效"),
    ],
)
def test_create_refuses(db: DatabaseUnderTest, args: list[str], message: str) -> None:
    result = run(["tokens", "create", *args], db.url)
    assert result.returncode != 0 and message in result.stderr and result.stdout == ""


def test_a_fresh_install_creates_the_editors_organisation_on_request(db: DatabaseUnderTest) -> None:
    args = ["tokens", "create", "--role", "editor", "--org", "新建的县政府办", "--name", "李四"]
    refused = run(args, db.url)
    assert refused.returncode == 1 and "cuomin accounts import" in refused.stderr and "--create-org" in refused.stderr
    created = run([*args, "--create-org"], db.url)
    assert created.returncode == 0, created.stderr
    assert "组织：新建的县政府办" in created.stderr and created.stdout.strip().startswith("cm_")
    with Session(db.engine) as session:
        assert session.scalar(select(func.count(Organization.id)).where(Organization.name == "新建的县政府办")) == 1
    again = run([*args[:-2], "--name", "王五", "--create-org"], db.url)  # an existing one is reused
    assert again.returncode == 0, again.stderr
    with Session(db.engine) as session:
        assert session.scalar(select(func.count(Organization.id)).where(Organization.name == "新建的县政府办")) == 1


def test_revoke_unknown(db: DatabaseUnderTest) -> None:
    result = run(["tokens", "revoke", "42"], db.url)
    assert result.returncode == 1 and "令牌不存在" in result.stderr


def test_only_the_hash_is_stored(db: DatabaseUnderTest) -> None:
    with Session(db.engine) as session:
        token, clear = tokens.create_token(session=session, role=tokens.Role.reviewer)
        assert token.name == f"reviewer-{token.id}"
        stored = session.scalars(select(ApiToken)).one()
        assert stored.token_hash == hashlib.sha256(clear.encode()).hexdigest()
        assert tokens.find_active(session=session, token=clear).id == token.id
        assert tokens.find_active(session=session, token=clear[:-1] + "x") is None
        assert tokens.find_active(session=session, token=stored.token_hash) is None  # the hash is no token
    with db.engine.connect() as connection:
        row = connection.execute(text("SELECT * FROM api_token")).one()
    assert all(clear not in str(value) for value in row)


def test_first_run_hint(db: DatabaseUnderTest, capsys: pytest.CaptureFixture[str]) -> None:
    _hint_first_token(db.engine, has_admin_token=False)
    assert "cuomin tokens create --role admin" in capsys.readouterr().err
    _hint_first_token(db.engine, has_admin_token=True)
    assert capsys.readouterr().err == ""
    with Session(db.engine) as session:
        tokens.create_token(session=session, role=tokens.Role.admin)
    _hint_first_token(db.engine, has_admin_token=False)
    assert capsys.readouterr().err == ""
