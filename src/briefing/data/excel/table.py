"""One worksheet of the "one row per region, one column per indicator" shape, read in stages.

Stages: header and period, columns and their units, the region label column, then the
rows and values (``rows``) and the checks across rows (``totals``).
"""

from __future__ import annotations

import re

from ..catalog import normalise_label, parse_unit, suggest_indicators, unit_factor
from ..cells import parse_cell
from .grid import Sheet, column_index, compact, letter
from .header import (NOTE_HEADERS_NORMALISED, SERIAL_HEADERS_NORMALISED, UNIT_LINE, ColumnInfo, find_header,
                     is_region_header, is_unit_row, match_header, unit_in_cell, unit_row_below)
from .reading import NOT_A_PERIOD, Context, Reader, SheetReport
from .rows import check_year_column, read_rows, read_values
from .totals import check_fractions, check_totals


def read_sheet(sheet: Sheet, ctx: Context) -> SheetReport:
    """Read one sheet of the one-row-per-region shape into ``ctx.rows`` and ``ctx.findings``; report what was read."""
    return SheetReader(sheet, ctx).read()


class SheetReader(Reader):
    """One worksheet, read in stages: header and period, columns, rows, values, then the 合计 check."""

    shape = "横表"

    def read(self) -> SheetReport:
        if self.prepare():
            self.read_figures()
        return self.report

    def prepare(self) -> bool:
        """Header, period, columns and the region column; False (with the reason reported) when there is no table."""
        sheet, report = self.sheet, self.report
        if not sheet.cells:
            report.note = "空表，未读入。"
            return False
        self.first, self.last, found = find_header(sheet, self.ctx.labels)
        self.unit_row = unit_row_below(sheet, self.last) if found else None
        if not self._period(found):
            return False
        self.indicator_cols = self._columns()
        if not self.indicator_cols:
            report.note = "指标列都未能读入（见上面的错误）。"
            return False
        self.label_col = self._label_column(self.indicator_cols)
        if self.label_col is None:
            self.refuse("找不到地区列：表头中没有“地区”“单位”“县(市)区”这样的列名，指标列左边也没有写地区名称的列。"
                        "请把地区名称放在第一列，并把该列表头写为“地区”。", row=self.last, col=1)
            return False
        self._unknown_columns()
        return True

    def read_figures(self) -> SheetReport:
        """The region rows' figures, the 合计/小计 checks and the fraction check (after ``prepare``)."""
        data_rows, totals = read_rows(self, self.indicator_cols)
        check_year_column(self, data_rows)
        values = read_values(self, data_rows, self.indicator_cols)
        check_totals(self, totals, data_rows, self.indicator_cols, values)
        check_fractions(self, self.indicator_cols, values)
        return self.report

    # -- header, period, columns

    def _period(self, found: int) -> bool:
        """Year and as-of date from everything the sheet says; False when the sheet is not read."""
        sheet, report = self.sheet, self.report
        top = self.first or min(sheet.max_row, 6) + 1
        self.title_texts = [t for r in range(1, top) for t in dict.fromkeys(sheet.row_texts(r))
                            if t and not NOT_A_PERIOD.search(t)]
        if not found and not any(st.year for st in self.period_statements(top)):
            report.note = "没有可识别的指标列（不是数据表），未读入。"
            return False
        if not found:
            self.refuse("找不到指标表头：没有一列的表头能与指标目录的中文名或别名对上。请把表头改为目录中的名称"
                        "（见 indicators.csv 的 name 和 aliases 列），或在目录的 aliases 列中加上这种写法。")
            report.note = "找不到指标表头，未读入。"
            return False
        report.header_rows = (self.first, self.last)
        above = [f"{letter(c)}{r}" for r in range(1, self.first) for c in range(1, sheet.max_col + 1)
                 if (r, c) not in sheet.merged_anchor and type(sheet.raw(r, c).value) in (int, float)
                 and not 1990 <= sheet.raw(r, c).value <= 2100]  # a year in the title lines is not data
        if above:
            self.refuse(f"表头（第 {self.first} 行）上方有数字（{'、'.join(above[:5])}），这些格不会读入。"
                        "表头上方只放标题和说明；如果这是另一张表，请移到单独的工作表中。",
                        row=int(re.sub(r"\D", "", above[0])), col=column_index(above[0]), value=sheet.value_text(
                            int(re.sub(r"\D", "", above[0])), column_index(above[0])))
        return self.resolve_period(self.first)

    def _columns(self) -> list[ColumnInfo]:
        """Every column's role from its header; the indicator columns, each with the unit it is written in."""
        sheet, cat = self.sheet, self.catalog
        sheet_units = [m[1] for t in self.title_texts for m in [UNIT_LINE.search(t)] if m and parse_unit(m[1])]
        seen: dict[str, ColumnInfo] = {}
        self.label_header = None
        rows = [*range(self.first, self.last + 1), *([self.unit_row] if self.unit_row else [])]
        unit_rows = {r for r in rows if r > self.first and is_unit_row(sheet.row_texts(r))}
        for c in range(1, sheet.max_col + 1):
            parts = list(dict.fromkeys(p for p in (self._header_part(r, c, unit_rows) for r in rows) if p))
            col = ColumnInfo(index=c, letter=letter(c), header="/".join(parts), role="empty")
            self.report.columns.append(col)
            if not parts:
                continue
            ind, unit = match_header(parts, self.ctx.labels)
            names = {normalise_label(p) for p in parts}
            if not ind:
                if self.label_header is None and is_region_header(parts):
                    col.role, self.label_header = "label", c
                else:
                    col.role = ("serial" if names & SERIAL_HEADERS_NORMALISED else "year" if names & {"年份", "年度", "年"}
                                else "note" if names & NOTE_HEADERS_NORMALISED else "unknown")
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

    def _header_part(self, r: int, c: int, unit_rows: set[int]) -> str:
        """A header cell's text; in a row of units, its unit in brackets ("个" → "(个)"), the row's 单位 label dropped."""
        text = compact(self.sheet.header_text(r, c))
        if r in unit_rows and text:
            unit = unit_in_cell(text)
            return f"({unit})" if unit else ""
        return text

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
