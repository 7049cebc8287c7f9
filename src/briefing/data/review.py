"""The review sheet (核对清单) sent back to each county: every figure read, where from, how it was read, and what to check.

One worksheet per region: each figure with its period, unit, source cell and the text as written,
the unit conversion or approximation applied, and every remark or fault about it; then the
placeholders left blank. A last sheet lists what concerns no single region (合计 checks, skipped
rows, file-level faults). The county ticks 核对结果, writes a 更正值 where needed, and sends it back;
re-importing its corrected return replaces its figures and the import says what changed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import Finding
from .write import neutralise

HEAD = ["序号", "时期", "指标", "单位", "读入的数字", "约数", "来源文件", "工作表", "单元格", "原表写法", "读法说明", "提示和问题",
        "核对结果（√/×）", "更正值", "说明"]
WIDTHS = [6, 16, 22, 8, 12, 6, 30, 14, 8, 14, 22, 40, 12, 12, 20]
BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def write_review(read, checks: list[Finding], path: Path, catalog: pd.DataFrame) -> Path:
    """Write the 核对清单 of an import (``excel.WorkbookImport`` and its data checks) to ``path`` (.xlsx)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    findings = [*read.findings, *checks]
    names = read.regions.set_index("code")["name"].to_dict() if "code" in read.regions.columns else \
        read.regions["name"].to_dict()
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for code in _regions_in_order(read):
        ws = wb.create_sheet(_sheet_title(names.get(code, code), used))
        rows = _region_rows(read, findings, code, catalog)
        title = f"{names.get(code, code)} 数据核对清单"
        ws.append([title])
        ws.append(["请逐项核对：无误在“核对结果”栏打√；有误打×，在“更正值”栏填正确数字并说明，由单位负责人签字后退回。"
                   "退回后重新导入更正的报表，将替换本地区该期的数字。"])
        ws.append(HEAD)
        for row in rows:
            ws.append(row)
        blanks = _blanks(read, code)
        if blanks:
            ws.append([])
            ws.append(["空白或占位的格（未作为数字读入；如确有数字请在“更正值”栏填写）："])
            for file, sheet, cell, shown in blanks:
                ws.append(["", "", "", "", "", "", file, sheet, cell, shown, "空白或占位", "", "", "", ""])
        ws["A1"].font = Font(bold=True, size=14)
        for cell in ws[3]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for i, width in enumerate(WIDTHS, start=1):
            ws.column_dimensions[ws.cell(row=3, column=i).column_letter].width = width
        ws.freeze_panes = "A4"
    _general_sheet(wb.create_sheet(_sheet_title("汇总核对", used)), read, findings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    tmp.replace(path)
    return path


def _regions_in_order(read) -> list[str]:
    seen = dict.fromkeys([*read.figures["region"], *read.targets["region"]])
    return list(seen)


def _sheet_title(name: str, used: set[str]) -> str:
    base = BAD_SHEET_CHARS.sub("_", str(name)).strip("'")[:28] or "地区"
    title, n = base, 2
    while title in used:
        title, n = f"{base[:26]}{n}", n + 1
    used.add(title)
    return title


def _region_rows(read, findings: list[Finding], code: str, catalog: pd.DataFrame) -> list[list]:
    at_cell: dict[tuple, list[str]] = {}
    for f in findings:
        if f.cell:
            at_cell.setdefault((f.file, f.sheet, f.cell), []).append(("错误：" if f.level == "error" else "提示：")
                                                                      + f.message)
    notes = _reading_notes(read)
    rows = []
    fig = read.figures[read.figures["region"] == code].sort_values(["as_of", "file", "sheet", "file_row"])
    for n, r in enumerate(fig.itertuples(index=False), start=1):
        unit = catalog.at[r.indicator, "unit"] if r.indicator in catalog.index else ""
        name = catalog.at[r.indicator, "name"] if r.indicator in catalog.index else r.indicator
        period = (f"{r.year}年全年" if pd.Timestamp(r.as_of).strftime("%m-%d") == "12-31"
                  else f"{r.year}年截至{pd.Timestamp(r.as_of).month}月{pd.Timestamp(r.as_of).day}日")
        period += "（上年同期栏）" if getattr(r, "previous", False) is True else ""
        written, how = notes.get((r.file, r.sheet, r.cell), ("", ""))
        rows.append([n, period, name, unit, float(r.value), r.approx or "", r.file, r.sheet, r.cell, written, how,
                     "\n".join(at_cell.get((r.file, r.sheet, r.cell), [])), "", "", ""])
    tgt = read.targets[read.targets["region"] == code]
    for n, r in enumerate(tgt.itertuples(index=False), start=len(rows) + 1):
        name = catalog.at[r.indicator, "name"] if r.indicator in catalog.index else r.indicator
        kind = "门槛（X以上/以内）" if r.target_type == "threshold" else "绝对数"
        rows.append([n, f"{r.year}年目标", name, catalog.at[r.indicator, "unit"] if r.indicator in catalog.index else "",
                     float(r.target), "", r.file, r.sheet, r.cell, "", f"目标，{kind}，下达：{r.issuer or '未注明'}",
                     "\n".join(at_cell.get((r.file, r.sheet, r.cell), [])), "", "", ""])
    region_level = [("错误：" if f.level == "error" else "提示：") + f.message for f in findings
                    if f.region == code and not f.cell]
    if region_level:
        rows.append(["", "", "", "", "", "", "", "", "", "", "关于本地区", "\n".join(region_level), "", "", ""])
    return _safe_rows(rows)


def _reading_notes(read) -> dict[tuple, tuple[str, str]]:
    """(file, sheet, cell) → (the text as written, how it was read) from the sheets' conversion and mark lists."""
    out = {}
    for s in read.sheets:
        for line in s.conversions:
            m = re.match(r"^([A-Z]+\d+)“(.*?)”(.*)$", line)
            if m:
                out[(s.file, s.name, m[1])] = (m[2], "按" + m[3].strip() if m[3].strip() else "文字转为数字")
        for line in s.approximations:
            m = re.match(r"^([A-Z]+\d+)“(.*?)”（(.*)）$", line)
            if m:
                written, how = out.get((s.file, s.name, m[1]), (m[2], ""))
                out[(s.file, s.name, m[1])] = (written, (how + "；" if how else "") + f"约数（{m[3]}）")
    return out


def _blanks(read, code: str) -> list[tuple[str, str, str, str]]:
    out = []
    for s in read.sheets:
        for entry in s.blank_regions:
            cell, region, shown = entry
            if region == code:
                out.append((s.file, s.name, cell, shown))
    return out


def _general_sheet(ws, read, findings: list[Finding]) -> None:
    ws.append(["汇总核对：不属于单个地区的核对结果和问题"])
    ws.append(["文件", "工作表", "内容"])
    for s in read.sheets:
        for line in [*s.totals, *(f"未读入：{k}" for k in s.skipped), *([s.note] if s.note else [])]:
            ws.append(_safe_rows([[s.file, s.name, line]])[0])
    for f in findings:
        if not f.region and not f.cell:
            ws.append(_safe_rows([[f.file, f.sheet, ("错误：" if f.level == "error" else "提示：") + f.message]])[0])
    for code, (file, place) in read.new_regions.items():
        ws.append(_safe_rows([[file, "", f"新地区“{code}”（首次出现于{place}）：没有 regions.csv，请确认名称无误"]])[0])


def _safe_rows(rows: list[list]) -> list[list]:
    """Text cells that a spreadsheet would run as a formula made inert (the county opens this file)."""
    out = []
    for row in rows:
        texts = [i for i, v in enumerate(row) if isinstance(v, str) and v]
        safe = neutralise(pd.Series([row[i] for i in texts], dtype=object)).tolist() if texts else []
        row = list(row)
        for i, value in zip(texts, safe):
            row[i] = value
        out.append(row)
    return out
