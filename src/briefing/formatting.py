"""How a number is shown: one set of functions for tables, charts and sentences alike.

Rounding is 四舍五入 (half-up on the decimal digits as written), never Python's or
pandas' half-even, so 2.25 shows as 2.3 everywhere and a figure never shows two ways
in one pack.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

MISSING_TABLE = "—"
MISSING_TEXT = "无数据"
# Units counted in whole things: large values are written with 万/亿 in sentences.
COUNT_UNITS = {"人", "人次", "户", "家", "件", "份", "条", "起", "项", "个", "场次", "期", "次"}
PREFIX_MARKS = {"近", "突破", "约"}
SUFFIX_MARKS = {"余", "多"}


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is _NA


try:  # pandas' NA is a singleton; compare by identity without importing pandas at module level twice
    import pandas as _pd

    _NA = _pd.NA
except ImportError:  # pragma: no cover
    _NA = object()


def round_half_up(value: float, decimals: int = 0) -> Decimal:
    """Round as people do (四舍五入), from the shortest decimal text of the float.

    >>> str(round_half_up(2.25, 1)), str(round_half_up(2.5)), str(round_half_up(-2.5))
    ('2.3', '3', '-3')
    """
    quantum = Decimal(1).scaleb(-decimals)
    return Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)


def _plain(value: float, decimals: int, thousands: bool) -> str:
    d = round_half_up(value, decimals)
    if d == 0:
        d = abs(d)  # never "-0"
    return f"{d:,.{decimals}f}" if thousands else f"{d:.{decimals}f}"


def format_number(value, decimals: int = 0, *, thousands: bool = True) -> str:
    """A number for a table cell: half-up, thousands separated, "—" when missing.

    >>> format_number(12345.65, 1), format_number(float("nan"))
    ('12,345.7', '—')
    """
    if is_missing(value):
        return MISSING_TABLE
    return _plain(float(value), decimals, thousands)


def format_percent(value, decimals: int = 1) -> str:
    """A value already in percent (92.345 → "92.3%")."""
    if is_missing(value):
        return MISSING_TABLE
    return _plain(float(value), decimals, False) + "%"


def format_points(value, decimals: int = 1, *, signed: bool = False) -> str:
    """A change of a rate, in 百分点 (never "percent")."""
    if is_missing(value):
        return MISSING_TABLE
    text = _plain(abs(float(value)) if not signed else float(value), decimals, False)
    if signed and round_half_up(float(value), decimals) > 0:
        text = "+" + text
    return text + "个百分点"


def format_amount(value, unit: str, decimals: int = 0, approx: str = "") -> str:
    """A quantity with its unit for a sentence: 万/亿 for large numbers, no thousands separator,
    an approximate figure kept approximate.

    >>> format_amount(648100, "人"), format_amount(2589, "人"), format_amount(12650.5, "万元", 1)
    ('64.81万人', '2589人', '1.27亿元')
    >>> format_amount(140, "万元", 1, approx="近"), format_amount(6000, "人", approx="余")
    ('近140万元', '6000余人')
    """
    if is_missing(value):
        return MISSING_TEXT
    v = float(value)
    if unit == "%":
        body, unit_text = _plain(v, decimals, False), "%"
    elif unit == "万元" and abs(v) >= 10000:
        body, unit_text = _trim(_plain(v / 10000, 2, False)), "亿元"
    elif unit in COUNT_UNITS and abs(v) >= 100000000:
        body, unit_text = _trim(_plain(v / 1e8, 2, False)), "亿" + unit
    elif unit in COUNT_UNITS and abs(v) >= 100000:
        body, unit_text = _trim(_plain(v / 10000, 2, False)), "万" + unit
    else:
        body, unit_text = _trim(_plain(v, decimals, False)) if decimals else _plain(v, 0, False), unit
    if approx in PREFIX_MARKS:
        return f"{approx}{body}{unit_text}"
    if approx in SUFFIX_MARKS:
        return f"{body}{approx}{unit_text}"
    return f"{body}{unit_text}"


def _trim(text: str) -> str:
    """Drop trailing zeros after the point ("64.80" → "64.8", "140.0" → "140")."""
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_value(value, unit: str, decimals: int = 0, approx: str = "") -> str:
    """A figure for a table cell with its approximation mark (unit goes in the header)."""
    if is_missing(value):
        return MISSING_TABLE
    text = format_percent(value, decimals) if unit == "%" else format_number(value, decimals)
    if unit == "%":
        text = text[:-1]
    if approx in PREFIX_MARKS:
        return approx + text
    if approx in SUFFIX_MARKS:
        return text + approx
    return text
