"""Articles to ingest and what ingesting returns."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_serializer, model_validator

from app.clock import CST, assume_cst
from app.schemas.common import DbId, FoundHit

MAX_BATCH_ITEMS = 1000


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    value = assume_cst(value)
    try:  # stored in UTC and shown in Beijing time: both must exist (9999-12-31T23:59:59-12:00 does not)
        value.astimezone(dt.UTC), value.astimezone(CST)
    except OverflowError:
        raise ValueError("发布时间超出可处理的范围") from None
    return value


def _cst(value: dt.datetime) -> str:
    return value.astimezone(CST).isoformat()


class ArticleCreate(BaseModel):
    """One article: the account (id, filing number, or the nickname of a WeChat page) and the text
    or the saved WeChat page."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "filing_no": "GZ-2024-00123",
                    "title": "我县召开安全生产工作会议",
                    "url": "https://mp.weixin.qq.com/s/AbCdEf",
                    "published_at": "2024-05-01T10:00:00+08:00",
                    "text": "截止目前，全县已完成隐患排查。\n他做为一名党员冲锋在前。",
                },
                {"account_id": 1, "url": "https://mp.weixin.qq.com/s/XyZ", "html": "<html>…公众号文章页面…</html>"},
            ]
        },
    )

    account_id: DbId | None = Field(None, description="账号编号；与 filing_no 二选一")
    filing_no: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] | None = Field(
        None, description="账号的备案单号"
    )
    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = Field(
        None, description="标题；提交 html 时可省略（取网页标题）"
    )
    url: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = Field(
        None, description="原文链接；同一账号同一链接只入库一次"
    )
    published_at: Annotated[dt.datetime | None, AfterValidator(_aware)] = Field(
        None, description="发布时间（不带时区按北京时间）；提交 html 且网页中有发布时间时可省略"
    )
    text: str | None = Field(None, description="正文（纯文本）；与 html 二选一")
    html: str | None = Field(None, description="保存的微信公众号文章网页（mp.weixin.qq.com）；与 text 二选一")

    @model_validator(mode="after")
    def _one_body(self) -> ArticleCreate:
        if (self.text is None) == (self.html is None):
            raise ValueError("“text”（正文）和“html”（网页）须给出且只给出一个")
        return self


class IngestedHit(FoundHit):
    model_config = ConfigDict(from_attributes=True)

    id: int
    status: str


class ArticleIngested(BaseModel):
    """201 for a new article; 200 (duplicate true) for one already ingested, with nothing added."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 42,
                    "duplicate": False,
                    "lexicon_version": "4df98aaf1401",
                    "hits": [
                        {
                            "id": 7,
                            "start": 0,
                            "end": 2,
                            "text": "截止",
                            "rule_id": "typo.jie-zhi",
                            "category": "常见错别字",
                            "severity": "warning",
                            "message": "表示“到某一时间为止”应作“截至”。",
                            "suggestions": ["截至"],
                            "context": "截止目前，全县已完成隐患排查。",
                            "status": "pending",
                        }
                    ],
                }
            ]
        }
    )

    id: int
    duplicate: bool
    lexicon_version: str = Field(description="入库检查时所用的词库版本")
    hits: list[IngestedHit]


class ArticlePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    account_id: int
    title: str
    url: str | None
    published_at: dt.datetime
    text: str
    content_hash: str
    lexicon_version: str
    ingested_at: dt.datetime
    hits: list[IngestedHit]

    @field_serializer("published_at")
    def _published(self, value: dt.datetime) -> str:
        return _cst(value)


class BatchCreated(BaseModel):
    index: int
    id: int
    hits: int


class BatchDuplicate(BaseModel):
    index: int
    id: int


class BatchError(BaseModel):
    index: int
    code: str
    error: str = Field(description="中文错误说明")


class BatchResult(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "created": [{"index": 0, "id": 42, "hits": 2}],
                    "duplicates": [{"index": 1, "id": 17}],
                    "errors": [{"index": 2, "code": "account_not_found", "error": "账号不存在：备案单号 X-1"}],
                }
            ]
        }
    )

    created: list[BatchCreated]
    duplicates: list[BatchDuplicate]
    errors: list[BatchError]
