"""Properties of the arithmetic that must hold for any figures (hypothesis).

The base data set (catalogue and regions) is read once through ``load_dataset``; each
example swaps in its own figures and targets.
"""

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.compute import compute_metrics, values_at
from briefing.formatting import format_number, half_up_scaled, round_half_up
from briefing.data import load_dataset

from .conftest import make_dataset, write_csv

COUNTIES = [f"A{i}" for i in range(1, 7)]
REGIONS = [("C0", "甲市", "甲市总工会", "市", "市", "", "0")] + [
    (code, f"{code}县", f"{code}县总工会", "县", "县(市)区", "C0", str(n)) for n, code in enumerate(COUNTIES, 1)]
SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    folder = make_dataset(tmp_path_factory.mktemp("props") / "d", [("A1", 2025, "", "new_unions", 1)])
    write_csv(folder / "regions.csv", ["code", "name", "union_name", "level", "group", "parent", "order"], REGIONS)
    return load_dataset(folder)


def with_figures(ds, rows, targets=()):
    figures = pd.DataFrame(rows, columns=["region", "year", "indicator", "value"])
    figures["as_of"] = pd.to_datetime(figures["year"].astype(str) + "-12-31")
    figures = figures.assign(approx="", source="测试", note="", file_row=np.arange(len(figures)) + 2)
    figures = figures[["region", "year", "as_of", "indicator", "value", "approx", "source", "note", "file_row"]]
    t = pd.DataFrame(list(targets), columns=["region", "year", "indicator", "target", "target_type"])
    t = t.assign(issuer="市总", note="", file_row=np.arange(len(t)) + 2)
    return replace(ds, figures=figures, targets=t)


# a county: members ≤ workers, either part possibly missing
part = st.one_of(st.none(), st.integers(0, 10**6))
county = st.tuples(part, part).map(lambda p: (p[0], None if p[1] is None else max(p[1], p[0] or 0)))


@SETTINGS
@given(counties=st.lists(county, min_size=1, max_size=len(COUNTIES)))
def test_rollup_of_a_rate_is_the_ratio_of_sums(base, counties):
    rows = []
    for code, (members, workers) in zip(COUNTIES, counties):
        if members is not None:
            rows.append((code, 2025, "members", members))
        if workers is not None:
            rows.append((code, 2025, "workers", workers))
    v = values_at(with_figures(base, rows), 2025).set_index(["region", "indicator"])["value"]
    pairs = [(m, w) for m, w in counties if m is not None and w is not None]
    num, den = sum(m for m, _ in pairs), sum(w for _, w in pairs)
    got = v.get(("C0", "membership_rate"), np.nan)
    if den > 0:
        assert got == pytest.approx(num / den * 100, rel=1e-12)
    else:
        assert np.isnan(got)
    members = [m for m, _ in counties if m is not None]
    if members:
        assert v[("C0", "members")] == sum(members)


@SETTINGS
@given(values=st.lists(st.one_of(st.none(), st.integers(0, 60)), min_size=len(COUNTIES), max_size=len(COUNTIES)),
       lower=st.booleans())
def test_rank_is_one_plus_the_peers_shown_better(base, values, lower):
    indicator = "petitions" if lower else "new_unions"
    rows = [(code, 2025, indicator, v) for code, v in zip(COUNTIES, values) if v is not None]
    m = compute_metrics(with_figures(base, rows), 2025)
    m = m[(m["indicator"] == indicator) & (m["region"] != "C0") & m["value"].notna()]
    for _, r in m.iterrows():
        better = (m["value"] < r["value"]) if lower else (m["value"] > r["value"])
        assert r["rank"] == 1 + better.sum()
        assert r["tied"] == ((m["value"] == r["value"]).sum() > 1)
        assert r["peers"] == len(m)


@SETTINGS
@given(prev=st.integers(0, 10**5), cur=st.integers(0, 10**5), target=st.integers(0, 10**5))
def test_yoy_and_completion_agree_with_the_figures(base, prev, cur, target):
    ds = with_figures(base, [("A1", 2024, "new_unions", prev), ("A1", 2025, "new_unions", cur)],
                      [("A1", 2025, "new_unions", target, "absolute")])
    r = compute_metrics(ds, 2025).set_index(["region", "indicator"]).loc[("A1", "new_unions")]
    assert r["change"] == cur - prev
    if prev == 0:
        assert np.isnan(r["change_pct"]) and r["yoy"] == ("新增" if cur > 0 else "持平")
    else:
        assert r["change_pct"] == pytest.approx((cur - prev) / prev * 100)
        shown = format_number(abs(r["change_pct"]), 1)
        assert r["yoy"] == ("持平" if shown == "0.0" else "增长" if cur > prev else "下降")
    assert bool(r["met"]) == (cur >= target)
    assert r["gap"] == max(target - cur, 0)
    if target > 0:
        assert r["completion"] == pytest.approx(cur / target * 100)
        assert r["exceeded"] == (round_half_up(r["completion"], 1) > 100)   # 超额 as shown: 100.04% is not
    else:
        assert np.isnan(r["completion"]) and not r["exceeded"]


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(digits=st.integers(-10**9, 10**9), places=st.integers(0, 5), decimals=st.integers(0, 4))
def test_half_up_matches_decimal_rounding_of_the_written_number(digits, places, decimals):
    text = str(Decimal(digits).scaleb(-places))
    expected = Decimal(text).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    assert round_half_up(float(text), decimals) == expected
    assert half_up_scaled(float(text), decimals) == float(expected.scaleb(decimals))
