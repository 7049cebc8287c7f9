"""A worksheet as a grid of cells: text with merged ranges filled in, a formula's saved result, a cell's number.

Formulas are never evaluated: a formula cell gives the result Excel saved with the file,
or a problem when none was saved.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

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



class Sheet:
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
            return cell_text(saved) if saved is not None else ""
        return cell_text(cell.value)

    def saved(self, r: int, c: int):
        return self.ws_values.cell(row=r, column=c).value if self.ws_values is not None else None

    def row_texts(self, r: int) -> list[str]:
        return [self.header_text(r, c) for c in range(1, self.max_col + 1)]


def column_index(cell: str) -> int:
    from openpyxl.utils import column_index_from_string
    return column_index_from_string(re.sub(r"\d", "", cell))


def letter(c: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(c)



def cell_number(sheet: Sheet, r: int, c: int) -> tuple[ParsedCell, bool, bool]:
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


def clean(x: float) -> float:
    """Drop the float noise of a unit conversion (140.00000000000003 → 140.0)."""
    return float(f"{x:.12g}") if x else 0.0



def shown(sheet: Sheet, r: int, c: int) -> str:
    cell = sheet.raw(r, c)
    if cell.value is None:
        return ""
    if isinstance(cell.value, float):
        return f"{cell.value:g}"
    if isinstance(cell.value, dt.datetime) and cell.value.time() == dt.time(0):
        return cell.value.date().isoformat()
    return str(cell.value)

