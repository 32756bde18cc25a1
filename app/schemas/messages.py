"""Validation errors in words a clerk can read, shared by the API and the command line."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FIELD_NAMES = {
    "text": "文本",
    "date": "日期",
    "exempt_rules": "豁免规则",
    "exempt_phrases": "豁免词语",
    "filing_no": "备案单号",
    "name": "名称",
    "platform": "类型",
    "organization": "所属组织",
    "organization_id": "所属组织编号",
    "account_id": "账号编号",
    "active": "是否启用",
    "title": "标题",
    "url": "链接",
    "published_at": "发布时间",
    "html": "网页",
    "status": "状态",
    "note": "备注",
    "reviewer": "审核人",
    "ids": "命中编号",
    "kind": "豁免类型",
    "value": "豁免内容",
    "scope": "豁免范围",
    "reason": "理由",
    "created_by": "创建人",
    "limit": "每页条数",
    "offset": "偏移",
    "date_from": "起始日期",
    "date_to": "截止日期",
    "severity": "严重程度",
    "category": "类别",
}

_DATE_TYPES = ("date_from_datetime_parsing", "date_parsing", "date_type", "date_from_datetime_inexact")
_DATETIME_TYPES = ("datetime_parsing", "datetime_from_date_parsing", "datetime_type", "datetime_object_invalid")


def describe_errors(errors: Iterable[dict[str, Any]]) -> str:
    """One Chinese sentence per pydantic error, naming the field."""
    parts = []
    for err in errors:
        loc = [str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path")]
        field = FIELD_NAMES.get(loc[-1], loc[-1]) if loc else "请求体"
        kind = err.get("type", "")
        if kind == "value_error":
            parts.append(str(err.get("ctx", {}).get("error", err.get("msg", "值无效"))))
        elif not loc and kind != "json_invalid":
            parts.append("请求体应为 JSON 对象")
        elif kind == "missing":
            parts.append(f"缺少字段“{field}”")
        elif kind in _DATE_TYPES:
            parts.append(f"“{field}”应为 YYYY-MM-DD 格式的日期")
        elif kind in _DATETIME_TYPES:
            parts.append(f"“{field}”应为日期时间，如 2024-05-01T10:00:00+08:00（不带时区按北京时间）")
        elif kind == "json_invalid":
            parts.append("请求体不是有效的 JSON")
        elif kind == "extra_forbidden":
            parts.append(f"不支持的字段“{loc[-1]}”")
        elif kind == "string_too_long":
            parts.append(f"“{field}”过长（最多 {err.get('ctx', {}).get('max_length')} 个字符）")
        elif kind == "string_too_short":
            parts.append(f"“{field}”不能为空")
        elif kind == "enum" or kind == "literal_error":
            parts.append(f"“{field}”应为 {err.get('ctx', {}).get('expected', '规定的值之一')}")
        elif kind.startswith("int") or kind.startswith("greater_than") or kind.startswith("less_than"):
            parts.append(f"“{field}”应为有效范围内的整数")
        elif kind.startswith("bool"):
            parts.append(f"“{field}”应为 true 或 false")
        elif kind.startswith("list") or kind.startswith("too_"):
            parts.append(f"“{field}”应为列表（数量在允许范围内）")
        elif kind.startswith("string") or kind == "str_type":
            parts.append(f"“{field}”应为字符串")
        else:
            parts.append(f"“{field}”的值无效")
    return "；".join(parts) or "请求内容不符合要求"
