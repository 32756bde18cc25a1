"""The seed circular's world (2023年第二季度, 曾都区) at the pure level: accounts, publication dates, hits.

18 active accounts: the 8 of the seed's 附件1 (real 备案单号, names, types, organisations, in its order)
interleaved with 10 more, plus 2 inactive ones that must not be checked. 7 seed accounts have 21 confirmed
serious hits in the quarter; the rest of the hits (warnings, out of the quarter, inactive accounts) must not
count. 曾都区科经局 has published nothing since 2023-06-10.
"""

from __future__ import annotations

import datetime as dt

from app.reports import AccountInput, ConfirmedHit, Quarter

Q2 = Quarter(2023, 2)
UTC = dt.UTC

# The seed's 附件1, row for row (the circular has a stray space after 3025416030979726).
SEED_ANNEX = [
    ("70743", "新时代新万店", "微信", "万店镇人民政府", "出现严重表述错误"),
    ("70877", "洛阳小镇", "微信", "洛阳镇人民政府", "出现严重表述错误"),
    ("3025416030979726", "幸福西城", "微信", "西城街道办事处", "出现严重表述错误"),
    ("3025416030772270", "涢水街道办事处", "微信", "涢水街道办事处", "出现严重表述错误"),
    ("1001049716300575024", "曾都南郊", "微信", "南郊街道办事处", "出现严重表述错误"),
    ("1001027516170084711", "平安曾都", "微信", "区公安分局", "出现严重表述错误"),
    ("72188", "曾都区科经局", "微信", "区科学技术和经济信息化局", "超2周未更新"),
    ("71842", "曾都人社", "微信", "区人力资源和社会保障局", "出现严重表述错误"),
]

SEED_OVERVIEW = (
    "第二季度检查了辖区运行中的18个政务新媒体，检查比例100%，检查中发现存在问题的政务新媒体有8家（具体问题详见附件1）。"
)
SEED_STALE = "（一）内容更新不及时。“曾都区科经局”微信公众号信息超2周未更新。"
SEED_WORDING = (
    "（二）政务新媒体运维不规范。在政务新媒体检查中发现共7家政务新媒体发布的信息有21处错敏问题，"
    "部分单位落实日常巡检、信息发布审核制度不力，未及时发现稿件中存在的严重表述错误。"
)

# Serious confirmed hits in 2023Q2 per seed account (21 in all); 曾都区科经局 has none.
SERIOUS_PER_ACCOUNT = {
    "70743": 5,
    "70877": 3,
    "3025416030979726": 2,
    "3025416030772270": 4,
    "1001049716300575024": 2,
    "1001027516170084711": 3,
    "71842": 2,
}

# (filing_no, name, platform, organization, active), the seed's 8 at their place in the office's register.
REGISTER = [
    ("70001", "曾都发布", "微信", "区委宣传部", True),
    ("70743", "新时代新万店", "微信", "万店镇人民政府", True),
    ("70877", "洛阳小镇", "微信", "洛阳镇人民政府", True),
    ("5801234567", "曾都发布", "微博", "区委宣传部", True),
    ("3025416030979726", "幸福西城", "微信", "西城街道办事处", True),
    ("70990", "何店镇人民政府", "微信", "何店镇人民政府", True),
    ("3025416030772270", "涢水街道办事处", "微信", "涢水街道办事处", True),
    ("70411", "曾都教育", "微信", "区教育局", False),  # closed: not checked, though silent and with errors
    ("1001049716300575024", "曾都南郊", "微信", "南郊街道办事处", True),
    ("1001027516170084711", "平安曾都", "微信", "区公安分局", True),
    ("DY20230001", "平安曾都", "抖音", "区公安分局", True),
    ("72188", "曾都区科经局", "微信", "区科学技术和经济信息化局", True),
    ("72250", "曾都区市场监管", "微信", "区市场监督管理局", True),
    ("71842", "曾都人社", "微信", "区人力资源和社会保障局", True),
    ("71900", "曾都卫健", "微信", "区卫生健康局", True),
    ("71955", "曾都税务", "微信", "国家税务总局随州市曾都区税务局", True),
    ("72001", "曾都应急", "微信", "区应急管理局", True),
    ("72033", "曾都司法", "微信", "区司法局", True),
    ("72100", "曾都统计", "微信", "区统计局", True),
    ("72140", "老的科经局号", "微信", "区科学技术和经济信息化局", False),  # closed
]

STALE_LAST = dt.date(2023, 6, 10)  # 曾都区科经局's last article: 20 days before 2023-06-30


def _every(days: int, start: dt.date = dt.date(2023, 3, 1), end: dt.date = dt.date(2023, 6, 30)) -> list[dt.date]:
    out, day = [], start
    while day <= end:
        out.append(day)
        day += dt.timedelta(days=days)
    return out


def published_dates(filing_no: str) -> list[dt.date]:
    if filing_no == "72188":
        # Regular until 2023-06-10, then silence; an article of 2023-07-03 comes after the inspection date.
        return [*_every(5, end=dt.date(2023, 6, 5)), STALE_LAST, dt.date(2023, 7, 3)]
    if filing_no == "72250":
        # Exactly 14 days before the inspection date: not stale.
        return [*_every(4, end=dt.date(2023, 6, 12)), dt.date(2023, 6, 16)]
    if filing_no in ("70411", "72140"):
        return [dt.date(2022, 12, 1)]
    return _every(3)


def accounts() -> list[AccountInput]:
    return [
        AccountInput(
            key=index + 1,
            filing_no=filing_no,
            name=name,
            platform_label=platform,
            organization=organization,
            active=active,
            published=published_dates(filing_no),
        )
        for index, (filing_no, name, platform, organization, active) in enumerate(REGISTER)
    ]


def key_of(filing_no: str) -> int:
    return next(index + 1 for index, row in enumerate(REGISTER) if row[0] == filing_no)


def hit(
    filing_no: str, n: int, published_at: dt.date, *, severity: str = "serious", text: str = "做为"
) -> ConfirmedHit:
    return ConfirmedHit(
        account_key=key_of(filing_no),
        article_title=f"{filing_no}的第{n}篇文章",
        published_at=published_at,
        url=f"https://mp.weixin.qq.com/s/{filing_no}-{n}",
        text=text,
        context=f"……他{text}一名党员冲锋在前……",
        suggestions=("作为",),
        reviewer="张艳艳",
        severity=severity,
        category="常见错别字",
    )


def hits() -> list[ConfirmedHit]:
    """21 serious hits that count, and the ones that must not."""
    out: list[ConfirmedHit] = []
    for filing_no, count in SERIOUS_PER_ACCOUNT.items():
        for n in range(count):
            out.append(hit(filing_no, n, dt.date(2023, 4, 3) + dt.timedelta(days=7 * n)))
    # A datetime at 2023-03-31 17:00 UTC is 2023-04-01 01:00 in Beijing: in the quarter (replaces one date hit).
    out[0] = hit("70743", 0, dt.datetime(2023, 3, 31, 17, 0, tzinfo=UTC))
    return out + not_counted()


def not_counted() -> list[ConfirmedHit]:
    return [
        # Warnings and infos of seed and extra accounts: listed in the XLSX, not counted.
        hit("70743", 90, dt.date(2023, 5, 5), severity="warning", text="截止"),
        hit("70001", 91, dt.date(2023, 5, 6), severity="warning", text="截止"),
        hit("72100", 92, dt.date(2023, 6, 1), severity="info", text="老百姓"),
        # Serious, but outside 2023Q2.
        hit("70990", 93, dt.date(2023, 3, 31)),
        hit("72033", 94, dt.date(2023, 7, 1)),
        # 2023-06-30 16:30 UTC is 2023-07-01 00:30 in Beijing: outside the quarter.
        hit("71900", 95, dt.datetime(2023, 6, 30, 16, 30, tzinfo=UTC)),
        # Serious, in the quarter, but of a closed account.
        hit("70411", 96, dt.date(2023, 5, 20)),
    ]
