"""Uploaded text files: UTF-8 (perhaps with a BOM), else GBK/GB 18030 as Excel and Notepad save them in Chinese
locales. The drafts (`draft`) and the account lists (`accounts_file`) read their bytes through `decode_bytes`."""

from __future__ import annotations

ENCODINGS = ("utf-8-sig", "gb18030")


def decode_bytes(data: bytes) -> str:
    """The text of data in the first encoding that reads it; GB 18030 decodes any byte string."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")  # pragma: no cover - unreachable, see above
