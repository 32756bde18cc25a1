"""Reading a saved mp.weixin.qq.com article page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.clock import CST
from app.ingest.wechat import WechatPageError, parse, parse_date_text

PAGE = (Path(__file__).parent / "data" / "wechat_article.html").read_text(encoding="utf-8")


def test_title_nickname_time_and_paragraphs() -> None:
    article = parse(PAGE)
    assert article.title == "我县召开安全生产工作会议"
    assert article.nickname == "某某县发布"
    # var ct is a Unix timestamp: 2024-05-01 10:00 in Beijing.
    assert article.published_at == dt.datetime(2024, 5, 1, 10, 0, tzinfo=CST)
    assert article.text.split("\n") == [
        "截止目前，全县已完成隐患排查整改。",  # the source line break between two CJK characters shows as nothing
        "会议强调，他做为一名党员要冲锋在前。",
        "联系电话：0851-1234567",
        "地址：某某县政务中心",
    ]


def test_scripts_styles_images_and_comments_are_dropped() -> None:
    text = parse(PAGE).text
    for absent in ("不应出现", "color:red", "图片", "注释", "录音", "mmbiz"):
        assert absent not in text


def test_the_filled_in_publish_time_wins_over_the_script() -> None:
    page = PAGE.replace('<em id="publish_time" class="rich_media_meta rich_media_meta_text"></em>',
                        '<em id="publish_time">2023年12月31日 08:30</em>')  # fmt: skip
    assert parse(page).published_at == dt.datetime(2023, 12, 31, 8, 30, tzinfo=CST)


def test_a_page_without_any_date() -> None:
    page = PAGE.replace('var ct = "1714528800";', "").replace('var publish_time = "2024-05-01" || "";', "")
    assert parse(page).published_at is None
    page = PAGE.replace('var ct = "1714528800";', "")
    assert parse(page).published_at == dt.datetime(2024, 5, 1, tzinfo=CST)


def test_title_falls_back_to_og_title_and_nickname_to_the_script() -> None:
    page = PAGE.replace('id="activity-name"', "").replace('class="rich_media_title"', "")
    page = page.replace('id="js_name"', "")
    article = parse(page)
    assert article.title == "我县召开安全生产工作会议" and article.nickname == "某某县发布"


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><p>没有正文容器</p></body></html>",
        '<html><body><div id="js_content"><img src="a.png"><script>x()</script>  </div></body></html>',
        "",
        "not html at all",
    ],
)
def test_no_body_is_an_error(html: str) -> None:
    with pytest.raises(WechatPageError):
        parse(html)


def test_spaces_between_latin_words_are_kept_once() -> None:
    html = '<div id="js_content"><p>GDP  增长\n 5%， 达到 <b>New</b>\n<i>York</i></p></div>'
    assert parse(html).text == "GDP 增长 5%， 达到 New York"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01 10:00", dt.datetime(2024, 5, 1, 10, 0, tzinfo=CST)),
        ("2024年5月1日", dt.datetime(2024, 5, 1, tzinfo=CST)),
        ("2024-02-30", None),
        ("昨天", None),
    ],
)
def test_date_text(text: str, expected: dt.datetime | None) -> None:
    assert parse_date_text(text) == expected
