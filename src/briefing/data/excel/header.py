"""A sheet's header: which rows it spans, which column is which indicator and in which unit.

Headers are matched to the catalogue by 中文名 and the ``aliases`` column, never by a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..catalog import normalise_label, parse_unit
from ..cells import parse_cell
from .grid import Sheet, compact

REGION_HEADERS = {"地区", "地区名称", "单位", "单位名称", "名称", "县(市)区", "县市区", "县区", "区县", "县(市、区)",
                  "县(区)", "工会", "工会名称", "填报单位", "基层单位", "行政区划", "区域", "项目", "地区(单位)",
                  "单位(地区)", "县(市)区名称", "县(市、区)名称", "县(市)区总工会", "产业工会", "地区/指标", "指标/地区"}
SERIAL_HEADERS = {"序号", "编号", "行次", "栏次", "代码", "序"}
NOTE_HEADERS = {"备注", "说明", "附注", "备 注", "下达单位", "下达部门"}   # 下达单位: a target table's issuer
COLUMN_NUMBER_LABELS = {"甲", "乙", "丙", "栏次", "行次"}
TOTAL_PATTERN = re.compile(r"(合计|总计|小计)数?$|^(汇总|共计|总数)$")
FOOTER_PATTERN = re.compile(r"^(注|说明|备注|附注|填报说明|统计说明|填表说明|数据来源|资料来源|填表人|填报人|审核人|负责人|"
                            r"联系人|联系电话|电话|制表|制表人|制表单位|单位负责人|统计负责人|报送日期|填报日期|填表日期|审核|"
                            r"领导|签发|签字|盖章)[:：\d、.]?")
HEADING_PATTERN = re.compile(r"^([一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|其中)|.*[:：]$")
UNIT_LINE = re.compile(r"(?:计量|金额|数据)?单位[:：]\s*([^\s,，;；)）]+)")
MAX_HEADER_SCAN = 30
MAX_HEADER_ROWS = 3


@dataclass
class ColumnInfo:
    """One column of a sheet as the header describes it."""

    index: int                  # 1-based column number
    letter: str
    header: str                 # the header text as shown to people ("集体合同/覆盖企业(家)")
    role: str                   # indicator | label | serial | note | empty | unknown
    indicator: str = ""
    unit: str = ""              # unit the column is written in (header, or sheet line, or catalogue)
    unit_from: str = ""         # "表头" | "表上方的单位说明" | "指标目录"
    indicator_unit: str = ""    # the catalogue's unit, which values are converted to



def split_unit(text: str) -> tuple[str, str]:
    """A header part as (name, unit): "资金(万元)" → ("资金", "万元"); "乡镇(街道)" → ("乡镇(街道)", "")."""
    t = normalise_label(text)
    t = re.sub(r"^(\d+[.、)]|\(\d+\)|[一二三四五六七八九十]+[、.]|其中[:：]?)", "", t).rstrip(":：")
    m = re.match(r"^(.*?)\(((?:单位[:：])?[^()]*)\)$", t)
    if m:
        unit = re.sub(r"^单位[:：]", "", m[2])
        if parse_unit(unit) is not None:
            return m[1], unit
    m = re.match(r"^(.*?)(?:/|单位[:：])(.+)$", t)  # "资金/万元", "资金单位:万元"
    if m and parse_unit(m[2]) is not None and m[1]:
        return m[1], m[2]
    return t, ""


def match_header(parts: list[str], labels: dict[str, str]) -> tuple[str, str]:
    """(indicator id, header unit) for a column's header parts (top to bottom); ("", "") when none matches."""
    split = [split_unit(p) for p in parts if p]
    if not split:
        return "", ""
    names = [n for n, _ in split if n]
    unit = next((u for _, u in reversed(split) if u), "")
    whole = [normalise_label(p) for p in parts if p]
    candidates = [whole[-1], "".join(whole)]
    if names:
        candidates += ["".join(names), names[-1]]
        if len(names) >= 2:
            candidates += ["".join(names[-2:]), names[-1] + names[-2], names[0] + names[-1]]
    for c in candidates:
        if c in labels:
            return labels[c], ("" if c in (whole[-1], "".join(whole)) and c not in names else unit)
    return "", ""


def is_region_header(parts: list[str]) -> bool:
    return any((t := normalise_label(p)) in REGION_HEADERS_NORMALISED or t.endswith("名称") for p in parts)


REGION_HEADERS_NORMALISED = {normalise_label(h) for h in REGION_HEADERS}
SERIAL_HEADERS_NORMALISED = {normalise_label(h) for h in SERIAL_HEADERS}
NOTE_HEADERS_NORMALISED = {normalise_label(h) for h in NOTE_HEADERS}


def find_header(sheet: Sheet, labels: dict) -> tuple[int, int, int]:
    """(first header row, last header row, indicator columns found); (0, 0, 0) when there is none."""
    scores = []
    for r in range(1, min(sheet.max_row, MAX_HEADER_SCAN) + 1):
        score = 0
        for c in range(1, sheet.max_col + 1):
            t = sheet.header_text(r, c)
            if t and match_header([t], labels)[0]:
                score += 1
        scores.append(score)
    if not scores or max(scores) == 0:
        return 0, 0, 0
    best = max(scores)
    last = min(r + 1 for r, s in enumerate(scores) if s == best)
    # a two-row header: the rows above belong to it while they are text spread over several columns
    first = last
    while first > 1 and last - first + 1 < MAX_HEADER_ROWS:
        above = first - 1
        texts = [t for t in sheet.row_texts(above) if t]
        if len(set(texts)) < 2 or any(UNIT_LINE.search(t) or re.search(r"[:：]", t) for t in texts):
            break
        numbers = [c for c in range(1, sheet.max_col + 1)
                   if (above, c) not in sheet.merged_anchor and isinstance(sheet.raw(above, c).value, (int, float))]
        if numbers:
            break
        first = above
    # a vertically merged header cell that reaches below ``last`` extends the header
    for c in range(1, sheet.max_col + 1):
        anchor = sheet.merged_anchor.get((last + 1, c))
        if anchor and anchor[0] <= last:
            last += 1
            break
    # so does a row of units under the names ("（家）", "单位：万元")
    while last < sheet.max_row and last - first + 1 < MAX_HEADER_ROWS + 1 and is_unit_row(sheet.row_texts(last + 1)):
        last += 1
    return first, last, best


def is_unit_row(texts: list[str]) -> bool:
    """A row of units under a header ("（个）", "万人", "%"), its first cell perhaps saying 单位 or 计量单位."""
    units = [unit_in_cell(t) for t in texts if t]
    return any(units) and all(u is not None for u in units)


def unit_in_cell(text: str) -> str | None:
    """The unit a cell of a unit row gives ("（万元）" → "万元"); "" for the row's label (单位, 计量单位); else None."""
    t = normalise_label(text)
    if re.fullmatch(r"\(?(计量)?单位[:：]?\)?", t):
        return ""
    m = re.fullmatch(r"\(?(?:(?:计量)?单位[:：])?([^()]+?)\)?", t)
    return m[1] if m and parse_unit(m[1]) else None


def unit_row_below(sheet: "Sheet", last: int) -> int | None:
    """A unit row under a row of column numbers (甲 乙 1 2 3) under the header; a unit row right under the
    header is part of the header already (``find_header``)."""
    numbers = [compact(t) for t in sheet.row_texts(last + 1) if t]
    if not numbers or not all(n.lower() in COLUMN_NUMBER_LABELS or n.isdigit() for n in numbers):
        return None
    return last + 2 if last + 2 <= sheet.max_row and is_unit_row(sheet.row_texts(last + 2)) else None


def transposed(sheet: "Sheet", labels: dict) -> bool:
    """Indicators down the first columns instead of across a header row (一行一指标)."""
    def numbers_right_of(r: int, c: int) -> bool:
        return any(isinstance(sheet.raw(r, k).value, (int, float)) or parse_cell(sheet.value_text(r, k)).value is not None
                   for k in range(c + 1, sheet.max_col + 1) if sheet.value_text(r, k))

    for c in range(1, min(sheet.max_col, 3) + 1):
        hits = sum(1 for r in range(1, min(sheet.max_row, 200) + 1)
                   if sheet.header_text(r, c) and match_header([sheet.header_text(r, c)], labels)[0]
                   and numbers_right_of(r, c))
        if hits >= 2:
            return True
    return False

