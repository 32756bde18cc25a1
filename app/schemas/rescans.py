"""Re-scan requests and their progress."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from app.vocabulary import RescanStatus


class RescanCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"quarter": "2023Q2"}, {"since": "2023-04-01", "until": "2023-06-30"}]},
    )

    quarter: str | None = Field(None, description="季度，如 2023Q2；与起止日期二选一")
    since: dt.date | None = Field(None, description="起始日期（含），按北京时间的发布日期")
    until: dt.date | None = Field(None, description="结束日期（含）")


class RescanStarted(BaseModel):
    id: int


class RescanPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    label: str = Field(description="范围：季度或起止日期")
    since: dt.date
    until: dt.date
    status: RescanStatus = Field(description="running 进行中 / done 完成 / failed 失败")
    lexicon_version: str
    total: int = Field(description="范围内的文章数")
    done: int = Field(description="已扫描的文章数")
    added: int = Field(description="新增的命中（待审核）")
    kept: int = Field(description="仍然命中的（保留原审核状态）")
    obsolete: int = Field(description="不再命中、标为过时的")
    error: str | None
    started_at: dt.datetime
    finished_at: dt.datetime | None
