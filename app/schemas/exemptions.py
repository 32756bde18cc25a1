"""Exemptions (豁免): phrases or rules not to report, globally, for an organisation or an account."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.schemas.common import DbId
from app.vocabulary import ExemptionKind, ExemptionScope

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class ExemptionCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "phrase",
                    "value": "截止日期",
                    "scope": "account",
                    "account_id": 1,
                    "reason": "固定说法，不是差错",
                    "created_by": "张三",
                },
                {"kind": "rule", "value": "typo.jie-zhi", "scope": "global", "reason": "本地规范另有规定"},
            ]
        },
    )

    kind: ExemptionKind = Field(description="phrase 豁免词语（落在其中的命中不报）/ rule 豁免规则（按规则 id）")
    value: Text = Field(description="词语，或规则 id")
    scope: ExemptionScope = Field(
        ExemptionScope.global_, description="global 全部 / organization 某组织 / account 某账号"
    )
    organization_id: DbId | None = None
    account_id: DbId | None = None
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)] = Field(
        description="理由（必填）"
    )
    created_by: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None

    @model_validator(mode="after")
    def _scope(self) -> ExemptionCreate:
        wanted = {
            ExemptionScope.global_: (False, False),
            ExemptionScope.organization: (True, False),
            ExemptionScope.account: (False, True),
        }[self.scope]
        if (self.organization_id is not None, self.account_id is not None) != wanted:
            raise ValueError(
                "豁免范围与编号不符：global 不带编号，organization 只带 organization_id，account 只带 account_id"
            )
        return self


class ExemptionPreview(ExemptionCreate):
    """An exemption not yet made: what it would dismiss."""

    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None  # type: ignore[assignment]


class ExemptionPreviewed(BaseModel):
    would_dismiss: int = Field(description="现在新增这条豁免会排除的待审核命中数")


class ExemptionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: ExemptionKind
    value: str
    scope: ExemptionScope
    organization_id: int | None
    account_id: int | None
    reason: str
    created_by: str | None
    created_at: dt.datetime
    deleted_at: dt.datetime | None
    deleted_by: str | None


class ExemptionCreated(ExemptionPublic):
    dismissed: int = Field(description="因此排除的待审核命中数（每条都记入审核记录）")


class ExemptionsPublic(BaseModel):
    items: list[ExemptionPublic]
    total: int
