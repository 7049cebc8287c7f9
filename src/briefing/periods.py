"""Dates of the statistical calendar: the end of a year and the same day a year earlier (同期).

Ground floor: readers (a form's 上年同期 column) and the arithmetic (year-over-year) both need them.
"""

from __future__ import annotations

import datetime as dt
import os

import pandas as pd

# The day a pack is made, fixed for reproducible packs: the reproducible-builds convention, seconds since 1970 (UTC).
SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"


def today() -> dt.date:
    """The date a pack shows as made: ``SOURCE_DATE_EPOCH`` when set (``--render-date``, the meeting's
    ``render_date``), else the clock — so the same inputs give the same pack on any day."""
    epoch = os.environ.get(SOURCE_DATE_EPOCH, "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


def epoch_of(day: str) -> str:
    """``SOURCE_DATE_EPOCH`` for a YYYY-MM-DD day (noon UTC, the same date in every time zone of China and Europe)."""
    d = dt.date.fromisoformat(day)
    return str(int(dt.datetime(d.year, d.month, d.day, 12, tzinfo=dt.timezone.utc).timestamp()))


def year_end(year: int) -> pd.Timestamp:
    return pd.Timestamp(year=year, month=12, day=31)


def same_day_last_year(date: pd.Timestamp) -> pd.Timestamp:
    """The 同期 date a year earlier (29 February → 28 February).

    >>> same_day_last_year(pd.Timestamp("2024-02-29")).date()
    datetime.date(2023, 2, 28)
    """
    try:
        return date.replace(year=date.year - 1)
    except ValueError:
        return date.replace(year=date.year - 1, day=28)


def period_label(year: int, as_of: pd.Timestamp) -> str:
    """How a pack names the period its figures cover: the year, its months to a month's end, or to the day.

    >>> period_label(2025, pd.Timestamp("2025-12-31")), period_label(2026, pd.Timestamp("2026-06-30"))
    ('2025年', '2026年1—6月')
    >>> period_label(2026, pd.Timestamp("2026-01-31")), period_label(2026, pd.Timestamp("2026-07-15"))
    ('2026年1月', '2026年1月1日至7月15日')
    """
    if (as_of.month, as_of.day) == (12, 31):
        return f"{year}年"
    if (as_of + pd.Timedelta(days=1)).day != 1:   # not a month's end: 1—7月 would claim the whole of July
        return f"{year}年1月1日至{as_of.month}月{as_of.day}日"
    return f"{year}年1月" if as_of.month == 1 else f"{year}年1—{as_of.month}月"
