"""Access tokens: only their hash is stored; an editor's is bound to an organisation; revoking ends them."""

from __future__ import annotations

import pytest

from app.services import tokens
from app.services.errors import Invalid, NotFound
from app.vocabulary import Role
from tests.services.conftest import Seeded


def test_a_token_is_shown_once_and_stored_as_its_hash(seeded: Seeded) -> None:
    with seeded.sessions() as session:
        row, clear = tokens.create_token(session=session, role=Role.reviewer)
        assert clear.startswith(tokens.TOKEN_PREFIX) and row.prefix == clear[: tokens.PREFIX_CHARS]
        assert row.token_hash == tokens.token_hash(clear) and clear not in row.token_hash
        assert row.name == f"reviewer-{row.id}"  # a token without a name is named by its role and id
        found = tokens.find_active(session=session, token=clear)
        assert found is not None and found.id == row.id
        assert tokens.find_active(session=session, token=clear + "x") is None
        assert tokens.find_active(session=session, token="Bearer " + clear) is None
        assert tokens.any_active(session=session)


def test_an_editor_needs_an_organisation_and_a_reviewer_has_none(seeded: Seeded) -> None:
    with seeded.sessions() as session:
        with pytest.raises(Invalid, match="编辑令牌必须绑定一个组织"):
            tokens.create_token(session=session, role=Role.editor)
        with pytest.raises(Invalid, match="审核员令牌不绑定组织"):
            tokens.create_token(session=session, role=Role.reviewer, organization="甲镇人民政府")
        with pytest.raises(Invalid, match="令牌名称不能为空"):
            tokens.create_token(session=session, role=Role.admin, name="  ")
        row, _ = tokens.create_token(session=session, role=Role.editor, name="张三", organization="甲镇人民政府")
        assert row.organization_id == seeded.own_organization and row.name == "张三"


def test_revoking_by_prefix_or_id_ends_the_token(seeded: Seeded) -> None:
    with seeded.sessions() as session:
        first, first_clear = tokens.create_token(session=session, role=Role.admin)
        second, second_clear = tokens.create_token(session=session, role=Role.reviewer)
        assert tokens.revoke_token(session=session, ident=first_clear[: tokens.PREFIX_CHARS]).id == first.id
        assert tokens.revoke_token(session=session, ident=str(second.id)).revoked
        assert tokens.revoke_token(session=session, ident=str(second.id)).revoked  # twice is fine
        assert tokens.find_active(session=session, token=first_clear) is None
        assert tokens.find_active(session=session, token=second_clear) is None
        assert [t.id for t in tokens.list_tokens(session=session, include_revoked=False)] == []
        with pytest.raises(NotFound, match="令牌不存在"):
            tokens.revoke_token(session=session, ident="999999")
        with pytest.raises(Invalid, match="请给出令牌编号或前缀"):
            tokens.revoke_token(session=session, ident="abc")
