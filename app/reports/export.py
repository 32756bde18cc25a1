"""Every format the quarter's circular is exported in, in one list: the CLI's `--format`, the API's `?format=`
and the report page's download links all take their choices from `FORMATS`.

- text: the circular's title and body, then each annex as tab-separated rows (the CLI's default, for a terminal).
- json: `Circular.as_dict()` (the API adds the pending-hit counts to its own JSON answer).
- docx, xlsx, csv: the files of `circular_export` (csv is one annex, chosen by number).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports this list of formats; the circular's machinery loads when one is rendered
    from app.reports.circular import Circular


@dataclass(frozen=True)
class ExportFormat:
    name: str
    media_type: str
    suffix: str
    download: bool  # a file to save (xlsx, docx, csv), not text to read on the screen

    def render(self, circular: Circular, annex: int = 1) -> bytes:
        """The circular in this format; `annex` chooses the one annex of a CSV."""
        # Loaded here, not with this module: python-docx and openpyxl would slow every `cuomin` command down.
        from app.reports import circular_export

        if self.name == "text":
            return to_text(circular)
        if self.name == "json":
            return to_json(circular)
        if self.name == "csv":
            return circular_export.to_csv(circular, annex)
        return circular_export.to_xlsx(circular) if self.name == "xlsx" else circular_export.to_docx(circular)

    def filename(self, circular: Circular, annex: int = 1) -> str:
        """关于…的通报.docx; 检查镇村信息公开平台发现的问题清单（2023年第二季度）.csv for one annex."""
        if self.name == "csv":
            from app.reports.circular_export import get_annex

            return f"{get_annex(circular, annex).title}{self.suffix}"
        return f"{circular.title}{self.suffix}"


def to_text(circular: Circular) -> bytes:
    """The title and body, then each annex: its number, title, and the rows with tab-separated cells."""
    from app.reports.circular_export import annexes

    lines = [circular.title, "", circular.text]
    for table in annexes(circular):
        lines += ["", f"附件{table.number}", table.title, "\t".join(table.columns)]
        lines += ["\t".join(cell or "" for cell in row) for row in table.rows]
    return ("\n".join(lines) + "\n").encode()


def to_json(circular: Circular) -> bytes:
    return (json.dumps(circular.as_dict(), ensure_ascii=False, indent=2) + "\n").encode()


FORMATS: dict[str, ExportFormat] = {
    fmt.name: fmt
    for fmt in (
        ExportFormat("text", "text/plain; charset=utf-8", ".txt", download=False),
        ExportFormat("json", "application/json", ".json", download=False),
        ExportFormat(
            "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", download=True
        ),
        ExportFormat(
            "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", download=True
        ),
        ExportFormat("csv", "text/csv; charset=utf-8", ".csv", download=True),
    )
}
# The files a page or an API client downloads; the binary ones, which a terminal cannot show, want a file name.
DOWNLOADS = tuple(name for name, fmt in FORMATS.items() if fmt.download)
BINARY = ("xlsx", "docx")
