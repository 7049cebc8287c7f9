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
