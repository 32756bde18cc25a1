"""The filtered hit list as an XLSX workbook: what a reviewer sees on /review, every page of it."""

from __future__ import annotations

import io
from collections.abc import Callable

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from app.clock import CST
from app.services import review
from app.services.errors import Invalid
from app.vocabulary import STATUS_LABELS, severity_label

MAX_EXPORT = 50_000
COLUMNS = (
    ("编号", 8),
    ("状态", 8),
    ("严重程度", 12),
    ("类别", 14),
    ("规则", 28),
    ("规则编号", 24),
    ("位置", 6),
    ("命中文字", 16),
    ("建议", 20),
    ("上下文", 48),
    ("说明", 48),
    ("账号", 18),
    ("文章标题", 32),
    ("发布日期", 12),
    ("审核人", 10),
    ("审核时间", 17),
    ("备注", 30),
)


def hits_xlsx(
    *, session: Session, filters: review.HitFilter, sort: str, rule_label: Callable[[str], str]
) -> tuple[bytes, int]:
    """The workbook and its number of hits; 422 beyond MAX_EXPORT (narrow the filter first)."""
    hits, total = review.list_hits(session=session, filters=filters, limit=MAX_EXPORT, sort=sort)
    if total > MAX_EXPORT:
        raise Invalid("too_many_hits", f"符合筛选的命中有 {total:,} 条，一次最多导出 {MAX_EXPORT:,} 条，请缩小范围")
    book = Workbook(write_only=True)
    sheet = book.create_sheet("命中")
    for index, (_, width) in enumerate(COLUMNS):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([name for name, _ in COLUMNS])
    labels: dict[str, str] = {}
    for hit in hits:
        article = hit.article
        if hit.rule_id not in labels:
            labels[hit.rule_id] = rule_label(hit.rule_id)
        sheet.append(
            [
                hit.id,
                STATUS_LABELS.get(hit.status, hit.status),
                severity_label(hit.severity),
                hit.category,
                labels[hit.rule_id],
                hit.rule_id,
                "标题" if hit.field == "title" else "正文",
                hit.text,
                "／".join(hit.suggestions),
                hit.context,
                hit.message,
                article.account.name,
                article.title,
                article.published_at.astimezone(CST).strftime("%Y-%m-%d"),
                hit.reviewer or "",
                hit.reviewed_at.astimezone(CST).strftime("%Y-%m-%d %H:%M") if hit.reviewed_at else "",
                hit.note or "",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), total
