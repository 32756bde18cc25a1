"""The saved page of a WeChat official-account article (mp.weixin.qq.com), read without a browser.

What is taken: the title, the account's nickname, the publish time and the text of the body
(`#js_content`) with one line per paragraph; scripts, styles, images and other media are dropped.
A saved page keeps the publish time in two places: the `#publish_time` element when the browser
had filled it in, and the page's script (`var ct = "1714528800"`, `create_time`) when it had not.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, NavigableString, PageElement, Tag

from app.clock import CST

# Elements whose content is not text a reader sees.
_DROP = {"script", "style", "img", "svg", "noscript", "iframe", "video", "audio", "canvas", "mpvoice", "mpvideo",
         "template", "head", "button", "input", "select", "textarea"}  # fmt: skip
# Elements that start a new line.
_BLOCK = {"p", "div", "section", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote", "pre", "table",
          "tr", "figure", "figcaption", "header", "footer", "article", "hr", "dl", "dt", "dd"}  # fmt: skip

_TIMESTAMP = re.compile(r"""\b(?:ct|create_time|publish_time)\s*[:=]\s*["']?(\d{10})["']?""")
_DATE_TEXT = re.compile(
    r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})(?:\s*日)?(?:\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)
_SCRIPT_DATE = re.compile(
    r"""\b(?:createTime|publish_time|publishTime)\s*[:=]\s*["'](\d{4}-\d{1,2}-\d{1,2}[^"']*)["']"""
)
_NICKNAME = re.compile(r"""\bnickname\s*[:=]\s*(?:htmlDecode\()?["']([^"']+)["']""")
_SPACE = re.compile(r"[ \t\r\n\f\u00a0\u3000]+")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


class WechatPageError(ValueError):
    """The page has no article body."""


@dataclass(frozen=True, slots=True)
class WechatArticle:
    title: str | None
    nickname: str | None
    published_at: dt.datetime | None  # aware
    text: str  # paragraphs separated by "\n"


def parse(html: str) -> WechatArticle:
    """Read a saved article page; WechatPageError when it has no body text."""
    soup = BeautifulSoup(html, "lxml")
    body = soup.find(id="js_content")
    if not isinstance(body, Tag):
        raise WechatPageError("网页中没有找到正文（#js_content），请提交公众号文章页面的完整 HTML")
    text = body_text(body)
    if not text:
        raise WechatPageError("网页的正文（#js_content）是空的")
    return WechatArticle(
        title=_title(soup),
        nickname=_nickname(soup),
        published_at=_published_at(soup),
        text=text,
    )


def body_text(root: Tag) -> str:
    """The visible text under root, one line per paragraph, whitespace collapsed as a browser would."""
    lines: list[str] = []
    current: list[str] = []

    def newline() -> None:
        line = _collapse("".join(current))
        if line:
            lines.append(line)
        current.clear()

    # An explicit stack, not recursion: a page nested a thousand levels deep is still just a page.
    stack: list[tuple[Iterator[PageElement], bool]] = [(iter(root.children), False)]
    while stack:
        children, block = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if block:
                newline()
        elif isinstance(child, Comment):
            continue
        elif isinstance(child, NavigableString):
            current.append(str(child))
        elif isinstance(child, Tag):
            name = child.name.lower()
            if name in _DROP:
                continue
            if name == "br":
                newline()
                continue
            if name in _BLOCK:
                newline()
            stack.append((iter(child.children), name in _BLOCK))
    newline()
    return "\n".join(lines)


def _collapse(text: str) -> str:
    # A run of white space between two CJK characters is a line break of the HTML source and shows
    # as nothing (CSS Text 3, segment break transformation); elsewhere it shows as one space.
    def space(match: re.Match[str]) -> str:
        start, end = match.start(), match.end()
        if 0 < start and end < len(text) and _CJK.match(text[start - 1]) and _CJK.match(text[end]):
            return "" if "\n" in match.group() or "\r" in match.group() else " "
        return " "

    return _SPACE.sub(space, text).strip()


def _meta(soup: BeautifulSoup, prop: str) -> str | None:
    tag = soup.find("meta", attrs={"property": prop}) or soup.find("meta", attrs={"name": prop})
    if isinstance(tag, Tag):
        content = tag.get("content")
        if isinstance(content, str) and content.strip():
            return _collapse(content)
    return None


def _title(soup: BeautifulSoup) -> str | None:
    for tag in (soup.find(id="activity-name"), soup.find(class_="rich_media_title")):
        if isinstance(tag, Tag) and (title := _collapse(tag.get_text())):
            return title
    if title := _meta(soup, "og:title") or _meta(soup, "twitter:title"):
        return title
    if soup.title and (title := _collapse(soup.title.get_text())):
        return title
    return None


def _nickname(soup: BeautifulSoup) -> str | None:
    for tag in (soup.find(id="js_name"), soup.find(class_="profile_nickname")):
        if isinstance(tag, Tag) and (name := _collapse(tag.get_text())):
            return name
    for script in soup.find_all("script"):
        if match := _NICKNAME.search(script.get_text()):
            return match.group(1).strip() or None
    return _meta(soup, "og:article:author")


def _published_at(soup: BeautifulSoup) -> dt.datetime | None:
    tag = soup.find(id="publish_time")
    if isinstance(tag, Tag) and (when := parse_date_text(tag.get_text())):
        return when
    for script in soup.find_all("script"):
        source = script.get_text()
        if match := _TIMESTAMP.search(source):
            return dt.datetime.fromtimestamp(int(match.group(1)), dt.UTC)
        if (match := _SCRIPT_DATE.search(source)) and (when := parse_date_text(match.group(1))):
            return when
    return None


def parse_date_text(text: str) -> dt.datetime | None:
    """A date as the page shows it (2024-05-01 10:00, 2024年5月1日), in Beijing time; None if none."""
    match = _DATE_TEXT.search(text)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        return dt.datetime(year, month, day, hour, minute, second, tzinfo=CST)
    except ValueError:
        return None
