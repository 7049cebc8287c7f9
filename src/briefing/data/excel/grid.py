"""A worksheet as a grid of cells: text with merged ranges filled in, a formula's saved result, a cell's number.

Formulas are never evaluated: a formula cell gives the result Excel saved with the file,
or a problem when none was saved.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass

from ..catalog import parse_unit, unit_factor
from ..cells import ParsedCell, parse_cell


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def compact(value) -> str:
    return re.sub(r"\s+", "", cell_text(value))



@dataclass(frozen=True)
class Cell:
    """One cell as read from any file type: its value (a formula's saved result), and what the file says about it.

    ``value`` is text, a number, a bool, a date or None. ``formula`` is the formula's text when the cell
    holds one (its ``value`` is then the result saved with the file, None when none was saved); ``error``
    marks an Excel error value (#DIV/0!); ``percent`` a number formatted as a percentage (0.8525 → 85.25%).
    """

    value: object = None
    formula: str = ""
    error: bool = False
    percent: bool = False


EMPTY = Cell()


class Sheet:
    """A worksheet as a grid of ``Cell`` (1-based rows and columns), with merged ranges filled in for headers.

    The same for every file type (``files.open_workbook`` builds it from .xlsx, .xls, .ods, CSV or an HTML
    table), so every reader reads every format by the same rules.
    """

    def __init__(self, name: str, cells: dict[tuple[int, int], Cell], merged=(), *, hidden: bool = False,
                 hidden_rows=(), hidden_cols=()):
        self.name, self.cells, self.hidden = name, cells, hidden
        # rows and columns hidden in the file (.xlsx, .xls): read like the others, but each one said
        self.hidden_rows, self.hidden_cols = frozenset(hidden_rows), frozenset(hidden_cols)
        self.max_row = max((r for r, _ in cells), default=0)
        self.max_col = max((c for _, c in cells), default=0)
        self.merged_anchor: dict[tuple[int, int], tuple[int, int]] = {}
        for r1, c1, r2, c2 in merged:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    self.merged_anchor[(r, c)] = (r1, c1)

    @property
    def has_formulas(self) -> bool:
        return any(cell.formula for cell in self.cells.values())

    def raw(self, r: int, c: int) -> Cell:
        return self.cells.get((r, c), EMPTY)

    def header_text(self, r: int, c: int) -> str:
        """A header cell's text, taking a merged range's value in every cell it covers."""
        ar, ac = self.merged_anchor.get((r, c), (r, c))
        return self.value_text(ar, ac)

    def value_text(self, r: int, c: int) -> str:
        return cell_text(self.raw(r, c).value)

    def row_texts(self, r: int) -> list[str]:
        return [self.header_text(r, c) for c in range(1, self.max_col + 1)]


def column_index(cell: str) -> int:
    """The column number of a cell name: "AB12" → 28."""
    n = 0
    for ch in re.sub(r"[^A-Za-z]", "", cell).upper():
        n = n * 26 + ord(ch) - 64
    return n


def letter(c: int) -> str:
    """A column's letters: 28 → "AB"."""
    out = ""
    while c > 0:
        c, rem = divmod(c - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_number(sheet: Sheet, r: int, c: int) -> tuple[ParsedCell, bool, bool]:
    """A data cell as a parsed value; also whether it was a formula and whether text was converted."""
    cell = sheet.raw(r, c)
    formula = bool(cell.formula)
    value = cell.value
    if formula and value is None:
        return ParsedCell(problem=f"是公式“{cell.formula}”，文件中没有保存计算结果，本工具不计算公式。请在 Excel 中打开并保存"
                                  "（或把公式改为数值）后重新导入。"), True, False
    if cell.error or (isinstance(value, str) and value.startswith("#") and value.endswith(("!", "?", "A"))):
        return ParsedCell(problem="是 Excel 错误值（如 #DIV/0!、#REF!）。请改正公式或填入数值。"), formula, False
    if isinstance(value, bool):
        return ParsedCell(problem="是“是/否”值，不是数字。请填入数值。"), formula, False
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return ParsedCell(problem="是日期或时间，不是数字。请把该格的格式改为“常规”或“数值”并填入数值。"), formula, False
    if isinstance(value, (int, float)):
        number = float(value)
        if not math.isfinite(number):
            return ParsedCell(problem="不是有限的数字。请填入数值。"), formula, False
        if cell.percent:
            return ParsedCell(value=number * 100, unit="%"), formula, False
        return ParsedCell(value=number), formula, False
    if value is None:
        return ParsedCell(blank=True), formula, False
    parsed = parse_cell(value)
    return parsed, formula, not parsed.blank and parsed.value is not None


def to_catalogue_unit(p: ParsedCell, column_unit: str, cat_unit: str) -> tuple[float | None, str]:
    """The parsed cell's value in the catalogue unit (the column written in ``column_unit``), or a problem text."""
    if p.unit:
        f = unit_factor(p.unit, cat_unit)
        if f is None:
            return None, (f"单元格中写的单位“{p.unit}”与该指标的单位“{cat_unit}”不是同一种量，无法换算。"
                          "请核对这一格是否填错了列，或删去单元格中的单位。")
        return clean(p.value * p.multiplier * f), ""
    if p.multiplier != 1:
        base = parse_unit(column_unit)
        if base is not None and base[1] != 1:
            return None, (f"表头单位已是“{column_unit}”，单元格中又写了“万”或“亿”，无法确定数量级。"
                          f"请只写按“{column_unit}”计的数字。")
    f = unit_factor(column_unit, cat_unit)
    if f is None:
        return None, f"列的单位“{column_unit}”无法换算为“{cat_unit}”。"
    return clean(p.value * p.multiplier * f), ""


def impossible(value: float, kind: str) -> str:
    """Why a value cannot be a figure of an indicator of ``kind`` ("" when it can): a negative count or amount,
    a rate outside 0–100%. The same rule as ``validate`` for a tidy folder, applied as the cell is read."""
    if kind == "rate" and (value > 100 + 1e-9 or value < 0):
        return "超出 0–100%。比率不可能超过 100% 或为负，请核对分子和分母。"
    if kind != "rate" and value < 0:
        return "为负数。计数和金额不能为负，请核对原始报表。"
    return ""


def clean(x: float) -> float:
    """Drop the float noise of a unit conversion (140.00000000000003 → 140.0)."""
    return float(f"{x:.12g}") if x else 0.0



def shown(sheet: Sheet, r: int, c: int) -> str:
    """A cell as messages quote it: a formula by its text when no result was saved, a date without its time."""
    cell = sheet.raw(r, c)
    if cell.value is None:
        return cell.formula
    if isinstance(cell.value, float):
        return f"{cell.value:g}"
    if isinstance(cell.value, dt.datetime) and cell.value.time() == dt.time(0):
        return cell.value.date().isoformat()
    return str(cell.value)

