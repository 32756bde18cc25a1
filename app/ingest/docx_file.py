"""The text of an uploaded Word document (.docx), with the work bounded before anything is parsed.

A .docx is a zip archive: 0.2 MB of it can inflate to hundreds of megabytes of XML (a "zip bomb"), which
python-docx would inflate and parse whole. The archive's directory tells each member's uncompressed size
without inflating anything, so an archive whose members add up to more than MAX_UNCOMPRESSED, or that has
more than MAX_MEMBERS members, is refused before python-docx sees it. The sizes read are the ones the
inflation is then held to: a member that inflates beyond its declared size fails the zip's own check.
"""

from __future__ import annotations

import io
import zipfile

MAX_UNCOMPRESSED = 32 * 1024 * 1024  # bytes: a 300-page report with images stays well under it
MAX_MEMBERS = 2000


class DocxError(ValueError):
    """The file is not a readable Word document, or is too large once uncompressed (message in Chinese)."""


def docx_text(data: bytes) -> str:
    """Paragraphs, then table rows (cells joined by tabs), one per line."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DocxError("无法读取这个 .docx 文件，请确认它是 Word 文档（不支持旧的 .doc 格式）") from None
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise DocxError(f"这个 .docx 文件包含的部件过多（{len(members):,} 个），无法检查")
    size = sum(member.file_size for member in members)
    if size > MAX_UNCOMPRESSED:
        raise DocxError(
            f"这个 .docx 文件解压后过大（{size / 1024 / 1024:,.0f} MB，最多 {MAX_UNCOMPRESSED // 1024 // 1024} MB），"
            "请只粘贴要检查的正文"
        )

    from docx import Document

    try:
        document = Document(io.BytesIO(data))
    except Exception:  # python-docx raises many kinds for a file that is not a Word document
        raise DocxError("无法读取这个 .docx 文件，请确认它是 Word 文档（不支持旧的 .doc 格式）") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines).strip()
