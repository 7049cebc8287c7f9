"""The period a sheet states: year and as-of date from its name or title ("2025年1-6月", "截至2025年9月30日")."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def read_period(text: str) -> tuple[int | None, pd.Timestamp | None, str]:
    """Year and as-of date a sheet name or title states; a problem text when the period is unclear."""
    t = unicodedata.normalize("NFKC", text).replace(" ", "")
    years = YEAR.findall(t)
    if not years:
        return None, None, ""
    year = int(years[0])
    date = (re.search(r"(?:19|20)\d{2}年(\d{1,2})月(\d{1,2})日", t)
            or re.search(r"(?:19|20)\d{2}([-./])(\d{1,2})\1(\d{1,2})(?!\d)", t))
    if date:
        month, day = (date[1], date[2]) if date.re.groups == 2 else (date[2], date[3])
        try:
            return year, pd.Timestamp(year=year, month=int(month), day=int(day)), ""
        except ValueError:
            return year, None, f"“{text}”中的日期无效。"
    months = re.search(r"(?:^|[^\d])1[-—~～至到]\s*(\d{1,2})月", t)
    if months and 1 <= int(months[1]) <= 12:
        return year, pd.Timestamp(year=year, month=int(months[1]), day=1) + pd.offsets.MonthEnd(0), ""
    if "上半年" in t or "半年" in t and "下半年" not in t:
        return year, pd.Timestamp(year=year, month=6, day=30), ""
    if "前三季度" in t or "1-3季度" in t:
        return year, pd.Timestamp(year=year, month=9, day=30), ""
    if re.search(r"(第?一|1)季度", t) and "前" not in t:
        return year, pd.Timestamp(year=year, month=3, day=31), ""
    end = re.search(r"(?:截至|截止|至)(\d{1,2})月(?:底|末)?|(\d{1,2})月(?:底|末)", t)
    if end:
        month = int(end[1] or end[2])
        if 1 <= month <= 12:
            return year, pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthEnd(0), ""
    if re.search(r"\d{1,2}月", t.replace(years[0], "", 1)):
        return year, None, (f"“{text}”写了月份，但看不出是 1 月至该月的累计数。请把工作表改名为“{year}年1-6月”"
                            f"或“截至{year}年6月30日”这样的写法。")
    return year, pd.Timestamp(year=year, month=12, day=31), ""



# ----------------------------------------------------------------------------- the period from all of a sheet's words

@dataclass(frozen=True)
class PeriodStatement:
    """What one place of a sheet says about its period: a year, an end (month, day), or that it is the full year."""

    place: str                     # "工作表名称" or a cell ("A2")
    text: str
    year: int | None = None
    end: tuple[int, int] | None = None
    full_year: bool = False        # "2025年度", a sheet named only "2025年", 12月31日
    problem: str = ""


_ONLY_YEAR = re.compile(r"^((?:19|20)\d{2})年?度?$")
_MONTH_SPAN = re.compile(r"1\s*[-—–~～至到]\s*(\d{1,2})\s*月")
_MONTH_DAY = re.compile(r"(?<!\d)(\d{1,2})月(\d{1,2})日")
_PERIOD_WORDS = re.compile(r"截至|截止|年度|上半年|季度|[-—–~～至到]\s*\d{1,2}\s*月|\d{1,2}月\d{1,2}日|月(底|末)")


def period_statement(text: str, place: str, *, sheet_name: bool = False) -> PeriodStatement | None:
    """What ``text`` says about the period, or None when it says nothing.

    >>> period_statement("2025年", "工作表名称", sheet_name=True).full_year
    True
    >>> s = period_statement("本表统计截至6月30日的累计数", "A35"); (s.year, s.end, s.full_year)
    (None, (6, 30), False)
    >>> period_statement("2025年1—6月基层工会工作统计表", "A1").end
    (6, 30)
    """
    t = unicodedata.normalize("NFKC", str(text)).replace(" ", "")
    if sheet_name and _ONLY_YEAR.match(t):
        return PeriodStatement(place, text, year=int(_ONLY_YEAR.match(t)[1]), full_year=True)
    years = YEAR.findall(t)
    if years:
        year, as_of, problem = read_period(t)
        if problem:
            return PeriodStatement(place, text, year=year, problem=problem)
        said_end = bool(_PERIOD_WORDS.search(t.replace(years[0], "", 1)))
        if as_of is not None and (said_end or "年度" in t or as_of.month != 12):
            full = as_of.month == 12 and as_of.day == 31
            return PeriodStatement(place, text, year=year, end=(as_of.month, as_of.day), full_year=full)
        return PeriodStatement(place, text, year=year)   # a year and nothing about the months
    span = _MONTH_SPAN.search(t)
    if span and 1 <= int(span[1]) <= 12:
        month = int(span[1])
        return PeriodStatement(place, text, end=(month, _month_end(month)), full_year=month == 12)
    day = _MONTH_DAY.search(t)
    if day and re.search(r"截至|截止|至", t) and 1 <= int(day[1]) <= 12:
        month = int(day[1])
        return PeriodStatement(place, text, end=(month, int(day[2])), full_year=(month, int(day[2])) == (12, 31))
    if "上半年" in t:
        return PeriodStatement(place, text, end=(6, 30))
    return None


def _month_end(month: int) -> int:
    return (pd.Timestamp(year=2001, month=month, day=1) + pd.offsets.MonthEnd(0)).day


def reconcile_period(statements: list[PeriodStatement], default_year: int | None = None
                     ) -> tuple[int | None, pd.Timestamp | None, str, list[PeriodStatement]]:
    """(year, as-of date, problem, statements in conflict) from everything a sheet says about its period.

    Every statement must agree: two years, or a full year against 1—6月, stop the import with both
    places named. A sheet that states a year but no end is the full year; one that states no year
    takes ``default_year`` (``--year``), else it cannot be read.
    """
    said = [s for s in statements if s is not None]
    for s in said:
        if s.problem:
            return None, None, s.problem, [s]
    years = [s for s in said if s.year is not None]
    for s in years[1:]:
        if s.year != years[0].year:
            return None, None, "年份不一致", [years[0], s]
    ends = [s for s in said if s.end is not None or s.full_year]
    for s in ends[1:]:
        if _end(s) != _end(ends[0]):
            return None, None, "时期不一致", [ends[0], s]
    year = years[0].year if years else default_year
    if year is None:
        return None, None, "没有年份", []
    month, day = _end(ends[0]) if ends else (12, 31)
    try:
        return year, pd.Timestamp(year=year, month=month, day=day), "", []
    except ValueError:
        return None, None, f"日期 {month}月{day}日 无效", ends[:1]


def _end(s: PeriodStatement) -> tuple[int, int]:
    return (12, 31) if s.full_year and s.end is None else s.end
