"""Hand-worked numbers for every rule of the computation layer (see the docstring of briefing/compute/__init__.py).

Each data set is written as tidy CSV and read back with ``load_dataset``, the documented
input format. Expected values are worked out by hand in the comments.
"""

import numpy as np
import pandas as pd
import pytest

from briefing.compute import FLAGS, Rules, compute_metrics, pace_status, values_at, year_elapsed
from briefing.errors import ParameterError
from briefing.data import load_dataset

from .conftest import make_dataset, write_csv

# A city with four counties and two 产业工会 (ranked separately from the counties).
REGIONS = [
    ("C0", "甲市", "甲市总工会", "市", "市", "", "0"),
    ("A1", "东区", "东区总工会", "区", "县(市)区", "C0", "1"),
    ("A2", "西县", "西县总工会", "县", "县(市)区", "C0", "2"),
    ("A3", "南县", "南县总工会", "县", "县(市)区", "C0", "3"),
    ("A4", "北县", "北县总工会", "县", "县(市)区", "C0", "4"),
    ("I1", "市教育工会", "市教育工会", "产业工会", "产业工会", "C0", "5"),
    ("I2", "市金融工会", "市金融工会", "产业工会", "产业工会", "C0", "6"),
]


def load(tmp_path, figures, targets=(), regions=REGIONS):
    """figures: {(year, as_of): {region: {indicator: value or (value, approx)}}}."""
    rows = []
    for (year, as_of), by_region in figures.items():
        for region, values in by_region.items():
            for indicator, v in values.items():
                value, approx = v if isinstance(v, tuple) else (v, "")
                rows.append((region, year, as_of, indicator, value, approx))
    folder = make_dataset(tmp_path / "data", rows, [(*t, "市总") if len(t) == 5 else t for t in targets])
    write_csv(folder / "regions.csv", ["code", "name", "union_name", "level", "group", "parent", "order"], regions)
    return load_dataset(folder)


def row(m, region, indicator):
    hit = m[(m["region"] == region) & (m["indicator"] == indicator)]
    assert len(hit) == 1, (region, indicator, len(hit))
    return hit.iloc[0]


def flags(m, region, indicator):
    return set(row(m, region, indicator)["flag_codes"])


Y24, Y25 = (2024, ""), (2025, "")
H24, H25 = (2024, "2024-06-30"), (2025, "2025-06-30")


# ---------------------------------------------------------------- 1. year-over-year

def test_yoy_amounts_percent_points_zero_and_missing_base(tmp_path):
    ds = load(tmp_path, {
        Y24: {"A1": {"new_unions": 10, "members": 900, "workers": 1000, "warmth_funds": 100.0},
              "A2": {"new_unions": 0, "members": 80, "workers": 100, "warmth_funds": 10.04},
              "A3": {"warmth_funds": 50.0, "members": 100000, "workers": 200000}},
        Y25: {"A1": {"new_unions": 12, "members": 950, "workers": 1000, "warmth_funds": 110.0},
              "A2": {"new_unions": 3, "members": 90, "workers": 100, "warmth_funds": 9.96},
              "A3": {"warmth_funds": 40.0, "members": 100010, "workers": 200000, "new_unions": 4}},
    })
    m = compute_metrics(ds, 2025)
    a1 = row(m, "A1", "new_unions")            # 10 → 12: +2, +20.0%
    assert (a1["change"], a1["change_pct"], a1["yoy"], a1["period_label"]) == (2, 20.0, "增长", "上年")
    a2 = row(m, "A2", "new_unions")            # base 0: no percentage, 新增
    assert a2["change"] == 3 and np.isnan(a2["change_pct"]) and a2["yoy"] == "新增"
    a3 = row(m, "A3", "new_unions")            # no figure last year: 无上年数据, no change at all
    assert np.isnan(a3["change"]) and np.isnan(a3["change_pct"]) and a3["yoy"] == "无上年数据"
    rate = row(m, "A1", "membership_rate")     # 90.0% → 95.0%: +5.0 百分点, never a percent change
    assert rate["change"] == 5.0 and np.isnan(rate["change_pct"]) and rate["yoy"] == "增长"
    assert row(m, "A2", "membership_rate")["change"] == 10.0   # 80.0% → 90.0%
    down = row(m, "A3", "warmth_funds")        # 50.0 → 40.0: −10.0, −20.0%
    assert (down["change"], down["change_pct"], down["yoy"]) == (-10.0, -20.0, "下降")
    # 10.04 and 9.96 both show as 10.0 (one decimal): the page shows no change, so 持平, change 0.0
    flat = row(m, "A2", "warmth_funds")
    assert flat["yoy"] == "持平" and flat["change"] == 0.0 and flat["change_pct"] == 0.0
    # 100000 → 100010 is +0.01%, shown as 0.0%: 持平, though the count moved by 10
    tiny_move = row(m, "A3", "members")
    assert tiny_move["change"] == 10 and tiny_move["yoy"] == "持平"
    # the rate 50.0% → 50.005% shows 50.0% both years: 持平
    assert row(m, "A3", "membership_rate")["yoy"] == "持平"


def test_mid_year_compares_with_the_same_period_last_year(tmp_path):
    ds = load(tmp_path, {
        Y24: {"A1": {"new_unions": 10}, "A2": {"new_unions": 8}},
        H24: {"A1": {"new_unions": 4}},
        H25: {"A1": {"new_unions": 6}, "A2": {"new_unions": 5}},
    })
    m = compute_metrics(ds, 2025, "2025-06-30")
    a1 = row(m, "A1", "new_unions")            # 6 against 4 on 30 June 2024, not against 10 for all of 2024
    assert (a1["prev_value"], a1["change"], a1["change_pct"], a1["period_label"]) == (4, 2, 50.0, "上年同期")
    a2 = row(m, "A2", "new_unions")            # A2 has no 30 June 2024 figure: 无上年数据, never the full year
    assert np.isnan(a2["prev_value"]) and a2["yoy"] == "无上年数据"


# ---------------------------------------------------------------- 2. targets and completion

def test_completion_exceeded_and_zero_target(tmp_path):
    ds = load(tmp_path, {Y25: {"A1": {"new_unions": 12}, "A2": {"new_unions": 3}, "A3": {"new_unions": 5},
                               "A4": {"new_unions": 10}, "I1": {"new_unions": 9}}},
              targets=[("A1", 2025, "new_unions", 10, "absolute"), ("A2", 2025, "new_unions", 4, "absolute"),
                       ("A3", 2025, "new_unions", 0, "absolute"), ("A4", 2025, "new_unions", 10, "absolute"),
                       ("I1", 2025, "new_unions", 400, "absolute")])
    m = compute_metrics(ds, 2025)
    a1 = row(m, "A1", "new_unions")            # 12 ÷ 10 = 120.0%: 超额完成
    assert (a1["completion"], bool(a1["met"]), a1["exceeded"], a1["gap"], a1["status"]) == (120.0, True, True, 0, "超额完成")
    a2 = row(m, "A2", "new_unions")            # 3 ÷ 4 = 75.0%, 1 short
    assert (a2["completion"], bool(a2["met"]), a2["gap"], a2["status"]) == (75.0, False, 1, "未完成")
    a3 = row(m, "A3", "new_unions")            # target 0: met by any value, no ratio, not 超额
    assert np.isnan(a3["completion"]) and bool(a3["met"]) and not a3["exceeded"] and a3["status"] == "已完成"
    a4 = row(m, "A4", "new_unions")            # exactly 100.0%: 完成, not 超额
    assert a4["completion"] == 100.0 and a4["status"] == "已完成" and not a4["exceeded"]
    assert row(m, "I1", "new_unions")["completion"] == pytest.approx(2.25)   # shown 2.3% (四舍五入)
    assert pd.isna(row(m, "A1", "new_unions")["time_progress"])              # no pacing at year end


def test_thresholds_are_met_or_not_with_the_gap(tmp_path):
    ds = load(tmp_path, {Y25: {
        "A1": {"members": 95, "workers": 100},       # 95.0% vs 95%以上: met
        "A2": {"members": 90, "workers": 100},       # 90.0%: 5.0 百分点 short
        "A3": {"members": 9496, "workers": 10000},   # 94.96% shows as 95.0%: met as shown
        "A4": {"members": 9494, "workers": 10000},   # 94.94% shows as 94.9%: 0.1 百分点 short
        "I1": {"warmth_funds": 88.0}}},
        targets=[(r, 2025, "membership_rate", 95, "threshold") for r in ("A1", "A2", "A3", "A4")]
        + [("I1", 2025, "warmth_funds", 100, "threshold")])
    m = compute_metrics(ds, 2025)
    t1, t2, t3, t4 = (row(m, r, "membership_rate") for r in ("A1", "A2", "A3", "A4"))
    assert bool(t1["met"]) and t1["gap"] == 0 and t1["status"] == "已达标" and t1["target_bound"] == "以上"
    assert np.isnan(t1["completion"]) and t1["target_type"] == "threshold"
    assert not bool(t2["met"]) and t2["gap"] == 5.0 and t2["status"] == "未达标"
    assert bool(t3["met"]) and t3["gap"] == 0
    assert not bool(t4["met"]) and t4["gap"] == 0.1
    i1 = row(m, "I1", "warmth_funds")           # an amount threshold "100万元以上": 12.0 short, no ratio
    assert not bool(i1["met"]) and i1["gap"] == 12.0 and np.isnan(i1["completion"]) and i1["target_bound"] == "以上"


def test_lower_is_better_targets_ranks_and_changes(tmp_path):
    ds = load(tmp_path, {
        Y24: {"A1": {"petitions": 20}, "A2": {"petitions": 6}, "A3": {"petitions": 9}},   # 6 → 25: < 5 times, no typo
        Y25: {"A1": {"petitions": 18}, "A2": {"petitions": 25}, "A3": {"petitions": 12}}},
        targets=[("A1", 2025, "petitions", 20, "absolute"), ("A2", 2025, "petitions", 20, "absolute"),
                 ("A3", 2025, "petitions", 10, "threshold")])
    m = compute_metrics(ds, 2025)
    a1, a2, a3 = (row(m, r, "petitions") for r in ("A1", "A2", "A3"))
    # "控制在20件以内": 18 is within, 25 is 5 over; no completion ratio for a ceiling
    assert bool(a1["met"]) and a1["status"] == "控制在目标内" and a1["target_bound"] == "以内" and a1["gap"] == 0
    assert not bool(a2["met"]) and a2["status"] == "超出控制目标" and a2["gap"] == 5 and np.isnan(a2["completion"])
    # "10件以下" of a flow caps the year's total as "控制在10件以内" does: 12 is 2 over the ceiling
    assert not bool(a3["met"]) and a3["target_bound"] == "以内" and a3["gap"] == 2 and a3["status"] == "超出控制目标"
    # fewer is better: 2025 A3 12 (1st), A1 18 (2nd), A2 25 (3rd); 2024 A2 6, A3 9, A1 20
    assert [row(m, r, "petitions")["rank"] for r in ("A3", "A1", "A2")] == [1, 2, 3]
    assert [row(m, r, "petitions")["rank_change"] for r in ("A3", "A1", "A2")] == [1, 1, -2]


# ---------------------------------------------------------------- 2b. pacing at a mid-year date

def test_pacing_against_time_elapsed(tmp_path):
    ds = load(tmp_path, {H25: {"A1": {"new_unions": 6, "warmth_funds": 49.9, "members": 10},
                               "A2": {"new_unions": 5, "warmth_funds": 999.0},
                               "A3": {"new_unions": 4}}},
              targets=[("A1", 2025, "new_unions", 10, "absolute"), ("A2", 2025, "new_unions", 10, "absolute"),
                       ("A3", 2025, "new_unions", 10, "absolute"), ("A1", 2025, "warmth_funds", 100, "absolute"),
                       ("A2", 2025, "warmth_funds", 2000, "absolute"), ("A1", 2025, "members", 20, "absolute")])
    m = compute_metrics(ds, 2025, "2025-06-30")
    a1 = row(m, "A1", "new_unions")            # 30 June: 时间进度 6 ÷ 12 = 50.0%; 60.0% done, 10.0 ahead: 超前
    assert (a1["time_progress"], a1["completion"], a1["pace_gap"], a1["pace"]) == (50.0, 60.0, 10.0, "超前")
    assert row(m, "A2", "new_unions")["pace"] == "同步"          # 50.0% = 50.0%
    a3 = row(m, "A3", "new_unions")            # 40.0%: 10.0 百分点 behind
    assert (a3["pace_gap"], a3["pace"]) == (-10.0, "滞后")
    w1 = row(m, "A1", "warmth_funds")          # 49.9%: behind by 0.1
    assert (w1["pace_gap"], w1["pace"]) == (-0.1, "滞后")
    w2 = row(m, "A2", "warmth_funds")          # 999 ÷ 2000 = 49.95% shows as 50.0% (四舍五入): 同步
    assert (w2["pace_gap"], w2["pace"]) == (0.0, "同步")
    stock = row(m, "A1", "members")            # a stock is not paced against time
    assert stock["pace"] == "" and np.isnan(stock["time_progress"]) and stock["completion"] == 50.0
    # the rule's bounds can be changed, in one place
    loose = compute_metrics(ds, 2025, "2025-06-30", rules=Rules(ahead_margin_pp=15.0, pace_tolerance_pp=0.5))
    assert row(loose, "A1", "new_unions")["pace"] == "同步" and row(loose, "A1", "warmth_funds")["pace"] == "同步"


def test_time_progress_rule():
    assert year_elapsed(pd.Timestamp("2025-06-30")) == 0.5          # 时间过半
    assert year_elapsed(pd.Timestamp("2025-03-31")) == 0.25
    assert year_elapsed(pd.Timestamp("2025-12-31")) == 1.0
    # one basis for every date: months, the current month by its days (rule 4)
    assert year_elapsed(pd.Timestamp("2025-07-15")) == pytest.approx((6 + 15 / 31) / 12)
    assert year_elapsed(pd.Timestamp("2024-02-29")) == 2 / 12       # the end of a leap February
    assert year_elapsed(pd.Timestamp("2024-03-01")) == pytest.approx((2 + 1 / 31) / 12)
    gap, pace = pace_status([np.nan, 55.0], 50.0)
    assert np.isnan(gap[0]) and pace.tolist() == ["", "同步"]


def test_an_as_of_date_outside_the_year_is_refused(tmp_path):
    ds = load(tmp_path, {Y25: {"A1": {"new_unions": 1}}})
    with pytest.raises(ParameterError, match="不在 2025 年内"):
        compute_metrics(ds, 2025, "2024-06-30")
    with pytest.raises(ParameterError, match="as_of"):
        compute_metrics(ds, 2025, "6月30日")


# ---------------------------------------------------------------- 3. roll-up

def test_rollup_sums_amounts_and_rates_are_ratio_of_sums(tmp_path):
    ds = load(tmp_path, {Y25: {"A1": {"new_unions": 12, "members": 950, "workers": 1000},
                               "A2": {"new_unions": 3, "members": 90, "workers": 100},
                               "A3": {"new_unions": 5, "members": 450, "workers": 500}}})
    v = values_at(ds, 2025).set_index(["region", "indicator"])
    assert v.at[("C0", "new_unions"), "value"] == 12 + 3 + 5
    assert v.at[("C0", "members"), "value"] == 950 + 90 + 450
    # (950 + 90 + 450) ÷ (1000 + 100 + 500) = 93.125%, not the mean of 95%, 90%, 90% (91.67%)
    assert v.at[("C0", "membership_rate"), "value"] == pytest.approx(93.125)
    assert v.at[("C0", "new_unions"), "source"] == "由下级汇总" and v.at[("C0", "new_unions"), "basis"] == "rollup"
    assert v.at[("A1", "membership_rate"), "basis"] == "parts"


def test_rollup_where_some_children_lack_a_figure(tmp_path):
    ds = load(tmp_path, {
        Y24: {"A3": {"warmth_funds": 50.0}},
        Y25: {"A1": {"warmth_funds": 110.0, "members": 950, "workers": 1000},
              "A2": {"warmth_funds": 10.0, "members": 90, "workers": 100},
              "A3": {"members": 450},                               # no workers, no warmth_funds
              "I1": {"members": 10, "workers": 20}, "I2": {"members": 5, "workers": 10}}})
    m = compute_metrics(ds, 2025)
    city = row(m, "C0", "warmth_funds")        # 110.0 + 10.0 from the two counties that have it
    assert city["value"] == 120.0 and "children_incomplete" in set(city["flag_codes"])
    assert "missing" in flags(m, "A3", "warmth_funds")       # its peers report it, it does not
    assert "missing" in flags(m, "A3", "membership_rate")
    # the rate over the children that report both parts: (950 + 90 + 10 + 5) ÷ (1000 + 100 + 20 + 10)
    rate = row(m, "C0", "membership_rate")
    assert rate["value"] == pytest.approx(1055 / 1130 * 100)
    assert "children_incomplete" in set(rate["flag_codes"])
    # members themselves sum over every child that has them
    assert row(m, "C0", "members")["value"] == 950 + 90 + 450 + 10 + 5
    # 产业工会 without warmth_funds are not "missing": none of their peers report it
    assert "I1" not in set(m.loc[m["indicator"] == "warmth_funds", "region"])


def test_a_parent_reporting_its_own_figure(tmp_path):
    ds = load(tmp_path, {Y25: {"C0": {"new_unions": 25, "warmth_funds": 120.0, "petitions": 8},
                               "A1": {"new_unions": 12, "warmth_funds": 110.04, "petitions": 5},
                               "A2": {"new_unions": 8, "warmth_funds": 9.92, "petitions": 3}}},
              regions=REGIONS[:3])
    m = compute_metrics(ds, 2025)
    nu = row(m, "C0", "new_unions")            # own 25 is used; children sum 20; flagged
    assert (nu["value"], nu["children_sum"], nu["basis"]) == (25, 20, "reported")
    assert "children_mismatch" in set(nu["flag_codes"]) and "与下级汇总数不一致" in nu["flags"]
    wf = row(m, "C0", "warmth_funds")          # 110.04 + 9.92 = 119.96, shown 120.0 = own 120.0: no flag
    assert wf["children_sum"] == pytest.approx(119.96) and "children_mismatch" not in set(wf["flag_codes"])
    assert "children_mismatch" not in flags(m, "C0", "petitions")   # 8 = 5 + 3


def test_no_mismatch_flag_against_an_incomplete_sum(tmp_path):
    # A3 reports nothing while its peers do: the difference says nothing about the parent's figure;
    # A3 is flagged as missing instead
    ds = load(tmp_path, {Y25: {"C0": {"new_unions": 25}, "A1": {"new_unions": 12}, "A2": {"new_unions": 8},
                               "A3": {"members": 1}}}, regions=REGIONS[:4])
    m = compute_metrics(ds, 2025)
    assert "children_mismatch" not in flags(m, "C0", "new_unions")
    assert "missing" in flags(m, "A3", "new_unions")


def test_rollup_over_three_levels_keeps_rates_as_ratio_of_sums(tmp_path):
    regions = [("P", "乙省", "乙省总工会", "省", "省", "", "0"),
               ("C1", "一市", "一市总工会", "市", "市", "P", "1"), ("C2", "二市", "二市总工会", "市", "市", "P", "2"),
               ("X1", "一县", "一县总工会", "县", "县(市)区", "C1", "3"),
               ("X2", "二县", "二县总工会", "县", "县(市)区", "C1", "4"),
               ("X3", "三县", "三县总工会", "县", "县(市)区", "C2", "5")]
    ds = load(tmp_path, {Y25: {"X1": {"members": 1, "workers": 4}, "X2": {"members": 3, "workers": 4},
                               "X3": {"members": 90, "workers": 100}}}, regions=regions)
    v = values_at(ds, 2025).set_index(["region", "indicator"])["value"]
    assert v[("C1", "membership_rate")] == 50.0                     # (1 + 3) ÷ (4 + 4)
    assert v[("P", "membership_rate")] == pytest.approx(94 / 108 * 100)   # not the mean of 50% and 90%
    # the hierarchy is read from the parent codes alone (a loader need not supply depths)
    from dataclasses import replace
    bare = replace(ds, regions=ds.regions.drop(columns="depth"))
    pd.testing.assert_frame_equal(values_at(bare, 2025), values_at(ds, 2025))


def test_approximation_marks_are_propagated(tmp_path):
    ds = load(tmp_path, {
        Y24: {"A1": {"warmth_funds": 100.0}, "A2": {"warmth_funds": 10.0}},
        Y25: {"A1": {"warmth_funds": (110.0, "近"), "members": (950, "余"), "workers": 1000, "new_unions": (6, "余")},
              "A2": {"warmth_funds": 10.0, "members": 90, "workers": 100, "new_unions": (3, "多")},
              "A3": {"new_unions": (5, "近")}}},
        targets=[("A1", 2025, "warmth_funds", 100, "absolute")])
    m = compute_metrics(ds, 2025)
    a1 = row(m, "A1", "warmth_funds")
    assert a1["approx"] == "近" and a1["change_approx"] == "约" and a1["completion_approx"] == "约"
    assert "approx" in set(a1["flag_codes"])
    assert row(m, "C0", "warmth_funds")["approx"] == "近"         # 近110 + 10 = 近120
    assert row(m, "A1", "membership_rate")["approx"] == "约"      # a rate from an approximate part
    assert row(m, "C0", "new_unions")["approx"] == "约"           # 余 + 多 + 近: a mix
    assert row(m, "A2", "warmth_funds")["approx"] == "" and row(m, "A2", "warmth_funds")["change_approx"] == ""


# ---------------------------------------------------------------- 4. ranking

def test_ranking_ties_skips_and_groups(tmp_path):
    ds = load(tmp_path, {
        Y24: {"A1": {"new_unions": 10}, "A2": {"new_unions": 0}, "A3": {"new_unions": 5}, "A4": {"new_unions": 7}},
        Y25: {"A1": {"new_unions": 12, "members": 95, "workers": 100},
              "A2": {"new_unions": 9, "members": 9313, "workers": 10000},      # 93.13% shows 93.1%
              "A3": {"new_unions": 5, "members": 745, "workers": 800},         # 93.125% shows 93.1%
              "A4": {"new_unions": 7, "members": 80, "workers": 100},
              "I1": {"new_unions": 2}, "I2": {"new_unions": 3}}})
    m = compute_metrics(ds, 2025)
    # 入会率 95.0, 93.1, 93.1, 80.0 → 1, 并列2, 并列2, 4 (the third place is skipped, as a 通报 does)
    ranks = [row(m, r, "membership_rate") for r in ("A1", "A2", "A3", "A4")]
    assert [r["rank"] for r in ranks] == [1, 2, 2, 4] and [r["tied"] for r in ranks] == [False, True, True, False]
    assert {r["peers"] for r in ranks} == {4}
    # new_unions 2025: A1 12, A2 9, A4 7, A3 5; 2024: A1 10, A4 7, A3 5, A2 0
    assert [row(m, r, "new_unions")["rank"] for r in ("A1", "A2", "A4", "A3")] == [1, 2, 3, 4]
    assert [row(m, r, "new_unions")["rank_prev"] for r in ("A1", "A2", "A4", "A3")] == [1, 4, 2, 3]
    assert [row(m, r, "new_unions")["rank_change"] for r in ("A1", "A2", "A4", "A3")] == [0, 2, -1, -1]
    # 产业工会 rank among themselves; the city has no peers
    assert (row(m, "I2", "new_unions")["rank"], row(m, "I2", "new_unions")["peers"]) == (1, 2)
    assert pd.isna(row(m, "C0", "new_unions")["rank"])


# ---------------------------------------------------------------- 5. quality flags

def test_quality_flags(tmp_path):
    ds = load(tmp_path, {
        Y24: {"A1": {"new_unions": 10, "members": 50, "workers": 100}, "A2": {"new_unions": 1, "warmth_funds": 20.0},
              "A3": {"new_unions": 100, "warmth_funds": 30.0}, "A4": {"new_unions": 12}},
        Y25: {"A1": {"new_unions": 120, "members": 95, "workers": 100, "membership_rate": 95},
              "A2": {"new_unions": 6, "members": 120, "workers": 100, "warmth_funds": -3.0},
              "A3": {"new_unions": 20, "members": 745, "workers": 800, "membership_rate": 93, "warmth_funds": 30.0},
              "A4": {"members": 9313, "workers": 10000, "membership_rate": 95.2, "petitions": 0},
              "I1": {"members": 0, "workers": 0}}})
    m = compute_metrics(ds, 2025)
    assert "yoy_jump" in flags(m, "A1", "new_unions")           # 10 → 120: twelve times, a likely typo
    assert "yoy_jump" not in flags(m, "A2", "new_unions")       # 1 → 6: small counts vary
    assert "yoy_jump" in flags(m, "A3", "new_unions")           # 100 → 20: a fifth
    assert "rate_jump" in flags(m, "A1", "membership_rate")     # 50.0% → 95.0%: 45 百分点
    assert "rate_over_100" in flags(m, "A2", "membership_rate")  # 120 members of 100 workers
    assert "negative" in flags(m, "A2", "warmth_funds")
    assert "stated_mismatch" in flags(m, "A4", "membership_rate")      # stated 95.2, computed 93.13
    assert "stated_mismatch" not in flags(m, "A3", "membership_rate")  # stated 93 = 93.125 at 0 decimals
    assert "stated_mismatch" not in flags(m, "A1", "membership_rate")  # stated 95 = 95.0
    assert row(m, "A4", "membership_rate")["value"] == pytest.approx(93.13)   # the pack uses the computed rate
    assert row(m, "A4", "membership_rate")["stated"] == 95.2
    assert "zero_denominator" in flags(m, "I1", "membership_rate") and np.isnan(row(m, "I1", "membership_rate")["value"])
    assert "missing" in flags(m, "A4", "new_unions")            # reported last year, not this year
    assert row(m, "A4", "new_unions")["yoy"] == "无本期数据"
    assert "missing" not in flags(m, "A4", "petitions")
    assert row(m, "A3", "new_unions")["flags"] == "同比变动异常，疑为录入错误"
    assert set(FLAGS) >= {c for codes in m["flag_codes"] for c in codes}
    # the bound is a rule parameter
    strict = compute_metrics(ds, 2025, rules=Rules(jump_factor=20.0))
    assert "yoy_jump" not in flags(strict, "A1", "new_unions")


def test_stated_rate_without_parts_is_used(tmp_path):
    ds = load(tmp_path, {Y25: {"A1": {"membership_rate": 92.5}, "A2": {"members": 90, "workers": 100}}})
    v = values_at(ds, 2025).set_index(["region", "indicator"])
    assert v.at[("A1", "membership_rate"), "value"] == 92.5 and v.at[("A1", "membership_rate"), "basis"] == "stated"
    # the city's rate cannot use a rate without parts: only A2's parts count, and it says so
    m = compute_metrics(ds, 2025)
    city = row(m, "C0", "membership_rate")
    assert city["value"] == 90.0 and "children_incomplete" in set(city["flag_codes"])


# ---------------------------------------------------------------- the frame as a whole

def test_one_frame_for_all_regions_and_inputs_untouched(tmp_path):
    ds = load(tmp_path, {Y24: {"A1": {"new_unions": 10}}, H25: {"A1": {"new_unions": 6}},
                         Y25: {"A1": {"new_unions": 12}, "I1": {"new_unions": 2}}},
              targets=[("A1", 2025, "new_unions", 10, "absolute")])
    before = [f.copy() for f in (ds.figures, ds.targets, ds.regions, ds.catalog)]
    m = compute_metrics(ds, 2025, "2025-06-30")
    for frame, copy in zip((ds.figures, ds.targets, ds.regions, ds.catalog), before):
        pd.testing.assert_frame_equal(frame, copy)
    assert m["met"].dtype == "boolean"
    assert list(m["region"]) == sorted(m["region"])
    required = ["region", "indicator", "name", "unit", "kind", "theme", "direction", "decimals", "tier", "order",
                "theme_order", "value", "approx", "source", "children_sum", "stated", "prev_value", "prev_approx",
                "change", "change_pct", "yoy", "target", "target_type", "issuer", "completion", "met", "gap",
                "time_progress", "pace_gap", "pace", "rank", "rank_prev", "rank_change", "peers", "flags", "year",
                "as_of"]
    assert [c for c in required if c not in m.columns] == []
    assert not np.isinf(m.select_dtypes("number").to_numpy(dtype=float)).any()


def test_sample_city_completion_is_sum_over_sum():
    ds = load_dataset("data/sample")
    m = compute_metrics(ds, 2025)
    kids = m[(m["indicator"] == "new_members") & (m["region"] != "SL00")]
    city = row(m, "SL00", "new_members")
    assert city["value"] == kids["value"].sum()
    assert city["completion"] == pytest.approx(city["value"] / city["target"] * 100)


# ---------------------------------------------------------------- golden metrics of sample packs

def _refresh_golden():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "scripts" / "refresh_golden.py"
    spec = importlib.util.spec_from_file_location("refresh_golden", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GOLDEN = _refresh_golden()


@pytest.fixture(scope="module")
def sample():
    return load_dataset("data/sample")


@pytest.mark.parametrize("region,year,as_of", GOLDEN.CASES)
def test_golden_metrics(sample, region, year, as_of):
    path = GOLDEN.golden_path(region, year, as_of)
    assert path.is_file(), f"缺少基准文件 {path.name}：运行 make golden 生成，核对后提交。"
    expected = path.read_text(encoding="utf-8")
    got = GOLDEN.golden_text(sample, region, year, as_of)
    assert got == expected, (f"{path.name} 与当前计算结果不同。若改动是有意的，运行 make golden，"
                             "用 git diff tests/golden 逐项核对后提交。")


def test_golden_figures_by_hand(sample):
    """A few numbers of the golden files, worked out by hand from data/sample/figures.csv."""
    mid = compute_metrics(sample, 2026, "2026-06-30")
    nu = row(mid, "SL01", "new_unions")   # 36 by 30 June 2026 against 34 by 30 June 2025; target 70
    assert (nu["value"], nu["prev_value"], nu["change"]) == (36, 34, 2)
    assert round(nu["change_pct"], 4) == 5.8824                  # 2 ÷ 34
    assert round(nu["completion"], 4) == 51.4286                 # 36 ÷ 70
    assert (nu["time_progress"], nu["pace_gap"], nu["pace"]) == (50.0, 1.4, "同步")   # 51.4 − 50.0
    assert (nu["rank"], nu["rank_prev"], nu["rank_change"], nu["peers"]) == (7, 8, 1, 12)


# ---------------------------------------------------------------- 8. year-end targets before the year ends

def test_year_end_targets_before_year_end_are_open_and_at_risk_only_by_projection(tmp_path):
    ds = load(tmp_path, {
        H24: {"A1": {"members": 900, "workers": 1000, "petitions": 10}, "A2": {"members": 800, "workers": 1000},
              "A3": {"members": 850, "workers": 1000}},
        H25: {"A1": {"members": 940, "workers": 1000, "petitions": 12}, "A2": {"members": 950, "workers": 1000},
              "A3": {"members": 930, "workers": 1000}},
        Y25: {"A1": {"members": 960, "workers": 1000}}},
        targets=[("A1", 2025, "members", 1000, "absolute"), ("A2", 2025, "members", 1000, "absolute"),
                 ("A3", 2025, "membership_rate", 95, "threshold"), ("A1", 2025, "petitions", 20, "absolute")])
    m = compute_metrics(ds, 2025, "2025-06-30")
    a1 = row(m, "A1", "members")      # 940 + (940 − 900) × (1 − 0.5) = 960 < 1000: at risk
    assert (a1["status"], a1["projection"], bool(a1["at_risk"]), a1["pace"]) == ("尚未完成", 960.0, True, "")
    a2 = row(m, "A2", "members")      # 950 + 150 × 0.5 = 1025 ≥ 1000: on its way
    assert (a2["status"], a2["projection"], bool(a2["at_risk"])) == ("尚未完成", 1025.0, False)
    a3 = row(m, "A3", "membership_rate")   # 93.0% + 8.0 × 0.5 = 97.0% ≥ 95%
    assert (a3["status"], a3["projection"], bool(a3["at_risk"])) == ("尚未达标", 97.0, False)
    p1 = row(m, "A1", "petitions")    # a ceiling of a flow: 12 so far ÷ 0.5 = 24 for the year > 20
    assert (p1["status"], p1["projection"], bool(p1["at_risk"])) == ("控制在目标内", 24.0, True)
    end = row(compute_metrics(ds, 2025), "A1", "members")    # at year end the same shortfall is 未完成
    assert (end["status"], bool(end["at_risk"])) == ("未完成", False) and np.isnan(end["projection"])


def test_a_likely_typo_takes_no_rank_and_pushes_no_peer_down(tmp_path):
    ds = load(tmp_path, {Y24: {"A1": {"new_unions": 10}, "A2": {"new_unions": 8}, "A3": {"new_unions": 6}},
                         Y25: {"A1": {"new_unions": 11}, "A2": {"new_unions": 9}, "A3": {"new_unions": 70}}})
    m = compute_metrics(ds, 2025)
    a3 = row(m, "A3", "new_unions")   # 6 → 70: more than five times, a likely typo
    assert bool(a3["doubtful"]) and np.isnan(a3["rank"]) and np.isnan(a3["rank_prev"])
    assert [row(m, r, "new_unions")["rank"] for r in ("A1", "A2")] == [1, 2]
    assert {row(m, r, "new_unions")["peers"] for r in ("A1", "A2")} == {2}
    assert not bool(row(m, "A1", "new_unions")["doubtful"])


def test_a_ceiling_on_a_flow_is_kept_so_far_at_mid_year_and_at_risk_when_its_pace_passes_it(tmp_path):
    # "控制在55件以内" arrives from a 目标任务分解表 as a threshold on 信访 (fewer is better, counted over the year):
    # at mid-year 30 cases are within 55 so far, but 30 ÷ 50% = 60 for the year passes it (rule 8); 20 do not.
    ds = load_dataset(make_dataset(tmp_path, [
        ("A1", 2026, "2026-06-30", "petitions", 30), ("A2", 2026, "2026-06-30", "petitions", 20),
        ("A1", 2025, "2025-06-30", "petitions", 28), ("A2", 2025, "2025-06-30", "petitions", 21)],
        targets=[("A1", 2026, "petitions", 55, "threshold", "市总"), ("A2", 2026, "petitions", 55, "threshold", "市总")]))
    m = compute_metrics(ds, 2026, "2026-06-30")
    a1, a2 = row(m, "A1", "petitions"), row(m, "A2", "petitions")
    assert a1["target_bound"] == a2["target_bound"] == "以内" and a1["status"] == a2["status"] == "控制在目标内"
    assert bool(a1["at_risk"]) and a1["projection"] == 60 and not bool(a2["at_risk"])
    from briefing.present.completion import _counts
    from briefing.present.narrate import phrase_target
    assert phrase_target(a1) == "目前在“55件以内”的控制目标之内，但按目前速度全年将达到60件左右，超出控制目标"
    assert phrase_target(a2) == "目前在“55件以内”的控制目标之内"
    counts = _counts(m[m["region"].isin(["A1", "A2"]) & m["target"].notna()])
    assert counts["reached"] == 0 and counts["open"] == 2 and counts["risk"] == 1
