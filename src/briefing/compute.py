"""The arithmetic of a pack: values at a date, roll-up, year-over-year, completion, pacing, rank.

Pure functions over the tidy frames of a ``Dataset``; inputs are never mutated. The
one entry point ``compute_metrics`` returns a tidy frame with one row per region and
indicator for all regions at once; notebooks, charts and sentences all read it.

Rules, stated once:
- Year-over-year compares like with like: the same as-of date a year earlier (同期).
  A zero base gives no percentage (新增), a missing one says 无上年数据.
- Rates are recomputed from numerator and denominator at every level and change in
  百分点; a parent's rate is the ratio of summed parts, never a mean of rates.
- Completion = actual ÷ target. A threshold target ("95%以上") is met or not, with the gap.
- Pacing (时间进度) applies to flows with an absolute target when the as-of date falls
  inside the year: on pace when completion ≥ share of the year elapsed − PACE_TOLERANCE_PP,
  ahead when it leads by AHEAD_MARGIN_PP or more, otherwise lagging by the difference.
- Rank among siblings of the same group (县(市)区 with 县(市)区, 产业工会 with 产业工会),
  best first by the indicator's direction; ties share a rank (并列), as a 通报 does.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .load import Dataset

PACE_TOLERANCE_PP = 0.0
AHEAD_MARGIN_PP = 10.0
ROLLUP_SOURCE = "由下级汇总"


def year_end(year: int) -> pd.Timestamp:
    return pd.Timestamp(year=year, month=12, day=31)


def as_of_date(year: int, as_of: str | dt.date | None) -> pd.Timestamp:
    """The as-of date of a pack: the given date, or 31 December of ``year``."""
    if as_of in (None, ""):
        return year_end(year)
    return pd.Timestamp(as_of).normalize()


def same_day_last_year(date: pd.Timestamp) -> pd.Timestamp:
    try:
        return date.replace(year=date.year - 1)
    except ValueError:  # 29 February
        return date.replace(year=date.year - 1, day=28)


def year_elapsed(date: pd.Timestamp) -> float:
    """Share of the calendar year elapsed at the end of ``date`` (30 June → 181/365)."""
    start = pd.Timestamp(year=date.year, month=1, day=1)
    days = (year_end(date.year) - start).days + 1
    return ((date - start).days + 1) / days


def _sum_approx(marks: pd.Series) -> str:
    return "约" if (marks != "").any() else ""


def values_at(ds: Dataset, year: int, as_of: str | dt.date | None = None) -> pd.DataFrame:
    """Every region's value of every indicator at one date, with roll-ups and rates.

    Columns: region, indicator, value, approx, source, reported (the parent's own figure
    where it also has the children's sum), children_sum.
    """
    date = as_of_date(year, as_of)
    cat = ds.catalog
    fig = ds.figures[(ds.figures["year"] == year) & (ds.figures["as_of"] == date)]
    kind = fig["indicator"].map(cat["kind"])
    stated_rates = fig[kind == "rate"][["region", "indicator", "value"]].rename(columns={"value": "stated"})
    base = (fig[kind != "rate"]
            .groupby(["region", "indicator"], as_index=False, sort=False)
            .agg(value=("value", "first"), approx=("approx", "first"), source=("source", "first")))
    base["children_sum"] = np.nan

    parents = ds.regions["parent"]
    for depth in sorted(ds.regions["depth"].unique(), reverse=True):
        if depth == 0:
            continue
        level = base[base["region"].map(ds.regions["depth"]) == depth].copy()
        if level.empty:
            continue
        level["parent"] = level["region"].map(parents)
        sums = (level.groupby(["parent", "indicator"], as_index=False, sort=False)
                .agg(value=("value", "sum"), approx=("approx", _sum_approx))
                .rename(columns={"parent": "region"}))
        merged = base.merge(sums, on=["region", "indicator"], how="outer", suffixes=("", "_sum"), indicator=True)
        own = merged["_merge"] == "both"
        only_sum = merged["_merge"] == "right_only"
        merged.loc[own, "children_sum"] = merged.loc[own, "value_sum"]
        merged.loc[only_sum, "value"] = merged.loc[only_sum, "value_sum"]
        merged.loc[only_sum, "approx"] = merged.loc[only_sum, "approx_sum"]
        merged.loc[only_sum, "source"] = ROLLUP_SOURCE
        base = merged[["region", "indicator", "value", "approx", "source", "children_sum"]]

    rates = cat[cat["kind"] == "rate"]
    parts = base.set_index(["region", "indicator"])
    rate_frames = []
    for rid, rate in rates.iterrows():
        try:
            num = parts.xs(rate["numerator"], level="indicator")
            den = parts.xs(rate["denominator"], level="indicator")
        except KeyError:
            continue
        both = num.add_suffix("_num").join(den.add_suffix("_den"), how="inner")
        value = np.where(both["value_den"] > 0, both["value_num"] / both["value_den"].where(both["value_den"] > 0) * 100, np.nan)
        frame = pd.DataFrame({
            "region": both.index, "indicator": rid, "value": value,
            "approx": np.where((both["approx_num"] != "") | (both["approx_den"] != ""), "约", ""),
            "source": both["source_num"].values, "children_sum": np.nan,
        })
        rate_frames.append(frame)
    out = pd.concat([base, *rate_frames], ignore_index=True)
    out = out.merge(stated_rates, on=["region", "indicator"], how="left")
    out["approx"] = out["approx"].fillna("")
    return out.reset_index(drop=True)


def compute_metrics(ds: Dataset, year: int, as_of: str | dt.date | None = None) -> pd.DataFrame:
    """One row per region and indicator for ``year`` at ``as_of``: the whole pack's numbers.

    Columns: region, indicator, name, unit, kind, theme, direction, decimals, tier,
    value, approx, prev_value, change, change_pct (percent; NaN where undefined),
    yoy (增长/下降/持平/新增/无上年数据), target, target_type, issuer, completion
    (percent), met, gap, time_progress, pace_gap, pace (超前/同步/滞后/""),
    rank, rank_prev, rank_change, peers, flags.
    """
    date = as_of_date(year, as_of)
    cur = values_at(ds, year, date)
    prev = values_at(ds, year - 1, same_day_last_year(date))[["region", "indicator", "value", "approx"]]
    m = cur.merge(prev.rename(columns={"value": "prev_value", "approx": "prev_approx"}),
                  on=["region", "indicator"], how="left")
    cat = ds.catalog
    for col in ("name", "unit", "kind", "theme", "direction", "decimals", "tier", "order", "theme_order"):
        m[col] = m["indicator"].map(cat[col])
    m["prev_approx"] = m["prev_approx"].fillna("")

    m["change"] = m["value"] - m["prev_value"]
    base_ok = (m["prev_value"] > 0) & (m["kind"] != "rate")
    m["change_pct"] = (m["change"] / m["prev_value"].where(base_ok) * 100)
    m["yoy"] = _yoy_words(m)

    t = ds.targets[ds.targets["year"] == year][["region", "indicator", "target", "target_type", "issuer"]]
    t = t.drop_duplicates(["region", "indicator"], keep="last")
    m = m.merge(t, on=["region", "indicator"], how="left")
    m["issuer"] = m["issuer"].fillna("")
    m["target_type"] = m["target_type"].fillna("")
    lower = m["direction"] == "lower"
    has_target = m["target"].notna() & m["value"].notna()
    absolute = has_target & (m["target_type"] == "absolute")
    m["completion"] = np.where(absolute & (m["target"] > 0), m["value"] / m["target"].where(m["target"] > 0) * 100, np.nan)
    met = np.where(lower, m["value"] <= m["target"], m["value"] >= m["target"])
    m["met"] = pd.array(np.where(has_target, met, pd.NA), dtype="boolean")
    m["gap"] = np.where(has_target, (m["target"] - m["value"]) * np.where(lower, -1, 1), np.nan)
    m["gap"] = m["gap"].clip(lower=0).where(has_target)

    inside_year = date < year_end(year)
    elapsed = year_elapsed(date) * 100
    paced = absolute & (m["kind"] == "flow") & inside_year & m["completion"].notna()
    m["time_progress"] = np.where(paced, elapsed, np.nan)
    m["pace_gap"] = np.where(paced, m["completion"] - elapsed, np.nan)
    m["pace"] = np.select(
        [paced & (m["pace_gap"] >= AHEAD_MARGIN_PP), paced & (m["pace_gap"] >= -PACE_TOLERANCE_PP), paced],
        ["超前", "同步", "滞后"], default="")

    m = _rank(m, ds, "value", "rank")
    m = _rank(m, ds, "prev_value", "rank_prev")
    m["rank_change"] = m["rank_prev"] - m["rank"]  # positive = moved up
    m["flags"] = _flags(m)
    m["year"] = year
    m["as_of"] = date
    return m.sort_values(["region", "theme_order", "order"]).reset_index(drop=True)


def _yoy_words(m: pd.DataFrame) -> pd.Series:
    rate = m["kind"] == "rate"
    decimals = m["decimals"].astype(int)
    # "持平" when the change rounds to zero at the indicator's display precision
    shown = [float(abs(c)) * 10 ** d < 0.5 if pd.notna(c) else False for c, d in zip(m["change"], decimals)]
    words = np.select(
        [m["prev_value"].isna() | m["value"].isna(),
         (m["prev_value"] == 0) & (m["value"] > 0) & ~rate,
         pd.Series(shown, index=m.index),
         m["change"] > 0],
        ["无上年数据", "新增", "持平", "增长"], default="下降")
    return pd.Series(words, index=m.index)


def _rank(m: pd.DataFrame, ds: Dataset, column: str, out: str) -> pd.DataFrame:
    regions = ds.regions
    m = m.copy()
    m["_parent"] = m["region"].map(regions["parent"])
    m["_group"] = m["region"].map(regions["group"])
    ranked = m["_parent"] != ""
    key = np.where(m["direction"] == "lower", m[column], -m[column])
    m["_key"] = key
    sub = m[ranked & m[column].notna()]
    ranks = sub.groupby(["_parent", "_group", "indicator"])["_key"].rank(method="min")
    m[out] = ranks.reindex(m.index)
    if out == "rank":
        m["peers"] = sub.groupby(["_parent", "_group", "indicator"])["_key"].transform("size").reindex(m.index)
    return m.drop(columns=["_parent", "_group", "_key"])


def _flags(m: pd.DataFrame) -> pd.Series:
    flags = [[] for _ in range(len(m))]
    checks = [
        ((m["kind"] == "rate") & (m["value"] > 100), "比率超过100%"),
        ((m["kind"] != "rate") & (m["value"] < 0), "数值为负"),
        (m["approx"] != "", "约数"),
        (m["children_sum"].notna() & ((m["children_sum"] - m["value"]).abs() > 0.5), "与下级汇总数不一致"),
        (m["stated"].notna() & ((m["stated"] - m["value"]).abs() > 0.05), "填报比率与分子分母不符"),
    ]
    for mask, text in checks:
        for i in np.flatnonzero(mask.fillna(False).to_numpy()):
            flags[i].append(text)
    return pd.Series(["；".join(f) for f in flags], index=m.index)


def compute_series(ds: Dataset, years: list[int], month_day: tuple[int, int] = (12, 31)) -> pd.DataFrame:
    """Values of every region and indicator for several years at the same day of year.

    Columns: region, indicator, year, value, approx.
    """
    frames = []
    for y in years:
        v = values_at(ds, y, pd.Timestamp(year=y, month=month_day[0], day=month_day[1]))
        v["year"] = y
        frames.append(v[["region", "indicator", "year", "value", "approx"]])
    return pd.concat(frames, ignore_index=True)
