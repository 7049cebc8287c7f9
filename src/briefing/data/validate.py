"""Checks a loaded data set for what the arithmetic cannot fix: errors stop a render, warnings go in the pack.

Every finding names the file (and, for an Excel return, the sheet and cell), the row, the
column and the value, in Chinese, and says what to do.

Errors: duplicate figures or targets, negative counts and amounts, a rate over 100%
(stated, or computed from its numerator and denominator), a negative target, a rate
target over 100%. Warnings: a stated rate that disagrees with its parts beyond the
rounding of the stated figure, a parent whose own figure differs from the sum of its
children, a missing year between the first and last full year, a target with no figures.
(Unknown regions and indicators, cells that are not numbers and units that do not
convert are refused earlier, when the data is loaded.)

The checks run on all dates at once over arrays indexed by region × date × indicator,
with the roll-up rules of ``compute.values_at`` (a parent without its own figure takes
the sum of its children; a rate is the ratio of its parts at every level): a national
data set of ~1.9 M figures is checked in about a second. Loops run over findings only.
"""

from __future__ import annotations

import dataclasses

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from ..errors import Finding, ValidationError
from .dataset import Dataset

# A parent's own figure may differ from its children's sum by this much before it is flagged.
PARENT_TOLERANCE = 0.5
# A check that finds more than this lists these and counts the rest.
LISTED_PER_CHECK = 1000
# Cells of the region × date × indicator arrays held at once (bounds memory to ~100 MB a block).
_BLOCK_CELLS = 4_000_000


def check_dataset(ds: Dataset, *, targets_need_figures: bool = True) -> list[Finding]:
    """All findings for a data set, errors first (``targets_need_figures=False``: an import of targets alone
    does not warn that their figures have not arrived yet).

    >>> [f.level for f in check_dataset(load_dataset("data/sample"))]  # doctest: +SKIP
    []
    """
    keys = _Keys(ds)
    out: list[Finding] = list(ds.load_warnings)
    out += _duplicate_figures(ds, keys)
    out += _impossible_values(ds, keys)
    out += _consistency(ds, keys)
    out += _missing_years(ds)
    out += _lonely_groups(ds)
    out += _targets(ds, keys, targets_need_figures)
    return sorted(out, key=lambda f: (f.level != "error", f.file, f.sheet, f.row or 0, f.column, f.cell))


def raise_on_errors(findings: list[Finding]) -> list[Finding]:
    """Raise ``ValidationError`` when any finding is an error; return the warnings otherwise."""
    errors = [f for f in findings if f.level == "error"]
    if errors:
        raise ValidationError(errors)
    return [f for f in findings if f.level != "error"]


# ------------------------------------------------------------------------------ helpers

class _Keys:
    """Integer positions of every figure: region, date and indicator, and the first of each duplicate."""

    def __init__(self, ds: Dataset):
        fig, cat, regions = ds.figures, ds.catalog, ds.regions
        self.region = regions.index.get_indexer(fig["region"])
        self.indicator = cat.index.get_indexer(fig["indicator"])
        self.date, dates = pd.factorize(fig["as_of"], sort=True)
        self.dates = pd.DatetimeIndex(dates)
        self.value = fig["value"].to_numpy(dtype=float)
        self.kind = cat["kind"].to_numpy()
        self.combined = (self.region.astype(np.int64) * max(len(self.dates), 1) + self.date) * len(cat) + self.indicator
        self.first = ~pd.Series(self.combined).duplicated(keep="first").to_numpy() if len(fig) else np.zeros(0, bool)
        parent = regions["parent"].to_numpy()
        self.parent = regions.index.get_indexer(np.where(parent == "", None, parent))
        self.depth = regions["depth"].to_numpy()


def _place(ds: Dataset, i: int, column: str = "value") -> tuple[dict, str]:
    """Where figure ``i`` (position) came from: file, row, and sheet and cell for an Excel return."""
    fig = ds.figures
    row = int(fig["file_row"].iat[i])
    sheet = fig["sheet"].iat[i] if "sheet" in fig.columns else ""
    if sheet:
        name = ds.catalog.at[fig["indicator"].iat[i], "name"]
        file = fig["file"].iat[i] if "file" in fig.columns and fig["file"].iat[i] else ds.files.get("workbook", ds.file("figures"))
        return dict(file=file, sheet=sheet, cell=fig["cell"].iat[i], row=row, column=name), ""
    origin = fig["origin"].iat[i] if "origin" in fig.columns else ""
    return dict(file=ds.file("figures"), row=row, column=column), (f"（原表位置：{origin}）" if origin else "")


def _capped(items: Iterable, make: Callable[[object], Finding], level: str, what: str, file: str) -> list[Finding]:
    items = list(items)
    out = [make(x) for x in items[:LISTED_PER_CHECK]]
    if len(items) > LISTED_PER_CHECK:
        out.append(Finding(level, f"同类问题（{what}）另有 {len(items) - LISTED_PER_CHECK} 处未逐条列出。"
                                  "请按上面的说明一并核对。", file=file))
    return out


def _num(value) -> str:
    return f"{value:g}" if pd.notna(value) else ""


def _region(ds: Dataset, code: str) -> str:
    return ds.regions.at[code, "name"] if code in ds.regions.index else code


def _when(date: pd.Timestamp) -> str:
    return f"{date.year}年" if date.strftime("%m-%d") == "12-31" else f"{date.year}年（截至{date:%Y-%m-%d}）"


def _decimals(values: np.ndarray) -> np.ndarray:
    """Decimal places each value is written with (0–6): 85 → 0, 85.25 → 2."""
    out = np.full(values.shape, 6)
    for d in range(6, -1, -1):
        out = np.where(np.abs(np.round(values, d) - values) < 1e-9, d, out)
    return out


# ------------------------------------------------------------------------------- checks

def _duplicate_figures(ds: Dataset, keys: _Keys) -> list[Finding]:
    if not len(keys.combined):
        return []
    dup = pd.Series(keys.combined).duplicated(keep=False).to_numpy()
    if not dup.any():
        return []
    positions = np.flatnonzero(dup)
    groups = pd.Series(positions).groupby(keys.combined[positions], sort=False)
    fig, names = ds.figures, ds.catalog["name"]

    def make(group):
        pos = list(group)
        rows = [int(fig["file_row"].iat[p]) for p in pos]
        where, origin = _place(ds, pos[-1], "indicator")
        return Finding("error", f"同一地区、年份、截止日期和指标出现 {len(pos)} 次（第 {'、'.join(map(str, rows))} 行）。"
                                f"请只保留一行，删除重复行。{origin}", value=str(names[fig["indicator"].iat[pos[0]]]),
                       region=fig["region"].iat[pos[0]], indicator=fig["indicator"].iat[pos[0]], **where)
    return _capped((g for _, g in groups), make, "error", "重复的数字", ds.file("figures"))


def _impossible_values(ds: Dataset, keys: _Keys) -> list[Finding]:
    fig, cat = ds.figures, ds.catalog
    if not len(fig):
        return []
    kind = keys.kind[keys.indicator]
    out = []

    def make(message):
        def f(i):
            where, origin = _place(ds, i)
            name = cat.at[fig["indicator"].iat[i], "name"]
            return Finding("error", message.format(name=name) + origin, value=_num(fig["value"].iat[i]),
                           region=fig["region"].iat[i], indicator=fig["indicator"].iat[i], **where)
        return f
    negative = np.flatnonzero((keys.value < 0) & (kind != "rate"))
    out += _capped(negative, make("“{name}”为负数。计数和金额不能为负，请核对原始报表。"), "error", "负数",
                   ds.file("figures"))
    # a count (家、人、件 …, no decimals in the catalogue) with a fraction: a pack would print 30.5 as 31
    ind = fig["indicator"].to_numpy()
    counts = (kind != "rate") & (cat["decimals"].reindex(ind).to_numpy() == 0) \
        & ~cat["unit"].reindex(ind).fillna("").str.contains("元").to_numpy()
    with np.errstate(invalid="ignore"):
        fraction = np.flatnonzero(counts & (np.abs(keys.value - np.round(keys.value)) > 1e-9))
    out += [dataclasses.replace(f, level="warning") for f in _capped(
        fraction, make("“{name}”是计数，却有小数，简报中按四舍五入显示为整数。请核对原始报表（如 30.5 是 30 还是 305）。"),
        "warning", "计数有小数", ds.file("figures"))]
    rate_bad = np.flatnonzero((kind == "rate") & ((keys.value > 100) | (keys.value < 0)))
    out += _capped(rate_bad, make("“{name}”超出 0–100%。比率不可能超过 100% 或为负，请核对分子和分母。"), "error",
                   "比率超过 100%", ds.file("figures"))
    return out


def _consistency(ds: Dataset, keys: _Keys) -> list[Finding]:
    """Rates from their parts and parents against their children, at every date, in blocks of dates."""
    n_regions, n_dates, n_ind = len(ds.regions), len(keys.dates), len(ds.catalog)
    if not n_dates or not n_regions:
        return []
    per_date = n_regions * n_ind
    step = max(1, _BLOCK_CELLS // max(per_date, 1))
    out: list[Finding] = []
    order = np.argsort(keys.date, kind="stable")
    bounds = np.searchsorted(keys.date[order], np.arange(0, n_dates + step, step))
    for b, start in enumerate(range(0, n_dates, step)):
        sel = order[bounds[b]:bounds[b + 1]]
        sel = sel[keys.first[sel]]
        out += _consistency_block(ds, keys, sel, start, min(step, n_dates - start))
    return out


def _rollup(ds: Dataset, keys: _Keys, sel: np.ndarray, t0: int, n_t: int):
    """Arrays region × date × indicator for the figures ``sel`` (dates t0 … t0+n_t): own figures,
    figure positions, stated rates, values after roll-up, children's sums, and rates from their parts."""
    cat = ds.catalog
    n_regions, n_ind = len(ds.regions), len(cat)
    is_rate = keys.kind == "rate"
    own = np.full((n_regions, n_t, n_ind), np.nan)
    pos = np.full((n_regions, n_t, n_ind), -1, dtype=np.int64)
    r, t, i = keys.region[sel], keys.date[sel] - t0, keys.indicator[sel]
    own[r, t, i] = keys.value[sel]
    pos[r, t, i] = sel
    stated = own[:, :, is_rate].copy()
    own[:, :, is_rate] = np.nan

    # roll-up from the deepest level: a parent without its own figure takes its children's sum
    eff = own.copy()
    children_sum = np.full_like(own, np.nan)
    for depth in range(int(keys.depth.max()), 0, -1):
        kids = np.flatnonzero(keys.depth == depth)
        if not len(kids):
            continue
        vals = eff[kids]
        has = ~np.isnan(vals)
        total = np.zeros_like(own)
        count = np.zeros(own.shape, dtype=np.int32)
        np.add.at(total, keys.parent[kids], np.where(has, vals, 0.0))
        np.add.at(count, keys.parent[kids], has)
        parents = np.unique(keys.parent[kids])
        sums = np.where(count[parents] > 0, total[parents], np.nan)
        children_sum[parents] = sums
        eff[parents] = np.where(np.isnan(own[parents]), sums, own[parents])

    # rates from their (rolled-up) parts, at every level
    computed = np.full((n_regions, n_t, int(is_rate.sum())), np.nan)
    for j, k in enumerate(np.flatnonzero(is_rate)):
        num = eff[:, :, cat.index.get_loc(cat["numerator"].iat[k])]
        den = eff[:, :, cat.index.get_loc(cat["denominator"].iat[k])]
        with np.errstate(invalid="ignore", divide="ignore"):
            computed[:, :, j] = np.where(den > 0, num / np.where(den > 0, den, 1) * 100, np.nan)
    return own, pos, stated, eff, children_sum, computed


def _values_at_all(ds: Dataset) -> pd.DataFrame:
    """Every region's value of every indicator at every date, after roll-up (columns region, as_of,
    indicator, value, children_sum): what ``compute.values_at`` gives date by date, in one pass."""
    keys = _Keys(ds)
    sel = np.flatnonzero(keys.first)
    own, pos, stated, eff, children_sum, computed = _rollup(ds, keys, sel, 0, len(keys.dates))
    eff = eff.copy()
    eff[:, :, keys.kind == "rate"] = computed
    r, t, i = np.nonzero(~np.isnan(eff))
    reported = np.where(np.isnan(own), np.nan, children_sum)  # a children's sum beside a figure of its own
    return pd.DataFrame({"region": ds.regions.index[r], "as_of": keys.dates[t], "indicator": ds.catalog.index[i],
                         "value": eff[r, t, i], "children_sum": reported[r, t, i]})


def _consistency_block(ds: Dataset, keys: _Keys, sel: np.ndarray, t0: int, n_t: int) -> list[Finding]:
    cat = ds.catalog
    is_rate = keys.kind == "rate"
    own, pos, stated, eff, children_sum, computed_all = _rollup(ds, keys, sel, t0, n_t)
    out: list[Finding] = []
    codes, names = ds.regions.index, cat["name"]
    ffile = ds.file("figures")

    def region_date(rr, tt):
        return f"{_region(ds, codes[rr])}{_when(keys.dates[t0 + tt])}"

    # a parent's own figure against the sum of its children
    diff = np.abs(own - children_sum)
    flagged = np.argwhere(~np.isnan(diff) & (diff > PARENT_TOLERANCE))

    def parent_finding(idx):
        rr, tt, ii = idx
        where, origin = _place(ds, int(pos[rr, tt, ii]))
        return Finding("warning", f"{region_date(rr, tt)}“{names.iat[ii]}”填报 {_num(own[rr, tt, ii])}，下级合计 "
                                  f"{_num(round(children_sum[rr, tt, ii], 6))}，相差 "
                                  f"{_num(round(own[rr, tt, ii] - children_sum[rr, tt, ii], 6))}。"
                                  f"请核对是否漏报或重复统计；简报采用填报数。{origin}",
                       value=_num(own[rr, tt, ii]), region=codes[rr], indicator=cat.index[ii], **where)
    out += _capped(flagged, parent_finding, "warning", "上级填报数与下级合计不符", ffile)

    # rates from their parts, at every level
    for j, k in enumerate(np.flatnonzero(is_rate)):
        num_i = cat.index.get_loc(cat["numerator"].iat[k])
        den_i = cat.index.get_loc(cat["denominator"].iat[k])
        num, den, computed = eff[:, :, num_i], eff[:, :, den_i], computed_all[:, :, j]
        over = np.argwhere(computed > 100 + 1e-9)

        def over_finding(idx, k=k, num_i=num_i, den_i=den_i, computed=computed):
            rr, tt = idx
            at, where = "（由下级汇总）", dict(file=ffile)
            if pos[rr, tt, num_i] >= 0 and pos[rr, tt, den_i] >= 0:
                (num_at, num_origin), (den_at, den_origin) = (_place(ds, int(pos[rr, tt, i])) for i in (num_i, den_i))
                if num_at.get("cell"):      # read from a return: its sheet and cells, as the analyst sees them
                    same = num_at["file"] == den_at["file"] and num_at["sheet"] == den_at["sheet"]
                    at = (f"（分子在 {num_at['cell']}，分母在 {den_at['cell']}）" if same else
                          f"（分子在 {num_at['file']} 工作表“{num_at['sheet']}”{num_at['cell']}，分母在 "
                          f"{den_at['file']} 工作表“{den_at['sheet']}”{den_at['cell']}）")
                    where = {k2: v for k2, v in num_at.items() if k2 != "column"}
                else:
                    at = f"（分子在第 {num_at['row']} 行，分母在第 {den_at['row']} 行）"
                    at += "".join(o for o in (num_origin, den_origin) if o)
            elif pos[rr, tt, num_i] >= 0 or pos[rr, tt, den_i] >= 0:
                at = ""
            return Finding("error", f"{region_date(rr, tt)}“{names.iat[k]}”算得 {computed[rr, tt]:.1f}%，超过 100%："
                                    f"分子“{names.iat[num_i]}”{_num(num[rr, tt])} 大于分母“{names.iat[den_i]}”"
                                    f"{_num(den[rr, tt])}{at}。请核对这两个数。",
                           region=codes[rr], indicator=cat.index[k], **where)
        out += _capped(over, over_finding, "error", "比率算得超过 100%", ffile)

        st = stated[:, :, j]
        tolerance = 0.5 * 10.0 ** -_decimals(np.nan_to_num(st)) + 1e-9
        off = np.argwhere(~np.isnan(st) & ~np.isnan(computed) & (np.abs(st - computed) > tolerance))

        def stated_finding(idx, k=k, st=st, computed=computed):
            rr, tt = idx
            where, origin = _place(ds, int(pos[rr, tt, k]))
            return Finding("warning", f"{region_date(rr, tt)}填报的“{names.iat[k]}”为 {_num(st[rr, tt])}%，按分子分母计算为 "
                                      f"{computed[rr, tt]:.2f}%，超出四舍五入的误差。简报采用计算值；请核对填报的比率或分子分母。"
                                      f"{origin}", value=_num(st[rr, tt]), region=codes[rr], indicator=cat.index[k],
                           **where)
        out += _capped(off, stated_finding, "warning", "填报比率与分子分母不符", ffile)
    return out


def _lonely_groups(ds: Dataset) -> list[Finding]:
    """A peer group of one region beside a group of several under the same parent: likely a spelling of the
    group (县市区 for 县(市)区) that would rank the region "first of 1" on every indicator."""
    reg = ds.regions[ds.regions["parent"] != ""]
    out = []
    for parent, members in reg.groupby("parent"):
        sizes = members["group"].value_counts()
        big = sizes[sizes >= 3]
        for group in sizes[sizes == 1].index:
            if len(big):
                code = members.index[members["group"] == group][0]
                out.append(Finding("warning", f"“{members.at[code, 'name']}”是分组“{group}”中唯一的地区，而同一上级下"
                                              f"“{big.index[0]}”有 {int(big.iloc[0])} 个地区：它在同级比较中将是“1 个中的第 1 名”。"
                                              "如果它也属于该组，请把 group 列改为同一写法。", file=ds.file("regions"),
                                   column="group", value=str(group), region=code))
    return out


def _missing_years(ds: Dataset) -> list[Finding]:
    fig = ds.figures
    if not len(fig):
        return []
    dates = pd.DatetimeIndex(fig["as_of"].unique())
    full_years = sorted(int(d.year) for d in dates if d.month == 12 and d.day == 31)
    if not full_years:
        return []
    gaps = sorted(set(range(full_years[0], full_years[-1] + 1)) - set(full_years))
    return [Finding("warning", f"缺少 {y} 年的全年数据（{full_years[0]}—{full_years[-1]} 年中只缺这一年）；该年的同比和趋势将显示为"
                               "“无数据”。如有该年数据，请补入。", file=ds.file("figures"), value=str(y)) for y in gaps]


def _targets(ds: Dataset, keys: _Keys, need_figures: bool = True) -> list[Finding]:
    t, cat, fig = ds.targets, ds.catalog, ds.figures
    if not len(t):
        return []
    tfile = ds.file("targets")
    names = t["indicator"].map(cat["name"])
    out: list[Finding] = []
    t_region = ds.regions.index.get_indexer(t["region"])
    t_ind = cat.index.get_indexer(t["indicator"])
    t_year = t["year"].to_numpy()
    target = t["target"].to_numpy(dtype=float)

    def at(i, column="target"):
        if "sheet" in t.columns and t["sheet"].iat[i]:   # a target read from a return: its file, sheet and cell
            return dict(file=t["file"].iat[i], sheet=t["sheet"].iat[i], cell=t["cell"].iat[i],
                        row=int(t["file_row"].iat[i]), column=names.iat[i])
        return dict(file=tfile, row=int(t["file_row"].iat[i]), column=column)

    out += _capped(np.flatnonzero(target < 0), lambda i: Finding(
        "error", f"“{names.iat[i]}”的目标值为负数。请核对下达的目标。", value=_num(target[i]),
        region=t["region"].iat[i], indicator=t["indicator"].iat[i], **at(i)), "error", "目标为负数", tfile)
    over = np.flatnonzero((keys.kind[t_ind] == "rate") & (target > 100))
    out += _capped(over, lambda i: Finding(
        "error", f"“{names.iat[i]}”是比率，目标值却超过 100%。请核对（“95%以上”写成 95）。", value=_num(target[i]),
        region=t["region"].iat[i], indicator=t["indicator"].iat[i], **at(i)), "error", "比率目标超过 100%", tfile)

    combined = (t_region.astype(np.int64) * 10000 + t_year) * len(cat) + t_ind
    dup = pd.Series(combined).duplicated(keep=False).to_numpy()
    if dup.any():
        positions = np.flatnonzero(dup)
        groups = [list(g) for _, g in pd.Series(positions).groupby(combined[positions], sort=False)]
        out += _capped(groups, lambda g: Finding(
            "error", f"同一地区、年份和指标的目标出现 {len(g)} 次（第 {'、'.join(str(int(t['file_row'].iat[i])) for i in g)} 行）。"
                     "请只保留一行。", value=str(names.iat[g[0]]), region=t["region"].iat[g[0]], **at(g[-1], "indicator")),
            "error", "重复的目标", tfile)

    # a target with no figure to measure it by (a parent's figures may come from its children)
    if len(fig) and need_figures:
        years = fig["year"].to_numpy()
        have = (keys.region.astype(np.int64) * 10000 + years) * len(cat) + keys.indicator
        base = (t_region.astype(np.int64) * 10000 + t_year) * len(cat)
        rate_target = keys.kind[t_ind] == "rate"
        parts = [cat.index.get_indexer(np.where(rate_target, cat[col].to_numpy()[t_ind], t["indicator"].to_numpy()))
                 for col in ("numerator", "denominator")]
        covered = pd.Index(base + parts[0]).isin(have) & pd.Index(base + parts[1]).isin(have)
        has_children = np.zeros(len(ds.regions), dtype=bool)
        has_children[keys.parent[keys.parent >= 0]] = True
        missing = np.flatnonzero(~covered & ~has_children[t_region] & (t_year <= years.max()))
        out += _capped(missing, lambda i: Finding(
            "warning", f"{_region(ds, t['region'].iat[i])}{t_year[i]}年“{names.iat[i]}”有目标但没有对应数据，"
                       "简报中该项只显示目标。如有数据，请补报后重新导入。", value=str(names.iat[i]),
            region=t["region"].iat[i], indicator=t["indicator"].iat[i], **at(i, "indicator")),
            "warning", "有目标没有数据", tfile)
    return out
