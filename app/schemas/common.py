"""Types shared by the request models."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

# Ids are INTEGER columns: PostgreSQL's int4 (SQLite's 64-bit integer is wider). A larger number can
# name nothing, and the database would refuse it with an error instead of a clean 404 or 422.
MAX_ID = 2**31 - 1
MAX_OFFSET = 10**9
MAX_PAGE_SIZE = 500

DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
DbOffset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]  # rows skipped before a page of a listing


class FoundHit(BaseModel):
    """What the engine reports of one hit; stored and listed hits add their own fields."""

    field: Literal["title", "body"] = Field(
        "body", description="命中所在：title 标题 / body 正文；偏移从该部分的开头算起"
    )
    start: int = Field(description="起始偏移（原文字符下标，含）")
    end: int = Field(description="结束偏移（原文字符下标，不含）")
    text: str = Field(description="命中的原文")
    rule_id: str
    category: str
    severity: str = Field(description="serious 严重表述错误 / warning 一般差错 / info 慎用提示")
    message: str
    suggestions: list[str]
    context: str
    confidence: float | None = Field(None, description="统计错别字层的把握程度（0–1）；词库命中为 null")
