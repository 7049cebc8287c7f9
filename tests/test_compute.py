"""Hand-worked numbers for the computation layer (see the tiny data set in conftest.py)."""

import pandas as pd
import pytest

from briefing.compute import compute_metrics, values_at, year_elapsed
from briefing.load import load_dataset


def row(m, region, indicator):
    hit = m[(m["region"] == region) & (m["indicator"] == indicator)]
    assert len(hit) == 1, (region, indicator)
    return hit.iloc[0]


def test_rollup_sums_flows_and_rates_are_ratio_of_sums(tiny):
    ds = load_dataset(tiny)
    v = values_at(ds, 2025)
    city = v[v["region"] == "C0"].set_index("indicator")
    assert city.at["new_unions", "value"] == 12 + 3 + 5
    assert city.at["members", "value"] == 950 + 90 + 450
    # (950+90+450)/(1000+100+500) = 93.125%, not the mean of 95%, 90%, 90% (= 91.67%)
    assert city.at["membership_rate", "value"] == pytest.approx(93.125)
    assert city.at["new_unions", "source"] == "由下级汇总"


def test_yoy_percent_points_and_zero_base(tiny):
    m = compute_metrics(load_dataset(tiny), 2025)
    a1 = row(m, "A1", "new_unions")
    assert a1["change"] == 2 and a1["change_pct"] == pytest.approx(20.0) and a1["yoy"] == "增长"
    a2 = row(m, "A2", "new_unions")   # base 0 → no percentage, says 新增
    assert pd.isna(a2["change_pct"]) and a2["yoy"] == "新增"
    rate = row(m, "A1", "membership_rate")  # 90% → 95%: +5 百分点, never a percent change
    assert rate["change"] == pytest.approx(5.0) and pd.isna(rate["change_pct"])
    assert row(m, "A2", "warmth_funds")["yoy"] == "持平"


def test_completion_threshold_and_zero_target(tiny):
    m = compute_metrics(load_dataset(tiny), 2025)
    a1 = row(m, "A1", "new_unions")
    assert a1["completion"] == pytest.approx(120.0) and bool(a1["met"]) and a1["gap"] == 0
    a2 = row(m, "A2", "new_unions")
    assert a2["completion"] == pytest.approx(75.0) and not bool(a2["met"]) and a2["gap"] == 1
    a3 = row(m, "A3", "new_unions")      # target 0: no ratio, but met
    assert pd.isna(a3["completion"]) and bool(a3["met"])
    t1 = row(m, "A1", "membership_rate")  # 95% ≥ "95%以上"
    assert bool(t1["met"]) and pd.isna(t1["completion"])
    t2 = row(m, "A2", "membership_rate")  # 90% < 95%: gap 5 points
    assert not bool(t2["met"]) and t2["gap"] == pytest.approx(5.0)


def test_mid_year_pacing_against_time_elapsed(tiny):
    m = compute_metrics(load_dataset(tiny), 2025, "2025-06-30")
    a1 = row(m, "A1", "new_unions")
    elapsed = 181 / 365 * 100
    assert a1["time_progress"] == pytest.approx(elapsed)
    assert a1["completion"] == pytest.approx(60.0)
    assert a1["pace_gap"] == pytest.approx(60.0 - elapsed)
    assert a1["pace"] == "超前"              # 60% vs 49.6%: ahead by ≥ 10 points
    assert a1["prev_value"] == 4             # 同期: 30 June of last year, not last year's total
    assert year_elapsed(pd.Timestamp("2025-12-31")) == 1.0


def test_ranking_respects_direction_and_ties(tiny):
    m = compute_metrics(load_dataset(tiny), 2025)
    # new_unions: A1 12, A3 5, A2 3
    assert [row(m, r, "new_unions")["rank"] for r in ("A1", "A3", "A2")] == [1, 2, 3]
    # petitions (lower is better): A2 5, A3 12, A1 18
    assert [row(m, r, "petitions")["rank"] for r in ("A2", "A3", "A1")] == [1, 2, 3]
    # membership rate: A1 95%, A2 90%, A3 90% → 并列第2
    assert [row(m, r, "membership_rate")["rank"] for r in ("A1", "A2", "A3")] == [1, 2, 2]
    # last year: new_unions A1 10, A3 5, A2 0 → no change of rank
    assert row(m, "A2", "new_unions")["rank_change"] == 0
    assert pd.isna(row(m, "C0", "new_unions")["rank"])  # the city has no siblings


def test_inputs_are_not_mutated(tiny):
    ds = load_dataset(tiny)
    before = ds.figures.copy(), ds.targets.copy(), ds.regions.copy()
    compute_metrics(ds, 2025, "2025-06-30")
    pd.testing.assert_frame_equal(ds.figures, before[0])
    pd.testing.assert_frame_equal(ds.targets, before[1])
    pd.testing.assert_frame_equal(ds.regions, before[2])


def test_sample_city_completion_is_sum_over_sum():
    ds = load_dataset("data/sample")
    m = compute_metrics(ds, 2025)
    kids = m[(m["indicator"] == "new_members") & (m["region"] != "SL00")]
    city = row(m, "SL00", "new_members")
    assert city["value"] == kids["value"].sum()
    assert city["completion"] == pytest.approx(city["value"] / city["target"] * 100)
