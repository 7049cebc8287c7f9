"""Dates of the arithmetic: the as-of date, 同期 a year earlier, 时间进度 (share of the year elapsed, by months) and the pacing rule."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..formatting import PERCENT_DECIMALS, half_up_scaled
from ..periods import year_end
from .rules import DEFAULT_RULES, Rules


def as_of_date(year: int, as_of: str | dt.date | None) -> pd.Timestamp:
    """The as-of date of a pack: the given date, or 31 December of ``year``.

    >>> as_of_date(2025, None).date(), as_of_date(2025, "2025-06-30").date()
    (datetime.date(2025, 12, 31), datetime.date(2025, 6, 30))
    """
    if as_of is None or (isinstance(as_of, str) and as_of.strip() == ""):
        return year_end(year)
    try:
        date = pd.Timestamp(as_of).normalize()
    except (TypeError, ValueError):
        raise ParameterError(f"截止日期“{as_of}”不是 YYYY-MM-DD 格式的日期（如 {year}-06-30）。"
                             "请检查参数 as_of；全年数据留空。") from None
    if date.year != year:
        raise ParameterError(f"截止日期 {date:%Y-%m-%d} 不在 {year} 年内。请把参数 as_of 改为 {year} 年的日期，"
                             "或把参数 year 改为截止日期所在的年份。")
    return date


def months_elapsed(date: pd.Timestamp) -> float:
    """Months of the year elapsed at the end of ``date``: whole months, and the current month by its days.

    >>> months_elapsed(pd.Timestamp("2025-06-30")), round(months_elapsed(pd.Timestamp("2025-07-15")), 4)
    (6.0, 6.4839)
    """
    date = pd.Timestamp(date)
    return (date.month - 1) + date.day / date.days_in_month


def year_elapsed(date: pd.Timestamp) -> float:
    """Share of the year elapsed at the end of ``date`` (时间进度 ÷ 100), by months (rule 4).

    Months elapsed ÷ 12, the current month counted by its days elapsed: a month end is
    whole months (30 June → 0.5, 时间过半), 15 July is (6 + 15/31) ÷ 12. The time left is
    1 − this, on the same basis, for the speed the rest of the year needs.

    >>> year_elapsed(pd.Timestamp("2025-06-30")), year_elapsed(pd.Timestamp("2025-12-31"))
    (0.5, 1.0)
    >>> round(year_elapsed(pd.Timestamp("2025-07-15")), 4)   # (6 + 15/31) / 12
    0.5403
    """
    return months_elapsed(date) / 12


def pace_status(completion_pct, time_progress_pct, rules: Rules = DEFAULT_RULES) -> tuple[np.ndarray, np.ndarray]:
    """The pacing rule (rule 4): (pace_gap, pace) for completion against 时间进度, both in percent.

    Both are compared as shown (one decimal, half-up); NaN completion gives "".

    >>> gap, pace = pace_status([62.0, 50.0, 49.94, 45.0], 50.0)
    >>> gap.tolist(), pace.tolist()
    ([12.0, 0.0, -0.1, -5.0], ['超前', '同步', '滞后', '滞后'])

    ``pace`` holds codes; the word a pack shows is ``STATUS`` (进度超前/进度正常/进度滞后).
    """
    completion = np.asarray(completion_pct, dtype=float)
    scale = 10.0 ** PERCENT_DECIMALS
    gap = (half_up_scaled(completion, PERCENT_DECIMALS) - half_up_scaled(time_progress_pct, PERCENT_DECIMALS)) / scale
    ok = ~np.isnan(gap)
    pace = np.select([ok & (gap >= rules.ahead_margin_pp), ok & (gap >= -rules.pace_tolerance_pp), ok],
                     ["超前", "同步", "滞后"], default="").astype(object)
    return gap, pace
