"""Stored hits, their review and the review log."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_serializer

from app.clock import CST
from app.schemas.common import DbId
from app.vocabulary import HitStatus, ReviewStatus, Severity

if TYPE_CHECKING:
    from app.models import HitRecord

Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Person = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]


class HitRecordPublic(BaseModel):
    """A stored hit with its article and account, as the reviewer sees it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    article_id: int
    article_title: str
    published_at: dt.datetime = Field(description="文章发布时间（北京时间）")
    account_id: int
    account_name: str
    organization_id: int | None
    field: Literal["title", "body"] = Field(description="命中所在：title 标题 / body 正文")
    start: int
    end: int
    text: str = Field(description="命中的原文")
    context: str
    rule_id: str
    category: str
    severity: str
    message: str
    suggestions: list[str]
    lexicon_version: str
    status: str = Field(description="pending 待审核 / confirmed 已确认 / dismissed 已排除 / obsolete 已过时")
    reviewer: str | None
    reviewed_at: dt.datetime | None
    note: str | None

    @field_serializer("published_at")
    def _published(self, value: dt.datetime) -> str:
        return value.astimezone(CST).isoformat()

    @classmethod
    def of(cls, hit: HitRecord) -> HitRecordPublic:
        article, account = hit.article, hit.article.account
        return cls(
            article_title=article.title,
            published_at=article.published_at,
            account_id=account.id,
            account_name=account.name,
            organization_id=account.organization_id,
            **{name: getattr(hit, name) for name in _HIT_FIELDS},
        )


_HIT_FIELDS = (
    "id",
    "article_id",
    "field",
    "start",
    "end",
    "text",
    "context",
    "rule_id",
    "category",
    "severity",
    "message",
    "suggestions",
    "lexicon_version",
    "status",
    "reviewer",
    "reviewed_at",
    "note",
)


class HitRecordsPublic(BaseModel):
    items: list[HitRecordPublic]
    total: int


class HitUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"status": "confirmed", "note": "确属错误，已通知整改", "reviewer": "张三"}]},
    )

    status: ReviewStatus = Field(description="pending 待审核 / confirmed 确认 / dismissed 排除")
    note: Note | None = None
    reviewer: Person | None = Field(None, description="审核人")


class HitsReview(HitUpdate):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"ids": [1, 2, 3], "status": "dismissed", "note": "引用原文，不属差错"}]},
    )

    ids: list[DbId] = Field(min_length=1, max_length=1000, description="命中编号（最多 1,000 个）")


class HitsReviewed(BaseModel):
    updated: int = Field(description="状态或备注有变化的命中数")
    items: list[HitRecordPublic]


class ReviewLogPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    hit_id: int
    actor: str | None
    at: dt.datetime
    from_status: str
    to_status: str
    note: str | None
    exemption_id: int | None


class ReviewLogsPublic(BaseModel):
    items: list[ReviewLogPublic]
    total: int


class HitFilterBody(BaseModel):
    """The filters of GET /api/hits, as a request body."""

    model_config = ConfigDict(extra="forbid")

    account_id: DbId | None = None
    organization_id: DbId | None = None
    category: Annotated[str, StringConstraints(max_length=64)] | None = None
    severity: Severity | None = None
    status: HitStatus | None = None
    rule_id: Annotated[str, StringConstraints(max_length=200)] | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: Annotated[str, StringConstraints(max_length=200)] | None = None


class HitsReviewMatching(HitUpdate):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "filter": {"status": "pending", "rule_id": "typo.jie-zhi", "date_from": "2023-04-01"},
                    "expected": 312,
                    "status": "dismissed",
                    "note": "均为“截止日期”的正确用法",
                }
            ]
        },
    )

    filter: HitFilterBody = Field(description="与 GET /api/hits 相同的筛选条件")
    expected: int = Field(ge=0, description="页面上显示的符合筛选的命中数；与实际不符时 409，什么也不改")


class HitsReviewedMatching(BaseModel):
    ids: list[int] = Field(description="设为该状态的命中编号（已过时的不在内）")
    updated: int = Field(description="状态或备注有变化的命中数")
    obsolete: int = Field(description="符合筛选但已过时、未审核的命中数")
