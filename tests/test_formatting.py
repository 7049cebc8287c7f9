import math

import pytest

from briefing.formatting import format_amount, format_number, format_percent, format_points, format_value, round_half_up


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
