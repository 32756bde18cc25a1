"""The quarter's findings: which accounts have problems, the summary figures and the circular's wording.

Pure: the caller (the report service) loads the accounts, their publication dates and their confirmed hits
and passes them in as plain dataclasses; `build_report` decides everything else.

- Only active accounts are checked (辖区运行中的政务新媒体); inactive ones and their hits are left out.
  Every active account is checked, so `check_ratio` is 100 whenever there is one (0 when there is none).
- An account "出现严重表述错误" when it has at least one confirmed hit of severity `serious` in an article
  published in the period (and not after the inspection date); `wording_hits` counts those hits.
  Confirmed hits of lower severity are listed in `Report.hits` (the XLSX's second sheet) but counted nowhere.
- An account is stale ("超2周未更新", see `staleness`) by its latest article on or before the inspection date.
- An account with both problems gets both, in the circular's order: "超2周未更新；出现严重表述错误".
- The annex keeps the order of the input accounts: the office registers accounts in its own order, and the
  circular's 附件1 lists them in that order.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.reports.quarter import Period, local_date
from app.reports.staleness import (
    DEFAULT_STALE_AFTER_DAYS,
    Staleness,
    account_staleness,
    check_inspection_date,
    check_stale_after_days,
    stale_problem,
    stale_span,
)
from app.vocabulary import Severity, platform_noun, severity_label

WORDING_PROBLEM = "出现严重表述错误"
ANNEX_TITLE = "检查政务新媒体发现的问题清单"
ANNEX_COLUMNS = ("备案单号", "政务新媒体名称", "类型", "所属组织", "存在的突出问题")  # 附件1, in the circular's order


@dataclass(frozen=True)
class AccountInput:
    """An account as registered (备案) by the office, with the publication dates of its articles.

    `published` holds dates, or datetimes (aware ones are converted to Beijing dates, naive ones taken as
    Beijing time); it needs the latest article before the period too, for staleness and the longest gap.
    """

    key: Hashable  # whatever identifies the account to the caller (its id); hits refer to it
    filing_no: str  # 备案单号, kept as text
    name: str  # 政务新媒体名称
    platform_label: str  # 类型 as the annex writes it: 微信, 微博, 抖音…
    organization: str | None  # 所属组织
    active: bool = True
    published: Sequence[dt.date] = ()


@dataclass(frozen=True)
class ConfirmedHit:
    """A hit a reviewer confirmed, with the article it is in (the caller passes confirmed hits only)."""

    account_key: Hashable
    article_title: str
    published_at: dt.date  # the article's publication date or datetime (see AccountInput.published)
    url: str | None
    text: str  # the wrong wording
    context: str
    suggestions: Sequence[str]
    reviewer: str | None
    severity: str  # serious / warning / info
    category: str

    @property
    def published_on(self) -> dt.date:
        return local_date(self.published_at)

    @property
    def severity_label(self) -> str:
        return severity_label(self.severity)


@dataclass(frozen=True)
class AnnexRow:
    """One row of 附件1, the circular's columns in order."""

    filing_no: str  # 备案单号
    name: str  # 政务新媒体名称
    platform: str  # 类型
    organization: str  # 所属组织
    problems: str  # 存在的突出问题, joined by "；"

    def cells(self) -> tuple[str, str, str, str, str]:
        return (self.filing_no, self.name, self.platform, self.organization, self.problems)


@dataclass(frozen=True)
class AccountFinding:
    """What the check found for one checked account (every checked account has one, problems or not)."""

    key: Hashable
    filing_no: str
    name: str
    platform: str
    organization: str
    staleness: Staleness
    serious_hits: int  # confirmed serious hits in the period: what the circular counts
    confirmed_hits: int  # all confirmed hits in the period
    problems: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        gap = self.staleness.longest_gap
        latest = self.staleness.latest
        return {
            "filing_no": self.filing_no,
            "name": self.name,
            "platform": self.platform,
            "organization": self.organization,
            "latest_published": latest.isoformat() if latest else None,
            "days_since_latest": self.staleness.days_since_latest,
            "stale": self.staleness.stale,
            "longest_gap": {
                "start": gap.start.isoformat(),
                "end": gap.end.isoformat(),
                "days": gap.days,
                "from_article": gap.from_article,
            },
            "serious_hits": self.serious_hits,
            "confirmed_hits": self.confirmed_hits,
            "problems": list(self.problems),
        }


@dataclass(frozen=True)
class Summary:
    accounts_checked: int
    check_ratio: int | float  # a percentage: 100 means all
    accounts_with_problems: int
    wording_accounts: int
    wording_hits: int
    stale_accounts: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "accounts_checked": self.accounts_checked,
            "check_ratio": self.check_ratio,
            "accounts_with_problems": self.accounts_with_problems,
            "wording_accounts": self.wording_accounts,
            "wording_hits": self.wording_hits,
            "stale_accounts": self.stale_accounts,
        }


@dataclass(frozen=True)
class Report:
    quarter: Period  # a Quarter, or a DateRange for a since/until report
    inspection_date: dt.date
    stale_after_days: int
    summary: Summary
    annex: tuple[AnnexRow, ...]
    accounts: tuple[AccountFinding, ...]  # every checked account, in input order
    paragraphs: tuple[str, ...]
    hits: tuple[ConfirmedHit, ...] = field(repr=False)  # confirmed hits in the period of checked accounts

    @property
    def text(self) -> str:
        """The circular's paragraphs, one per line."""
        return "\n".join(self.paragraphs)

    @property
    def annex_title(self) -> str:
        """检查政务新媒体发现的问题清单（2023年第二季度）"""
        return f"{ANNEX_TITLE}（{self.quarter.label}）"

    @property
    def serious_hits(self) -> tuple[ConfirmedHit, ...]:
        return tuple(hit for hit in self.hits if hit.severity == Severity.serious)

    def as_dict(self) -> dict[str, Any]:
        """The JSON of `GET /api/reports/{quarter}` (hits are in the XLSX export, not here)."""
        return {
            "quarter": self.quarter.key,
            "period": {
                "start": self.quarter.start.isoformat(),
                "end": self.quarter.end.isoformat(),
                "label": self.quarter.label,
            },
            "inspection_date": self.inspection_date.isoformat(),
            "stale_after_days": self.stale_after_days,
            "summary": self.summary.as_dict(),
            "annex": [
                {
                    "filing_no": row.filing_no,
                    "name": row.name,
                    "platform": row.platform,
                    "organization": row.organization,
                    "problems": row.problems,
                }
                for row in self.annex
            ],
            "accounts": [finding.as_dict() for finding in self.accounts],
            "text": self.text,
        }


def build_report(
    quarter: Period,
    accounts: Iterable[AccountInput],
    hits: Iterable[ConfirmedHit],
    *,
    inspection_date: dt.date | None = None,
    stale_after_days: int = DEFAULT_STALE_AFTER_DAYS,
) -> Report:
    """The findings for `quarter` (a Quarter or a DateRange).

    `inspection_date` defaults to the period's last day. `hits` may include hits of any severity, of
    inactive accounts and of articles outside the period: they are filtered here. A hit whose account is not
    among `accounts`, or two accounts with one key, is a caller's error (ValueError).
    """
    inspection = check_inspection_date(quarter, inspection_date)
    check_stale_after_days(stale_after_days)
    accounts = list(accounts)
    by_key: dict[Hashable, AccountInput] = {}
    for account in accounts:
        if account.key in by_key:
            raise ValueError(f"账号 key 重复：{account.key!r}")
        by_key[account.key] = account
    checked = [account for account in accounts if account.active]
    position = {account.key: index for index, account in enumerate(checked)}

    # Hits count up to the end of the period, or the inspection date when that comes first.
    last_day = min(quarter.end, inspection)
    in_period: list[ConfirmedHit] = []
    for hit in hits:
        if hit.account_key not in by_key:
            raise ValueError(f"命中引用了未知的账号：{hit.account_key!r}")
        if hit.account_key in position and quarter.start <= hit.published_on <= last_day:
            in_period.append(hit)
    in_period.sort(key=lambda hit: (position[hit.account_key], hit.published_on, hit.article_title))
    by_account: dict[Hashable, list[ConfirmedHit]] = defaultdict(list)
    for hit in in_period:
        by_account[hit.account_key].append(hit)

    stale_text = stale_problem(stale_after_days)
    findings = []
    for account in checked:
        staleness = account_staleness(
            account.published, quarter, inspection_date=inspection, stale_after_days=stale_after_days
        )
        own = by_account.get(account.key, [])
        serious = sum(hit.severity == Severity.serious for hit in own)
        problems = ((stale_text,) if staleness.stale else ()) + ((WORDING_PROBLEM,) if serious else ())
        findings.append(
            AccountFinding(
                key=account.key,
                filing_no=account.filing_no.strip(),
                name=account.name.strip(),
                platform=account.platform_label.strip(),
                organization=(account.organization or "").strip(),
                staleness=staleness,
                serious_hits=serious,
                confirmed_hits=len(own),
                problems=problems,
            )
        )

    with_problems = [f for f in findings if f.problems]
    wording = [f for f in findings if f.serious_hits]
    stale = [f for f in findings if f.staleness.stale]
    summary = Summary(
        accounts_checked=len(findings),
        check_ratio=_percentage(len(findings), len(checked)),
        accounts_with_problems=len(with_problems),
        wording_accounts=len(wording),
        wording_hits=sum(f.serious_hits for f in wording),
        stale_accounts=len(stale),
    )
    annex = tuple(
        AnnexRow(f.filing_no, f.name, f.platform, f.organization, "；".join(f.problems)) for f in with_problems
    )
    return Report(
        quarter=quarter,
        inspection_date=inspection,
        stale_after_days=stale_after_days,
        summary=summary,
        annex=annex,
        accounts=tuple(findings),
        paragraphs=circular_paragraphs(quarter, summary, stale, stale_after_days),
        hits=tuple(in_period),
    )


def circular_paragraphs(
    quarter: Period, summary: Summary, stale: Sequence[AccountFinding], stale_after_days: int
) -> tuple[str, ...]:
    """The circular's paragraphs on new media, in its words: the overview sentence of 总体情况（三）, and
    存在主要问题（一）（二）. With nothing to report a paragraph says so instead of naming no one."""
    when = quarter.short_label
    checked = summary.accounts_checked
    if checked == 0:
        return (f"{when}辖区内没有运行中的政务新媒体，未开展政务新媒体检查。",)
    ratio = f"检查比例{_format_number(summary.check_ratio)}%"
    if summary.accounts_with_problems:
        overview = (
            f"{when}检查了辖区运行中的{checked}个政务新媒体，{ratio}，"
            f"检查中发现存在问题的政务新媒体有{summary.accounts_with_problems}家（具体问题详见附件1）。"
        )
    else:
        overview = f"{when}检查了辖区运行中的{checked}个政务新媒体，{ratio}，检查中未发现存在问题的政务新媒体。"

    span = stale_span(stale_after_days)
    names = "、".join(f"“{f.name}”{platform_noun(f.platform)}" for f in stale)
    if not stale:
        updates = f"（一）内容更新情况。检查的{checked}个政务新媒体均在{span}内更新了信息，未发现超{span}未更新的情况。"
    elif len(stale) == 1:
        updates = f"（一）内容更新不及时。{names}信息超{span}未更新。"
    else:
        updates = f"（一）内容更新不及时。{names}等{len(stale)}个政务新媒体信息超{span}未更新。"

    if summary.wording_accounts:
        units = "部分单位" if summary.wording_accounts > 1 else "有关单位"
        wording = (
            f"（二）政务新媒体运维不规范。在政务新媒体检查中发现共{summary.wording_accounts}家政务新媒体"
            f"发布的信息有{summary.wording_hits}处错敏问题，{units}落实日常巡检、信息发布审核制度不力，"
            "未及时发现稿件中存在的严重表述错误。"
        )
    else:
        wording = "（二）政务新媒体运维情况。在政务新媒体检查中未发现政务新媒体发布的信息存在严重表述错误。"
    return (overview, updates, wording)


def _percentage(part: int, whole: int) -> int | float:
    if whole == 0:
        return 0
    value = round(100 * part / whole, 1)
    return int(value) if value == int(value) else value


def _format_number(value: int | float) -> str:
    return str(int(value)) if value == int(value) else str(value)
