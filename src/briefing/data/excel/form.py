"""The per-region form (纵表): one region per file or sheet, one indicator per row, 本期 | 上年 | 增减 columns.

    2025年1—6月基层工会工作统计表
    截至2025年6月30日
    填报单位：青石县总工会
    序号 | 指标名称 | 计量单位 | (代码) | 本期 | 上年同期 | 增减(%)
    1    | 新建基层工会 | 家   |        | 13   | 12       | 8.33
    …
    填表人：…  审核人：…  单位负责人：…

The region comes from the 填报单位 line (else the sheet name, else the file name, and the report
says which); each row's unit from 计量单位 (or the name, "送温暖资金（万元）"); 上年 columns give
last year's figures at the same date; a stated 增减(%) is checked against the two figures and never
used; a 目标 column gives the region's targets. Footnote and signature lines are never indicators.
"""

from __future__ import annotations

import re

import pandas as pd

from ...periods import same_day_last_year
from ..catalog import normalise_label, parse_unit, suggest_indicators, unit_factor
from ..cells import parse_cell
from .grid import cell_number, compact, impossible, letter, shown, to_catalogue_unit
from .period import column_periods, is_date_text, previous_problem
from .header import COLUMN_NUMBER_LABELS, HEADING_PATTERN, is_unit_row, split_unit, unit_in_cell
from .reading import RowReader, SheetReport
from .rows import skip_footer
from .targets import read_target_cell, take_target
from .words import footer_label, is_part_row, signature_in

LABEL_HEADERS = {"指标名称", "指标", "项目", "指标项目", "统计指标", "指标名", "项目名称", "主要指标", "内容"}
ROLE_PATTERNS = [  # (role, pattern on a header part); the lowest header row decides first
    ("unit", re.compile(r"^(计量)?单位$")),
    ("code", re.compile(r"^(指标)?(代码|编码|编号)$")),
    ("serial", re.compile(r"^(序号|序|行次|栏次)$")),
    ("completion", re.compile(r"完成率|完成进度|完成比例|完成%")),
    ("change", re.compile(r"^(增减|增长|同比|比上年|比去年|增幅|增减幅度|增减率)")),
    ("previous", re.compile(r"^(上年|去年|上期)")),
    ("target", re.compile(r"^(全年|年度)?(目标|计划|任务)(值|数|任务)?(\(.*\))?$")),
    ("current", re.compile(r"^(本期|本年|本月|当期|今年|实际|实绩|累计|完成数|完成值|数值|数量)|^\d{4}年.*月$|^\d{4}年度?$")),
    ("note", re.compile(r"^(备注|说明|附注)$")),
]
MAX_SCAN = 30


def find_form_header(sheet) -> tuple[int, int, dict[int, str]] | None:
    """(first header row, last header row, {column: role}) of a form, or None when the sheet is not one."""
    for r in range(1, min(sheet.max_row, MAX_SCAN) + 1):
        texts = {c: compact(sheet.header_text(r, c)) for c in range(1, sheet.max_col + 1)}
        if not any(normalise_label(t) in LABEL_HEADERS for t in texts.values()):
            continue
        last = r
        below = r + 1
        if below <= sheet.max_row and any(_role([compact(sheet.header_text(below, c))]) in ("current", "previous",
                                                                                              "target", "change")
                                          for c in range(1, sheet.max_col + 1)):
            last = below     # a two-row header: 完成情况 over 本期 | 上年同期 | 增减
        if last < sheet.max_row and is_unit_row(sheet.row_texts(last + 1)):
            last += 1        # a row of units under it: "（万元）" for each column
        roles = {}
        for c in range(1, sheet.max_col + 1):
            parts = [compact(sheet.header_text(x, c)) for x in range(r, last + 1)]
            parts = [p for p in dict.fromkeys(parts) if p]
            if not parts:
                continue
            roles[c] = "label" if any(normalise_label(p) in LABEL_HEADERS for p in parts) else _role(parts)
        if any(role in ("current", "target") for role in roles.values()):
            return r, last, roles
    return None


def _unit_of(header: str) -> str:
    """The unit a header part gives its column: "本期（万元）", or "（万元）" in a unit row; "" when none."""
    return unit_in_cell(header) or split_unit(header)[1] if header else ""


def _role(parts: list[str]) -> str:
    for part in reversed(parts):
        name = normalise_label(part)
        for role, pattern in ROLE_PATTERNS:
            if pattern.search(name):
                return role
    return "unknown"


class FormReader(RowReader):
    """One per-region form, read in stages: header and region, period, then row by row."""

    shape = "纵表"
    signed = False   # a signature line was passed: the rows of words below it are the footer's

    def read(self) -> SheetReport:
        report = self.report
        self.code = self.form_region(self.first)
        if not self.resolve_period(self.first, self._header_periods()):
            return report
        self._check_previous_headers()
        if self.code is None:   # still checked cell by cell, so that every problem of the form is listed at once
            report.skipped.append("全表：地区未能确定（见错误），表中的数字都没有读入，只逐格核对；改正地区后请重新导入")
        report.regions = [self.code] if self.code else []
        self.previous_as_of = same_day_last_year(self.as_of)
        self.column_units = {c: unit for c in self.roles for r in range(self.first, self.last + 1)
                             if (unit := _unit_of(self.sheet.header_text(r, c)))}
        label_col = next(c for c, role in self.roles.items() if role == "label")
        for r in range(self.last + 1, self.sheet.max_row + 1):
            self._row(r, label_col)
        return report

    # -- the period

    def _header_periods(self) -> list:
        """Value columns whose header names a period ("2025年1-6月" | "2024年1-6月"): the newer is 本期, the year
        before it 上年同期; a 本期 header is one more statement of the sheet's period."""
        headers = {c: [(f"{letter(c)}{r}", self.sheet.header_text(r, c)) for r in range(self.first, self.last + 1)]
                   for c, role in self.roles.items() if role in ("current", "previous")}
        roles, current, self.previous_headers = column_periods(headers)
        self.roles.update(roles)
        return current

    def _check_previous_headers(self) -> None:
        """A 上年 column headed by a period must name this period a year earlier; else it is not read."""
        for c, (said, same_period) in self.previous_headers.items():
            problem = previous_problem(said, self.year, self.as_of, same_period)
            if problem:
                self.refuse(problem, row=int(said.place.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")), col=c, value=said.text)
                self.roles[c] = "refused"

    # -- the rows

    def _row(self, r: int, label_col: int) -> None:
        sheet, report = self.sheet, self.report
        label = compact(sheet.value_text(r, label_col))
        note_cols = {c for c, role in self.roles.items() if role == "note"}   # 备注: a note of the row, not a footer
        texts = [t for c in range(1, sheet.max_col + 1) if (t := sheet.value_text(r, c))]
        values = {c: sheet.value_text(r, c) for c, role in self.roles.items() if role in ("current", "previous", "target")}
        if not texts:
            return
        numbers = [f"{letter(c)}{r}" for c, v in values.items() if v and parse_cell(v).value is not None]
        signature = signature_in(sheet.value_text(r, c) for c in range(1, sheet.max_col + 1)
                                 if not (label and c in note_cols))
        if signature or (self.signed and not numbers):
            skip_footer(report, r, texts, numbers, below=not signature)
            self.signed = True
            return
        footer = next((t for t in texts if footer_label(t)), "")
        if footer and (not label or footer_label(label) or is_date_text(label)):   # 报送日期 | 2025-07-05
            report.skipped.append(f"第 {r} 行“{compact(footer)[:24]}”（表尾说明或签名）")
            return
        if not label:
            if any(values.values()):
                self.refuse("这一行有数字，但指标名称为空。请填写指标名称，或删除这一行。", row=r, col=label_col)
            return
        if label.lower() in COLUMN_NUMBER_LABELS or label in ("乙", "丙"):
            report.skipped.append(f"第 {r} 行是栏次编号行")
            return
        name, name_unit = split_unit(label)
        ind = self.ctx.labels.get(normalise_label(name)) or self.ctx.labels.get(normalise_label(label))
        if not ind and is_part_row(label):
            report.skipped.append(f"第 {r} 行“{label[:20]}”（其中项，是上一行指标的一部分；指标目录中没有“{name}”，"
                                  + (f"这一行的 {len(numbers)} 个数字" if numbers else "这一行") + "未读入。如需读入，"
                                  "请在 indicators.csv 中增加该指标，或在某指标的 aliases 列加上这种写法）")
            return
        if not ind:
            if not any(values.values()) and (HEADING_PATTERN.match(label) or len(label) <= 12):
                report.skipped.append(f"第 {r} 行“{label[:20]}”（分组标题，没有数字）")
                return
            hint = suggest_indicators(name, self.catalog)
            near = f"相近的指标有：{'、'.join(hint)}。" if hint else ""
            self.refuse(f"指标“{label}”不在指标目录中（按中文名和别名都对不上），这一行的数字不能读入。{near}"
                        "请把指标名称改为目录中的名称，或在 indicators.csv 该指标的 aliases 列加上这种写法。",
                        row=r, col=label_col, value=label, region=self.code)
            return
        units: dict[str, str | None] = {}   # by column unit (header or unit row): each refused at most once
        figures = {}
        for c, role in self.roles.items():
            if role not in ("current", "previous", "target"):
                continue
            column_unit = self.column_units.get(c, "")
            unit = units[column_unit] if column_unit in units else \
                units.setdefault(column_unit, self._unit(r, ind, name_unit, column_unit))
            if unit is None:
                continue
            if role == "current":
                figures["current"] = self._value(r, c, ind, unit, self.year, self.as_of)
            elif role == "previous":
                figures["previous"] = self._value(r, c, ind, unit, self.year - 1, self.previous_as_of, previous=True)
            else:
                self._target(r, c, ind, unit)
        change_col = next((c for c, role in self.roles.items() if role == "change"), None)
        if change_col:
            self._check_change(r, change_col, ind, figures.get("current"), figures.get("previous"))

    def _unit(self, r: int, ind: str, name_unit: str, column_unit: str = "") -> str | None:
        """The unit a row is written in: its 计量单位 cell, else a unit in its name, else its column's (a unit in the
        header or the unit row under it: "本期（万元）"), else the catalogue's."""
        cat_unit = self.catalog.at[ind, "unit"]
        unit_col = next((c for c, role in self.roles.items() if role == "unit"), None)
        written = compact(self.sheet.value_text(r, unit_col)) if unit_col else ""
        unit = written or name_unit or column_unit or cat_unit
        family = parse_unit(cat_unit)
        bare = parse_unit(unit)
        if bare and bare[0] == "" and family:   # "万" alone in a money row means 万元
            unit = unit + family[0]
        if unit_factor(unit, cat_unit) is None:
            self.refuse(f"计量单位“{unit}”与指标“{self.catalog.at[ind, 'name']}”的单位“{cat_unit}”不是同一种量，"
                        "无法换算。请核对这一行的单位或指标名称。", row=r, col=unit_col or 1, value=unit,
                        region=self.code, indicator=ind)
            return None
        return unit

    def _value(self, r: int, c: int, ind: str, unit: str, year: int, as_of: pd.Timestamp,
               previous: bool = False) -> float | None:
        parsed, formula, converted = cell_number(self.sheet, r, c)
        cell = f"{letter(c)}{r}"
        if parsed.blank:
            self.report.blank.append(cell)
            if self.code:
                self.report.blank_regions.append((cell, self.code, shown(self.sheet, r, c)))
            return None
        value, problem = (None, parsed.problem) if parsed.problem else to_catalogue_unit(parsed, unit, self.catalog.at[ind, "unit"])
        problem = problem or impossible(value, self.catalog.at[ind, "kind"])
        if problem:
            self.report.refused += 1
            heading = "/".join(t for h in range(self.first, self.last + 1) if (t := compact(self.sheet.value_text(h, c))))
            self.refuse(f"“{self.catalog.at[ind, 'name']}”{problem}", row=r, col=c, value=shown(self.sheet, r, c),
                        region=self.code, indicator=ind, column=heading)   # the 本期/上年同期 column, as headed
            return None
        if self.code is None:
            return value
        note = " ".join(self.sheet.value_text(r, k) for k, role in self.roles.items() if role == "note").strip()
        self.take_value(region=self.code, indicator=ind, year=year, as_of=as_of, row=r, col=c, parsed=parsed,
                        value=value, formula=formula, text=converted, column_unit=unit, previous=previous, note=note)
        return value

    def _target(self, r: int, c: int, ind: str, unit: str) -> None:
        target = read_target_cell(self, r, c, ind, unit)
        if target is not None and self.code is not None:
            take_target(self, self.code, ind, self.year, target, issuer="", row=r, col=c)

    def _check_change(self, r: int, c: int, ind: str, current: float | None, previous: float | None) -> None:
        """A stated 增减(%) is compared with the two figures (rates: no percentage); it is never read as a figure."""
        text = self.sheet.value_text(r, c)
        stated = parse_cell(text)
        if not text or stated.blank or stated.value is None or current is None or not previous:
            return
        if self.catalog.at[ind, "kind"] == "rate":
            return
        computed = (current - previous) / previous * 100
        decimals = len(text.split(".")[1].rstrip("%")) if "." in text else 0
        if abs(computed - stated.value) > 0.5 * 10 ** -decimals + 1e-9:
            self.refuse(f"“{self.catalog.at[ind, 'name']}”的增减写为 {stated.value:g}%，按本期和上年数字算应为 "
                        f"{computed:.{max(decimals, 1)}f}%。增减栏只用于核对、不读入；请核对本期和上年的数字是否填对。",
                        row=r, col=c, value=text, level="warning", region=self.code, indicator=ind)
            self.report.totals.append(f"{letter(c)}{r} 增减 {stated.value:g}% 与两期数字不符（应为 {computed:.1f}%）")
