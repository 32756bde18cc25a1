"""The closed sets the database stores as short codes, with their Chinese labels."""

from __future__ import annotations

from enum import StrEnum


class Platform(StrEnum):
    """类型 in the circular's account list. Stored as the code, shown as the label."""

    wechat = "wechat"
    weibo = "weibo"
    douyin = "douyin"
    toutiao = "toutiao"
    kuaishou = "kuaishou"
    bilibili = "bilibili"
    website = "website"
    other = "other"

    @property
    def label(self) -> str:
        return _PLATFORM_LABELS[self]

    @classmethod
    def parse(cls, value: str) -> Platform:
        """A code, a label or a common spelling of one (微信公众号, 抖音号, B站…); ValueError otherwise."""
        key = value.strip().lower()
        try:
            return cls(key)
        except ValueError:
            pass
        for platform, spellings in _PLATFORM_SPELLINGS.items():
            if key in spellings:
                return platform
        labels = "、".join(p.label for p in cls)
        raise ValueError(f"未知的类型“{value}”，应为{labels}之一（或其代码 {', '.join(p.value for p in cls)}）")


_PLATFORM_LABELS = {
    Platform.wechat: "微信",
    Platform.weibo: "微博",
    Platform.douyin: "抖音",
    Platform.toutiao: "今日头条",
    Platform.kuaishou: "快手",
    Platform.bilibili: "哔哩哔哩",
    Platform.website: "网站",
    Platform.other: "其他",
}

_PLATFORM_SPELLINGS = {
    Platform.wechat: {"微信", "微信公众号", "公众号", "微信公众平台", "微信号"},
    Platform.weibo: {"微博", "新浪微博", "微博号"},
    Platform.douyin: {"抖音", "抖音号"},
    Platform.toutiao: {"今日头条", "头条", "头条号", "今日头条号"},
    Platform.kuaishou: {"快手", "快手号"},
    Platform.bilibili: {"哔哩哔哩", "b站", "bilibili"},
    Platform.website: {"网站", "政府网站", "门户网站"},
    Platform.other: {"其他", "其它"},
}


class HitStatus(StrEnum):
    pending = "pending"  # 待审核
    confirmed = "confirmed"  # 确认错误
    dismissed = "dismissed"  # 排除（误报或已豁免）
    obsolete = "obsolete"  # 词库更新后不再命中

    @property
    def label(self) -> str:
        return {"pending": "待审核", "confirmed": "已确认", "dismissed": "已排除", "obsolete": "已过时"}[self.value]


# What a reviewer may set; obsolete belongs to re-scans.
REVIEW_STATUSES = (HitStatus.pending, HitStatus.confirmed, HitStatus.dismissed)


class ExemptionKind(StrEnum):
    phrase = "phrase"  # 豁免词语：落在该词语之内的命中不报
    rule = "rule"  # 豁免规则：该规则不再检查


class ExemptionScope(StrEnum):
    global_ = "global"
    organization = "organization"
    account = "account"
