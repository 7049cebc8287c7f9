"""How a number is shown: one function, ``format_figure``, for tables, charts and sentences alike.

Rounding is 四舍五入 (half-up, away from zero at the half), never Python's or pandas'
half-even, so 2.25 shows as 2.3 everywhere. A float is rounded as it was written: a
value within a few units in the last place of a half (2.675 is stored as
2.67499999999999982…) counts as that half. ``half_up_scaled`` is the one rounding rule;
the scalar ``round_half_up`` and every ``format_*`` function go through it, and the
computation layer uses it too for every comparison a reader can check on the page, so
a figure never shows two ways in one pack and the page's arithmetic adds up.
"""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np

MISSING_TABLE = "—"
MISSING_TEXT = "无数据"
# Percentages derived by the pack (completion, percentage change, 时间进度) and changes of
# rates in 百分点 are shown with one decimal, everywhere.
PERCENT_DECIMALS = 1
# Units counted in whole things: large values are written with 万/亿 in sentences.
COUNT_UNITS = {"人", "人次", "户", "家", "件", "份", "条", "起", "项", "个", "场次", "期", "次", "班次"}
PREFIX_MARKS = {"近", "突破", "约"}
SUFFIX_MARKS = {"余", "多"}
STYLES = ("table", "chart", "sentence")

try:  # pandas' NA and NaT are singletons; compared by identity
    import pandas as _pd

    _NA, _NAT = _pd.NA, _pd.NaT
except ImportError:  # pragma: no cover
    _NA = _NAT = object()

# Below this many units in the last place a float is "near" a half; above 2**40 (where
# one ulp is about 1e-4) the tolerance is dropped, the value being an integer to display.
_HALF_ULPS = 4


def is_missing(value) -> bool:
    """True for None, NaN, ±inf, pandas NA/NaT: nothing a page may print as a number."""
    if value is None or value is _NA or value is _NAT:
        return True
    try:
        return not math.isfinite(float(value))
    except (TypeError, ValueError):
        return True


def half_up_scaled(values, decimals) -> np.ndarray:
    """The integers k with k / 10**decimals = values rounded half-up (vectorised).

    ``decimals`` may be one number or an array broadcast against ``values``. NaN stays
    NaN; the sign is kept (−2.5 → −3, as 四舍五入 does).

    >>> half_up_scaled([2.5, 2.25, -2.5, 2.675, 1.005], [0, 1, 0, 2, 2]).tolist()
    [3.0, 23.0, -3.0, 268.0, 101.0]
    """
    x = np.asarray(values, dtype=float)
    scale = np.power(10.0, np.asarray(decimals, dtype=float))
    with np.errstate(invalid="ignore"):
        y = np.abs(x) * scale
        whole = np.floor(y)
        ulp = np.spacing(y)
        tolerance = np.where(ulp < 2.0 ** -12, _HALF_ULPS * ulp, 0.0)
        k = whole + ((y - whole) >= 0.5 - tolerance)
    return np.copysign(k, x) + 0.0  # + 0.0 turns −0.0 into 0.0


def round_half_up_array(values, decimals) -> np.ndarray:
    """``values`` rounded half-up to ``decimals`` (vectorised), as floats.

    >>> round_half_up_array([0.125, 99.95, -0.04], 2).tolist()
    [0.13, 99.95, -0.04]
    """
    return half_up_scaled(values, decimals) / np.power(10.0, np.asarray(decimals, dtype=float))


def round_half_up(value: float, decimals: int = 0) -> Decimal:
    """Round as people do (四舍五入); the exact decimal result.

    >>> str(round_half_up(2.25, 1)), str(round_half_up(2.5)), str(round_half_up(-2.5)), str(round_half_up(1.005, 2))
    ('2.3', '3', '-3', '1.01')
    """
    k = float(half_up_scaled(float(value), decimals))
    if not math.isfinite(k):
        return Decimal("NaN")
    return Decimal(int(k)).scaleb(-decimals)


def _plain(value: float, decimals: int, thousands: bool) -> str:
    d = round_half_up(value, decimals)
    return f"{d:,.{decimals}f}" if thousands else f"{d:.{decimals}f}"


def _trim(text: str) -> str:
    """Drop trailing zeros after the point ("64.80" → "64.8", "140.0" → "140")."""
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _marked(body: str, approx: str, unit_text: str = "") -> str:
    if approx in PREFIX_MARKS:
        return f"{approx}{body}{unit_text}"
    if approx in SUFFIX_MARKS:
        return f"{body}{approx}{unit_text}"
    return f"{body}{unit_text}"


def format_figure(value, unit: str = "", decimals: int = 0, approx: str = "", *, style: str = "table") -> str:
    """One figure as every part of a pack shows it: half-up at ``decimals``, approximations kept.

    - ``table``: thousands separated, no unit (it is in the column head), "—" when missing;
    - ``chart``: a data label, no separators, no unit, "—" when missing;
    - ``sentence``: with its unit, 万/亿 for large counts and amounts, no separators,
      "无数据" when missing.

    >>> format_figure(1234567.25, "人"), format_figure(1234567.25, "人", style="chart")
    ('1,234,567', '1234567')
    >>> format_figure(648100, "人", style="sentence"), format_figure(140, "万元", 1, "近", style="sentence")
    ('64.81万人', '近140万元')
    >>> format_figure(95.25, "%", 1), format_figure(95.25, "%", 1, style="sentence")
    ('95.3', '95.3%')
    """
    if style not in STYLES:
        raise ValueError(f"style 只能是 {'、'.join(STYLES)} 之一，而不是“{style}”。")
    if is_missing(value):
        return MISSING_TEXT if style == "sentence" else MISSING_TABLE
    v = float(value)
    decimals = int(decimals)
    if style != "sentence":
        return _marked(_plain(v, decimals, style == "table"), approx)
    if unit == "%":
        return _marked(_plain(v, decimals, False), approx, "%")
    if unit == "万元" and abs(v) >= 10000:
        return _marked(_trim(_plain(v / 10000, 2, False)), approx, "亿元")
    if unit in COUNT_UNITS and abs(v) >= 100000000:
        return _marked(_trim(_plain(v / 1e8, 2, False)), approx, "亿" + unit)
    if unit in COUNT_UNITS and abs(v) >= 100000:
        return _marked(_trim(_plain(v / 10000, 2, False)), approx, "万" + unit)
    body = _trim(_plain(v, decimals, False)) if decimals else _plain(v, 0, False)
    return _marked(body, approx, unit)


def format_number(value, decimals: int = 0, *, thousands: bool = True) -> str:
    """A number for a table cell: half-up, thousands separated, "—" when missing.

    >>> format_number(12345.65, 1), format_number(float("nan")), format_number(float("inf"))
    ('12,345.7', '—', '—')
    """
    return format_figure(value, "", decimals, style="table" if thousands else "chart")


def format_percent(value, decimals: int = PERCENT_DECIMALS, approx: str = "") -> str:
    """A value already in percent (92.345 → "92.3%"); "—" when missing.

    >>> format_percent(92.345), format_percent(93.3, approx="约")
    ('92.3%', '约93.3%')
    """
    if is_missing(value):
        return MISSING_TABLE
    return _marked(_plain(float(value), decimals, False), approx, "%")


def format_signed_percent(value, decimals: int = PERCENT_DECIMALS) -> str:
    """A percentage change with its sign ("+5.2%", "-3.0%", "0.0%"); "—" when missing.

    >>> format_signed_percent(5.25), format_signed_percent(-3), format_signed_percent(0.04)
    ('+5.3%', '-3.0%', '0.0%')
    """
    if is_missing(value):
        return MISSING_TABLE
    sign = "+" if round_half_up(float(value), decimals) > 0 else ""
    return sign + format_percent(value, decimals)


def format_points(value, decimals: int = PERCENT_DECIMALS, *, signed: bool = False) -> str:
    """A change of a rate, in 百分点 (never "percent").

    >>> format_points(1.25), format_points(-0.84, signed=True), format_points(0.84, signed=True)
    ('1.3个百分点', '-0.8个百分点', '+0.8个百分点')
    """
    if is_missing(value):
        return MISSING_TABLE
    v = float(value)
    text = _plain(v if signed else abs(v), decimals, False)
    if signed and round_half_up(v, decimals) > 0:
        text = "+" + text
    return text + "个百分点"


def format_change(change, change_pct, kind: str, yoy: str = "") -> str:
    """A year-over-year change for a table or chart label: "+5.2%" for amounts, "+1.3个百分点"
    for rates, the word (新增 / 无上年数据) where there is no percentage. Never "inf" or "nan".

    >>> format_change(2, 20.0, "flow"), format_change(3, float("nan"), "flow", "新增")
    ('+20.0%', '新增')
    >>> format_change(1.25, float("nan"), "rate", "增长"), format_change(float("nan"), float("nan"), "flow", "无上年数据")
    ('+1.3个百分点', '无上年数据')
    """
    if kind == "rate" and not is_missing(change):
        return format_points(change, PERCENT_DECIMALS, signed=True)
    if kind != "rate" and not is_missing(change_pct):
        return format_signed_percent(change_pct)
    return yoy if yoy in ("新增", "无上年数据", "无本期数据") else MISSING_TABLE


def format_amount(value, unit: str, decimals: int = 0, approx: str = "") -> str:
    """A quantity with its unit for a sentence (``format_figure(..., style="sentence")``).

    >>> format_amount(648100, "人"), format_amount(2589, "人"), format_amount(12650.5, "万元", 1)
    ('64.81万人', '2589人', '1.27亿元')
    >>> format_amount(140, "万元", 1, approx="近"), format_amount(6000, "人", approx="余")
    ('近140万元', '6000余人')
    """
    return format_figure(value, unit, decimals, approx, style="sentence")


def format_value(value, unit: str, decimals: int = 0, approx: str = "") -> str:
    """A figure for a table cell with its approximation mark (``format_figure(..., style="table")``).

    >>> format_value(140, "万元", 1, "近"), format_value(95.25, "%", 1)
    ('近140.0', '95.3')
    """
    return format_figure(value, unit, decimals, approx, style="table")


def format_date(date, *, year: bool = True) -> str:
    """A date as Chinese text writes it, without leading zeros: "2026年6月30日" (or "6月30日").

    >>> import datetime
    >>> format_date(datetime.date(2026, 6, 30)), format_date(datetime.date(2026, 1, 5), year=False)
    ('2026年6月30日', '1月5日')
    """
    text = f"{date.month}月{date.day}日"
    return f"{date.year}年{text}" if year else text
