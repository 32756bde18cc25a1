"""The closed sets the whole service speaks in, each with its Chinese words: one home for each.

Severities, categories (with their LanguageTool ids), account platforms, hit statuses, re-scan statuses,
exemption kinds and scopes, token roles. The engine, the reports, the schemas, the database models, the
LanguageTool layer and the pages all import them from here; this module imports nothing of the application,
so the detection core and the reports stay free of web and database code.

The values are what the database stores and the API speaks (StrEnum: a member equals its code).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, get_args

# -- severity ---------------------------------------------------------------------------------------


class Severity(StrEnum):
    serious = "serious"  # 严重表述错误: what an account is reported for
    warning = "warning"  # 一般差错
    info = "info"  # 慎用提示

    @property
    def rank(self) -> int:
        """Higher is worse: serious 3, warning 2, info 1."""
        return _SEVERITY_RANK[self]

    @property
    def label(self) -> str:
        return SEVERITY_LABELS[self.value]


_SEVERITY_RANK = {Severity.serious: 3, Severity.warning: 2, Severity.info: 1}
SEVERITY_LABELS = {"serious": "严重表述错误", "warning": "一般差错", "info": "慎用提示"}


def severity_label(code: str) -> str:
    """The Chinese name of a severity code; an unknown code as it is."""
    return SEVERITY_LABELS.get(code, code)


# -- categories -------------------------------------------------------------------------------------

TYPO_CATEGORY = "常见错别字"
RETIRED_CATEGORY = "过时表述"  # retired bodies and wordings: history speaks of them rightly (judged by date)
PLACE_CATEGORY = "行政区划名称"  # generated from the division tables, not written in a lexicon file

# Every category a lexicon rule may have, with the ASCII id LanguageTool clients put in enabledCategories /
# disabledCategories (LanguageTool's own are TYPOS, GRAMMAR, ...). TYPOS on purpose, so a client's "spelling"
# switch (language_tool_python's disable_spellchecking, Obsidian's "Typos") switches our typo list.
CATEGORY_IDS = {
    "政治表述": "POLITICAL",
    "国家主权与涉台港澳": "SOVEREIGNTY",
    "禁用慎用词": "XINHUA",
    RETIRED_CATEGORY: "OUTDATED",
    TYPO_CATEGORY: "TYPOS",
    "敏感词": "SENSITIVE",
    "隐私信息": "PRIVACY",
    PLACE_CATEGORY: "PLACE_NAMES",
    "日期错误": "DATES",
    "标点和数字用法": "PUNCTUATION",
}
CATEGORIES = tuple(CATEGORY_IDS)


# -- platforms (类型 of an account) -----------------------------------------------------------------


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

# 类型 as the annex writes it (微信) → the account as the circular's sentences name it (“…”微信公众号).
_PLATFORM_NOUNS = {
    "微信": "微信公众号",
    "公众号": "微信公众号",
    "微信公众号": "微信公众号",
    "微博": "微博",
    "新浪微博": "微博",
    "抖音": "抖音号",
    "今日头条": "今日头条号",
    "头条": "今日头条号",
    "快手": "快手号",
    "哔哩哔哩": "哔哩哔哩账号",
    "网站": "网站",
}


def platform_noun(platform_label: str) -> str:
    """微信 → 微信公众号, 抖音 → 抖音号, 微博 → 微博; an unknown type X → X账号 (X itself when it ends in 号)."""
    label = platform_label.strip()
    if label in _PLATFORM_NOUNS:
        return _PLATFORM_NOUNS[label]
    if not label:
        return "政务新媒体"
    return label if label.endswith(("号", "账号")) else f"{label}账号"


# -- review -----------------------------------------------------------------------------------------


class HitStatus(StrEnum):
    pending = "pending"  # 待审核
    confirmed = "confirmed"  # 确认错误
    dismissed = "dismissed"  # 排除（误报或已豁免）
    obsolete = "obsolete"  # 词库更新后不再命中

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.value]


STATUS_LABELS = {"pending": "待审核", "confirmed": "已确认", "dismissed": "已排除", "obsolete": "已过时"}

# What a reviewer may set (a type the API validates against); obsolete belongs to re-scans.
ReviewStatus = Literal["pending", "confirmed", "dismissed"]
REVIEW_STATUSES = tuple(HitStatus(s) for s in get_args(ReviewStatus))


class RescanStatus(StrEnum):
    running = "running"  # 进行中
    done = "done"  # 完成
    failed = "failed"  # 失败


class ExemptionKind(StrEnum):
    phrase = "phrase"  # 豁免词语：落在该词语之内的命中不报
    rule = "rule"  # 豁免规则：该规则不再检查


class ExemptionScope(StrEnum):
    global_ = "global"
    organization = "organization"
    account = "account"


# -- access -----------------------------------------------------------------------------------------


class Role(StrEnum):
    """Ordered by power: each role may do what the ones before it may (within its scope)."""

    editor = "editor"  # 编辑：绑定一个组织，预检、入库、查看本组织的文章与命中，不能审核
    reviewer = "reviewer"  # 检查办公室：查看全部，审核、豁免、重新扫描、导出报告
    admin = "admin"  # 管理员：另可管理账号、组织、令牌与词库

    @property
    def rank(self) -> int:
        return _ROLE_RANKS[self]

    @property
    def label(self) -> str:
        return {"editor": "编辑", "reviewer": "审核员", "admin": "管理员"}[self.value]


_ROLE_RANKS = {Role.editor: 1, Role.reviewer: 2, Role.admin: 3}
