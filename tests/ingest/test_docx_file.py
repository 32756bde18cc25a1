"""Uploaded Word documents: read when sound, refused before parsing when they would inflate too far."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from app.ingest.docx_file import MAX_UNCOMPRESSED, DocxError, docx_text


def _docx(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_document_is_read() -> None:
    assert docx_text(_docx(["截止目前，", "他做为党员。"])) == "截止目前，\n他做为党员。"


def test_an_archive_inflating_past_the_bound_is_refused_unparsed(monkeypatch) -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:p/>" * (MAX_UNCOMPRESSED // 6 + 1))
    monkeypatch.setattr(docx, "Document", lambda *_: pytest.fail("parsed"))
    with pytest.raises(DocxError, match="解压后过大"):
        docx_text(bomb.getvalue())


@pytest.mark.parametrize("data", [b"not a zip", b"PK\x03\x04broken"])
def test_not_a_word_document(data: bytes) -> None:
    with pytest.raises(DocxError, match="Word 文档"):
        docx_text(data)
