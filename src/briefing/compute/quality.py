"""The quality flags a pack can show, as findings for ``briefing validate``: every flag reaches the analyst first.

``compute_metrics`` flags a likely typo (a year-over-year jump), a rate that moved too far, a zero
denominator under a non-zero numerator and a roll-up missing children, at every date the data has.
Here each becomes a warning naming the region, the indicator, the period and the cell the figure
came from (for a roll-up: the children whose figures carry the flag), so it is checked before a
leader reads it as 待核实 in a pack.
"""

from __future__ import annotations

import pandas as pd

from ..data.dataset import Dataset
from ..errors import Finding
from .metrics import compute_metrics
from .rules import DEFAULT_RULES, FLAGS, Rules

REPORTED = ("yoy_jump", "rate_jump", "zero_denominator", "children_incomplete")
ADVICE = {
    "yoy_jump": "与上年相比变动过大，疑为录入错误（如多写或少写了一位、单位弄错）。请与填报单位核对。",
    "rate_jump": "比率一年内变动过大，疑为录入错误。请核对分子和分母。",
    "zero_denominator": "分母为零而分子不为零，无法计算比率。请核对分母。",
    "children_incomplete": "部分下级没有这个数字，汇总数不全；简报中该数不作同比和完成情况的判断。请补齐下级数字。",
}


def quality_findings(ds: Dataset, *, rules: Rules = DEFAULT_RULES) -> list[Finding]:
    """A warning for every flag of ``REPORTED`` at every date the data has (each year's latest date and 31 Dec)."""
    figures = ds.figures
    if not len(figures):
        return []
    dates = sorted(set(pd.to_datetime(figures["as_of"])))
    origin = _origins(ds)
    out: list[Finding] = []
    for date in dates:
        metrics = compute_metrics(ds, int(date.year), date.strftime("%Y-%m-%d"), rules=rules)
        flagged = metrics[metrics["flag_codes"].map(lambda codes: any(c in REPORTED for c in codes))]
        for row in flagged.itertuples(index=False):
            for code in (c for c in row.flag_codes if c in REPORTED):
                out.append(_finding(ds, row, code, date, origin))
    return out


def _finding(ds: Dataset, row, code: str, date: pd.Timestamp, origin: dict) -> Finding:
    region = ds.regions.at[row.region, "name"] if row.region in ds.regions.index else row.region
    when = f"{date.year}年" if date.strftime("%m-%d") == "12-31" else f"{date.year}年（截至{date.month}月{date.day}日）"
    value = "" if pd.isna(row.value) else f"{row.value:g}"
    if code == "yoy_jump" and not pd.isna(row.prev_value):
        shown = f"本期 {value}{row.unit}，上年同期 {row.prev_value:g}{row.unit}。"
    else:
        shown = f"数值 {value}{row.unit}。" if value else ""
    place = origin.get((row.region, date, row.indicator), {})
    if row.basis == "rollup":
        children = _children_flagged(ds, row.region, row.indicator, code, date, origin)
        shown += f"这是下级的汇总数{'，来自' + '、'.join(children) if children else ''}。"
    return Finding("warning", f"{region}{when}“{row.name}”：{FLAGS[code]}。{shown}{ADVICE[code]}",
                   region=row.region, indicator=row.indicator, value=value,
                   file=place.get("file", ds.file("figures")), sheet=place.get("sheet", ""),
                   cell=place.get("cell", ""), row=place.get("row"))


def _origins(ds: Dataset) -> dict:
    """(region, date, indicator) → where the reported figure came from (file, sheet, cell, row)."""
    fig = ds.figures
    out = {}
    for i in range(len(fig)):
        key = (fig["region"].iat[i], pd.Timestamp(fig["as_of"].iat[i]), fig["indicator"].iat[i])
        out.setdefault(key, {"file": fig["file"].iat[i] if "file" in fig.columns and fig["file"].iat[i] else ds.file("figures"),
                             "sheet": fig["sheet"].iat[i] if "sheet" in fig.columns else "",
                             "cell": fig["cell"].iat[i] if "cell" in fig.columns else "",
                             "row": int(fig["file_row"].iat[i])})
    return out


def _children_flagged(ds: Dataset, parent: str, indicator: str, code: str, date, origin) -> list[str]:
    """The children of ``parent`` whose own figure of ``indicator`` carries ``code`` (named with their cell)."""
    kids = ds.regions.index[ds.regions["parent"] == parent]
    if code == "children_incomplete":
        have = {r for (r, d, i) in origin if d == date and i == indicator}
        return [ds.regions.at[k, "name"] + "（缺）" for k in kids if k not in have]
    metrics = compute_metrics(ds, int(date.year), date.strftime("%Y-%m-%d"))
    hit = metrics[metrics["region"].isin(kids) & (metrics["indicator"] == indicator)
                  & metrics["flag_codes"].map(lambda c: code in c)]
    return [ds.regions.at[r, "name"] for r in hit["region"]]


def regions_without_figures(metrics: pd.DataFrame) -> list[str]:
    """Regions with no figure at all for the period though they have targets or last year's figures: their pack
    would read 没有下达目标 and 无上年数据 — wrong, and confidently so. (Rule 5 keeps their parents' totals honest.)"""
    by_region = metrics.groupby("region", sort=False)
    has = by_region["value"].apply(lambda v: v.notna().any())
    context = by_region.apply(lambda g: bool(g["target"].notna().any() or g["prev_value"].notna().any()),
                              include_groups=False)
    return [r for r in has.index if not has[r] and context.get(r, False)]


def incomplete_data(ds: Dataset, metrics: pd.DataFrame) -> dict[str, str]:
    """Regions whose pack rests on incomplete data, with why: a total missing some children, or peers ranked
    without the ones that reported nothing. For the run summary, the index page and the exit code."""
    silent = set(regions_without_figures(metrics))
    regions = ds.regions
    out = {}
    lacking = metrics[metrics["flag_codes"].map(lambda codes: "children_incomplete" in codes)]
    for code in dict.fromkeys(lacking["region"]):
        kids = [regions.at[k, "name"] for k in regions.index[regions["parent"] == code] if k in silent]
        out[code] = f"合计不全（{'、'.join(kids) + '未报' if kids else '部分下级缺部分指标'}）"
    for code in regions.index:
        if code in silent or not regions.at[code, "parent"]:
            continue
        peers = regions.index[(regions["parent"] == regions.at[code, "parent"]) & (regions["group"] == regions.at[code, "group"])]
        gone = [regions.at[p, "name"] for p in peers if p in silent and p != code]
        if gone:
            out[code] = "；".join(filter(None, [out.get(code, ""), f"同级比较缺{'、'.join(gone)}"]))
    return out
