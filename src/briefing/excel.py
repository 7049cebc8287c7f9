"""Read an Excel return (one sheet per year, one row per region, one column per indicator) into tidy figures.

Returns come as they really are: title and "单位：万元" lines above a one- or two-row
header with merged cells, units in the header ("资金(万元)"), a 序号 column, a 合计 row,
numbers typed as text ("1.2万", "85.25%", "6万余"), placeholders ("X", "—") and notes
under the table. This module reads that shape and nothing else:

- headers are matched to the catalogue by 中文名 and the ``aliases`` column, never by a
  guess (an unmatched header is refused, with the closest catalogue names suggested);
- values are converted to the catalogue's unit (元↔万元↔亿元, 人↔万人), approximations
  (近/余/多/突破/约) are kept as a mark, a formula's result is taken as Excel saved it
  and a formula is never evaluated;
- the 合计 row is checked against the sum of the rows and is never loaded as a region;
- every cell that cannot be read is refused by file, sheet, cell, row, column and value,
  in Chinese, with what to do. Blank and placeholder cells are counted and listed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from . import config
from .catalog import catalog_labels, normalise_label, parse_unit, suggest_indicators, unit_factor
from .errors import DataError, Finding, ValidationError

PLACEHOLDERS = {"", "x", "×", "-", "--", "---", "—", "——", "－", "/", "\\", "无", "空", "…", "……", "...",
                "n/a", "na", "null", "none", "暂无", "不详", "缺", "/ "}
REGION_HEADERS = {"地区", "地区名称", "单位", "单位名称", "名称", "县(市)区", "县市区", "县区", "区县", "县(市、区)",
                  "县(区)", "工会", "工会名称", "填报单位", "基层单位", "行政区划", "区域", "项目", "地区(单位)",
                  "单位(地区)", "县(市)区名称", "县(市、区)名称", "县(市)区总工会", "产业工会", "地区/指标", "指标/地区"}
SERIAL_HEADERS = {"序号", "编号", "行次", "栏次", "代码", "序"}
NOTE_HEADERS = {"备注", "说明", "附注", "备 注"}
COLUMN_NUMBER_LABELS = {"甲", "乙", "丙", "栏次", "行次"}
TOTAL_PATTERN = re.compile(r"(合计|总计|小计)数?$|^(汇总|共计|总数)$")
FOOTER_PATTERN = re.compile(r"^(注|说明|备注|附注|填表人|填报人|审核人|负责人|联系人|联系电话|电话|制表|制表人|单位负责人|"
                            r"统计负责人|报送日期|填报日期|填表日期|审核|领导)[:：\d、.]?")
HEADING_PATTERN = re.compile(r"^([一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|其中)|.*[:：]$")
UNIT_LINE = re.compile(r"(?:计量|金额|数据)?单位[:：]\s*([^\s,，;；)）]+)")
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
MAX_HEADER_SCAN = 30
MAX_HEADER_ROWS = 3


# ------------------------------------------------------------------------ one cell's text

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


_NUMBER = re.compile(r"^(?P<pre>近|约|大约|突破)?(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+))(?P<rest>.*)$")
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
    body = re.sub(r"(?<=\d),(?=\d{3})", "", t)
    m = _NUMBER.match(body)
    if not m:
        if re.search(r"[零〇一二两三四五六七八九十百千万亿]", t) and not re.search(r"\d", t):
            return ParsedCell(problem="不是数字：请用阿拉伯数字填写（如 100，不要写“一百”）。")
        return ParsedCell(problem="不是数字。请填写数字，可带单位（如“1.2万”“85.25%”“140万元”）或约数标记（近、余、多、突破、约）；"
                                  "没有数据请留空或填“—”。")
    number = float(m["num"])
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


# ----------------------------------------------------------------------- sheet structure

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


@dataclass
class SheetReport:
    """What was read from one sheet: for the import summary."""

    name: str
    year: int | None = None
    as_of: pd.Timestamp | None = None
    header_rows: tuple[int, int] | None = None
    regions: list[str] = field(default_factory=list)
    columns: list[ColumnInfo] = field(default_factory=list)
    read: int = 0
    converted: int = 0          # text turned into numbers, or units converted
    approximate: int = 0
    formulas: int = 0
    blank: list[str] = field(default_factory=list)
    refused: int = 0
    totals: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class WorkbookImport:
    """An Excel return read into tidy frames, with every finding and a per-sheet report."""

    file: str
    figures: pd.DataFrame
    regions: pd.DataFrame
    findings: list
    sheets: list

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level != "error"]

    def summary(self) -> str:
        """What was read, sheet by sheet, in Chinese (the import command prints it)."""
        lines = [f"读取 {self.file}："]
        for s in self.sheets:
            if s.note:
                lines.append(f"  工作表“{s.name}”：{s.note}")
                continue
            full = s.as_of is not None and s.as_of.strftime("%m-%d") == "12-31"
            when = f"{s.year} 年全年" if full else f"{s.year} 年（截至 {s.as_of:%Y-%m-%d}）" if s.as_of is not None else "年份未知"
            head = f"第 {s.header_rows[0]}–{s.header_rows[1]} 行" if s.header_rows else "未找到"
            ind = [c for c in s.columns if c.role == "indicator"]
            lines.append(f"  工作表“{s.name}”：{when}；表头{head}；地区 {len(s.regions)} 个；指标 {len(ind)} 个；"
                         f"读入数字 {s.read} 个（文字或单位转换 {s.converted} 个，约数 {s.approximate} 个，"
                         f"公式结果 {s.formulas} 个）；空白或占位 {len(s.blank)} 个；拒收 {s.refused} 个。")
            by_catalog = [c.header for c in ind if c.unit_from == "指标目录"]
            converted = [f"{c.header}（{c.unit}→{c.indicator_unit}）" for c in ind if c.indicator_unit != c.unit]
            if converted:
                lines.append(f"    单位换算：{'；'.join(converted)}")
            if by_catalog:
                lines.append(f"    表头未注明单位、按指标目录的单位读取：{'、'.join(by_catalog)}")
            if s.blank:
                shown = "、".join(s.blank[:30]) + (f" 等 {len(s.blank)} 格" if len(s.blank) > 30 else "")
                lines.append(f"    空白或占位（未作为数字读入）：{shown}")
            for t in s.totals:
                lines.append(f"    {t}")
            for k in s.skipped:
                lines.append(f"    未读入：{k}")
        n = len(self.figures)
        lines.append(f"共读入 {n} 个数字，{len(set(self.figures['region'])) if n else 0} 个地区，"
                     f"{len(set(self.figures['indicator'])) if n else 0} 个指标；拒收 {sum(s.refused for s in self.sheets)} 个；"
                     f"错误 {len(self.errors)} 个，提示 {len(self.warnings)} 个。")
        return "\n".join(lines)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def _compact(value) -> str:
    return re.sub(r"\s+", "", _text(value))


def _split_unit(text: str) -> tuple[str, str]:
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


def _match_header(parts: list[str], labels: dict[str, str]) -> tuple[str, str]:
    """(indicator id, header unit) for a column's header parts (top to bottom); ("", "") when none matches."""
    split = [_split_unit(p) for p in parts if p]
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


def _is_region_header(parts: list[str]) -> bool:
    return any((t := normalise_label(p)) in _REGION_HEADERS or t.endswith("名称") for p in parts)


_REGION_HEADERS = {normalise_label(h) for h in REGION_HEADERS}
_SERIAL_HEADERS = {normalise_label(h) for h in SERIAL_HEADERS}
_NOTE_HEADERS = {normalise_label(h) for h in NOTE_HEADERS}


def _period(text: str) -> tuple[int | None, pd.Timestamp | None, str]:
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


class _Sheet:
    """A worksheet as a grid: values (formulas' saved results where asked) and merged-cell filling."""

    def __init__(self, ws, ws_values):
        self.ws, self.ws_values = ws, ws_values
        self.max_row, self.max_col = ws.max_row or 0, ws.max_column or 0
        self.merged_anchor: dict[tuple[int, int], tuple[int, int]] = {}
        for rng in ws.merged_cells.ranges:
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    self.merged_anchor[(r, c)] = (rng.min_row, rng.min_col)

    def raw(self, r: int, c: int):
        return self.ws.cell(row=r, column=c)

    def header_text(self, r: int, c: int) -> str:
        """A header cell's text, taking a merged range's value in every cell it covers."""
        ar, ac = self.merged_anchor.get((r, c), (r, c))
        return self.value_text(ar, ac)

    def value_text(self, r: int, c: int) -> str:
        cell = self.ws.cell(row=r, column=c)
        if cell.data_type == "f":
            saved = self.saved(r, c)
            return _text(saved) if saved is not None else ""
        return _text(cell.value)

    def saved(self, r: int, c: int):
        return self.ws_values.cell(row=r, column=c).value if self.ws_values is not None else None

    def row_texts(self, r: int) -> list[str]:
        return [self.header_text(r, c) for c in range(1, self.max_col + 1)]


def _column_index(cell: str) -> int:
    from openpyxl.utils import column_index_from_string
    return column_index_from_string(re.sub(r"\d", "", cell))


def _letter(c: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(c)


# ------------------------------------------------------------------------ reading a sheet

@dataclass
class _Context:
    file: str
    catalog: pd.DataFrame
    labels: dict
    regions: pd.DataFrame | None
    region_keys: dict
    findings: list
    rows: list                   # tidy figure rows (dicts)
    new_regions: dict            # name → first seen (sheet, cell) when building regions
    default_year: int | None


def _cell_number(sheet: _Sheet, r: int, c: int) -> tuple[ParsedCell, bool, bool]:
    """A data cell as a parsed value; also whether it was a formula and whether text was converted."""
    cell = sheet.raw(r, c)
    formula = cell.data_type == "f"
    value = cell.value
    if formula:
        value = sheet.saved(r, c)
        if value is None:
            shown = cell.value if isinstance(cell.value, str) else "公式"
            return ParsedCell(problem=f"是公式“{shown}”，文件中没有保存计算结果，本工具不计算公式。请在 Excel 中打开并保存"
                                      "（或把公式改为数值）后重新导入。"), True, False
    if cell.data_type == "e" or (isinstance(value, str) and value.startswith("#") and value.endswith(("!", "?", "A"))):
        return ParsedCell(problem="是 Excel 错误值（如 #DIV/0!、#REF!）。请改正公式或填入数值。"), formula, False
    if isinstance(value, bool):
        return ParsedCell(problem="是“是/否”值，不是数字。请填入数值。"), formula, False
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return ParsedCell(problem="是日期或时间，不是数字。请把该格的格式改为“常规”或“数值”并填入数值。"), formula, False
    if isinstance(value, (int, float)):
        number = float(value)
        if not math.isfinite(number):
            return ParsedCell(problem="不是有限的数字。请填入数值。"), formula, False
        if "%" in (cell.number_format or ""):
            return ParsedCell(value=number * 100, unit="%"), formula, False
        return ParsedCell(value=number), formula, False
    if value is None:
        return ParsedCell(blank=True), formula, False
    parsed = parse_cell(value)
    return parsed, formula, not parsed.blank and parsed.value is not None


def _to_catalogue_unit(p: ParsedCell, col: ColumnInfo, cat_unit: str) -> tuple[float | None, str]:
    """The parsed cell's value in the catalogue unit, or a problem text."""
    if p.unit:
        f = unit_factor(p.unit, cat_unit)
        if f is None:
            return None, (f"单元格中写的单位“{p.unit}”与该指标的单位“{cat_unit}”不是同一种量，无法换算。"
                          "请核对这一格是否填错了列，或删去单元格中的单位。")
        return _clean(p.value * p.multiplier * f), ""
    if p.multiplier != 1:
        base = parse_unit(col.unit)
        if base is not None and base[1] != 1:
            return None, (f"表头单位已是“{col.unit}”，单元格中又写了“万”或“亿”，无法确定数量级。"
                          f"请只写按“{col.unit}”计的数字。")
    f = unit_factor(col.unit, cat_unit)
    if f is None:
        return None, f"列的单位“{col.unit}”无法换算为“{cat_unit}”。"
    return _clean(p.value * p.multiplier * f), ""


def _clean(x: float) -> float:
    """Drop the float noise of a unit conversion (140.00000000000003 → 140.0)."""
    return float(f"{x:.12g}") if x else 0.0


def _find_header(sheet: _Sheet, labels: dict) -> tuple[int, int, int]:
    """(first header row, last header row, indicator columns found); (0, 0, 0) when there is none."""
    scores = []
    for r in range(1, min(sheet.max_row, MAX_HEADER_SCAN) + 1):
        score = 0
        for c in range(1, sheet.max_col + 1):
            t = sheet.header_text(r, c)
            if t and _match_header([t], labels)[0]:
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
    while last < sheet.max_row and last - first + 1 < MAX_HEADER_ROWS + 1 and _is_unit_row(sheet.row_texts(last + 1)):
        last += 1
    return first, last, best


def _is_unit_row(texts: list[str]) -> bool:
    units = [t for t in texts if t]
    return bool(units) and all(
        (m := re.fullmatch(r"[(（]?(?:(?:计量)?单位[:：])?\s*([^()（）]+?)\s*[)）]?", _compact(t))) and parse_unit(m[1])
        for t in units)


def _transposed(sheet: "_Sheet", labels: dict) -> bool:
    """Indicators down the first columns instead of across a header row (一行一指标)."""
    def numbers_right_of(r: int, c: int) -> bool:
        return any(isinstance(sheet.raw(r, k).value, (int, float)) or parse_cell(sheet.value_text(r, k)).value is not None
                   for k in range(c + 1, sheet.max_col + 1) if sheet.value_text(r, k))

    for c in range(1, min(sheet.max_col, 3) + 1):
        hits = sum(1 for r in range(1, min(sheet.max_row, 200) + 1)
                   if sheet.header_text(r, c) and _match_header([sheet.header_text(r, c)], labels)[0]
                   and numbers_right_of(r, c))
        if hits >= 2:
            return True
    return False


def _read_sheet(ws, ws_values, ctx: _Context) -> SheetReport:
    """Read one worksheet into ``ctx.rows`` and ``ctx.findings``; report what was read."""
    return _SheetReader(ws, ws_values, ctx).read()


class _SheetReader:
    """One worksheet, read in stages: header and period, columns, rows, values, then the 合计 check."""

    def __init__(self, ws, ws_values, ctx: _Context):
        self.ws, self.ctx, self.name = ws, ctx, ws.title
        self.sheet = _Sheet(ws, ws_values)
        self.report = SheetReport(name=ws.title)
        self.catalog = ctx.catalog

    def refuse(self, message, *, row=None, col=None, value="", level="error", column="", region="", indicator=""):
        cell = f"{_letter(col)}{row}" if row and col else ""
        self.ctx.findings.append(Finding(level, message, file=self.ctx.file, sheet=self.name, cell=cell, row=row,
                                         column=column, value=str(value), region=region, indicator=indicator))

    def read(self) -> SheetReport:
        sheet, report = self.sheet, self.report
        if sheet.max_row == 0 or sheet.max_col == 0 or (sheet.max_row == sheet.max_col == 1
                                                         and self.ws.cell(1, 1).value is None):
            report.note = "空表，未读入。"
            return report
        self.first, self.last, found = _find_header(sheet, self.ctx.labels)
        if not self._period(found):
            return report
        indicator_cols = self._columns()
        if not indicator_cols:
            report.note = "指标列都未能读入（见上面的错误）。"
            return report
        self.label_col = self._label_column(indicator_cols)
        if self.label_col is None:
            self.refuse("找不到地区列：表头中没有“地区”“单位”“县(市)区”这样的列名，指标列左边也没有写地区名称的列。"
                        "请把地区名称放在第一列，并把该列表头写为“地区”。", row=self.last, col=1)
            return report
        self._unknown_columns()
        data_rows, totals = self._rows(indicator_cols)
        self._year_column(data_rows)
        values = self._values(data_rows, indicator_cols)
        self._check_totals(totals, data_rows, indicator_cols, values)
        self._fractions(indicator_cols, values)
        return report

    # -- header, period, columns

    def _period(self, found: int) -> bool:
        """Year and as-of date from the sheet name, else the title lines; False when the sheet is not read."""
        sheet, report = self.sheet, self.report
        top = self.first or min(sheet.max_row, 6) + 1
        self.title_texts = [t for r in range(1, top) for t in dict.fromkeys(sheet.row_texts(r))
                            if t and not re.search(r"日期|^(填报|制表|报送|打印)", t)]
        year, as_of, problem = _period(self.name)
        if year is None:
            for t in self.title_texts:
                year, as_of, problem = _period(t)
                if year is not None:
                    break
        if not found or (found == 1 and _transposed(sheet, self.ctx.labels)):
            if _transposed(sheet, self.ctx.labels):
                self.refuse("这张表是“一行一个指标、一列一个地区”的排法，本工具读“一行一个地区、一列一个指标”的表。"
                            "请在 Excel 中复制整张表，用“选择性粘贴→转置”粘到新工作表后再导入。")
                report.note = "指标在行上（需要转置），未读入。"
            elif year is not None:
                self.refuse("找不到指标表头：没有一列的表头能与指标目录的中文名或别名对上。请把表头改为目录中的名称"
                            "（见 indicators.csv 的 name 和 aliases 列），或在目录的 aliases 列中加上这种写法。")
                report.note = "找不到指标表头，未读入。"
            else:
                report.note = "没有可识别的指标列（不是数据表），未读入。"
            return False
        report.header_rows = (self.first, self.last)
        above = [f"{_letter(c)}{r}" for r in range(1, self.first) for c in range(1, sheet.max_col + 1)
                 if (r, c) not in sheet.merged_anchor and type(sheet.raw(r, c).value) in (int, float)
                 and not 1990 <= sheet.raw(r, c).value <= 2100]  # a year in the title lines is not data
        if above:
            self.refuse(f"表头（第 {self.first} 行）上方有数字（{'、'.join(above[:5])}），这些格不会读入。"
                        "表头上方只放标题和说明；如果这是另一张表，请移到单独的工作表中。",
                        row=int(re.sub(r"\D", "", above[0])), col=_column_index(above[0]), value=sheet.value_text(
                            int(re.sub(r"\D", "", above[0])), _column_index(above[0])))
        if problem:
            self.refuse(problem, value=self.name)
            return False
        if year is None:
            if self.ctx.default_year is None:
                self.refuse("看不出这张表是哪一年的数据：工作表名称和表头上方的标题中都没有年份。"
                            "请把工作表改名为年份（如“2024”或“2025年1-6月”），或导入时用 --year 指明。", value=self.name)
                return False
            year, as_of = self.ctx.default_year, pd.Timestamp(year=self.ctx.default_year, month=12, day=31)
        self.year, self.as_of = year, as_of
        report.year, report.as_of = year, as_of
        return True

    def _columns(self) -> list[ColumnInfo]:
        """Every column's role from its header; the indicator columns, each with the unit it is written in."""
        sheet, cat = self.sheet, self.catalog
        sheet_units = [m[1] for t in self.title_texts for m in [UNIT_LINE.search(t)] if m and parse_unit(m[1])]
        seen: dict[str, ColumnInfo] = {}
        self.label_header = None
        for c in range(1, sheet.max_col + 1):
            parts = list(dict.fromkeys(p for p in (_compact(sheet.header_text(r, c))
                                                   for r in range(self.first, self.last + 1)) if p))
            col = ColumnInfo(index=c, letter=_letter(c), header="/".join(parts), role="empty")
            self.report.columns.append(col)
            if not parts:
                continue
            ind, unit = _match_header(parts, self.ctx.labels)
            compact = {normalise_label(p) for p in parts}
            if not ind:
                if self.label_header is None and _is_region_header(parts):
                    col.role, self.label_header = "label", c
                else:
                    col.role = ("serial" if compact & _SERIAL_HEADERS else "year" if compact & {"年份", "年度", "年"}
                                else "note" if compact & _NOTE_HEADERS else "unknown")
                continue
            col.role, col.indicator = "indicator", ind
            cat_unit = col.indicator_unit = cat.at[ind, "unit"]
            family = parse_unit(cat_unit)
            if unit:
                bare = parse_unit(unit)
                col.unit, col.unit_from = (unit + family[0] if bare and bare[0] == "" and family else unit), "表头"
            else:
                line = next((u for u in sheet_units if family and parse_unit(u)[0] == family[0]), "")
                col.unit, col.unit_from = (line, "表上方的单位说明") if line else (cat_unit, "指标目录")
            if unit_factor(col.unit, cat_unit) is None:
                self.refuse(f"表头的单位“{col.unit}”与指标“{cat.at[ind, 'name']}”的单位“{cat_unit}”不是同一种量，"
                            "无法换算。请核对表头是否写错，或这一列是否对应别的指标。",
                            row=self.last, col=c, value=col.header, column=col.header, indicator=ind)
                col.role = "refused"
            elif ind in seen:
                self.refuse(f"与 {seen[ind].letter} 列（“{seen[ind].header}”）对应同一个指标“{cat.at[ind, 'name']}”。"
                            "一张表中每个指标只能有一列：请删去重复的列，或改正表头。",
                            row=self.last, col=c, value=col.header, column=col.header, indicator=ind)
                col.role = "refused"
            else:
                seen[ind] = col
        return [c for c in self.report.columns if c.role == "indicator"]

    def _label_column(self, indicator_cols: list[ColumnInfo]) -> int | None:
        """The column of region names: a 地区/单位 header, else the text column left of the first indicator."""
        if self.label_header is not None:
            return self.label_header
        sheet = self.sheet
        for c in range(min(col.index for col in indicator_cols) - 1, 0, -1):
            texts = [t for t in (sheet.value_text(r, c) for r in range(self.last + 1, sheet.max_row + 1)) if t]
            if texts and sum(parse_cell(t).value is None for t in texts) > len(texts) / 2:
                self.report.columns[c - 1].role = "label"
                return c
        return None

    def _unknown_columns(self) -> None:
        """A column the catalogue does not know is refused when it holds numbers, noted when it does not."""
        sheet = self.sheet
        for col in self.report.columns:
            if col.role != "unknown":
                continue
            if any(sheet.value_text(r, col.index) for r in range(self.last + 1, sheet.max_row + 1)):
                hint = suggest_indicators(col.header, self.catalog)
                near = f"相近的指标有：{'、'.join(hint)}。" if hint else ""
                self.refuse(f"表头“{col.header}”不在指标目录中（按中文名和别名都对不上），这一列的数字不能读入。{near}"
                            "请把表头改为目录中的名称，或在 indicators.csv 该指标的 aliases 列加上这种写法；"
                            "不需要的列请删除。", row=self.last, col=col.index, value=col.header, column=col.header)
            else:
                self.report.skipped.append(f"{col.letter} 列“{col.header}”不是指标列，且没有数字")

    # -- rows and values

    def _rows(self, indicator_cols: list[ColumnInfo]) -> tuple[list[tuple[int, str, str]], list[tuple[int, str]]]:
        """Region rows (row, code, label) and 合计/小计 rows; every other row skipped with a reason or refused."""
        sheet, report, label_col = self.sheet, self.report, self.label_col
        data_rows: list[tuple[int, str, str]] = []
        totals: list[tuple[int, str]] = []
        seen: dict[str, int] = {}
        for r in range(self.last + 1, sheet.max_row + 1):
            values = [sheet.value_text(r, c.index) for c in indicator_cols]
            label = _compact(sheet.header_text(r, label_col))  # "合计" is often merged across 序号 and 地区
            label = re.sub(r"^(\d+[.、]|[(（]\d+[)）])(?=\D)", "", label)  # "1.城关区", "(1)城关区"
            if not label and not any(values):
                continue
            if label.lower() in COLUMN_NUMBER_LABELS or (not label and _is_numbering(values)):
                report.skipped.append(f"第 {r} 行是栏次编号行")
            elif FOOTER_PATTERN.match(label):
                if any(values):
                    self.refuse("表尾说明行中有数字。说明、填表人等写在表格下方时，不要在指标列中填数。",
                                row=r, col=label_col, value=label)
                else:
                    report.skipped.append(f"第 {r} 行“{label[:20]}”（表尾说明）")
            elif not any(values) and HEADING_PATTERN.match(label):
                report.skipped.append(f"第 {r} 行“{label[:20]}”（分组标题，没有数字）")
            elif TOTAL_PATTERN.search(label):
                totals.append((r, label))
            elif normalise_label(label) in _REGION_HEADERS:
                self.refuse("这一行像是又一个表头。一张工作表只放一张表：请把第二张表移到单独的工作表中。",
                            row=r, col=label_col, value=label)
            elif not label:
                self.refuse("这一行有数字，但地区名称为空。请填写地区名称，或删除这一行。", row=r, col=label_col)
            elif (code := _region_code(label, r, label_col, self.ctx, self.refuse)) is None:
                continue
            elif code in seen:
                self.refuse(f"地区在本表中出现两次（第 {seen[code]} 行和第 {r} 行）。请只保留一行。",
                            row=r, col=label_col, value=label, region=code)
            else:
                seen[code] = r
                data_rows.append((r, code, label))
        report.regions = [n for _, _, n in data_rows]
        if not data_rows:
            self.refuse("表头下面没有地区行，这张表没有读入任何数字。请确认地区名称写在表头下方、每行一个地区。",
                        row=self.last, col=label_col, level="warning")
        return data_rows, totals

    def _year_column(self, data_rows) -> None:
        """A 年份 column must agree with the sheet's year."""
        for col in (c for c in self.report.columns if c.role == "year"):
            for r, code, _ in data_rows:
                text = self.sheet.value_text(r, col.index)
                if not text or (YEAR.sub("", text).strip("年度 ") == "" and int(YEAR.search(text)[1]) == self.year):
                    continue
                self.refuse(f"这一行的年份与工作表的年份（{self.year} 年）不符。一张表只放一个年度的数据："
                            "请把这一行移到对应年份的工作表中，或改正年份。",
                            row=r, col=col.index, value=text, column=col.header, region=code)

    def _values(self, data_rows, indicator_cols) -> dict[int, "_ColumnValues"]:
        """Every cell of every region row and indicator column: read, listed as blank, or refused."""
        sheet, report, cat = self.sheet, self.report, self.catalog
        note_col = next((c.index for c in report.columns if c.role == "note"), None)
        source = f"{self.ctx.file}（{self.name}）"
        values = {c.index: _ColumnValues() for c in indicator_cols}
        for r, code, label in data_rows:
            note = sheet.value_text(r, note_col) if note_col else ""
            for col in indicator_cols:
                cat_unit = cat.at[col.indicator, "unit"]
                parsed, formula, converted = _cell_number(sheet, r, col.index)
                cell = f"{col.letter}{r}"
                if parsed.blank:
                    report.blank.append(cell)
                    continue
                value, problem = (None, parsed.problem) if parsed.problem else _to_catalogue_unit(parsed, col, cat_unit)
                if problem:
                    report.refused += 1
                    values[col.index].refused.append(cell)
                    self.refuse(f"“{label}”的“{cat.at[col.indicator, 'name']}”{problem}", row=r, col=col.index,
                                value=_shown(sheet, r, col.index), column=col.header, region=code,
                                indicator=col.indicator)
                    continue
                report.read += 1
                report.formulas += formula
                report.converted += converted or unit_factor(col.unit, cat_unit) != 1 or bool(parsed.unit)
                report.approximate += bool(parsed.approx)
                values[col.index].by_row[r] = value
                values[col.index].approx |= bool(parsed.approx)
                self.ctx.rows.append({"region": code, "year": self.year, "as_of": self.as_of,
                                      "indicator": col.indicator, "value": value, "approx": parsed.approx,
                                      "source": source, "note": note, "sheet": self.name, "cell": cell,
                                      "file_row": r, "origin": f"{self.name}!{cell}"})
        return values

    def _check_totals(self, totals, data_rows, indicator_cols, values) -> None:
        """A 合计 row must equal the sum of the region rows (a 小计 row: the rows since the last 小计)."""
        sheet, cat = self.sheet, self.catalog
        start = 0
        for r, label in totals:
            sub = label.endswith("小计")
            rows = [dr for dr, _, _ in data_rows if (start < dr < r if sub else True)]
            if sub:
                start = r
            checked, mismatched, unchecked, unsaved = 0, 0, [], []
            for col in indicator_cols:
                col_values = values[col.index]
                if cat.at[col.indicator, "kind"] == "rate":
                    continue
                if col_values.refused:
                    unchecked.append(f"{col.letter} 列（{'、'.join(col_values.refused[:3])} 拒收）")
                    continue
                cat_unit = cat.at[col.indicator, "unit"]
                parsed, formula, _ = _cell_number(sheet, r, col.index)
                if parsed.blank:
                    continue
                total, problem = (None, parsed.problem) if parsed.problem else _to_catalogue_unit(parsed, col, cat_unit)
                if problem and formula and total is None and "没有保存计算结果" in problem:
                    unsaved.append(f"{col.letter}{r}")
                    continue
                if problem:
                    self.refuse(f"{label}行的“{cat.at[col.indicator, 'name']}”{problem}（合计行不读入，只用于核对。）",
                                row=r, col=col.index, value=_shown(sheet, r, col.index), column=col.header,
                                level="warning" if formula else "error")
                    continue
                parts = [col_values.by_row[dr] for dr in rows if dr in col_values.by_row]
                if not parts:
                    continue
                checked += 1
                s = sum(parts)
                decimals = max(_decimals(v) for v in [*parts, total])
                tolerance = 0.5 * 10 ** -decimals * max(1, len(parts)) if decimals else 0.5
                if abs(total - s) <= tolerance:
                    continue
                mismatched += 1
                approx = col_values.approx or bool(parsed.approx)
                self.refuse(f"{label}为 {total:g}{cat_unit}，但 {len(parts)} 个地区之和为 {_fmt(s)}{cat_unit}，"
                            f"相差 {_fmt(total - s)}{cat_unit}。"
                            + ("该列有约数，合计不必严格相等，请核对。" if approx else
                               "请核对是否有地区漏填、多填或填错，改正后重新导入（合计行不读入，只用于核对）。"),
                            row=r, col=col.index, value=_shown(sheet, r, col.index), column=col.header,
                            level="warning" if approx else "error", indicator=col.indicator)
            if unsaved:
                self.refuse(f"{label}行的 {'、'.join(unsaved)} 是公式，文件中没有保存计算结果，这些列的合计无法核对"
                            "（合计行不读入，各地区的数字照常读入）。如需核对，请在 Excel 中打开、保存后重新导入。",
                            row=r, col=_column_index(unsaved[0]), value=sheet.raw(r, _column_index(unsaved[0])).value,
                            level="warning")
                unchecked.append(f"{'、'.join(unsaved)}（公式无保存结果）")
            self.report.totals.append(f"{label}（第 {r} 行）："
                                      + ("没有可核对的列" if not checked else f"核对 {checked} 列，全部相符"
                                         if not mismatched else f"核对 {checked} 列，{mismatched} 列与各地区之和不符")
                                      + (f"；未核对 {'、'.join(unchecked)}" if unchecked else "") + "。")

    def _fractions(self, indicator_cols, values) -> None:
        """A rate column whose values are all at most 1 was probably typed as fractions: say so, change nothing."""
        for col in indicator_cols:
            vals = list(values[col.index].by_row.values())
            if self.catalog.at[col.indicator, "kind"] == "rate" and len(vals) >= 2 and 0 < max(vals) <= 1:
                self.refuse(f"“{col.header}”一列的比率都不超过 1（如 {vals[0]:g}），按百分数读作 {vals[0]:g}%。"
                            "如果填的是小数（0.85 表示 85%），请改为百分数或把单元格设为百分比格式后重新导入。",
                            row=self.last, col=col.index, value=col.header, column=col.header, level="warning",
                            indicator=col.indicator)


@dataclass
class _ColumnValues:
    """What one indicator column yielded: values by row, whether any was approximate, refused cells."""

    by_row: dict = field(default_factory=dict)
    approx: bool = False
    refused: list = field(default_factory=list)


def _shown(sheet: _Sheet, r: int, c: int) -> str:
    cell = sheet.raw(r, c)
    if cell.value is None:
        return ""
    if isinstance(cell.value, float):
        return f"{cell.value:g}"
    if isinstance(cell.value, dt.datetime) and cell.value.time() == dt.time(0):
        return cell.value.date().isoformat()
    return str(cell.value)


def _is_numbering(values: list[str]) -> bool:
    """A row of column numbers (1, 2, 3 …) under a header."""
    nums = [v for v in values if v]
    return len(nums) >= 3 and all(v.isdigit() for v in nums) and \
        [int(v) for v in nums] == list(range(int(nums[0]), int(nums[0]) + len(nums)))


def _region_code(label: str, r: int, label_col: int, ctx: _Context, refuse) -> str | None:
    key = normalise_label(label)
    if ctx.regions is None:
        ctx.new_regions.setdefault(label, (r, label_col))
        return label
    hits = ctx.region_keys.get(key, [])
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        refuse(f"地区名称对应地区表中的多个地区（代码 {'、'.join(hits)}）。请在表中写全称或地区代码。",
               row=r, col=label_col, value=label)
        return None
    import difflib
    names = list(ctx.regions["name"])
    close = difflib.get_close_matches(label, names, n=3, cutoff=0.5)
    near = f"是否为“{'”或“'.join(close)}”？" if close else ""
    refuse(f"地区不在地区表 regions.csv 中。{near}请把名称改为地区表中的写法，或先在 regions.csv 中增加该地区。",
           row=r, col=label_col, value=label)
    return None


def _decimals(x: float) -> int:
    for d in range(7):
        if abs(round(x, d) - x) < 1e-9:
            return d
    return 6


def _fmt(x: float) -> str:
    return f"{_clean(x):g}"


# ------------------------------------------------------------------------- the workbook

def _region_keys(regions: pd.DataFrame) -> dict[str, list[str]]:
    keys: dict[str, list[str]] = {}
    for code, name, union in zip(regions.index, regions["name"], regions["union_name"]):
        for k in dict.fromkeys(normalise_label(x) for x in (code, name, union) if x):
            keys.setdefault(k, []).append(code)
    return keys


def read_workbook(source: str | Path | bytes | BinaryIO, catalog: pd.DataFrame, regions: pd.DataFrame | None = None,
                  *, name: str | None = None, parent: str = "全市", year: int | None = None) -> WorkbookImport:
    """Read an Excel return into tidy figures; every problem becomes a finding, nothing raises but a bad file.

    ``regions`` (a checked regions table) names the regions the rows may use; without it the
    rows make a new regions table under one top region named ``parent``. ``year`` is used
    for a sheet whose name and title state no year.

    >>> from briefing.catalog import load_catalog
    >>> res = read_workbook("县区年报.xlsx", load_catalog("data/sample/indicators.csv"))  # doctest: +SKIP
    >>> print(res.summary())                                                             # doctest: +SKIP
    """
    from openpyxl import load_workbook

    if isinstance(source, (str, Path)):
        path = Path(source)
        name = name or path.name
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise DataError("找不到这个 Excel 文件。请检查文件名和路径。", file=name) from None
        except IsADirectoryError:
            raise DataError("这是一个文件夹，不是 Excel 文件。", file=name) from None
    elif isinstance(source, bytes):
        data = source
    else:
        data = source.read()
    name = name or "workbook.xlsx"
    if name.lower().endswith(".xls"):
        raise DataError("这是旧版 Excel 格式（.xls）。请在 Excel 中“另存为”“Excel 工作簿(*.xlsx)”后重新导入。", file=name)
    try:
        wb = load_workbook(io.BytesIO(data), data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError, AttributeError) as exc:
        raise DataError(f"无法作为 Excel 工作簿（.xlsx）打开（{type(exc).__name__}）。文件可能已损坏、被加密，"
                        "或其实是别的格式。请在 Excel 中打开后另存为“Excel 工作簿(*.xlsx)”再导入。", file=name) from None
    has_formulas = any(cell.data_type == "f" for ws in wb.worksheets for row in ws.iter_rows() for cell in row)
    wb_values = load_workbook(io.BytesIO(data), data_only=True) if has_formulas else None

    ctx = _Context(file=name, catalog=catalog, labels=catalog_labels(catalog), regions=regions,
                   region_keys=_region_keys(regions) if regions is not None else {}, findings=[], rows=[],
                   new_regions={}, default_year=year)
    sheets = []
    for ws in wb.worksheets:
        ws_values = wb_values[ws.title] if wb_values is not None else None
        report = _read_sheet(ws, ws_values, ctx)
        if ws.sheet_state != "visible" and not report.note:
            report.skipped.append("（这是一张隐藏的工作表，已照常读入）")
        sheets.append(report)
    for chart in getattr(wb, "chartsheets", []):
        sheets.append(SheetReport(name=chart.title, note="图表页，未读入。"))

    _check_periods(sheets, ctx)
    figures = pd.DataFrame(ctx.rows, columns=["region", "year", "as_of", "indicator", "value", "approx", "source",
                                              "note", "sheet", "cell", "file_row", "origin"])
    if regions is None:
        regions_out = _build_regions(ctx.new_regions, parent)
    else:
        regions_out = regions
    if not len(figures) and not ctx.findings:
        ctx.findings.append(Finding("error", "没有读到任何数字：没有一张工作表有可识别的指标表头和地区行。"
                                             "请确认这是按“一表一年、一行一地区、一列一指标”填写的报表。", file=name))
    findings = sorted(ctx.findings, key=lambda f: (f.level != "error", _sheet_order(sheets, f.sheet),
                                                   f.row or 0, f.cell))
    return WorkbookImport(file=name, figures=figures, regions=regions_out, findings=findings, sheets=sheets)


def _sheet_order(sheets, name: str) -> int:
    return next((i for i, s in enumerate(sheets) if s.name == name), -1)


def _check_periods(sheets: list[SheetReport], ctx: _Context) -> None:
    seen: dict[pd.Timestamp, str] = {}
    for s in sheets:
        if s.as_of is None or s.note:
            continue
        if s.as_of in seen:
            ctx.findings.append(Finding("error", f"与工作表“{seen[s.as_of]}”是同一时期（截至 {s.as_of:%Y-%m-%d}）的数据。"
                                                 "一个时期只能有一张表：请删去重复的工作表，或改正工作表名称中的年份。",
                                        file=ctx.file, sheet=s.name, value=s.name))
        else:
            seen[s.as_of] = s.name


def _level(name: str) -> tuple[str, str]:
    if name.endswith("工会"):
        return "产业工会", "产业工会"
    for suffix, level in (("区", "区"), ("县", "县"), ("旗", "旗"), ("市", "县级市")):
        if name.endswith(suffix):
            return level, "县(市)区"
    return "其他", "其他"


def _build_regions(names: dict, parent: str) -> pd.DataFrame:
    """A regions table made from the rows of a return: one top region, the rows beneath it in order."""
    rows = [{"code": parent, "name": parent, "union_name": parent + "总工会", "level": "上级", "group": "上级",
             "parent": "", "order": 0}]
    for i, name in enumerate((n for n in names if n != parent), start=1):
        level, group = _level(name)
        rows.append({"code": name, "name": name, "union_name": name if name.endswith("工会") else name + "总工会",
                     "level": level, "group": group, "parent": parent, "order": i})
    return pd.DataFrame(rows, columns=["code", "name", "union_name", "level", "group", "parent", "order"])


# ------------------------------------------------------------------ Dataset and tidy files

def load_dataset_excel(path: str | Path, catalog: pd.DataFrame | None = None, regions: pd.DataFrame | None = None,
                       *, parent: str = "全市", year: int | None = None):
    """An Excel return as a ``Dataset`` (no targets); raise ``ValidationError`` when a cell is refused.

    The catalogue and regions are taken from ``indicators.csv`` and ``regions.csv`` beside the
    workbook when present, else the catalogue of the sample data and regions made from the rows.

    >>> ds = load_dataset_excel("data/示例市/县区年报2024.xlsx")   # doctest: +SKIP
    >>> ds.figures[["region", "indicator", "value", "approx", "cell"]].head(1)  # doctest: +SKIP
    """
    from .catalog import load_catalog
    from .load import read_meta

    path = Path(path)
    folder = path.parent
    if catalog is None:
        own = folder / config.DATASET_FILES["indicators"]
        catalog = load_catalog(own if own.is_file() else config.sample_data_dir() / config.DATASET_FILES["indicators"])
    if regions is None and (folder / config.DATASET_FILES["regions"]).is_file():
        from .load import load_regions
        regions = load_regions(folder)
    result = read_workbook(path, catalog, regions, parent=parent, year=year)
    if result.errors:
        raise ValidationError(result.errors)
    meta = read_meta(folder)
    meta = {"name": path.stem, "source": path.name, **meta, "sample": bool(meta.get("sample", False))}
    return workbook_dataset(result, catalog, regions, meta=meta,
                            fingerprint=hashlib.sha256(path.read_bytes()).hexdigest()[:16],
                            location=config.display_path(path))


def check_workbook(result: WorkbookImport, catalog: pd.DataFrame, regions: pd.DataFrame | None = None) -> list[Finding]:
    """Everything wrong with a read workbook: the reader's findings, then, when it refused no cell,
    the data checks of ``validate`` (rates over 100%, negative counts …) pointing at the cells."""
    if result.errors:
        return list(result.findings)
    from .validate import check_dataset
    return check_dataset(workbook_dataset(result, catalog, regions))  # the reader's warnings come with it


def workbook_dataset(result: WorkbookImport, catalog: pd.DataFrame, regions: pd.DataFrame | None, *,
                     meta: dict | None = None, fingerprint: str = "", location: str = ""):
    """The ``Dataset`` of a read workbook (figures keep their sheet and cell; no targets)."""
    from .load import Dataset, check_regions

    regions_checked = regions if regions is not None else check_regions(
        result.regions.astype(str).set_axis(pd.RangeIndex(2, len(result.regions) + 2)), config.DATASET_FILES["regions"])
    figures = result.figures.copy()
    figures["as_of"] = pd.to_datetime(figures["as_of"])
    figures = figures.astype({"year": "int64", "value": "float64", "file_row": "int64"})
    targets = pd.DataFrame({"region": pd.Series(dtype="str"), "year": pd.Series(dtype="int64"),
                            "indicator": pd.Series(dtype="str"), "target": pd.Series(dtype="float64"),
                            "target_type": pd.Series(dtype="str"), "issuer": pd.Series(dtype="str"),
                            "note": pd.Series(dtype="str"), "file_row": pd.Series(dtype="int64")})
    return Dataset(regions=regions_checked, catalog=catalog, figures=figures, targets=targets, meta=meta or {},
                   fingerprint=fingerprint, location=location or result.file,
                   files={**config.DATASET_FILES, "figures": result.file, "workbook": result.file},
                   load_warnings=tuple(result.warnings))


_INJECTION = ("=", "+", "-", "@", "\t", "\r")


def neutralise(values: pd.Series) -> pd.Series:
    """Text cells that a spreadsheet would run as a formula (= + - @ at the start) made inert with a leading '.

    >>> neutralise(pd.Series(["=SUM(A1:A9)", "城关区", "-"])).tolist()
    ["'=SUM(A1:A9)", '城关区', "'-"]
    """
    text = values.astype(str)
    return text.where(~text.str.startswith(_INJECTION), "'" + text)


def _number_text(x: float) -> str:
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{_clean(x):.12g}"


def write_tidy(result: WorkbookImport, out: Path, catalog_source: Path) -> dict[str, int]:
    """Write an import into a data folder (figures replace those of the same dates; other files kept).

    Returns the number of rows written per file. Writes each file whole, through a temporary file.
    """
    from .load import FIGURE_COLUMNS, REGION_COLUMNS, TARGET_COLUMNS
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    new = result.figures.copy()
    new["as_of"] = pd.to_datetime(new["as_of"]).dt.strftime("%Y-%m-%d")
    new["value"] = new["value"].map(_number_text)
    new["unit"] = ""
    columns = FIGURE_COLUMNS + ["origin"]
    fig_path = out / config.DATASET_FILES["figures"]
    kept = pd.DataFrame(columns=columns)
    if fig_path.is_file():
        old = pd.read_csv(fig_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        old = old.reindex(columns=sorted(set(old.columns) | set(columns), key=lambda c: (c not in columns, c)),
                          fill_value="")
        replaced = old["as_of"].where(old["as_of"] != "", old["year"] + "-12-31").isin(set(new["as_of"]))
        kept = old[~replaced]
        written["replaced"] = int(replaced.sum())
    table = pd.concat([kept, new[columns].astype(str)], ignore_index=True)
    for col in ("region", "indicator", "approx", "source", "note", "origin"):
        table[col] = neutralise(table[col])
    _write_csv(table[columns], fig_path)
    written["figures"] = len(new)
    reg_path = out / config.DATASET_FILES["regions"]
    if not reg_path.is_file():
        regions = result.regions.reset_index(drop=True)[REGION_COLUMNS].astype(str)
        for col in ("code", "name", "union_name", "level", "group", "parent"):
            regions[col] = neutralise(regions[col])
        _write_csv(regions, reg_path)
        written["regions"] = len(regions)
    cat_path = out / config.DATASET_FILES["indicators"]
    if not cat_path.is_file():
        cat_path.write_bytes(Path(catalog_source).read_bytes())
        written["indicators"] = -1
    tgt_path = out / config.DATASET_FILES["targets"]
    if not tgt_path.is_file():
        _write_csv(pd.DataFrame(columns=TARGET_COLUMNS), tgt_path)
        written["targets"] = 0
    meta_path = out / config.DATASET_META
    if not meta_path.is_file():
        import yaml
        meta = {"name": Path(result.file).stem, "sample": False, "source": f"{result.file}（由 briefing import 导入）"}
        meta_path.write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return written


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    frame.to_csv(tmp, index=False, encoding="utf-8")
    tmp.replace(path)


def import_workbook(path: str | Path, out: str | Path, *, catalog: str | Path | None = None,
                    regions: str | Path | None = None, parent: str = "全市", year: int | None = None):
    """Read a return and, when nothing is refused, write it into the data folder ``out`` as tidy CSV.

    The catalogue and regions come from ``out`` when it has them (so each year's return is
    imported into the same folder), else from ``catalog``/``regions``, else from the sample
    catalogue and the rows of the return. Checks the return's data before writing.
    Returns (WorkbookImport, findings of the data checks, rows written per file or None).

    >>> result, checks, written = import_workbook("县区年报2024.xlsx", "data/示例市")  # doctest: +SKIP
    >>> print(result.summary()); written                                            # doctest: +SKIP
    {'figures': 27, 'regions': 5, 'indicators': -1, 'targets': 0}
    """
    from .catalog import load_catalog
    from .load import load_regions
    from .validate import check_dataset

    out = config.resolve(out)
    cat_path = out / config.DATASET_FILES["indicators"]
    if not cat_path.is_file():
        cat_path = config.resolve(catalog) if catalog else config.sample_data_dir() / config.DATASET_FILES["indicators"]
    cat = load_catalog(cat_path)
    reg = None
    if (out / config.DATASET_FILES["regions"]).is_file():
        reg = load_regions(out)
    elif regions:
        reg_folder = config.resolve(regions)
        reg = load_regions(reg_folder if reg_folder.is_dir() else reg_folder.parent)
    result = read_workbook(config.resolve(path), cat, reg, parent=parent, year=year)
    if result.errors:
        return result, [], None
    checks = [f for f in check_dataset(workbook_dataset(result, cat, reg)) if f not in result.warnings]
    if any(f.level == "error" for f in checks):
        return result, checks, None
    written = write_tidy(result, out, cat_path)
    return result, checks, written
