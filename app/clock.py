"""Time: stored in UTC, read and shown in Beijing time (the posts' own clock)."""

from __future__ import annotations

import datetime as dt

# China has kept UTC+8 without summer time since 1991, so a fixed offset needs no tz database.
CST = dt.timezone(dt.timedelta(hours=8), "CST")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def assume_cst(value: dt.datetime) -> dt.datetime:
    """An aware datetime: a naive one is taken as Beijing time."""
    return value.replace(tzinfo=CST) if value.tzinfo is None else value


def cst_date(value: dt.datetime) -> dt.date:
    """The calendar date in Beijing of an aware datetime."""
    return value.astimezone(CST).date()
