"""Large ingests on the job queue: what starting one answers and how its progress reads."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field


class IngestStarted(BaseModel):
    id: int
    total: int = Field(description="文件中的非空行数")
    chunks: int = Field(description="放进任务队列的块数")


class LineProblem(BaseModel):
    line: int = Field(description="文件中的行号（从 1 起）")
    code: str
    error: str = Field(description="中文错误说明")


class IngestPublic(BaseModel):
    id: int
    label: str = Field(description="文件名")
    status: Literal["running", "done"] = Field(description="running 进行中 / done 完成")
    created_by: str | None = Field(description="上传文件的令牌名称；命令行入库时为空")
    total: int = Field(description="文件中的非空行数")
    done: int = Field(description="已处理的行数（已完成的块与无效的行）")
    chunks: int
    chunks_done: int
    created: int = Field(description="新入库的文章")
    duplicates: int = Field(description="已入库过的（同一账号的同一网址或同一内容）")
    errors: int = Field(description="出错、未入库的行")
    hits: int = Field(description="新入库文章的命中数")
    problems: list[LineProblem] = Field(description="出错的行，按行号排序（最多前 1,000 行；总数见 errors）")
    created_at: dt.datetime
    finished_at: dt.datetime | None
