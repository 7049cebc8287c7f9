"""The import report: what was read from each file and sheet, what was converted, skipped, refused, and what is new.

It is what ``briefing import`` prints and what the analyst keeps: every number it counts is a
line somewhere below it, and the counts of its totals line are the findings printed after it. When
hidden rows or columns were read, one more line after the totals says how many, so they are checked.
"""

from __future__ import annotations




def import_summary(result, extra: list) -> str:
    """The report of a ``workbook.WorkbookImport`` in Chinese, one block per file and sheet."""
    lines = []
    by_file: dict[str, list] = {}
    for s in result.sheets:
        by_file.setdefault(s.file, []).append(s)
    described = dict(result.files)
    for file, sheets in by_file.items():
        lines.append(f"读取 {file}{'，' + described[file] if described.get(file) else ''}：")
        for s in sheets:
            lines += _sheet_lines(s, result)
    if result.new_regions:
        names = "、".join(result.new_regions)
        lines.append(f"新地区（没有 regions.csv，按表中写法建立，请逐个核对）：{names}。")
    lines.append(_totals_line(result, extra))
    hidden = sum(len(s.hidden) for s in result.sheets)
    if hidden:   # last, so that it is not missed: these cells were read, and nobody saw them in the file
        rows = sum(h.endswith("行") for s in result.sheets for h in s.hidden)
        lines.append(f"注意：读入了隐藏的 {rows} 行、{hidden - rows} 列（见上面各工作表的“隐藏的行和列”和提示），"
                     "请在 Excel 中取消隐藏，逐一核对其中的数字。")
    return "\n".join(lines)


def _sheet_lines(s, result) -> list[str]:
    if s.note:
        return [f"  工作表“{s.name}”：{s.note}"]
    targets = result.targets[(result.targets["file"] == s.file) & (result.targets["sheet"] == s.name)] \
        if len(result.targets) else result.targets
    if s.shape.startswith("目标"):
        n_ind = targets["indicator"].nunique() if len(targets) else 0
    else:   # what the sheet read, even where the same figures were counted once from another table
        n_ind = len(s.indicators) or len([c for c in s.columns if c.role == "indicator"])
    head = f"第 {s.header_rows[0]}–{s.header_rows[1]} 行" if s.header_rows else "未找到"
    where = f"；地区取自{s.region_from}" if s.region_from else ""
    shape = f"{s.shape}，" if s.shape else ""
    counts = (f"读入目标 {s.targets} 个" if s.shape.startswith("目标") else
              f"读入数字 {s.read} 个（文字或单位转换 {s.converted} 个，约数 {s.approximate} 个，公式结果 {s.formulas} 个）")
    out = [f"  工作表“{s.name}”：{shape}{_when(s)}；表头{head}；地区 {len(s.regions)} 个{where}；指标 {n_ind} 个；"
           f"{counts}；空白或占位 {len(s.blank)} 个；拒收 {s.refused} 个。"]
    ind = [c for c in s.columns if getattr(c, "role", "") == "indicator"]
    converted = [f"{c.header}（{c.unit}→{c.indicator_unit}）" for c in ind if c.indicator_unit != c.unit]
    by_catalog = [c.header for c in ind if c.unit_from == "指标目录"]
    if converted:
        out.append(f"    单位换算：{'；'.join(converted)}")
    if by_catalog:
        out.append(f"    表头未注明单位、按指标目录的单位读取：{'、'.join(by_catalog)}")
    if s.blank:
        shown = "、".join(s.blank[:30]) + (f" 等 {len(s.blank)} 格" if len(s.blank) > 30 else "")
        out.append(f"    空白或占位（未作为数字读入）：{shown}")
    if s.hidden:
        out.append(f"    隐藏的行和列（已照常读入，请核对）：{'、'.join(s.hidden)}")
    out += [f"    {t}" for t in s.totals]
    out += [f"    未读入：{k}" for k in s.skipped]
    return out


def _when(s) -> str:
    if s.shape.startswith("目标"):
        return f"{s.year} 年目标" if s.year else "年份未知"
    if s.as_of is None:
        return "年份未知"
    full = s.as_of.strftime("%m-%d") == "12-31"
    return f"{s.year} 年全年" if full else f"{s.year} 年（截至 {s.as_of:%Y-%m-%d}）"


def _totals_line(result, extra: list) -> str:
    n, t = len(result.figures), len(result.targets)
    regions = set(result.figures["region"]) | set(result.targets["region"]) if n or t else set()
    indicators = set(result.figures["indicator"]) | set(result.targets["indicator"]) if n or t else set()
    findings = [*result.findings, *extra]
    errors = sum(f.level == "error" for f in findings)
    read = sum(s.read for s in result.sheets if not s.shape.startswith("目标"))
    once = f"（各表共读到 {read} 个，其中 {read - n} 个是上年同期数或与另一张表相同的数字，只计一次）" if read > n else ""
    return (f"共读入 {n} 个数字{once}" + (f"、{t} 个目标" if t else "") + f"，{len(regions)} 个地区，{len(indicators)} 个指标；"
            f"拒收 {sum(s.refused for s in result.sheets)} 个；错误 {errors} 个，提示 {len(findings) - errors} 个。")



