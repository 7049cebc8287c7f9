"""The period a sheet states: year and as-of date from its name or title ("2025年1-6月", "截至2025年9月30日")."""

from __future__ import annotations

import re
import unicodedata

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

