"""Which reader a sheet goes to: a per-region form, a target list, a regions × indicators table of figures or of targets.

A sheet is read as targets only when its own words say so (title or name: 目标任务, 分解, 计划, 下达;
cells written "95%以上", "控制在X以内") and as figures only when nothing says it holds targets. When
its words say both, the import stops and asks (``--targets SHEET`` or ``--figures SHEET``): a target
is never imported as an actual figure, and nothing is guessed.
"""

from __future__ import annotations

import re

from .form import FormReader, find_form_header
from .grid import Sheet, compact
from .header import find_header, transposed
from .reading import Context, Reader, SheetReport
from .table import SheetReader
from .targets import MAX_WORDS, MIN_WORDS, TargetListReader, TargetTableReader

TARGET_WORDS = re.compile(r"目标|任务|计划|分解|下达|考核")
FIGURE_WORDS = re.compile(r"完成情况|完成数|实绩|统计|汇总|快报|年报|报表|工作情况|填报")


def read_any_sheet(sheet: Sheet, ctx: Context) -> SheetReport:
    """Read one sheet with the reader its shape and words call for; report what was read or why not."""
    if sheet.hidden and not ctx.include_hidden:
        report = SheetReport(name=sheet.name, file=ctx.file,
                             note="隐藏的工作表，未读入（如需读入，导入时加 --include-hidden）。")
        Reader(sheet, ctx).refuse(f"工作表“{sheet.name}”是隐藏的，没有读入。隐藏的表常是草稿或计算过程；"
                                  "如果它确是要导入的数据，请取消隐藏或导入时加 --include-hidden。", level="warning",
                                  value=sheet.name)
        return report
    forced = ctx.kinds.get(sheet.name, "")
    form = find_form_header(sheet)
    if form is not None:
        roles = set(form[2].values())
        if "current" not in roles:          # 指标 | 目标值: one region's targets
            if forced == "figures":
                return _refuse_as_figures(sheet, ctx, "表头只有“目标值”一列，没有本期数")
            return TargetListReader(sheet, ctx, form).read()
        return FormReader(sheet, ctx, form).read()
    if transposed(sheet, ctx.labels) and find_header(sheet, ctx.labels)[2] <= 1:
        return _refuse_transposed(sheet, ctx)
    table = SheetReader(sheet, ctx)
    if not table.prepare():
        return table.report
    kind = forced or table_kind(table)
    if kind == "ambiguous":
        return _ask(table)
    if kind == "targets":
        return TargetTableReader(sheet, ctx, table).read()
    return table.read_figures()


def table_kind(table: SheetReader) -> str:
    """figures, targets or ambiguous, from the sheet's name and title lines and the cells under its header."""
    words = " ".join([table.name, *table.title_texts])
    thresholds = any(_threshold_column(table, c.index) for c in table.indicator_cols)
    says_targets = bool(TARGET_WORDS.search(words)) or thresholds
    says_figures = bool(FIGURE_WORDS.search(re.sub(r"目标任务完成情况|完成情况", "完成情况", words)))
    if says_targets and says_figures and not thresholds:
        return "ambiguous"
    return "targets" if says_targets else "figures"


def _threshold_column(table: SheetReader, c: int) -> bool:
    """A column written as targets: at least half its cells say "以上", "不低于", "控制在…以内" (one stray
    "15万以上" in a return of figures is an approximation written wrongly, refused by the cell rules)."""
    cells = [compact(table.sheet.value_text(r, c)) for r in range(table.last + 1, table.sheet.max_row + 1)]
    cells = [t for t in cells if t]
    marked = sum(bool(MIN_WORDS.search(t) or MAX_WORDS.search(t)) for t in cells)
    return marked >= 2 and marked * 2 >= len(cells)


def _ask(table: SheetReader) -> SheetReport:
    words = " ".join([table.name, *table.title_texts])
    target = TARGET_WORDS.search(words)[0]
    figure = FIGURE_WORDS.search(words)[0]
    table.refuse(f"看不出工作表“{table.name}”是目标还是完成数：标题或表名中既有“{target}”又有“{figure}”。"
                 f"本工具不猜：请重新导入并指明，目标表加 --targets {table.name}，完成数加 --figures {table.name}。",
                 value=words[:60], row=1, col=1)
    table.report.note = "看不出是目标还是完成数，未读入。"
    return table.report


def _refuse_transposed(sheet: Sheet, ctx: Context) -> SheetReport:
    reader = Reader(sheet, ctx)
    words = " ".join(t for r in range(1, 4) for t in sheet.row_texts(r) if t)
    kind = "目标任务表" if TARGET_WORDS.search(words + sheet.name) else "表"
    reader.refuse(f"这张{kind}是“一行一个指标、一列一个地区”的排法，本工具不能直接读，也不会猜。请在 Excel 中复制整张表，"
                  "用“选择性粘贴→转置”粘到新工作表，并把原表的标题（含“目标任务”或“完成情况”等字样）写在新表的第一行，"
                  "再导入：导入时按标题判断是目标还是完成数；看不出时会请您用 --targets 或 --figures 指明。", value=sheet.name)
    reader.report.note = "指标在行上、地区在列上（需要转置），未读入。"
    return reader.report


def _refuse_as_figures(sheet: Sheet, ctx: Context, why: str) -> SheetReport:
    reader = Reader(sheet, ctx)
    reader.refuse(f"工作表“{sheet.name}”是目标表（{why}），不能作为完成数导入：目标从不当作实际数字。"
                  f"请去掉 --figures {sheet.name}，它会作为目标写入 targets.csv。", value=sheet.name)
    reader.report.note = "目标表，不能作为完成数读入。"
    return reader.report

