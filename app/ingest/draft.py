"""The text of a draft to check: an uploaded .txt, .docx or .html file, or a page's HTML pasted in.

A WeChat article page gives its title, account name and publication date as well (`wechat.parse`); any other page
gives its text and title. Text and HTML files are decoded as the account lists are (`encoding.decode_bytes`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from bs4 import BeautifulSoup, Tag

from app.clock import cst_date
from app.ingest import wechat
from app.ingest.docx_file import DocxError, docx_text
from app.ingest.encoding import decode_bytes


class DraftError(ValueError):
    """The upload holds no text we can read (message in Chinese)."""


@dataclass(frozen=True)
class Draft:
    text: str
    title: str | None = None
    account: str | None = None  # the WeChat account's name
    published_on: str | None = None  # ISO date, Beijing time

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


def html_draft(html: str) -> Draft:
    """The text of a WeChat article page (its #js_content) with its title, account and publication date,
    or the text and title of any other page."""
    try:
        page = wechat.parse(html)
    except wechat.WechatPageError:
        pass
    else:
        published = cst_date(page.published_at).isoformat() if page.published_at else None
        return Draft(page.text, page.title, page.nickname, published)
    soup = BeautifulSoup(html, "lxml")
    root = soup.body or soup
    title = soup.title.get_text(strip=True) if soup.title else None
    return Draft(wechat.body_text(root) if isinstance(root, Tag) else "", title)


def file_draft(filename: str, data: bytes) -> Draft:
    """The draft in an uploaded file, by its name's suffix; DraftError for another kind of file or an unreadable one."""
    name = filename.lower()
    if name.endswith(".docx"):
        try:
            return Draft(docx_text(data))
        except DocxError as exc:
            raise DraftError(str(exc)) from None
    if name.endswith((".html", ".htm")):
        return html_draft(decode_bytes(data).replace("\r\n", "\n"))
    if name.endswith(".txt") or not name:
        return Draft(decode_bytes(data).replace("\r\n", "\n"))
    raise DraftError("只支持 .txt、.docx、.html 文件")
