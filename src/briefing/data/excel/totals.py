"""Checks across the rows of a sheet: a 合计/小计 row against the sum of its rows, rates typed as fractions.

A 合计 row is never loaded as a region; it is only compared, and a difference names both numbers.
"""

from __future__ import annotations

from .grid import cell_number, clean, column_index, shown, to_catalogue_unit


def subtotal_spans(totals, data_rows) -> dict[int, tuple[float, float]]:
    """The rows (exclusive bounds) each 小计 adds up. A sheet whose first 小计 comes before its first region row
    heads each group with it (小计 then its members, up to the next 合计/小计 row); otherwise each 小计 closes its
    group (the rows since the last one). A 合计 adds every region row.

    >>> subtotal_spans([(3, "合计"), (4, "县区小计"), (7, "产业小计")], [(5, "", ""), (6, "", ""), (8, "", "")])
    {3: (-inf, inf), 4: (4, 7), 7: (7, inf)}
    >>> subtotal_spans([(4, "县区小计"), (6, "产业小计"), (7, "合计")], [(2, "", ""), (3, "", ""), (5, "", "")])
    {4: (0, 4), 6: (4, 6), 7: (-inf, inf)}
    """
    inf = float("inf")
    subs = [r for r, label in totals if label.endswith("小计")]
    first = min((dr for dr, _, _ in data_rows), default=None)
    heads = bool(subs) and first is not None and subs[0] < first
    spans, start = {}, 0
    for r, label in totals:
        if not label.endswith("小计"):
            spans[r] = (-inf, inf)
        elif heads:
            spans[r] = (r, min((t for t, _ in totals if t > r), default=inf))
        else:
            spans[r], start = (start, r), r
    return spans


def check_totals(reader, totals, data_rows, indicator_cols, values) -> None:
    """A 合计 row must equal the sum of the region rows; a 小计 row the rows of its group (``subtotal_spans``)."""
    sheet, cat = reader.sheet, reader.catalog
    spans = subtotal_spans(totals, data_rows)
    for r, label in totals:
        lo, hi = spans[r]
        rows = [dr for dr, _, _ in data_rows if lo < dr < hi]
        lost = [x for x in getattr(reader, "refused_rows", []) if lo < x < hi]
        if lost:
            reader.report.totals.append(f"{label}（第 {r} 行）：未核对（第 {'、'.join(map(str, sorted(set(lost))))} 行的地区未读入）。")
            continue
        checked, mismatched, unchecked, unsaved = 0, 0, [], []
        for col in indicator_cols:
            col_values = values[col.index]
            if cat.at[col.indicator, "kind"] == "rate":
                continue
            if col_values.refused:
                unchecked.append(f"{col.letter} 列（{'、'.join(col_values.refused[:3])} 拒收）")
                continue
            cat_unit = cat.at[col.indicator, "unit"]
            parsed, formula, _ = cell_number(sheet, r, col.index)
            if parsed.blank:
                continue
            total, problem = (None, parsed.problem) if parsed.problem else to_catalogue_unit(parsed, col.unit, cat_unit)
            if problem and formula and total is None and "没有保存计算结果" in problem:
                unsaved.append(f"{col.letter}{r}")
                continue
            if problem:
                reader.refuse(f"{label}行的“{cat.at[col.indicator, 'name']}”{problem}（合计行不读入，只用于核对。）",
                            row=r, col=col.index, value=shown(sheet, r, col.index), column=col.header,
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
            reader.refuse(f"{label}为 {total:g}{cat_unit}，但 {len(parts)} 个地区之和为 {_fmt(s)}{cat_unit}，"
                        f"相差 {_fmt(total - s)}{cat_unit}。"
                        + ("该列有约数，合计不必严格相等，请核对。" if approx else
                           "请核对是否有地区漏填、多填或填错，改正后重新导入（合计行不读入，只用于核对）。"),
                        row=r, col=col.index, value=shown(sheet, r, col.index), column=col.header,
                        level="warning" if approx else "error", indicator=col.indicator)
        if unsaved:
            reader.refuse(f"{label}行的 {'、'.join(unsaved)} 是公式，文件中没有保存计算结果，这些列的合计无法核对"
                        "（合计行不读入，各地区的数字照常读入）。如需核对，请在 Excel 中打开、保存后重新导入。",
                        row=r, col=column_index(unsaved[0]), value=shown(sheet, r, column_index(unsaved[0])),
                        level="warning")
            unchecked.append(f"{'、'.join(unsaved)}（公式无保存结果）")
        reader.report.totals.append(f"{label}（第 {r} 行）："
                                  + ("没有可核对的列" if not checked else f"核对 {checked} 列，全部相符"
                                     if not mismatched else f"核对 {checked} 列，{mismatched} 列与各地区之和不符")
                                  + (f"；未核对 {'、'.join(unchecked)}" if unchecked else "") + "。")

def check_fractions(reader, indicator_cols, values) -> None:
    """A rate column whose values are all at most 1 was almost surely typed as fractions (0.96 for 96%): refused,
    so that no pack prints 0.96% for 96%; a column whose cells carry their % sign ("0.96%") is read as written."""
    for col in indicator_cols:
        vals = list(values[col.index].by_row.values())
        if reader.catalog.at[col.indicator, "kind"] == "rate" and len(vals) >= 2 and 0 < max(vals) <= 1 \
                and not values[col.index].percent_sign:
            reader.refuse(f"“{col.header}”一列的比率都不超过 1（如 {vals[0]:g}），看来填的是小数（{vals[0]:g} 表示 "
                        f"{vals[0] * 100:g}%）；不能确定是 {vals[0]:g}% 还是 {vals[0] * 100:g}%，这一列不读入。"
                        "请改为百分数（如 96 或 96%）或把单元格设为百分比格式后重新导入；如果确实都不到 1%，"
                        "请在数字后写上 %（如“0.96%”）。",
                        row=reader.last, col=col.index, value=col.header, column=col.header, level="error",
                        indicator=col.indicator)



def _decimals(x: float) -> int:
    for d in range(7):
        if abs(round(x, d) - x) < 1e-9:
            return d
    return 6


def _fmt(x: float) -> str:
    return f"{clean(x):g}"

