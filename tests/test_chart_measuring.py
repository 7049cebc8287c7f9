"""Label limits no label can reach are dropped (0) and the charts draw the same, wide and narrow
(bench/perf-notes.md, cut 2; ``present/chart_limits``)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from briefing.present import chart_limits, charts


def test_labels_fit_only_with_an_em_to_spare():
    assert chart_limits.labels_fit(["职工之家建设达标率（%）", "新发展会员"], 240)
    assert chart_limits.labels_fit(["城关区", "2025"], 112)
    assert chart_limits.labels_fit(["很" * 18], 220)               # 18 em and one to spare at 11 px: 209 px
    assert not chart_limits.labels_fit(["很" * 19], 220)           # 220 px: not below the limit
    assert not chart_limits.labels_fit(["很" * 10], 112)           # 121 px: a phone's limit may cut it
    assert not chart_limits.labels_fit(["W" * 16], 220)            # ASCII counted at 1.2 em
    assert not chart_limits.labels_fit(["名\u202e字"], 220)        # a character of unknown width
    assert not chart_limits.labels_fit(["﷽"], 220)


def test_ticks_fit_only_for_short_numbers():
    assert chart_limits.ticks_fit([12.5, -30.2, 4], 112)
    assert chart_limits.ticks_fit([1234567, 1234890], 220, zero=False)
    assert chart_limits.ticks_fit([1234567.0, 1234567.0], 220, zero=False)   # one value: d3 prints 6 decimals
    assert not chart_limits.ticks_fit([1234567.0, 1234567.0], 112, zero=False)
    assert not chart_limits.ticks_fit([1e20, 2e20], 220)
    assert not chart_limits.ticks_fit([1e13, 1e13 + 0.01], 220, zero=False)  # tiny step on a big number
    assert not chart_limits.ticks_fit([float("nan")], 220)
    assert not chart_limits.ticks_fit([float("inf"), 1], 220)


def _peers_spec(names: list[str]) -> dict:
    metrics = pd.DataFrame({
        "region": ["A", "B"], "indicator": ["x", "x"], "value": [1.0, 2.0], "name": ["指标", "指标"],
        "unit": ["", ""], "decimals": [0, 0], "approx": ["", ""], "direction": ["higher", "higher"]})
    regions = pd.DataFrame({"name": names, "parent": ["P", "P"], "group": ["g", "g"]}, index=["A", "B"])
    return charts.chart_peers(metrics, "A", "x", regions).to_dict()


def test_a_label_the_phone_drawing_may_cut_keeps_the_limits():
    short = _peers_spec(["甲区", "乙区"])["layer"][0]["encoding"]["y"]
    assert short["axis"] == {"labelLimit": 0}
    for names in (["甲", "很" * 30], ["甲", "很" * 10]):   # too long for the wide drawing / for the narrow one
        spec = _peers_spec(names)
        y = spec["layer"][0]["encoding"]["y"]
        assert "axis" not in y                               # the theme's 220, cut to 112 on a phone
        assert charts.narrow_spec(spec)["config"]["axis"]["labelLimit"] == charts.NARROW_LABEL_LIMIT


def test_legends_keep_vega_limits_for_long_words():
    assert chart_limits.legend(["向好", "向差"], "变化方向").to_dict() == {"labelLimit": 0, "titleLimit": 0}
    assert chart_limits.legend(["很" * 20], "变化方向").to_dict() == {"titleLimit": 0}
    assert chart_limits.legend(["很" * 20], "很" * 20) is chart_limits.alt.Undefined


_REGIONS = ("城关区", "示例市", "市教育工会")


def _pack_drawings() -> list[str]:
    import briefing
    out = []
    for region in _REGIONS:
        pack = briefing.open_pack({"region": region, "year": 2025})
        for chart in (briefing.chart_completion(pack.region_metrics, note=pack.note),
                      briefing.chart_yoy(pack.region_metrics, note=pack.note),
                      briefing.chart_trend(pack.series, pack.region, pack.key_indicators, pack.dataset.catalog,
                                           note=pack.note),
                      briefing.chart_peers(pack.metrics, pack.region, "new_members", pack.dataset.regions,
                                           note=pack.note)):
            bundle = charts._svg_with_narrow(chart.to_dict())
            out += [bundle["image/svg+xml"], bundle[charts.NARROW_MIME]]
    return out


@pytest.mark.slow
def test_charts_draw_the_same_without_the_limits_no_label_reaches(monkeypatch):
    """Wide and narrow drawings of three regions' charts: with the limits dropped and with every limit kept
    (as before the labels were checked), byte-identical SVG."""
    dropped = _pack_drawings()
    specs = json.dumps(dropped)
    monkeypatch.setattr(chart_limits, "labels_fit", lambda *a, **k: False)
    monkeypatch.setattr(charts, "labels_fit", lambda *a, **k: False)
    monkeypatch.setattr(charts, "ticks_fit", lambda *a, **k: False)
    kept = _pack_drawings()
    assert len(kept) == len(dropped) == 24
    assert json.dumps(kept) == specs
