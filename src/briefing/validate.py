"""Checks a loaded data set for what the arithmetic cannot fix: errors stop a render, warnings go in the pack.

Every finding names file, row, column and value, in Chinese, and says what to do.
"""

from __future__ import annotations

import pandas as pd

from . import config
from .compute import values_at
from .errors import Finding, ValidationError
from .load import Dataset


def check_dataset(ds: Dataset) -> list[Finding]:
    """All findings for a data set, errors first.

    >>> [f.level for f in check_dataset(load_dataset("data/sample"))]  # doctest: +SKIP
    []
    """
    ffile, tfile = config.DATASET_FILES["figures"], config.DATASET_FILES["targets"]
    cat, fig, out = ds.catalog, ds.figures, []
    names = fig["indicator"].map(cat["name"])

    key = ["region", "year", "as_of", "indicator"]
    dup = fig[fig.duplicated(key, keep=False)]
    for _, group in dup.groupby(key, sort=False):
        rows = group["file_row"].tolist()
        first = group.iloc[0]
        out.append(Finding("error", f"同一地区、年份、截止日期和指标出现 {len(rows)} 次（第 {'、'.join(map(str, rows))} 行）。"
                                    "请只保留一行，删除重复行。", file=ffile, row=int(rows[-1]), column="indicator",
                           value=str(names[group.index[0]]), region=first["region"], indicator=first["indicator"]))

    kind = fig["indicator"].map(cat["kind"])
    negative = fig[(fig["value"] < 0) & (kind != "rate")]
    for i, row in negative.iterrows():
        out.append(Finding("error", f"“{names[i]}”为负数。计数和金额不能为负，请核对原始报表。",
                           file=ffile, row=int(row["file_row"]), column="value", value=_num(row["value"]),
                           region=row["region"], indicator=row["indicator"]))

    stated = fig[(kind == "rate") & (fig["value"] > 100)]
    for i, row in stated.iterrows():
        out.append(Finding("error", f"“{names[i]}”超过 100%。比率不可能超过 100%，请核对分子和分母。",
                           file=ffile, row=int(row["file_row"]), column="value", value=_num(row["value"]),
                           region=row["region"], indicator=row["indicator"]))

    # rates computed from their parts, for every date that has figures
    for (year, as_of), _ in fig.groupby(["year", "as_of"]):
        vals = values_at(ds, int(year), as_of)
        rate_rows = vals[vals["indicator"].map(cat["kind"]).eq("rate") & (vals["value"] > 100)]
        for _, row in rate_rows.iterrows():
            rate = cat.loc[row["indicator"]]
            out.append(Finding("error", f"{_region(ds, row['region'])}{year}年（截至{as_of:%Y-%m-%d}）“{rate['name']}”算得 "
                                        f"{row['value']:.1f}%，超过 100%：分子“{cat.at[rate['numerator'], 'name']}”大于分母"
                                        f"“{cat.at[rate['denominator'], 'name']}”。请核对这两个数。",
                               file=ffile, region=row["region"], indicator=row["indicator"]))
        bad_stated = vals[vals["stated"].notna() & ((vals["stated"] - vals["value"]).abs() > 0.05)]
        for _, row in bad_stated.iterrows():
            out.append(Finding("warning", f"{_region(ds, row['region'])}{year}年填报的“{cat.at[row['indicator'], 'name']}”"
                                          f"为 {row['stated']:g}%，按分子分母计算为 {row['value']:.2f}%。简报采用计算值。",
                               file=ffile, region=row["region"], indicator=row["indicator"]))
        parents = vals[vals["children_sum"].notna() & ((vals["children_sum"] - vals["value"]).abs() > 0.5)]
        for _, row in parents.iterrows():
            out.append(Finding("warning", f"{_region(ds, row['region'])}{year}年“{cat.at[row['indicator'], 'name']}”填报 "
                                          f"{row['value']:g}，下级合计 {row['children_sum']:g}，相差 {row['value'] - row['children_sum']:g}。"
                                          "请核对是否漏报或重复统计。",
                               file=ffile, region=row["region"], indicator=row["indicator"]))

    full_years = sorted(fig.loc[fig["as_of"].dt.strftime("%m-%d") == "12-31", "year"].unique())
    if full_years:
        gaps = sorted(set(range(full_years[0], full_years[-1] + 1)) - set(full_years))
        for y in gaps:
            out.append(Finding("warning", f"缺少 {y} 年的全年数据；该年的同比和趋势将显示为“无数据”。", file=ffile))

    t = ds.targets
    have = set(zip(fig["region"], fig["year"], fig["indicator"]))
    tnames = t["indicator"].map(cat["name"])
    for i, row in t.iterrows():
        ind = cat.loc[row["indicator"]]
        parts = [row["indicator"]] if ind["kind"] != "rate" else [ind["numerator"], ind["denominator"]]
        covered = all((row["region"], row["year"], p) in have for p in parts)
        has_children = (ds.regions["parent"] == row["region"]).any()
        if not covered and not has_children and row["year"] <= fig["year"].max():
            out.append(Finding("warning", f"{_region(ds, row['region'])}{row['year']}年“{tnames[i]}”有目标但没有对应数据。",
                               file=tfile, row=int(row["file_row"]), column="indicator", value=str(tnames[i]),
                               region=row["region"], indicator=row["indicator"]))
        if row["target"] < 0:
            out.append(Finding("error", f"“{tnames[i]}”的目标值为负数。", file=tfile, row=int(row["file_row"]),
                               column="target", value=_num(row["target"])))
    dup_t = t[t.duplicated(["region", "year", "indicator"], keep=False)]
    for _, group in dup_t.groupby(["region", "year", "indicator"], sort=False):
        rows = group["file_row"].tolist()
        out.append(Finding("error", f"同一地区、年份和指标的目标出现 {len(rows)} 次（第 {'、'.join(map(str, rows))} 行）。请只保留一行。",
                           file=tfile, row=int(rows[-1]), column="indicator", value=str(tnames[group.index[0]])))
    return sorted(out, key=lambda f: (f.level != "error", f.file, f.row or 0))


def raise_on_errors(findings: list[Finding]) -> list[Finding]:
    """Raise ``ValidationError`` when any finding is an error; return the warnings otherwise."""
    errors = [f for f in findings if f.level == "error"]
    if errors:
        raise ValidationError(errors)
    return [f for f in findings if f.level != "error"]


def _num(value) -> str:
    return f"{value:g}" if pd.notna(value) else ""


def _region(ds: Dataset, code: str) -> str:
    return ds.regions.at[code, "name"] if code in ds.regions.index else code
