"""Half-up rounding and the one formatting function shared by tables, charts and sentences."""

import math

import numpy as np
import pandas as pd
import pytest

from briefing.formatting import (
    format_amount, format_change, format_figure, format_number, format_percent, format_points, format_signed_percent,
    format_value, half_up_scaled, is_missing, round_half_up, round_half_up_array,
)


@pytest.mark.parametrize("value,decimals,expected", [
    (2.5, 0, "3"), (3.5, 0, "4"), (-2.5, 0, "-3"), (2.25, 1, "2.3"), (0.125, 2, "0.13"),
    (1.005, 2, "1.01"),  # the float 1.005 is shown as written, not as 1.00499999…
    (99.95, 1, "100.0"),
])
def test_round_half_up_is_sishewuru(value, decimals, expected):
    assert str(round_half_up(value, decimals)) == expected


def test_table_numbers():
    assert format_number(1234567.25, 1) == "1,234,567.3"
    assert format_number(float("nan")) == "—"
    assert format_number(-0.04, 1) == "0.0"  # never "-0.0"
    assert format_percent(92.345) == "92.3%"
    assert format_value(140, "万元", 1, "近") == "近140.0"
    assert format_value(95.25, "%", 1) == "95.3"


def test_sentence_amounts_use_wan_and_yi():
    assert format_amount(2589, "人") == "2589人"          # no thousands separator in sentences
    assert format_amount(99999, "人") == "99999人"
    assert format_amount(648100, "人") == "64.81万人"
    assert format_amount(700000, "人") == "70万人"
    assert format_amount(12650.5, "万元", 1) == "1.27亿元"
    assert format_amount(201.14, "万元", 1) == "201.1万元"
    assert format_amount(92.35, "%", 1) == "92.4%"
    assert format_amount(math.nan, "人") == "无数据"


def test_approximate_figures_stay_approximate():
    assert format_amount(140, "万元", 1, "近") == "近140万元"
    assert format_amount(60000, "份", 0, "余") == "60000余份"
    assert format_amount(700000, "人", 0, "余") == "70余万人"
    assert format_amount(150000, "人次", 0, "突破") == "突破15万人次"
    assert format_amount(2000, "件", 0, "多") == "2000多件"


def test_points_not_percent():
    assert format_points(1.25) == "1.3个百分点"
    assert format_points(-0.84, signed=True) == "-0.8个百分点"
    assert format_points(0.84, signed=True) == "+0.8个百分点"


# ---------------------------------------------------------------- one rule, one function


def test_vectorised_rounding_is_the_same_rule():
    values = [2.5, 3.5, -2.5, 2.25, 0.125, 1.005, 99.95, 2.675, float("nan")]
    decimals = [0, 0, 0, 1, 2, 2, 1, 2, 1]
    got = round_half_up_array(values, decimals)
    assert got[:-1].tolist() == [3.0, 4.0, -3.0, 2.3, 0.13, 1.01, 100.0, 2.68] and np.isnan(got[-1])
    for v, d, g in zip(values[:-1], decimals, got[:-1]):
        assert float(round_half_up(v, d)) == g
    # pandas and numpy round half to even; we do not
    assert np.round(2.5) == 2.0 and half_up_scaled(2.5, 0) == 3.0
    assert half_up_scaled(-0.04, 1) == 0.0 and str(half_up_scaled(-0.04, 1)) == "0.0"   # never "-0"


def test_large_numbers_are_not_pushed_up():
    assert round_half_up_array([123456789012.0, 2.0 ** 53], 0).tolist() == [123456789012.0, 2.0 ** 53]
    assert format_number(9007199254740993, 0) == "9,007,199,254,740,992"   # the float as stored


def test_one_function_for_tables_charts_and_sentences():
    v = 12345.65
    assert format_figure(v, "人", 1) == "12,345.7" == format_value(v, "人", 1) == format_number(v, 1)
    assert format_figure(v, "人", 1, style="chart") == "12345.7"
    assert format_figure(v, "人", 1, style="sentence") == "12345.7人" == format_amount(v, "人", 1)
    assert format_figure(float("nan"), "人", style="sentence") == "无数据"
    with pytest.raises(ValueError, match="style"):
        format_figure(1, "人", style="speech")


def test_nothing_undefined_reaches_the_page():
    for bad in (float("nan"), float("inf"), -float("inf"), None, np.nan):
        assert is_missing(bad)
        assert format_number(bad) == "—" and format_percent(bad) == "—" and format_points(bad) == "—"
        assert format_amount(bad, "人") == "无数据"
    assert is_missing(pd.NA) and is_missing(pd.NaT) and not is_missing(0) and not is_missing(np.int64(3))


def test_changes_for_tables_and_charts():
    assert format_change(2, 20.0, "flow") == "+20.0%"
    assert format_change(-1, -12.345, "stock") == "-12.3%"
    assert format_change(1.25, float("nan"), "rate") == "+1.3个百分点"     # rates: 百分点, never %
    assert format_change(3, float("nan"), "flow", "新增") == "新增"
    assert format_change(float("nan"), float("nan"), "flow", "无上年数据") == "无上年数据"
    assert format_change(float("nan"), float("nan"), "flow", "下降") == "—"
    assert format_signed_percent(0.04) == "0.0%" and format_signed_percent(-0.05) == "-0.1%"


def test_percent_keeps_approximation():
    assert format_percent(93.25, approx="约") == "约93.3%"
    assert format_amount(93.25, "%", 1, "约") == "约93.3%"
