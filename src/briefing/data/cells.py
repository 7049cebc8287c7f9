"""One cell's text as returns write it ("1.2万", "85.25%", "6万余", "—"): the cell rules every reader shares.

A number typed as text is read with its multiplier, unit and approximation mark; a
placeholder is blank; anything else is a problem in plain Chinese. Never raises, never
guesses: the CSV folder, the Excel readers and the hints of their messages all use
``parse_cell``, so a cell means the same whatever file it came in.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .catalog import parse_unit

PLACEHOLDERS = {"", "x", "×", "-", "--", "---", "—", "——", "－", "/", "\\", "无", "空", "…", "……", "...",
                "n/a", "na", "null", "none", "暂无", "不详", "缺", "/ "}


@dataclass(frozen=True)
class ParsedCell:
    """What a cell's text says: a number as written, its multiplier and unit, an approximation mark.

    ``value`` is None when the cell is blank (``blank``) or cannot be read (``problem`` says why).
    """

    value: float | None = None
    multiplier: float = 1.0
    unit: str = ""        # base unit written in the cell ("元", "人", "%"), "" when none
    approx: str = ""
    blank: bool = False
    problem: str = ""


_NUMBER = re.compile(r"^(?P<pre>近|约|大约|突破)?(?P<num>[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+))(?P<rest>.*)$")
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
COMMA_PROBLEM = ("中的逗号位置不对：千分位逗号应每三位一个（如 1,234,567），这样写看不出是哪个数"
                 "（“38,35”可能是 3835，也可能是 38.35）。请改为不带逗号的数字。")


def plain_number(text: str) -> tuple[float | None, str]:
    """A number written plainly (digits, a point, correct thousands separators, an exponent) or (None, problem).

    The one rule for a number in any cell, CSV or Excel: "1,234,567" is 1234567; "38,35" and "2,0,1" are
    refused, never read as 3835 or 201; "inf", "nan" and hexadecimal are not numbers to an analyst.

    >>> plain_number("1,234,567"), plain_number("38,35")[0], plain_number("1e4")
    ((1234567.0, ''), None, (10000.0, ''))
    """
    t = unicodedata.normalize("NFKC", str(text)).strip()
    if "," in t:
        if not _GROUPED.fullmatch(t):
            return None, f"“{t}”{COMMA_PROBLEM}"
        t = t.replace(",", "")
    if not _PLAIN.fullmatch(t):
        return None, ""
    return float(t), ""
_REFUSED_MARKS = {"以上": "以上", "超过": "超过", "逾": "逾", "左右": "左右", "以下": "以下", "不足": "不足"}


def parse_cell(text: object) -> ParsedCell:
    """Read a number typed as text the way returns write it; never raises.

    >>> parse_cell("1.2万").value, parse_cell("6万余").approx, parse_cell("85.25%").unit
    (1.2, '余', '%')
    >>> c = parse_cell("近140万元"); (c.value, c.multiplier, c.unit, c.approx)
    (140.0, 10000.0, '元', '近')
    >>> parse_cell("—").blank, parse_cell("约一百").problem.startswith("不是数字")
    (True, True)
    """
    t = unicodedata.normalize("NFKC", str(text)).strip()
    t = re.sub(r"\s+", "", t)
    if t.lower() in PLACEHOLDERS or re.fullmatch(r"[-—–─━－_/\\.…·xX×]+", t or "-"):
        return ParsedCell(blank=True)
    if t.startswith(("=", "+=", "@")):
        return ParsedCell(problem="像是公式或命令，不是数字：本工具不计算公式。请把这一格改为数值。")
    for word in _REFUSED_MARKS:
        if word in t:
            return ParsedCell(problem=f"“{word}”不是可识别的约数标记。请写确切数字，或用“近、约、突破”（写在数字前）、"
                                      "“余、多”（写在数字后）表示约数，如“15万余”。")
    m = _NUMBER.match(t)
    if not m:
        if re.search(r"[零〇一二两三四五六七八九十百千万亿]", t) and not re.search(r"\d", t):
            return ParsedCell(problem="不是数字：请用阿拉伯数字填写（如 100，不要写“一百”）。")
        return ParsedCell(problem="不是数字。请填写数字，可带单位（如“1.2万”“85.25%”“140万元”）或约数标记（近、余、多、突破、约）；"
                                  "没有数据请留空或填“—”。")
    number, problem = plain_number(m["num"])
    if number is None:
        return ParsedCell(problem=problem or "不是数字。")
    pre = {"大约": "约"}.get(m["pre"] or "", m["pre"] or "")
    rest = m["rest"]
    marks = [mark for mark in ("余", "多") if mark in rest]
    if len(marks) > 1 or sum(rest.count(mk) for mk in ("余", "多")) > 1 or (marks and pre):
        return ParsedCell(problem="约数标记重复。一个数只能有一个约数标记（如“近140万”或“6万余”）。")
    approx = pre or (marks[0] if marks else "")
    if marks:
        rest = rest.replace(marks[0], "", 1)
    if rest in ("", ):
        return ParsedCell(value=number, approx=approx)
    unit = parse_unit(rest)
    if unit is None:
        return ParsedCell(problem=f"数字后面的“{rest}”不是可识别的单位。请只写数字，把单位写在表头（如“资金(万元)”）。")
    base, mult = unit
    return ParsedCell(value=number, multiplier=mult, unit=base, approx=approx)

