"""Dates of the statistical calendar: the end of a year and the same day a year earlier (同期).

Ground floor: readers (a form's 上年同期 column) and the arithmetic (year-over-year) both need them.
"""

from __future__ import annotations

import pandas as pd


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
