"""Disclosure platforms (责任单位 and 栏目), the office's cycles per column name, and the quarter's counts."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from app.reports.cycles import parse_cycle
from app.reports.platforms import UnitKind


def _kind(value: Any) -> Any:
    return UnitKind.parse(value) if isinstance(value, str) else value


def _cycle(value: str) -> str:
    return parse_cycle(value).label  # a ValueError becomes a 422 with the Chinese reason


KindIn = Annotated[
    UnitKind,
    BeforeValidator(_kind),
    Field(description="平台类别：town 镇办、department 部门、village 村（居）（或中文名称）"),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
CycleIn = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40),
    AfterValidator(_cycle),
    Field(description="更新周期，如 6个月、1年、一年、每季度、2周；通报照此写“超6个月未更新”"),
]
Count = Annotated[int, Field(ge=0, le=999_999_999)]


class UnitCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"name": "兴隆村村民委员会", "kind": "村（居）", "town": "万店镇人民政府"}]},
    )

    name: Name = Field(description="责任单位名称（唯一）")
    kind: KindIn
    town: Name | None = Field(None, description="村（居）所属镇办的名称（须已登记为镇办）；其他类别不填")
    short_name: Short | None = Field(None, description="镇办的地名简称（如 万店镇），默认去掉“人民政府”等后缀")
    organization: Name | None = Field(
        None, description="所属组织（编辑按组织查看）；默认村（居）随镇办，其他为同名组织"
    )
    active: bool = True


class UnitUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"active": False}]})

    town: Name | None = None
    short_name: Short | None = None
    organization: Name | None = None
    active: bool | None = None


class ColumnCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"name": "村务公开", "cycle": "6个月", "updated_on": "2023-05-20"}]},
    )

    name: Name = Field(description="栏目名称（同一单位内唯一）")
    cycle: CycleIn | None = None
    updated_on: dt.date | None = Field(None, description="一次更新的日期")


class ColumnUpdate(BaseModel):
    """`cycle: null` falls back to the office's cycle for the name, else the national default."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"updated_on": "2023-06-28"}]})

    cycle: CycleIn | None = None
    updated_on: dt.date | None = Field(None, description="再记一次更新的日期（已记过的忽略）")


class ColumnPublic(BaseModel):
    id: int
    name: str
    cycle: str | None = Field(description="本栏目自己的更新周期")
    effective_cycle: str | None = Field(
        description="实际使用的更新周期（本栏目、同名栏目的办公室设置、国家规定），无则 null"
    )
    cycle_source: str | None = Field(description="实际周期的来源：column、office，或国家规定的出处")
    last_updated: dt.date | None
    updates: list[dt.date]


class TownPublic(BaseModel):
    id: int
    name: str


class UnitPublic(BaseModel):
    id: int
    name: str
    kind: UnitKind
    kind_label: str
    town: TownPublic | None
    short_name: str | None
    organization: str | None
    active: bool
    columns: list[ColumnPublic]


class UnitsPublic(BaseModel):
    items: list[UnitPublic]
    total: int


class CycleSet(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "村简介", "cycle": "一年"}]})

    name: Name = Field(description="栏目名称：所有同名栏目（自己未设周期的）使用这个周期")
    cycle: CycleIn


class CyclePublic(BaseModel):
    name: str
    cycle: str
    source: str | None = Field(None, description="国家规定的出处；办公室设置的为 null")


class CyclesPublic(BaseModel):
    office: list[CyclePublic]
    national: list[CyclePublic] = Field(description="国家规定的默认周期：栏目名称含这些词时适用")


class ImportReport(BaseModel):
    created: int
    updated: int
    columns_created: int
    updates_added: int
    errors: list[str]
    warnings: list[str]


class RequestsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit: Name
    channel: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    received: Count
    answered: Count


class LettersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    department: Name
    type: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    received: Count
    replied: Count


class FiguresIn(BaseModel):
    """The quarter's counts; PUT replaces what was recorded for the quarter."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "proactive": 1942,
                    "requests": [{"unit": "区司法局", "channel": "区政府门户网站", "received": 1, "answered": 1}],
                    "letters": [{"department": "区住房和城乡建设局", "type": "投诉", "received": 2, "replied": 2}],
                }
            ]
        },
    )

    proactive: Count | None = Field(None, description="主动公开信息条数；null 为未录入")
    requests: list[RequestsIn] = Field(default_factory=list, max_length=1000)
    letters: list[LettersIn] = Field(default_factory=list, max_length=1000)


class FiguresPublic(BaseModel):
    quarter: str
    proactive: int | None
    requests: list[RequestsIn]
    letters: list[LettersIn]
    recorded: bool = Field(description="是否录入过本季度的数字")
