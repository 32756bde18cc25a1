"""Request and response bodies of the API."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import FoundHit


class CheckRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "中华人民共合国成立纪念",
                    "text": "截止目前，全县已完成任务。他做为一名党员冲锋在前。",
                    "date": "2025-06-30",
                }
            ]
        }
    )

    title: str | None = Field(
        None, max_length=500, description="标题（可选）：单独检查，命中的 field 为 title，排在正文的命中之前"
    )
    text: str = Field(description="待检查的文本（不超过 CUOMIN_MAX_TEXT_CHARS 个字符）")
    date: dt.date | None = Field(None, description="发布日期，时间相关的规则据此判断；默认今天")
    exempt_rules: list[str] = Field(default=[], description="不检查的规则 id")
    exempt_phrases: list[str] = Field(default=[], description="豁免词语：落在这些词语之内的命中不报")
    profile: Literal["draft", "inspection"] | None = Field(
        None,
        description="错别字把握档：draft 报出一切可能的笔误，inspection 只报近乎确定的；"
        "默认 CUOMIN_CHECK_PROFILE（draft）",
    )


class HitPublic(FoundHit):
    source: str = Field(description="规则出处")


class CheckResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "hits": [
                        {
                            "field": "body",
                            "start": 0,
                            "end": 2,
                            "text": "截止",
                            "rule_id": "typo.jie-zhi",
                            "category": "常见错别字",
                            "severity": "warning",
                            "message": "表示“到某一时间为止”应作“截至”。",
                            "suggestions": ["截至"],
                            "source": "《现代汉语词典》（第7版）",
                            "context": "截止目前，全县已完成任务。",
                        }
                    ],
                    "lexicon_version": "4df98aaf1401",
                    "elapsed_ms": 0.4,
                }
            ]
        }
    )

    hits: list[HitPublic]
    lexicon_version: str
    elapsed_ms: float
    cut_at: int | None = Field(
        None,
        description="命中超过 1,000 处时只报告前 1,000 处：检查在此字符下标处截止，其后未报告；null 表示全文已检查",
    )
    notice: str | None = Field(None, description="截止时的中文说明")


class ErrorResponse(BaseModel):
    code: str = Field(description="稳定的错误代码")
    message: str = Field(description="中文错误说明")


class Health(BaseModel):
    status: str
    lexicon_version: str = Field(description="本进程正在使用的词库版本")
    rules: int
    announced_version: str | None = Field(
        None, description="PostgreSQL 上最近一次重新加载公布的词库版本；与 lexicon_version 不同时本副本正在加载"
    )


class LexiconInfo(BaseModel):
    version: str
    rules: int
    by_category: dict[str, int]


class Me(BaseModel):
    name: str = Field(description="令牌名称")
    role: str = Field(description="editor 编辑 / reviewer 审核员 / admin 管理员")
    role_label: str
    organization_id: int | None = Field(description="编辑令牌绑定的组织；审核员和管理员为 null（可看全部）")
    organization_name: str | None
