"""The rows of a one-row-per-region sheet: which are regions, which are 合计/notes/headings, and every value read.

Functions of a ``table.SheetReader`` (the sheet being read): they add figures to its
context and findings through ``reader.refuse``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..catalog import normalise_label
from ..cells import parse_cell
from .grid import cell_number, compact, impossible, shown, to_catalogue_unit
from .header import ColumnInfo, COLUMN_NUMBER_LABELS, HEADING_PATTERN, REGION_HEADERS_NORMALISED, TOTAL_PATTERN
from .period import YEAR
from .words import footer_label, is_part_row, signature_in


@dataclass
class ColumnValues:
    """What one indicator column yielded: values by row, whether any was approximate, refused cells."""

    by_row: dict = field(default_factory=dict)
    approx: bool = False
    refused: list = field(default_factory=list)
    percent_sign: bool = False   # a cell written with its % ("0.96%"): its figure is a percentage as written


def read_rows(reader, indicator_cols: list[ColumnInfo]) -> tuple[list[tuple[int, str, str]], list[tuple[int, str]]]:
    """Region rows (row, code, label) and 合计/小计 rows; every other row skipped with a reason or refused."""
    sheet, report, label_col = reader.sheet, reader.report, reader.label_col
    data_rows: list[tuple[int, str, str]] = []
    totals: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    refused_rows = reader.refused_rows = []   # rows whose region was refused: totals over them are not checked
    note_cols = {c.index for c in report.columns if c.role == "note"}   # a 备注 column's text is a note, never a footer
    signed = False   # below a signature line, rows of words only belong to it too
    for r in range(reader.last + 1, sheet.max_row + 1):
        values = [sheet.value_text(r, c.index) for c in indicator_cols]
        label = compact(sheet.header_text(r, label_col))  # "合计" is often merged across 序号 and 地区
        label = re.sub(r"^(\d+[.、]|[(（]\d+[)）])(?=\D)", "", label)  # "1.城关区", "(1)城关区"
        texts = [t for t in sheet.row_texts(r) if t]
        signature = signature_in(t for c, t in enumerate(sheet.row_texts(r), start=1) if not (label and c in note_cols))
        if not label and not any(values) and not signature:
            continue
        numbers = [f"{c.letter}{r}" for c, v in zip(indicator_cols, values) if v and parse_cell(v).value is not None]
        if label.lower() in COLUMN_NUMBER_LABELS or (not label and is_numbering(values)):
            report.skipped.append(f"第 {r} 行是栏次编号行")
        elif r == getattr(reader, "unit_row", None):
            report.skipped.append(f"第 {r} 行是单位行（各列的单位，与表头中写的单位一样用于读取）")
        elif signature or (signed and not numbers and not TOTAL_PATTERN.search(label)):
            skip_footer(report, r, texts, numbers, below=not signature)
            signed = True
        elif footer_label(label) or (_footer_row(texts) and not numbers):
            if numbers:
                reader.refuse("表尾说明行中有数字。说明、填表人等写在表格下方时，不要在指标列中填数。",
                              row=r, col=label_col, value=label)
            else:
                shown_text = label or texts[0]
                report.skipped.append(f"第 {r} 行“{compact(shown_text)[:20]}”（表尾说明或签名）")
        elif is_part_row(label):
            report.skipped.append(f"第 {r} 行“{label[:20]}”（其中项，是上一行的一部分，不是地区"
                                  + (f"：这一行的 {len(numbers)} 个数字不读入，也不计入合计核对）" if numbers else "）"))
        elif not any(values) and HEADING_PATTERN.match(label):
            report.skipped.append(f"第 {r} 行“{label[:20]}”（分组标题，没有数字）")
        elif TOTAL_PATTERN.search(label):
            totals.append((r, label))
        elif normalise_label(label) in REGION_HEADERS_NORMALISED:
            reader.refuse("这一行像是又一个表头。一张工作表只放一张表：请把第二张表移到单独的工作表中。",
                        row=r, col=label_col, value=label)
        elif not label:
            reader.refuse("这一行有数字，但地区名称为空。请填写地区名称，或删除这一行。", row=r, col=label_col)
        elif (code := reader.region(label, r, label_col)) is None:
            refused_rows.append(r)
        elif code in seen:
            # two rows of one region: the import cannot choose, so neither is read
            reader.refuse(f"地区在本表中出现两次（第 {seen[code]} 行和第 {r} 行），两行都没有读入。请只保留正确的一行。",
                          row=r, col=label_col, value=label, region=code)
            refused_rows += [r, seen[code]]
            data_rows = [row for row in data_rows if row[1] != code]
        else:
            seen[code] = r
            data_rows.append((r, code, label))
    report.regions = [n for _, _, n in data_rows]
    if not data_rows and not refused_rows:
        reader.refuse("表头下面没有地区行，这张表没有读入任何数字。请确认地区名称写在表头下方、每行一个地区。",
                    row=reader.last, col=label_col, level="warning")
    return data_rows, totals

def check_year_column(reader, data_rows) -> None:
    """A 年份 column must agree with the sheet's year."""
    for col in (c for c in reader.report.columns if c.role == "year"):
        for r, code, _ in data_rows:
            text = reader.sheet.value_text(r, col.index)
            if not text or (YEAR.sub("", text).strip("年度 ") == "" and int(YEAR.search(text)[1]) == reader.year):
                continue
            reader.refuse(f"这一行的年份与工作表的年份（{reader.year} 年）不符。一张表只放一个年度的数据："
                        "请把这一行移到对应年份的工作表中，或改正年份。",
                        row=r, col=col.index, value=text, column=col.header, region=code)

def read_values(reader, data_rows, indicator_cols) -> dict[int, "ColumnValues"]:
    """Every cell of every region row and indicator column: read, listed as blank, or refused."""
    sheet, report, cat = reader.sheet, reader.report, reader.catalog
    note_col = next((c.index for c in report.columns if c.role == "note"), None)
    values = {c.index: ColumnValues() for c in indicator_cols}
    for r, code, label in data_rows:
        note = sheet.value_text(r, note_col) if note_col else ""
        for col in indicator_cols:
            cat_unit = cat.at[col.indicator, "unit"]
            parsed, formula, converted = cell_number(sheet, r, col.index)
            cell = f"{col.letter}{r}"
            if parsed.blank:
                report.blank.append(cell)
                report.blank_regions.append((cell, code, shown(sheet, r, col.index)))
                continue
            value, problem = (None, parsed.problem) if parsed.problem else to_catalogue_unit(parsed, col.unit, cat_unit)
            problem = problem or impossible(value, cat.at[col.indicator, "kind"])
            if problem:
                report.refused += 1
                values[col.index].refused.append(cell)
                reader.refuse(f"“{label}”的“{cat.at[col.indicator, 'name']}”{problem}", row=r, col=col.index,
                            value=shown(sheet, r, col.index), column=col.header, region=code,
                            indicator=col.indicator)
                continue
            values[col.index].by_row[r] = value
            values[col.index].approx |= bool(parsed.approx)
            values[col.index].percent_sign |= parsed.unit == "%"
            reader.take_value(region=code, indicator=col.indicator, year=reader.year, as_of=reader.as_of, row=r,
                              col=col.index, parsed=parsed, value=value, formula=formula, text=converted,
                              column_unit=col.unit, note=note)
    check_refused_rows(reader, indicator_cols)
    return values


def check_refused_rows(reader, indicator_cols) -> None:
    """The cells of a row whose region was refused (a typo, a duplicate): never read, but each checked, so that
    every problem of the return is listed in the same run."""
    sheet, cat = reader.sheet, reader.catalog
    for r in sorted(set(getattr(reader, "refused_rows", []))):
        label = compact(sheet.header_text(r, reader.label_col))
        for col in indicator_cols:
            parsed, _, _ = cell_number(sheet, r, col.index)
            if parsed.blank:
                continue
            cat_unit = cat.at[col.indicator, "unit"]
            value, problem = (None, parsed.problem) if parsed.problem else to_catalogue_unit(parsed, col.unit, cat_unit)
            problem = problem or impossible(value, cat.at[col.indicator, "kind"])
            if problem:
                reader.report.refused += 1
                reader.refuse(f"“{label}”的“{cat.at[col.indicator, 'name']}”{problem}（这一行的地区未能读入，"
                              "改正地区时请一并改正这一格。）", row=r, col=col.index, value=shown(sheet, r, col.index),
                              column=col.header, indicator=col.indicator)


def _footer_row(texts: list[str]) -> bool:
    """A line under a table whose cells say 填报说明：…, 注：… (in whichever column)."""
    return any(footer_label(t) for t in texts)


def skip_footer(report, r: int, texts: list[str], numbers: list[str], *, below: bool = False) -> None:
    """A signature or contact line (or the words under one) listed as not read; its numbers (a telephone, a date)
    are never figures."""
    words = " ".join(dict.fromkeys(compact(t) for t in texts))[:40]
    why = "表尾签名下方的文字" if below else "表尾签名或联系方式"
    report.skipped.append(f"第 {r} 行“{words}”（{why}，不是数据"
                          + (f"；其中 {'、'.join(numbers[:5])} 的数字不读入）" if numbers else "）"))


def is_numbering(values: list[str]) -> bool:
    """A row of column numbers (1, 2, 3 …) under a header."""
    nums = [v for v in values if v]
    return len(nums) >= 3 and all(v.isdigit() for v in nums) and \
        [int(v) for v in nums] == list(range(int(nums[0]), int(nums[0]) + len(nums)))
