"""Every region's value of every indicator at one date: the region tree, reported figures, roll-up, rates from parts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..data.dataset import Dataset
from ..errors import DataError
from .dates import as_of_date
from .rules import ABOUT, MARK_BITS, MARK_OF_BITS, ROLLUP_SOURCE


@dataclass(frozen=True)
class RegionTree:
    """The region hierarchy as integer arrays (positions in ``ds.regions``)."""

    codes: np.ndarray          # region codes
    index: pd.Index
    parent: np.ndarray         # position of the parent, -1 for a top-level region
    levels: tuple              # positions of the regions at each depth ≥ 1, deepest first
    peer_group: np.ndarray     # id of (parent, group), -1 for a top-level region
    n_groups: int
    group_size: np.ndarray     # members of each peer group


@dataclass(frozen=True)
class CatalogArrays:
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


def region_tree(ds: Dataset) -> RegionTree:
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
    return RegionTree(codes=index.to_numpy(dtype=object), index=index, parent=parent, levels=levels,
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


def catalog_arrays(ds: Dataset) -> CatalogArrays:
    cat = ds.catalog
    index = pd.Index(cat.index)
    kind = cat["kind"].astype(str).to_numpy()
    is_rate = kind == "rate"
    rates = np.flatnonzero(is_rate)
    return CatalogArrays(ids=index.to_numpy(dtype=object), index=index, kind=kind, is_rate=is_rate,
                    is_flow=kind == "flow", lower=(cat["direction"] == "lower").to_numpy(),
                    decimals=cat["decimals"].astype(int).to_numpy(), rates=rates,
                    numerator=index.get_indexer(cat["numerator"].to_numpy()[rates]),
                    denominator=index.get_indexer(cat["denominator"].to_numpy()[rates]))


def reduce_by(ufunc, labels: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
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
class ValueArrays:
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


def _observed(ds: Dataset, tree: RegionTree, cat: CatalogArrays, year: int, date: pd.Timestamp):
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
        bits[key[take[marked]]] = pd.Series(approx[marked]).map(MARK_BITS).fillna(ABOUT).astype(np.int64).to_numpy()
        if "source" in sub:
            source[key[take]] = sub["source"].fillna("").astype(str).to_numpy()[take]
    shape = (n_r, n_i)
    return value.reshape(shape), bits.reshape(shape), source.reshape(shape)


def _rollup(tree: RegionTree, value: np.ndarray, present: np.ndarray, bits: np.ndarray):
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
        peers_have = reduce_by(np.add, group, have.astype(np.int64), tree.n_groups)[group] > 0
        expected[kids] = peers_have
        lacking = (peers_have & ~have) | (have & incomplete[kids])
        total = reduce_by(np.add, par, np.where(have, value[kids], 0.0), n_r)
        count = reduce_by(np.add, par, have.astype(np.int64), n_r)
        some_lacking = reduce_by(np.add, par, lacking.astype(np.int64), n_r) > 0
        marks = reduce_by(np.bitwise_or, par, np.where(have, bits[kids], 0), n_r)
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


def value_arrays(ds: Dataset, tree: RegionTree, cat: CatalogArrays, year: int, date: pd.Timestamp) -> ValueArrays:
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
        bits[:, rs] = np.where(pair, np.where(pbits[:, :k] != 0, ABOUT, 0), np.where(use_stated, obits[:, rs], 0))
        source[:, rs] = np.where(pair & ~prolled[:, :k], osource[:, cat.numerator],
                                 np.where(pair, ROLLUP_SOURCE, np.where(use_stated, osource[:, rs], "")))
        basis[:, rs] = np.where(pair, "parts", np.where(use_stated, "stated", ""))
        incomplete[:, rs] = pair & pincomplete[:, :k]
        expected[:, rs] = pexpected[:, :k] | expected[:, rs]
        complete[:, rs] = pcomplete[:, :k]
    return ValueArrays(value=value, bits=bits, source=source, basis=basis, children_sum=children_sum,
                   children_complete=complete, incomplete=incomplete, expected=expected, stated=stated,
                   stated_decimals=_stated_decimals(stated), parts=parts, zero_denominator=zero_den)


def output_order(tree: RegionTree, ds: Dataset) -> tuple[np.ndarray, np.ndarray]:
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
    tree, cat = region_tree(ds), catalog_arrays(ds)
    v = value_arrays(ds, tree, cat, year, date)
    ro, io = output_order(tree, ds)
    grid = np.ix_(ro, io)
    keep = (~np.isnan(v.value) | ~np.isnan(v.stated) | v.zero_denominator)[grid].ravel()
    n_i = len(io)
    flat_r = np.repeat(ro, n_i)[keep]
    flat_i = np.tile(io, len(ro))[keep]
    return pd.DataFrame({
        "region": tree.codes[flat_r],
        "indicator": cat.ids[flat_i],
        "value": v.value[grid].ravel()[keep],
        "approx": MARK_OF_BITS[v.bits[grid].ravel()[keep]],
        "source": v.source[grid].ravel()[keep],
        "children_sum": v.children_sum[grid].ravel()[keep],
        "stated": v.stated[grid].ravel()[keep],
        "basis": v.basis[grid].ravel()[keep],
    })


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
