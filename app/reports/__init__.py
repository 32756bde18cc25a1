"""The quarter's report: findings, staleness, the circular's text and the annex exports.

Pure domain code: no web and no database imports. The report service loads accounts, publication dates and
confirmed hits, builds `AccountInput`s and `ConfirmedHit`s, and calls `build_report`; `new_media_annex` writes its
附件1 alone as XLSX, DOCX and CSV.

The whole circular (`circular.Circular`) adds sections (一)(二) from the quarter's counts (`disclosure`) and
section (四), the platform sentences and annexes 2 and 3 from the platform check (`platforms`, `cycles`);
`circular_export` renders it, every cell through `cells`; `export.FORMATS` lists every format the front ends offer.
"""

from app.reports.findings import (
    ANNEX_COLUMNS,
    AccountFinding,
    AccountInput,
    AnnexRow,
    ConfirmedHit,
    Report,
    Summary,
    build_report,
)
from app.reports.quarter import DateRange, Period, Quarter, local_date, parse_period
from app.reports.staleness import DEFAULT_STALE_AFTER_DAYS, Gap, Staleness, account_staleness, stale_problem
from app.vocabulary import platform_noun

__all__ = [
    "ANNEX_COLUMNS",
    "DEFAULT_STALE_AFTER_DAYS",
    "AccountFinding",
    "AccountInput",
    "AnnexRow",
    "ConfirmedHit",
    "DateRange",
    "Gap",
    "Period",
    "Quarter",
    "Report",
    "Staleness",
    "Summary",
    "account_staleness",
    "build_report",
    "local_date",
    "parse_period",
    "platform_noun",
    "stale_problem",
]
