"""Who the presented token is (clients check their token with it)."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.auth import CurrentUser
from app.api.deps import ReadSessionDep
from app.api.schemas import Me
from app.models import Organization

router = APIRouter(prefix="/api", tags=["访问控制"])


@router.get("/me", response_model=Me)
def read_me(user: CurrentUser, session: ReadSessionDep) -> Me:
    """当前令牌的名称、角色和（编辑的）所属组织。"""
    organization = session.get(Organization, user.organization_id) if user.organization_id is not None else None
    return Me(
        name=user.name,
        role=user.role.value,
        role_label=user.role.label,
        organization_id=user.organization_id,
        organization_name=organization.name if organization else None,
    )
