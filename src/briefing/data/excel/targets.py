"""Target tables as the 省总/市总 send them: a 目标任务分解表 (regions × indicators) or one region's list.

A target is never an actual figure: these readers write ``Context.target_rows`` only. Thresholds are
read as written ("95%以上", "不低于90%", "12个以上", "控制在120件以内"); the issuer comes from a 下达单位
column or the title (省总 / 市总); the 合计 row of a 分解表 is the parent's own target, issued from
the level above the table's issuer.
"""

from __future__ import annotations

import re

from ..catalog import normalise_label, parse_unit, unit_factor
from ..cells import parse_cell
from .grid import cell_number, compact, letter, shown, to_catalogue_unit
from .header import TOTAL_PATTERN, split_unit
from .reading import Reader, RowReader, SheetReport
from .words import footer_label, signature_in

MIN_WORDS = re.compile(r"以上|不低于|不少于|至少|达到|≥|>=|及以上")
MAX_WORDS = re.compile(r"以内|以下|不超过|不高于|控制在|≤|<=|之内")
ISSUERS = (("省总", re.compile(r"省总|省总工会")), ("市总", re.compile(r"市总|市总工会|[\u4e00-\u9fff]{1,8}市总工会")),
           ("州总", re.compile(r"州总|州总工会")), ("盟总", re.compile(r"盟总|盟总工会")),   # 自治州、盟: a 市's rank
           ("全总", re.compile(r"全总|中华全国总工会")))
UPPER = {"市总": "省总", "州总": "省总", "盟总": "省总", "省总": "全总", "县总": "市总"}
ISSUER_HEADERS = {"下达单位", "下达部门", "目标下达", "下达"}


def issuer_in(text: str) -> str:
    """The issuer a title or cell names: 省总, 市总 (州总, 盟总) or 全总 ("" when none).

    >>> issuer_in("溪岭州总工会2026年目标任务分解表"), issuer_in("下达单位：示例市总工会"), issuer_in("2026年目标")
    ('州总', '市总', '')
    """
    t = re.sub(r"\s+", "", text or "")
    for name, pattern in ISSUERS:
        if pattern.search(t):
            return name
    return ""


def read_target_cell(reader: Reader, r: int, c: int, ind: str, unit: str) -> tuple[float, str] | None:
    """(target in the catalogue unit, target_type) of a cell; None when blank or refused (with a finding)."""
    sheet, cat = reader.sheet, reader.catalog
    text = compact(sheet.value_text(r, c))
    words_min, words_max = bool(MIN_WORDS.search(text)), bool(MAX_WORDS.search(text))
    body = MAX_WORDS.sub("", MIN_WORDS.sub("", text)).replace("控制", "")
    if isinstance(sheet.raw(r, c).value, str) and (words_min or words_max):
        parsed = parse_cell(body)
        formula, converted = False, True
    else:
        parsed, formula, converted = cell_number(sheet, r, c)
    if parsed.blank:
        reader.report.blank.append(f"{letter(c)}{r}")
        return None
    value, problem = (None, parsed.problem) if parsed.problem else to_catalogue_unit(parsed, unit, cat.at[ind, "unit"])
    lower = cat.at[ind, "direction"] == "lower"
    if not problem and words_max and not lower:
        problem = "写的是上限（“以内”“不超过”），但这个指标越高越好。请核对目标的写法。"
    if not problem and words_min and lower:
        problem = "写的是下限（“以上”“不低于”），但这个指标越低越好（如来信来访）。请核对目标的写法。"
    if problem:
        reader.report.refused += 1
        reader.refuse(f"“{cat.at[ind, 'name']}”的目标{problem}", row=r, col=c, value=shown(sheet, r, c),
                      indicator=ind)
        return None
    threshold = words_min or words_max or cat.at[ind, "kind"] == "rate"
    if converted:
        reader.report.conversions.append(f"{letter(c)}{r}“{shown(sheet, r, c)}” → {value:g}{cat.at[ind, 'unit']}"
                                         f"（{'门槛' if threshold else '绝对数'}）")
    return value, "threshold" if threshold else "absolute"


def take_target(reader: Reader, region: str, ind: str, year: int, target: tuple[float, str], *, issuer: str,
                row: int, col: int) -> None:
    value, ttype = target
    cell = f"{letter(col)}{row}"
    reader.report.targets += 1
    reader.ctx.target_rows.append({"file": reader.ctx.file, "region": region, "year": year, "indicator": ind,
                                   "target": value, "target_type": ttype, "issuer": issuer,
                                   "note": f"{reader.ctx.file}（{reader.name}）{cell}", "sheet": reader.name,
                                   "cell": cell, "origin": f"{reader.name}!{cell}", "file_row": row})


class TargetTableReader(Reader):
    """A 目标任务分解表: the one-row-per-region layout, each cell a target; the 合计 row the parent's own."""

    shape = "目标分解表"

    def __init__(self, sheet, ctx, table):
        super().__init__(sheet, ctx)
        self.table = table   # a table.SheetReader that has found the header, columns and label column

    def read(self) -> SheetReport:
        t, report = self.table, self.report
        report.header_rows, report.columns = t.report.header_rows, t.report.columns
        report.year = self.year = t.year
        title = " ".join(t.title_texts)
        self.issuer = issuer_in(title) or issuer_in(self.name)
        issuer_col = next((c.index for c in report.columns if normalise_label(c.header) in ISSUER_HEADERS), None)
        indicator_cols = [c for c in report.columns if c.role == "indicator"]
        totals = []
        for r in range(t.last + 1, self.sheet.max_row + 1):
            label = compact(self.sheet.header_text(r, t.label_col))
            label = re.sub(r"^(\d+[.、]|[(（]\d+[)）])(?=\D)", "", label)
            texts = [self.sheet.value_text(r, c.index) for c in indicator_cols]
            if not label and not any(texts):
                continue
            if footer_label(label) or signature_in(self.sheet.row_texts(r)) or \
                    (not label and any(footer_label(x) for x in self.sheet.row_texts(r) if x)):
                report.skipped.append(f"第 {r} 行“{label[:20] or compact(self.sheet.row_texts(r)[0])[:20]}”（表尾说明）")
                continue
            if TOTAL_PATTERN.search(label):
                totals.append((r, label))     # the parent's own targets: read once the regions are known
                continue
            region = self.region(label, r, t.label_col)
            issuer = (issuer_in(self.sheet.value_text(r, issuer_col)) if issuer_col else "") or self.issuer
            if region is None:
                continue
            report.regions.append(label)
            self._row(r, region, issuer, indicator_cols)
        for r, label in totals:
            region = self._parent()
            if region is None:
                report.skipped.append(f"第 {r} 行“{label}”（上级自己的目标；看不出上级是哪个地区，未读入）")
                continue
            issuer = (issuer_in(self.sheet.value_text(r, issuer_col)) if issuer_col else "") or UPPER.get(self.issuer, "")
            self._row(r, region, issuer, indicator_cols)
        if not self.issuer and not issuer_col:
            self.refuse("标题中看不出目标由谁下达（省总、市总或州总），targets.csv 的 issuer 列将留空。"
                        "如需区分，请在标题中写明“××市总工会下达”或加一列“下达单位”。", level="warning")
        return report

    def _row(self, r: int, region: str, issuer: str, indicator_cols) -> None:
        for col in indicator_cols:
            target = read_target_cell(self, r, col.index, col.indicator, col.unit)
            if target is not None:
                take_target(self, region, col.indicator, self.year, target, issuer=issuer, row=r, col=col.index)

    def _parent(self) -> str | None:
        """The parent of the table's regions (the 合计 row's region): from the regions table, or the --parent name."""
        regions = self.ctx.regions
        codes = {row["region"] for row in self.ctx.target_rows if row["sheet"] == self.name}
        if regions is not None and codes:
            parents = set(regions.loc[[c for c in codes if c in regions.index], "parent"])
            return parents.pop() if len(parents) == 1 and "" not in parents else None
        return self.ctx.names.parent_name


class TargetListReader(RowReader):
    """One region's list of targets: 指标 | 目标值 | 单位, the region and year in the title or file name."""

    shape = "目标清单"

    def read(self) -> SheetReport:
        report = self.report
        if not self.resolve_period(self.first):
            return report
        code = self.form_region(self.first)
        if code is None:
            return report
        report.regions = [code]
        title = " ".join(self.sheet.value_text(r, c) for r in range(1, self.first) for c in range(1, self.sheet.max_col + 1))
        issuer = issuer_in(title)
        label_col = next(c for c, role in self.roles.items() if role == "label")
        target_col = next(c for c, role in self.roles.items() if role == "target")
        unit_col = next((c for c, role in self.roles.items() if role == "unit"), None)
        for r in range(self.last + 1, self.sheet.max_row + 1):
            label = compact(self.sheet.value_text(r, label_col))
            if not label or footer_label(label) or signature_in(self.sheet.row_texts(r)):
                if label:
                    report.skipped.append(f"第 {r} 行“{label[:20]}”（表尾说明）")
                continue
            name, name_unit = split_unit(label)
            ind = self.ctx.labels.get(normalise_label(name))
            if not ind:
                if self.sheet.value_text(r, target_col):
                    self.refuse(f"指标“{label}”不在指标目录中，这一行的目标不能读入。请改为目录中的名称或在 aliases 列加上这种写法。",
                                row=r, col=label_col, value=label, region=code)
                else:
                    report.skipped.append(f"第 {r} 行“{label[:20]}”（没有目标值）")
                continue
            cat_unit = self.catalog.at[ind, "unit"]
            unit = (compact(self.sheet.value_text(r, unit_col)) if unit_col else "") or name_unit or cat_unit
            if parse_unit(unit) is None or unit_factor(unit, cat_unit) is None:
                self.refuse(f"单位“{unit}”与指标“{self.catalog.at[ind, 'name']}”的单位“{cat_unit}”不是同一种量。",
                            row=r, col=unit_col or label_col, value=unit, region=code, indicator=ind)
                continue
            target = read_target_cell(self, r, target_col, ind, unit)
            if target is not None:
                take_target(self, code, ind, self.year, target, issuer=issuer, row=r, col=target_col)
        return report
