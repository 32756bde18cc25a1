"""Accounts (政务新媒体) and organisations (所属组织)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, computed_field

from app.vocabulary import Platform


def _platform(value: Any) -> Any:
    return Platform.parse(value) if isinstance(value, str) else value


PlatformIn = Annotated[
    Platform,
    BeforeValidator(_platform),
    Field(
        description="类型：代码（wechat、weibo、douyin、toutiao、kuaishou、bilibili、website、other）或中文名称（微信、微博……）"
    ),
]
FilingNo = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class AccountCreate(BaseModel):
    """Properties to receive on creation."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "filing_no": "GZ-2024-00123",
                    "name": "某某县发布",
                    "platform": "微信",
                    "organization": "某某县人民政府办公室",
                }
            ]
        },
    )

    filing_no: FilingNo = Field(description="备案单号（唯一）")
    name: Name = Field(description="政务新媒体名称")
    platform: PlatformIn
    organization: Name | None = Field(None, description="所属组织名称；不存在时自动创建")
    active: bool = True


class AccountUpdate(BaseModel):
    """Properties to change; absent ones stay. `organization: null` clears it."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "某某县融媒", "active": True}]})

    name: Name | None = None
    platform: PlatformIn | None = None
    organization: Name | None = None
    active: bool | None = None


class OrganizationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str


class OrganizationsPublic(BaseModel):
    items: list[OrganizationPublic]
    total: int


class AccountPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    filing_no: str
    name: str
    platform: Platform

    @computed_field(description="类型的中文名称")  # type: ignore[prop-decorator]
    @property
    def platform_label(self) -> str:
        return Platform(self.platform).label

    organization: OrganizationPublic | None
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class AccountsPublic(BaseModel):
    items: list[AccountPublic]
    total: int


class ImportProblem(BaseModel):
    line: int = Field(description="文件中的行号（从 1 起，含表头）")
    message: str = Field(description="中文说明，这一行未导入")


class ImportReport(BaseModel):
    created: int = Field(description="新增的账号数")
    updated: int = Field(description="按备案单号更新的账号数")
    unchanged: int = Field(description="已有且没有变化的账号数")
    errors: list[ImportProblem] = Field(description="未导入的行及原因，按行号排序")
