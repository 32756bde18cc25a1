"""Accounts: registering, listing within an organisation's scope, deactivating, importing a list."""

from __future__ import annotations

import pytest

from app.ingest.accounts_file import AccountRow
from app.schemas.accounts import AccountCreate
from app.services import accounts
from app.services.errors import Conflict, NotFound
from app.vocabulary import Platform
from tests.services.conftest import Seeded


def test_a_filing_number_is_registered_once(seeded: Seeded) -> None:
    with seeded.sessions() as session:
        with pytest.raises(Conflict, match="备案单号 A-1 已登记"):
            accounts.create_account(
                session=session, account_in=AccountCreate(filing_no="A-1", name="重复", platform="wechat")
            )
        with pytest.raises(NotFound, match="账号不存在"):
            accounts.get_account(session=session, account_id=999_999)


def test_an_editor_lists_only_their_organisation(seeded: Seeded) -> None:
    with seeded.sessions() as session:
        everything, total = accounts.list_accounts(session=session)
        assert total == 2 and [a.name for a in everything] == ["甲镇发布", "乙镇发布"]
        scoped, total = accounts.list_accounts(session=session, organization_scope=seeded.own_organization)
        assert total == 1 and [a.id for a in scoped] == [seeded.own]
        found, _ = accounts.list_accounts(session=session, q="乙镇")
        assert [a.id for a in found] == [seeded.other]
        names = [o.name for o in accounts.list_organizations(session=session)]
        assert set(names) == {"甲镇人民政府", "乙镇人民政府"}


def test_a_deactivated_account_takes_no_more_articles(seeded: Seeded) -> None:
    with seeded.sessions() as session:
        account = accounts.deactivate_account(session=session, account_id=seeded.other)
        assert account.active is False
        with pytest.raises(Conflict, match="已停用"):
            accounts.resolve_account(session=session, filing_no="B-1")


def test_importing_creates_updates_and_reports_repeated_lines(seeded: Seeded) -> None:
    rows = [
        AccountRow(line=2, filing_no="A-1", name="甲镇发布", platform=Platform.wechat, organization="甲镇人民政府"),
        AccountRow(line=3, filing_no="B-1", name="乙镇新名", platform=Platform.douyin, organization="乙镇人民政府"),
        AccountRow(line=4, filing_no="C-1", name="丙镇发布", platform=Platform.weibo, organization=None),
        AccountRow(line=5, filing_no="C-1", name="丙镇再次", platform=Platform.weibo, organization=None),
    ]
    with seeded.sessions() as session:
        report = accounts.import_accounts(session=session, rows=rows)
    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    assert [e.line for e in report.errors] == [5] and "与第 4 行重复" in report.errors[0].message
    with seeded.sessions() as session:
        assert accounts.get_account(session=session, account_id=seeded.other).name == "乙镇新名"
