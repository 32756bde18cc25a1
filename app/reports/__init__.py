"""The quarter's report: findings, staleness, the circular's text and the annex exports.

Pure domain code: no web and no database imports. The report service loads accounts, publication dates and
confirmed hits, builds `AccountInput`s and `ConfirmedHit`s, and calls `build_report`; the API and the CLI
render the `Report` with `export.FORMATS`.

The whole circular (`circular.Circular`) adds sections (一)(二) from the quarter's counts (`disclosure`) and
section (四), the platform sentences and annexes 2 and 3 from the platform check (`platforms`, `cycles`);
`circular_export.CIRCULAR_FORMATS` renders it, every cell through `cells`.
"""

from app.reports.export import ANNEX_COLUMNS, FORMATS, ExportFormat, export, get_format, to_csv, to_docx, to_xlsx
from app.reports.findings import (
    AccountFinding,
    AccountInput,
    AnnexRow,
    ConfirmedHit,
    Report,
    Summary,
    build_report,
    platform_noun,
)
from app.reports.quarter import DateRange, Period, Quarter, local_date, parse_period
from app.reports.staleness import DEFAULT_STALE_AFTER_DAYS, Gap, Staleness, account_staleness, stale_problem

__all__ = [
    "ANNEX_COLUMNS",
    "DEFAULT_STALE_AFTER_DAYS",
    "FORMATS",
    "AccountFinding",
    "AccountInput",
    "AnnexRow",
    "ConfirmedHit",
    "DateRange",
    "ExportFormat",
    "Gap",
    "Period",
    "Quarter",
    "Report",
    "Staleness",
    "Summary",
    "account_staleness",
    "build_report",
    "export",
    "get_format",
    "local_date",
    "parse_period",
    "platform_noun",
    "stale_problem",
    "to_csv",
    "to_docx",
    "to_xlsx",
]
