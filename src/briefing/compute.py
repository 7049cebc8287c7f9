"""The arithmetic of a pack: values at a date, roll-up, year-over-year, completion, pacing, rank, quality flags.

Pure, vectorised functions over the tidy frames of a ``Dataset``; inputs are never
mutated. The one entry point ``compute_metrics`` returns a tidy frame with one row per
region and indicator for all regions at once; notebooks, charts and sentences all read it.

The rules, stated once (a statistician checks them by hand against the pack):

1. **Shown figures decide.** Every comparison a reader can check on the page (持平, met,
   超额, pace, 并列, a stated rate against its parts, a parent against its children) is
   made on the figures as shown: rounded half-up (四舍五入, ``formatting.half_up_scaled``)
   at the indicator's decimals, derived percentages at one decimal. Changes, gaps and
   completion are computed from the shown figures, so the page adds up by hand.
2. **Year-over-year** compares like with like: the same as-of date a year earlier
   (同期 when the date is inside the year, the full year otherwise). Amounts change by a
   percentage of the base; a zero base gives no percentage (新增), a missing one says
   无上年数据, never inf or NaN. Rates change in 百分点 and have no percentage change.
   持平 when the shown change is zero (or the percentage rounds to 0.0%).
3. **Completion** = actual ÷ target, for a positive absolute target of an amount where
   higher is better. A threshold ("95%以上", or "X以下" where lower is better), a target
   of a rate, and a ceiling where lower is better ("控制在X以内") are met or not, with the
   gap to the target. A target of zero is met by any value and has no completion ratio.
   超额 = completion shown above 100.0%.
4. **Pacing** (时间进度, see ``year_elapsed`` and ``pace_status``) applies to flows with a
   positive absolute target when the as-of date falls inside the year. 时间进度 at a month
   end is months elapsed ÷ 12 (30 June → 50.0%, 时间过半), on any other day the days
   elapsed ÷ days in the year. With pace_gap = completion − 时间进度 (both as shown):
   超前 when pace_gap ≥ ``Rules.ahead_margin_pp``; 同步 when pace_gap ≥
   −``Rules.pace_tolerance_pp``; otherwise 滞后, by −pace_gap 百分点.
5. **Roll-up**: a region without its own figure takes the sum of its children's flows
   and stocks (the children that have one; the parent is marked incomplete when a child
   lacks a figure its peers of the same group report). A rate is recomputed from
   numerator and denominator at every level; a parent's rate is Σ numerators ÷ Σ
   denominators over the children that report both, never a mean of rates. Where a
   parent reports its own figure, that figure is used and a difference from its complete
   children's sum is flagged. A sum of approximate figures stays approximate (近 + 近 =
   近, 余/多/突破 = 余, a mix = 约); a rate from approximate parts is 约.
6. **Rank** among siblings (same parent and group: 县(市)区 with 县(市)区, 产业工会 with
   产业工会), best first by the indicator's direction, on the shown figures; equal shown
   figures share a rank (并列, the next rank skipped) as a 通报 does. rank_change =
   last year's rank − this year's (positive = moved up, 上升).
7. **Quality flags** (``FLAGS``): a negative amount; a rate over 100%; a stated rate
   that disagrees with its parts at the stated precision; a zero denominator; a missing
   value (where last year, a target or the region's peers have one); a parent's own
   figure that differs from its children's sum; a roll-up missing some children; a
   year-over-year jump beyond ``Rules`` (a likely typo); an approximate figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import DataError, ParameterError
from .formatting import PERCENT_DECIMALS, half_up_scaled
from .load import Dataset

ROLLUP_SOURCE = "由下级汇总"


@dataclass(frozen=True)
class Rules:
    """The tunable bounds of the rules above; ``DEFAULT_RULES`` is what packs use.

    >>> Rules(jump_factor=10).jump_factor
    10
    """

    pace_tolerance_pp: float = 0.0   # behind 时间进度 by no more than this is still 同步
    ahead_margin_pp: float = 10.0    # ahead of 时间进度 by at least this is 超前
    jump_factor: float = 5.0         # an amount ≥ this many times last year's, or ≤ 1/this, is a likely typo
    jump_min_value: float = 10.0     # ... when the larger of the two is at least this (small counts vary a lot)
    rate_jump_pp: float = 20.0       # a rate moving more than this many 百分点 in a year is a likely typo


DEFAULT_RULES = Rules()
# Kept for callers of the first version; the values live in ``Rules``.
PACE_TOLERANCE_PP = DEFAULT_RULES.pace_tolerance_pp
AHEAD_MARGIN_PP = DEFAULT_RULES.ahead_margin_pp

# Quality flags: code -> text shown in the pack, in the order they are listed.
FLAGS = {
    "negative": "数值为负",
    "rate_over_100": "比率超过100%",
    "stated_mismatch": "填报比率与分子分母不符",
    "zero_denominator": "分母为零，无法计算比率",
    "missing": "缺少本期数据",
    "children_mismatch": "与下级汇总数不一致",
    "children_incomplete": "部分下级缺数，汇总不全",
    "yoy_jump": "同比变动异常，疑为录入错误",
    "rate_jump": "同比变动过大，疑为录入错误",
    "approx": "约数",
}
_FLAG_BIT = {code: 1 << i for i, code in enumerate(FLAGS)}

# Approximation marks as bits, so that a sum can combine the marks of its parts.
_MARK_BITS = {"近": 1, "余": 2, "多": 4, "突破": 8, "约": 16}
_MORE = 2 | 4 | 8
_MARK_OF_BITS = np.array([""] * 32, dtype=object)
for _bits in range(1, 32):
    if _bits in (1, 2, 4, 8, 16):
        _MARK_OF_BITS[_bits] = next(m for m, b in _MARK_BITS.items() if b == _bits)
    elif _bits & ~_MORE == 0:
        _MARK_OF_BITS[_bits] = "余"
    else:
        _MARK_OF_BITS[_bits] = "约"
_ABOUT = 16


# ---------------------------------------------------------------- dates

def year_end(year: int) -> pd.Timestamp:
    return pd.Timestamp(year=year, month=12, day=31)


def as_of_date(year: int, as_of: str | dt.date | None) -> pd.Timestamp:
    """The as-of date of a pack: the given date, or 31 December of ``year``.

    >>> as_of_date(2025, None).date(), as_of_date(2025, "2025-06-30").date()
    (datetime.date(2025, 12, 31), datetime.date(2025, 6, 30))
    """
    if as_of is None or (isinstance(as_of, str) and as_of.strip() == ""):
        return year_end(year)
    try:
        date = pd.Timestamp(as_of).normalize()
    except (TypeError, ValueError):
        raise ParameterError(f"截止日期“{as_of}”不是 YYYY-MM-DD 格式的日期（如 {year}-06-30）。"
                             "请检查参数 as_of；全年数据留空。") from None
    if date.year != year:
        raise ParameterError(f"截止日期 {date:%Y-%m-%d} 不在 {year} 年内。请把参数 as_of 改为 {year} 年的日期，"
                             "或把参数 year 改为截止日期所在的年份。")
    return date


def same_day_last_year(date: pd.Timestamp) -> pd.Timestamp:
    """The 同期 date a year earlier (29 February → 28 February).

    >>> same_day_last_year(pd.Timestamp("2024-02-29")).date()
    datetime.date(2023, 2, 28)
    """
    try:
        return date.replace(year=date.year - 1)
    except ValueError:
        return date.replace(year=date.year - 1, day=28)


def year_elapsed(date: pd.Timestamp) -> float:
    """Share of the year elapsed at the end of ``date`` (时间进度 ÷ 100).

    At a month end it is months ÷ 12, as work reports reckon (30 June → 0.5, 时间过半);
    on any other day it is days ÷ days in the year.

    >>> year_elapsed(pd.Timestamp("2025-06-30")), year_elapsed(pd.Timestamp("2025-12-31"))
    (0.5, 1.0)
    >>> round(year_elapsed(pd.Timestamp("2025-07-15")), 4)   # 196 / 365
    0.537
    """
    date = pd.Timestamp(date)
    if date.is_month_end:
        return date.month / 12
    start = pd.Timestamp(year=date.year, month=1, day=1)
    days = 366 if date.is_leap_year else 365
    return ((date - start).days + 1) / days


def pace_status(completion_pct, time_progress_pct, rules: Rules = DEFAULT_RULES) -> tuple[np.ndarray, np.ndarray]:
    """The pacing rule (rule 4): (pace_gap, pace) for completion against 时间进度, both in percent.

    Both are compared as shown (one decimal, half-up); NaN completion gives "".

    >>> gap, pace = pace_status([62.0, 50.0, 49.94, 45.0], 50.0)
    >>> gap.tolist(), pace.tolist()
    ([12.0, 0.0, -0.1, -5.0], ['超前', '同步', '滞后', '滞后'])
    """
    completion = np.asarray(completion_pct, dtype=float)
    scale = 10.0 ** PERCENT_DECIMALS
    gap = (half_up_scaled(completion, PERCENT_DECIMALS) - half_up_scaled(time_progress_pct, PERCENT_DECIMALS)) / scale
    ok = ~np.isnan(gap)
    pace = np.select([ok & (gap >= rules.ahead_margin_pp), ok & (gap >= -rules.pace_tolerance_pp), ok],
                     ["超前", "同步", "滞后"], default="").astype(object)
    return gap, pace


# ---------------------------------------------------------------- the shapes the arithmetic works on

@dataclass(frozen=True)
class _Tree:
    """The region hierarchy as integer arrays (positions in ``ds.regions``)."""

    codes: np.ndarray          # region codes
    index: pd.Index
    parent: np.ndarray         # position of the parent, -1 for a top-level region
    levels: tuple              # positions of the regions at each depth ≥ 1, deepest first
    peer_group: np.ndarray     # id of (parent, group), -1 for a top-level region
    n_groups: int
    group_size: np.ndarray     # members of each peer group


@dataclass(frozen=True)
class _Catalog:
    ids: np.ndarray
    index: pd.Index
    kind: np.ndarray
    is_rate: np.ndarray
    is_flow: np.ndarray
    lower: np.ndarray
    decimals: np.ndarray
    rates: np.ndarray          # positions of the rate indicators
    numerator: np.ndarray      # for each rate, the position of its numerator
    denominator: np.ndarray


def _tree(ds: Dataset) -> _Tree:
    regions = ds.regions
    index = pd.Index(regions.index)
    parent_codes = regions["parent"].fillna("").astype(str).to_numpy()
    parent = index.get_indexer(parent_codes)
    depth = _depth(parent)
    levels = tuple(np.flatnonzero(depth == d) for d in range(int(depth.max(initial=0)), 0, -1))
    groups = regions["group"] if "group" in regions else regions["level"]
    key = np.where(parent >= 0, parent_codes + "\x1f" + groups.fillna("").astype(str).to_numpy(), "")
    peer_group, _ = pd.factorize(pd.Series(key).where(parent >= 0))
    n_groups = int(peer_group.max(initial=-1)) + 1
    group_size = np.bincount(peer_group[peer_group >= 0], minlength=n_groups)
    return _Tree(codes=index.to_numpy(dtype=object), index=index, parent=parent, levels=levels,
                 peer_group=peer_group, n_groups=n_groups, group_size=group_size)


def _depth(parent: np.ndarray) -> np.ndarray:
    """Steps from each region up to the top, one vectorised step per level of the hierarchy."""
    depth = np.zeros(len(parent), dtype=np.int64)
    up = parent.copy()
    for _ in range(len(parent) + 1):
        climbing = up >= 0
        if not climbing.any():
            return depth
        depth += climbing
        up = np.where(climbing, parent[np.maximum(up, 0)], -1)
    raise DataError("地区的上级关系形成循环，无法汇总。请检查 regions.csv 的 parent 列。", file="regions.csv", column="parent")


def _catalog(ds: Dataset) -> _Catalog:
    cat = ds.catalog
    index = pd.Index(cat.index)
    kind = cat["kind"].astype(str).to_numpy()
    is_rate = kind == "rate"
    rates = np.flatnonzero(is_rate)
    return _Catalog(ids=index.to_numpy(dtype=object), index=index, kind=kind, is_rate=is_rate,
                    is_flow=kind == "flow", lower=(cat["direction"] == "lower").to_numpy(),
                    decimals=cat["decimals"].astype(int).to_numpy(), rates=rates,
                    numerator=index.get_indexer(cat["numerator"].to_numpy()[rates]),
                    denominator=index.get_indexer(cat["denominator"].to_numpy()[rates]))


def _reduce_by(ufunc, labels: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    """``ufunc``-reduce the rows of ``rows`` that share a label; (n, ...) with zeros elsewhere."""
    out = np.zeros((n,) + rows.shape[1:], dtype=rows.dtype)
    if len(labels) == 0:
        return out
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    starts = np.flatnonzero(np.r_[True, sorted_labels[1:] != sorted_labels[:-1]])
    out[sorted_labels[starts]] = ufunc.reduceat(rows[order], starts, axis=0)
    return out


@dataclass(frozen=True)
class _Values:
    """Every region's value of every indicator at one date, as (regions × indicators) arrays."""

    value: np.ndarray          # float, NaN = none
    bits: np.ndarray           # approximation marks as bits
    source: np.ndarray         # source text
    basis: np.ndarray          # reported / rollup / parts / stated / ""
    children_sum: np.ndarray   # where the region reports its own figure and children have one
    children_complete: np.ndarray  # every child its peers expect has the figure (and is complete)
    incomplete: np.ndarray     # the value is a roll-up missing some children
    expected: np.ndarray       # the region's peers report this indicator
    stated: np.ndarray         # a rate as reported (the pack uses the computed one)
    stated_decimals: np.ndarray
    parts: np.ndarray          # a rate computed from numerator and denominator (NaN where none)
    zero_denominator: np.ndarray


def _observed(ds: Dataset, tree: _Tree, cat: _Catalog, year: int, date: pd.Timestamp):
    """The reported figures at one date as dense arrays (first row wins on a duplicate)."""
    fig = ds.figures
    sel = (fig["year"].to_numpy() == year) & (fig["as_of"] == date).to_numpy()
    n_r, n_i = len(tree.codes), len(cat.ids)
    value = np.full(n_r * n_i, np.nan)
    bits = np.zeros(n_r * n_i, dtype=np.int64)
    source = np.full(n_r * n_i, "", dtype=object)
    if sel.any():
        sub = fig.loc[sel]
        r = tree.index.get_indexer(sub["region"].to_numpy())
        i = cat.index.get_indexer(sub["indicator"].to_numpy())
        key = r * n_i + i
        vals = sub["value"].to_numpy(dtype=float)
        ok = np.flatnonzero((r >= 0) & (i >= 0) & ~np.isnan(vals))
        _, first = np.unique(key[ok], return_index=True)
        take = ok[first]
        value[key[take]] = vals[take]
        approx = sub["approx"].fillna("").astype(str).to_numpy()[take] if "approx" in sub else np.full(len(take), "")
        marked = approx != ""
        bits[key[take[marked]]] = pd.Series(approx[marked]).map(_MARK_BITS).fillna(_ABOUT).astype(np.int64).to_numpy()
        if "source" in sub:
            source[key[take]] = sub["source"].fillna("").astype(str).to_numpy()[take]
    shape = (n_r, n_i)
    return value.reshape(shape), bits.reshape(shape), source.reshape(shape)


def _rollup(tree: _Tree, value: np.ndarray, present: np.ndarray, bits: np.ndarray):
    """Bottom-up roll-up of (regions × k) amounts (rule 5); a region's own figure wins."""
    value, present, bits = value.copy(), present.copy(), bits.copy()
    own = present.copy()
    n_r = len(tree.codes)
    children_sum = np.full(value.shape, np.nan)
    complete = np.ones(value.shape, dtype=bool)
    incomplete = np.zeros(value.shape, dtype=bool)
    expected = np.zeros(value.shape, dtype=bool)
    for kids in tree.levels:
        par, group = tree.parent[kids], tree.peer_group[kids]
        have = present[kids]
        peers_have = _reduce_by(np.add, group, have.astype(np.int64), tree.n_groups)[group] > 0
        expected[kids] = peers_have
        lacking = (peers_have & ~have) | (have & incomplete[kids])
        total = _reduce_by(np.add, par, np.where(have, value[kids], 0.0), n_r)
        count = _reduce_by(np.add, par, have.astype(np.int64), n_r)
        some_lacking = _reduce_by(np.add, par, lacking.astype(np.int64), n_r) > 0
        marks = _reduce_by(np.bitwise_or, par, np.where(have, bits[kids], 0), n_r)
        got = count > 0
        take = got & ~own
        value[take] = total[take]
        bits[take] = marks[take]
        present |= take
        incomplete[take] = some_lacking[take]
        both = got & own
        children_sum[both] = total[both]
        complete[both] = ~some_lacking[both]
    rolled = present & ~own
    return value, present, bits, children_sum, complete, incomplete, expected, rolled


def _stated_decimals(stated: np.ndarray) -> np.ndarray:
    """How many decimals a stated rate was written with (0–4), read back from the float."""
    out = np.full(stated.shape, 4, dtype=np.int64)
    for d in range(3, -1, -1):
        scaled = stated * 10.0 ** d
        out = np.where(np.abs(scaled - np.rint(scaled)) < 1e-6, d, out)
    return out


def _values(ds: Dataset, tree: _Tree, cat: _Catalog, year: int, date: pd.Timestamp) -> _Values:
    observed, obits, osource = _observed(ds, tree, cat, year, date)
    n_r, n_i = observed.shape
    amounts = ~cat.is_rate
    present = ~np.isnan(observed) & amounts
    value, present, bits, children_sum, complete, incomplete, expected, rolled = _rollup(
        tree, np.where(present, observed, np.nan), present, np.where(present, obits, 0))
    source = np.where(present & ~rolled, osource, np.where(rolled, ROLLUP_SOURCE, ""))
    basis = np.where(rolled, "rollup", np.where(present, "reported", ""))
    value = np.where(present, value, np.nan)

    stated = np.where(cat.is_rate, observed, np.nan)
    parts = np.full((n_r, n_i), np.nan)
    zero_den = np.zeros((n_r, n_i), dtype=bool)
    if len(cat.rates):
        k = len(cat.rates)
        num, den = observed[:, cat.numerator], observed[:, cat.denominator]
        pair = ~np.isnan(num) & ~np.isnan(den) & amounts[cat.numerator] & amounts[cat.denominator]
        pair_bits = np.where(pair, obits[:, cat.numerator] | obits[:, cat.denominator], 0)
        both, pair_present, pbits, _, pcomplete, pincomplete, pexpected, prolled = _rollup(
            tree, np.hstack([np.where(pair, num, np.nan), np.where(pair, den, np.nan)]),
            np.hstack([pair, pair]), np.hstack([pair_bits, pair_bits]))
        num, den, pair = both[:, :k], both[:, k:], pair_present[:, :k]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(pair & (den > 0), num / den * 100.0, np.nan)
        rs = cat.rates
        parts[:, rs] = ratio
        zero_den[:, rs] = pair & ~(den > 0)
        use_stated = ~pair & ~np.isnan(stated[:, rs])
        value[:, rs] = np.where(pair, ratio, np.where(use_stated, stated[:, rs], np.nan))
        bits[:, rs] = np.where(pair, np.where(pbits[:, :k] != 0, _ABOUT, 0), np.where(use_stated, obits[:, rs], 0))
        source[:, rs] = np.where(pair & ~prolled[:, :k], osource[:, cat.numerator],
                                 np.where(pair, ROLLUP_SOURCE, np.where(use_stated, osource[:, rs], "")))
        basis[:, rs] = np.where(pair, "parts", np.where(use_stated, "stated", ""))
        incomplete[:, rs] = pair & pincomplete[:, :k]
        expected[:, rs] = pexpected[:, :k] | expected[:, rs]
        complete[:, rs] = pcomplete[:, :k]
    return _Values(value=value, bits=bits, source=source, basis=basis, children_sum=children_sum,
                   children_complete=complete, incomplete=incomplete, expected=expected, stated=stated,
                   stated_decimals=_stated_decimals(stated), parts=parts, zero_denominator=zero_den)


def _output_order(tree: _Tree, ds: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Regions by code, indicators as a work report walks through them."""
    cat = ds.catalog
    return (np.argsort(tree.codes.astype(str), kind="stable"),
            np.lexsort((cat["order"].to_numpy(), cat["theme_order"].to_numpy())))


def values_at(ds: Dataset, year: int, as_of: str | dt.date | None = None) -> pd.DataFrame:
    """Every region's value of every indicator at one date, with roll-ups and rates.

    Columns: region, indicator, value, approx, source, children_sum (the children's sum
    where the region also reports its own figure), stated (a rate as reported; ``value``
    is recomputed from its parts), basis (reported / rollup / parts / stated).

    >>> v = values_at(load_dataset("data/sample"), 2025)            # doctest: +SKIP
    >>> v.set_index(["region", "indicator"]).at[("SL00", "new_unions"), "source"]  # doctest: +SKIP
    '由下级汇总'
    """
    date = as_of_date(year, as_of)
    tree, cat = _tree(ds), _catalog(ds)
    v = _values(ds, tree, cat, year, date)
    ro, io = _output_order(tree, ds)
    grid = np.ix_(ro, io)
    keep = (~np.isnan(v.value) | ~np.isnan(v.stated) | v.zero_denominator)[grid].ravel()
    n_i = len(io)
    flat_r = np.repeat(ro, n_i)[keep]
    flat_i = np.tile(io, len(ro))[keep]
    return pd.DataFrame({
        "region": tree.codes[flat_r],
        "indicator": cat.ids[flat_i],
        "value": v.value[grid].ravel()[keep],
        "approx": _MARK_OF_BITS[v.bits[grid].ravel()[keep]],
        "source": v.source[grid].ravel()[keep],
        "children_sum": v.children_sum[grid].ravel()[keep],
        "stated": v.stated[grid].ravel()[keep],
        "basis": v.basis[grid].ravel()[keep],
    })


# ---------------------------------------------------------------- metrics

def _targets(ds: Dataset, tree: _Tree, cat: _Catalog, year: int):
    n_r, n_i = len(tree.codes), len(cat.ids)
    target = np.full(n_r * n_i, np.nan)
    threshold = np.zeros(n_r * n_i, dtype=bool)
    issuer = np.full(n_r * n_i, "", dtype=object)
    t = ds.targets
    t = t[(t["year"].to_numpy() == year) & t["target"].notna().to_numpy()]
    if len(t):
        key = tree.index.get_indexer(t["region"].to_numpy()) * n_i + cat.index.get_indexer(t["indicator"].to_numpy())
        ok = np.flatnonzero((tree.index.get_indexer(t["region"].to_numpy()) >= 0)
                            & (cat.index.get_indexer(t["indicator"].to_numpy()) >= 0))
        _, last_rev = np.unique(key[ok][::-1], return_index=True)   # the last row of a duplicate wins
        take = ok[::-1][last_rev]
        target[key[take]] = t["target"].to_numpy(dtype=float)[take]
        threshold[key[take]] = t["target_type"].fillna("absolute").to_numpy()[take] == "threshold"
        issuer[key[take]] = t["issuer"].fillna("").astype(str).to_numpy()[take]
    shape = (n_r, n_i)
    return target.reshape(shape), threshold.reshape(shape), issuer.reshape(shape)


def _rank(tree: _Tree, cat: _Catalog, shown: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Competition rank (1, 2, 2, 4) among peers per indicator, on shown values (rule 6)."""
    n_r, n_i = shown.shape
    rank = np.full(shown.shape, np.nan)
    peers = np.full(shown.shape, np.nan)
    tied = np.zeros(shown.shape, dtype=bool)
    group = np.broadcast_to(tree.peer_group[:, None], shown.shape)
    ok = (group >= 0) & ~np.isnan(shown)
    if not ok.any():
        return rank, peers, tied
    r, i = np.nonzero(ok)
    g = group[r, i].astype(np.int64) * n_i + i
    key = np.where(cat.lower[i], shown[r, i], -shown[r, i])
    order = np.lexsort((key, g))
    gs, ks = g[order], key[order]
    pos = np.arange(len(gs))
    new_group = np.r_[True, gs[1:] != gs[:-1]]
    new_run = new_group | np.r_[True, ks[1:] != ks[:-1]]
    group_first = np.maximum.accumulate(np.where(new_group, pos, 0))
    run_first = np.maximum.accumulate(np.where(new_run, pos, 0))
    run_id = np.cumsum(new_run) - 1
    group_id = np.cumsum(new_group) - 1
    sorted_rank = run_first - group_first + 1
    rank[r[order], i[order]] = sorted_rank
    peers[r[order], i[order]] = np.bincount(group_id)[group_id]
    tied[r[order], i[order]] = np.bincount(run_id)[run_id] > 1
    return rank, peers, tied


def _flag_text(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flag masks → ("；"-joined texts, tuples of codes), built once per distinct mask."""
    unique, inverse = np.unique(mask, return_inverse=True)
    texts = np.empty(len(unique), dtype=object)
    codes = np.empty(len(unique), dtype=object)
    for n, m in enumerate(unique):
        names = tuple(code for code, bit in _FLAG_BIT.items() if m & bit)
        codes[n] = names
        texts[n] = "；".join(FLAGS[c] for c in names)
    return texts[inverse.ravel()], codes[inverse.ravel()]


def compute_metrics(ds: Dataset, year: int, as_of: str | dt.date | None = None, *,
                    rules: Rules = DEFAULT_RULES) -> pd.DataFrame:
    """One row per region and indicator for ``year`` at ``as_of``: the whole pack's numbers.

    Rows: every region and indicator with a value, last year's value, a target, or peers
    that report it. Columns (percent columns are in percent units, NaN where undefined):

    - catalogue: region, indicator, name, unit, kind, theme, direction, decimals, tier, order, theme_order;
    - value, approx, source, basis, children_sum, stated (see ``values_at``);
    - year-over-year: prev_value, prev_approx, change (in the unit; 百分点 for rates),
      change_pct, change_approx, yoy (增长/下降/持平/新增/无上年数据/无本期数据),
      period_label (上年同期 at a mid-year date, 上年 otherwise);
    - targets: target, target_type (absolute/threshold/""), target_bound (以上/以下/以内/""),
      issuer, completion, completion_approx, met (boolean, NA without target or value),
      exceeded (超额), gap (to the target, ≥ 0, in the unit), status (超额完成/完成/未完成/
      达到/未达到/控制在目标内/超出目标/"");
    - pacing: time_progress, pace_gap, pace (超前/同步/滞后/"");
    - rank, rank_prev, rank_change (positive = moved up), peers, tied (并列);
    - flags ("；"-joined texts), flag_codes (tuple of ``FLAGS`` keys), year, as_of.

    >>> m = compute_metrics(load_dataset("data/sample"), 2025, "2025-06-30")   # doctest: +SKIP
    >>> m.loc[m["pace"] == "滞后", ["region", "name", "completion", "pace_gap"]]  # doctest: +SKIP
    """
    date = as_of_date(year, as_of)
    tree, cat = _tree(ds), _catalog(ds)
    cur = _values(ds, tree, cat, year, date)
    prev = _values(ds, tree, cat, year - 1, same_day_last_year(date))
    target, threshold, issuer = _targets(ds, tree, cat, year)
    mid_year = date < year_end(year)

    dec = cat.decimals[None, :]
    scale = 10.0 ** dec
    is_rate, lower, is_flow = cat.is_rate[None, :], cat.lower[None, :], cat.is_flow[None, :]
    has = ~np.isnan(cur.value)
    had = ~np.isnan(prev.value)
    k, kp = half_up_scaled(cur.value, dec), half_up_scaled(prev.value, dec)
    shown = k / scale

    # year-over-year (rule 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        change = (k - kp) / scale
        pct_ok = has & had & ~is_rate & (kp > 0)
        change_pct = np.where(pct_ok, (k - kp) / kp * 100.0, np.nan)
    flat = has & had & ((k == kp) | (pct_ok & (half_up_scaled(change_pct, PERCENT_DECIMALS) == 0)))
    yoy = np.select([~has, ~had, ~is_rate & (kp == 0) & (k > 0), flat, k > kp],
                    ["无本期数据", "无上年数据", "新增", "持平", "增长"], default="下降").astype(object)

    # targets and completion (rule 3)
    has_target = ~np.isnan(target)
    judged = has_target & has
    absolute = has_target & ~threshold
    ratio_kind = absolute & ~is_rate & ~lower
    with np.errstate(divide="ignore", invalid="ignore"):
        completion = np.where(judged & ratio_kind & (target > 0), shown / target * 100.0, np.nan)
        met = np.where(lower, shown <= target, shown >= target)
        gap = np.where(judged, np.maximum(np.where(lower, shown - target, target - shown), 0.0), np.nan)
    gap = np.round(gap, 10)  # the difference of two decimals, without float dust
    exceeded = judged & (half_up_scaled(completion, PERCENT_DECIMALS) > 100 * 10 ** PERCENT_DECIMALS)
    status = np.select(
        [~judged, exceeded, ratio_kind & met, ratio_kind, absolute & lower & met, absolute & lower, met],
        ["", "超额完成", "完成", "未完成", "控制在目标内", "超出目标", "达到"], default="未达到").astype(object)
    bound = np.select([has_target & (threshold | (absolute & is_rate)) & ~lower,
                       has_target & (threshold | (absolute & is_rate)) & lower, absolute & lower],
                      ["以上", "以下", "以内"], default="").astype(object)
    target_type = np.where(has_target, np.where(threshold, "threshold", "absolute"), "").astype(object)

    # pacing (rule 4)
    paced = mid_year & is_flow & ratio_kind & ~np.isnan(completion)
    progress = year_elapsed(date) * 100.0
    pace_gap, pace = pace_status(np.where(paced, completion, np.nan), progress, rules)
    time_progress = np.where(paced, progress, np.nan)

    # rank (rule 6)
    rank, peers, tied = _rank(tree, cat, np.where(has, k, np.nan))
    rank_prev, _, _ = _rank(tree, cat, np.where(had, kp, np.nan))

    # quality flags (rule 7)
    wanted = had | has_target | cur.expected
    big = np.maximum(np.abs(shown), np.abs(kp / scale)) >= rules.jump_min_value
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = k / kp
    checks = {
        "negative": has & ~is_rate & (cur.value < 0),
        "rate_over_100": (has & is_rate & (cur.value > 100.0 + 1e-9)) | (cur.stated > 100.0 + 1e-9),
        "stated_mismatch": ~np.isnan(cur.stated) & ~np.isnan(cur.parts)
                           & (half_up_scaled(cur.parts, cur.stated_decimals) != half_up_scaled(cur.stated, cur.stated_decimals)),
        "zero_denominator": cur.zero_denominator,
        "missing": ~has & ~cur.zero_denominator & wanted,
        "children_mismatch": ~is_rate & ~np.isnan(cur.children_sum) & cur.children_complete
                             & (half_up_scaled(cur.children_sum, dec) != k),
        "children_incomplete": has & cur.incomplete,
        "yoy_jump": pct_ok & (k > 0) & big & ((growth >= rules.jump_factor) | (growth <= 1 / rules.jump_factor)),
        "rate_jump": has & had & is_rate & (np.abs(change) > rules.rate_jump_pp),
        "approx": has & (cur.bits != 0),
    }
    mask = np.zeros(cur.value.shape, dtype=np.int64)
    for code, hit in checks.items():
        mask |= np.where(hit, _FLAG_BIT[code], 0)

    # the tidy frame, in the order of a work report
    ro, io = _output_order(tree, ds)
    grid = np.ix_(ro, io)
    keep = (has | had | has_target | ~np.isnan(cur.stated) | cur.expected | (mask != 0))[grid].ravel()
    n_i = len(io)
    flat_r = np.repeat(ro, n_i)[keep]
    flat_i = np.tile(io, len(ro))[keep]

    def col(a):
        return np.broadcast_to(a, cur.value.shape)[grid].ravel()[keep]

    flags, flag_codes = _flag_text(col(mask))
    approx, prev_approx = _MARK_OF_BITS[col(cur.bits)], _MARK_OF_BITS[col(prev.bits)]
    out = {"region": tree.codes[flat_r], "indicator": cat.ids[flat_i]}
    catalog = ds.catalog
    for name in ("name", "unit", "kind", "theme", "direction", "decimals", "tier", "order", "theme_order"):
        out[name] = catalog[name].to_numpy()[flat_i]
    change_shown = col(np.where(has & had, change, np.nan))
    change_marked = ((approx != "") | (prev_approx != "")) & ~np.isnan(change_shown)   # the change of a 约数 is one too
    out.update({
        "value": col(cur.value), "approx": approx, "source": col(cur.source), "basis": col(cur.basis),
        "children_sum": col(cur.children_sum), "stated": col(cur.stated),
        "prev_value": col(prev.value), "prev_approx": prev_approx,
        "change": np.round(change_shown, 10),   # a difference of two shown decimals, without float dust
        "change_pct": col(change_pct), "change_approx": np.where(change_marked, "约", ""),
        "yoy": col(yoy), "period_label": np.full(len(flat_r), "上年同期" if mid_year else "上年", dtype=object),
        "target": col(target), "target_type": col(target_type), "target_bound": col(bound), "issuer": col(issuer),
        "completion": col(completion),
        "completion_approx": np.where((approx != "") & ~np.isnan(col(completion)), "约", ""),
        "met": pd.array(np.where(col(judged), col(met), None), dtype="boolean"),
        "exceeded": col(exceeded), "gap": col(gap), "status": col(status),
        "time_progress": col(time_progress), "pace_gap": col(pace_gap), "pace": col(pace),
        "rank": col(rank), "rank_prev": col(rank_prev), "rank_change": col(rank_prev - rank),
        "peers": col(peers), "tied": col(tied),
        "flags": flags, "flag_codes": flag_codes,
        "year": np.full(len(flat_r), year), "as_of": np.full(len(flat_r), date),
    })
    return pd.DataFrame(out)


def compute_series(ds: Dataset, years: list[int], month_day: tuple[int, int] = (12, 31)) -> pd.DataFrame:
    """Values of every region and indicator for several years at the same day of year.

    Columns: region, indicator, year, value, approx.

    >>> compute_series(load_dataset("data/sample"), [2024, 2025]).columns.tolist()  # doctest: +SKIP
    ['region', 'indicator', 'year', 'value', 'approx']
    """
    frames = []
    for y in years:
        v = values_at(ds, y, pd.Timestamp(year=y, month=month_day[0], day=month_day[1]))
        frames.append(v.assign(year=y)[["region", "indicator", "year", "value", "approx"]])
    return pd.concat(frames, ignore_index=True)
