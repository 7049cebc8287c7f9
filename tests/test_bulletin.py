"""The 通报: compute's ranks (never a second ranking), 并列 as a 通报 writes it, 百分点 for rates, lagging units marked."""

from __future__ import annotations

import re
from html import unescape

import pandas as pd

from briefing.compute import compute_metrics
from briefing.data import load_dataset
from briefing.params import load_meeting
from briefing.present.bulletin import bulletin_body, rank_move, rank_text

from .conftest import make_dataset


def rows_of(html: str) -> list[dict]:
    out = []
    for attrs, cells in re.findall(r"<tr class=\"[a-z]*\"( data-region=[^>]*)>(.*?)</tr>", html, flags=re.S):
        a = dict(re.findall(r'data-([a-z]+)="([^"]*)"', attrs))
        a["cells"] = [unescape(c) for c in re.findall(r"<td>(.*?)</td>", cells)]
        out.append(a)
    return out


def sample():
    ds = load_dataset("data/sample")
    return ds, compute_metrics(ds, 2025), load_meeting("params/sample-annual-2025.yaml")


def test_every_rank_in_the_bulletin_is_computes_rank():
    ds, m, meeting = sample()
    html = bulletin_body(m, ds.regions, meeting, list(ds.regions["name"]))
    rows = rows_of(html)
    tier1 = set(m.loc[m["tier"] == 1, "indicator"])
    assert {r["indicator"] for r in rows} == tier1
    assert {r["region"] for r in rows} == set(ds.regions.index) - {"SL00"}   # the city ranks its children
    mine = m.set_index(["region", "indicator"])
    for r in rows:
        row = mine.loc[(r["region"], r["indicator"])]
        assert r["rank"] == ("" if pd.isna(row["rank"]) else str(int(row["rank"])))
        assert r["cells"][0] == rank_text(row["rank"], row["tied"])
        assert r["cells"][7] == rank_move(row["rank_change"])
    # listed best first, group by group
    for ind in tier1:
        counties = [int(r["rank"]) for r in rows if r["indicator"] == ind and r["rank"] and r["region"] < "SL20"]
        assert counties == sorted(counties)


def test_rates_change_in_points_and_lagging_units_are_marked():
    ds, m, meeting = sample()
    rows = rows_of(bulletin_body(m, ds.regions, meeting, list(ds.regions["name"])))
    rate = [r for r in rows if r["indicator"] == "membership_rate"]
    assert rate and all(c["cells"][4].endswith("个百分点") or c["cells"][4] in ("—", "无上年数据") for c in rate)
    mine = m.set_index(["region", "indicator"])
    for r in rows:
        row = mine.loc[(r["region"], r["indicator"])]
        lagging = pd.notna(row["value"]) and pd.notna(row["met"]) and not bool(row["met"])
        assert r["cells"][8].startswith("▲") == lagging


def test_ties_are_written_as_a_bulletin_writes_them(tmp_path):
    figures = [(r, y, f"{y}-12-31", "new_unions", v) for r, vs in {"A1": (8, 10), "A2": (9, 10), "A3": (7, 5)}.items()
               for y, v in zip((2024, 2025), vs)]
    ds = load_dataset(make_dataset(tmp_path / "tie", figures, [("A3", 2025, "new_unions", 6, "absolute", "市总")]))
    m = compute_metrics(ds, 2025)
    html = unescape(bulletin_body(m, ds.regions, load_meeting("params/sample-annual-2025.yaml"), list(ds.regions["name"])))
    rows = {r["region"]: r["cells"] for r in rows_of(html)}
    assert rows["A1"][0] == rows["A2"][0] == "1（并列）" and rows["A3"][0] == "3"   # 1, 1, 3: the next rank skipped
    assert "名次依次是：东区、西县（并列第1位），南县（第3位）" in html and "前三位" not in html   # three units: all of them
    assert "未完成年度目标，需认真分析原因" in html and "工作进度有待进一步加快" not in html       # year end: no pacing
    assert rows["A3"][8] == "▲未完成年度目标" and "南县未完成年度目标" in html
    assert rows["A1"][7] == "上升1位" and rows["A3"][7] == "持平"   # last year 2, 1, 3
    assert rank_text(3.0, True) == "3（并列）" and rank_move(0.0) == "持平" and rank_move(float("nan")) == "—"


def test_the_lead_and_names_are_text(tiny):
    ds = load_dataset(tiny)
    regions = ds.regions.copy()
    regions.loc["A1", "name"] = "<script>alert(1)</script>东区"
    m = compute_metrics(ds, 2025)
    meeting = load_meeting("params/sample-annual-2025.yaml")
    html = bulletin_body(m, regions, meeting, list(regions["name"]))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;东区" in html
    assert "现将有关情况通报如下" in unescape(html) and "关于2025年全市工会主要工作指标完成情况的通报" in html


def test_at_mid_year_a_rate_short_of_its_year_end_target_is_not_lagging_unless_its_pace_will_miss_it(tmp_path):
    # 30 June: 入会率 targets "90%以上" are due at year end (rule 8). 东区 88% rising 8 points a year reaches them,
    # 西县 85% standing still does not (▲), 南县 95% has. The city's regions table as `briefing import` writes it
    # (level 上级) still gives 全市, and the one 产业工会 is said, not silently left out.
    figures = []
    for region, (now, before) in {"A1": (880, 800), "A2": (850, 850), "A3": (950, 940), "B1": (300, 290)}.items():
        for year, members in ((2026, now), (2025, before)):
            figures += [(region, year, f"{year}-06-30", "members", members), (region, year, f"{year}-06-30", "workers", 1000)]
    targets = [(r, 2026, "membership_rate", 90, "threshold", "市总") for r in ("A1", "A2", "A3", "B1")]
    folder = make_dataset(tmp_path / "mid", figures, targets)
    regions = (folder / "regions.csv").read_text(encoding="utf-8").replace("C0,甲市,甲市总工会,市,市", "C0,甲市,甲市总工会,上级,上级")
    (folder / "regions.csv").write_text(regions + "B1,教育工会,市教育工会,产业工会,产业工会,C0,4\n", encoding="utf-8")
    ds = load_dataset(folder)
    m = compute_metrics(ds, 2026, "2026-06-30")
    meeting = load_meeting("params/sample-midyear-2026.yaml")
    html = unescape(bulletin_body(m, ds.regions, meeting, list(ds.regions["name"])))
    rows = {r["region"]: r["cells"] for r in rows_of(html) if r["indicator"] == "membership_rate"}
    assert rows["A1"][8] == "" and rows["A3"][8] == ""
    assert rows["A2"][8] == "▲按目前速度年底前难以达到目标"
    assert "西县按目前速度年底前难以达到目标要求" in html and "进度滞后于时间进度" not in html
    assert "关于2026年1—6月全市工会主要工作指标完成情况的通报" in html
    assert "教育工会是本次通报中唯一的产业工会，没有同级单位可以比较，不列入排名。" in html


def test_a_topic_meetings_bulletin_ranks_its_themes_indicators():
    from briefing.export.versions import notebook_topics
    from briefing.config import resolve
    ds, m, _ = sample()
    meeting = load_meeting("params/sample-topic-warmth-2025.yaml")
    topics = notebook_topics(resolve(meeting.notebook))
    assert topics == ["帮扶与送温暖"]
    html = unescape(bulletin_body(m, ds.regions, meeting, list(ds.regions["name"]), topics))
    ranked = {r["indicator"] for r in rows_of(html)}
    assert ranked and set(m.loc[m["indicator"].isin(ranked), "theme"]) == {"帮扶与送温暖"}
    assert "全市帮扶与送温暖工作主要指标完成情况的通报" in html
    assert notebook_topics(resolve("notebooks/annual_plenary.ipynb")) == []


def test_a_group_with_fewer_than_two_units_reporting_says_so_instead_of_an_empty_ranking(tmp_path):
    # 西县 and 南县 sent nothing this year (data_missing): the 县(市)区 part must not stand empty under its heading
    figures = [("A1", 2025, "2025-12-31", "new_unions", 8), ("A1", 2024, "2024-12-31", "new_unions", 7),
               ("A2", 2024, "2024-12-31", "new_unions", 5), ("A3", 2024, "2024-12-31", "new_unions", 4)]
    ds = load_dataset(make_dataset(tmp_path / "d", figures))
    m = compute_metrics(ds, 2025)
    html = unescape(bulletin_body(m, ds.regions, load_meeting("params/sample-annual-2025.yaml"), list(ds.regions["name"])))
    assert "（共3个单位，西县、南县本期未报）" in html and "本组报了本期数字的单位不足两个，不作排名。" in html
    assert "<table" not in html


def test_a_topic_bulletin_on_another_region_tree_ranks_only_its_theme(tiny):
    ds = load_dataset(tiny)
    m = compute_metrics(ds, 2025)
    html = unescape(bulletin_body(m, ds.regions, load_meeting("params/sample-topic-warmth-2025.yaml"),
                                  list(ds.regions["name"]), ["帮扶与送温暖"]))
    ranked = {r["indicator"] for r in rows_of(html)}
    assert ranked == {"warmth_funds"} and "关于2025年全市帮扶与送温暖工作主要指标完成情况的通报" in html
