"""No confident wrong pack: single mutations of the sample data that once produced one, each stopped or said.

Each test copies data/sample, changes one thing, and checks what validate, the arithmetic and the pack
say. The corpus grows with every bug found (README: reliability).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from briefing.cli import EXIT_NEEDS_CHECKING, main
from briefing.compute import compute_metrics, incomplete_data, quality_findings, regions_without_figures
from briefing.data import check_dataset, load_dataset
from briefing.errors import BriefingError, DataError
from briefing.present.pack import open_pack, show_data_note, show_headlines, show_narrative

ROOT = Path(__file__).resolve().parents[1]


def sample_copy(tmp_path: Path, name: str = "data") -> Path:
    folder = tmp_path / name
    shutil.copytree(ROOT / "data" / "sample", folder)
    return folder


def edit_figures(folder: Path, change) -> None:
    f = pd.read_csv(folder / "figures.csv", dtype=str, keep_default_na=False)
    change(f).to_csv(folder / "figures.csv", index=False)


def text_of(html) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html._repr_html_()))


@pytest.fixture(scope="module")
def county_missing(tmp_path_factory) -> Path:
    """湖滨区 (SL03) sent nothing for 2025: every one of its 2025 figures removed."""
    folder = sample_copy(tmp_path_factory.mktemp("missing"))
    edit_figures(folder, lambda f: f[~((f.region == "SL03") & (f.year == "2025") & (f.as_of == "2025-12-31"))])
    return folder


def test_a_county_with_no_figures_gets_no_pack_and_says_why(county_missing):
    with pytest.raises(DataError, match="湖滨区2025年没有任何数字，却有目标或上年数字"):
        open_pack({"region": "湖滨区", "year": 2025, "data_dir": str(county_missing)})
    metrics = compute_metrics(load_dataset(county_missing), 2025)
    assert regions_without_figures(metrics) == ["SL03"]


def test_the_parents_incomplete_total_states_no_change_and_no_completion(county_missing):
    pack = open_pack({"region": "示例市", "year": 2025, "data_dir": str(county_missing)})
    m = pack.region_metrics
    assert set(m.loc[m["value"].notna(), "yoy"]) == {"汇总不全"}
    assert m["change_pct"].isna().all() and m["completion"].isna().all()
    narrative = text_of(show_narrative(pack))
    assert narrative.startswith(" 湖滨区未报2025年数字") and "同比下降" not in narrative and "已完成0项" not in narrative
    assert "汇总不全，暂不评价" in text_of(show_headlines(pack))
    assert "湖滨区未报" in text_of(show_data_note(pack))


def test_peers_ranked_without_the_missing_county_say_so(county_missing):
    pack = open_pack({"region": "城关区", "year": 2025, "data_dir": str(county_missing)})
    assert "已报数的11个县(市)区中（共12个，1个未报）" in text_of(show_narrative(pack))
    why = incomplete_data(load_dataset(county_missing), compute_metrics(load_dataset(county_missing), 2025))
    assert "湖滨区" in why["SL00"] and why["SL01"] == "同级比较缺湖滨区"


def test_a_group_written_with_other_brackets_is_the_same_peer_group(tmp_path):
    folder = sample_copy(tmp_path)
    regions = pd.read_csv(folder / "regions.csv", dtype=str, keep_default_na=False)
    regions.loc[regions["code"] == "SL02", "group"] = "县（市）区"
    regions.to_csv(folder / "regions.csv", index=False)
    ds = load_dataset(folder)
    assert ds.regions.at["SL02", "group"] == ds.regions.at["SL01", "group"]
    m = compute_metrics(ds, 2025)
    assert (m.loc[m["region"] == "SL02", "peers"].dropna() > 1).all()


def test_a_group_of_one_beside_a_group_of_many_is_flagged(tmp_path):
    folder = sample_copy(tmp_path)
    regions = pd.read_csv(folder / "regions.csv", dtype=str, keep_default_na=False)
    regions.loc[regions["code"] == "SL02", "group"] = "县市区"
    regions.to_csv(folder / "regions.csv", index=False)
    warnings = [f for f in check_dataset(load_dataset(folder)) if f.region == "SL02"]
    assert warnings and "唯一的地区" in warnings[0].message


def test_a_likely_typo_reaches_validate_with_its_cell_and_the_parents_total_carries_it(tmp_path, capsys):
    folder = sample_copy(tmp_path)

    def tenfold(f):
        hit = (f.region == "SL02") & (f.year == "2025") & (f.as_of == "2025-12-31") & (f.indicator == "new_members")
        f.loc[hit, "value"] = str(int(f.loc[hit, "value"].iloc[0]) * 10)
        return f
    edit_figures(folder, tenfold)
    found = quality_findings(load_dataset(folder))
    county = [f for f in found if f.region == "SL02"]
    city = [f for f in found if f.region == "SL00"]
    assert county and county[0].row and "疑为录入错误" in county[0].message
    assert city and "来自新华区" in city[0].message
    assert main(["validate", str(folder)]) == EXIT_NEEDS_CHECKING
    assert "待核实" in capsys.readouterr().out


@pytest.mark.parametrize("text", ["38,35", "2,0,1", "1,2345"])
def test_a_number_with_misplaced_separators_is_never_read(tmp_path, text):
    folder = sample_copy(tmp_path)

    def garble(f):
        f.loc[0, "value"] = text
        return f
    edit_figures(folder, garble)
    with pytest.raises(Exception) as info:
        load_dataset(folder)
    assert "逗号位置不对" in str(info.value) and "第 2 行" in str(info.value)


def test_a_traditional_spelling_in_the_meeting_or_command_line_suggests_the_region():
    ds = load_dataset("data/sample")
    with pytest.raises(DataError, match="是否为“城关区”"):
        ds.region_code("城關區")
    assert ds.region_code(" 城关区 ") == "SL01"


# ------------------------------------------------------------------ any single-cell mutation (property)

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from briefing.compute import quality_findings as _quality  # noqa: E402

SAMPLE_FIGURES = pd.read_csv(ROOT / "data" / "sample" / "figures.csv", dtype=str, keep_default_na=False)
BASE = load_dataset(ROOT / "data" / "sample")
BASE_METRICS = compute_metrics(BASE, 2025)


def touched(ds, region: str, indicator: str) -> tuple[set[str], set[str]]:
    """The regions (the region, its ancestors and its peers, whose ranks move) and indicators (the indicator and
    the rates built on it) a change of one figure may change."""
    regions, code = {region}, region
    while ds.regions.at[code, "parent"]:
        code = ds.regions.at[code, "parent"]
        regions.add(code)
    parent = ds.regions.at[region, "parent"]
    regions |= set(ds.regions.index[ds.regions["parent"] == parent]) if parent else set()
    cat = ds.catalog
    indicators = {indicator} | set(cat.index[(cat["numerator"] == indicator) | (cat["denominator"] == indicator)])
    return regions, indicators


CURRENT = SAMPLE_FIGURES.index[(SAMPLE_FIGURES["year"] == "2025") & (SAMPLE_FIGURES["as_of"] == "2025-12-31")]


def differs(a, b) -> bool:
    return not (pd.isna(a) and pd.isna(b)) and a != b


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(pick=st.integers(0, len(CURRENT) - 1),
       value=st.one_of(st.integers(-50, 10**7).map(str), st.sampled_from(["", "abc", "1,2345", "1e9", "0", "99.99"])))
def test_any_single_cell_mutation_is_refused_reported_or_changes_only_what_it_touched(tmp_path_factory, pick, value):
    """One figure of 2025 changed to anything: the load refuses it by row, or validate reports it, or the 2025
    metrics change only for that region, its parents and peers (ranks) and that indicator and its rates."""
    row = CURRENT[pick]
    folder = sample_copy(tmp_path_factory.mktemp("one"))
    f = SAMPLE_FIGURES.copy()
    f.loc[row, "value"] = value
    f.to_csv(folder / "figures.csv", index=False)
    try:
        ds = load_dataset(folder)
    except Exception as exc:   # refused with the row named
        assert f"第 {row + 2} 行" in str(exc)
        return
    if any(x.level == "error" for x in check_dataset(ds)) or _quality(ds):
        return   # reported before anyone renders
    regions, indicators = touched(ds, f.at[row, "region"], f.at[row, "indicator"])
    merged = BASE_METRICS.merge(compute_metrics(ds, 2025), on=["region", "indicator"], suffixes=("", "_new"))
    changed = merged[[any(differs(r[c], r[c + "_new"]) for c in ("value", "completion", "rank"))
                      for _, r in merged.iterrows()]]
    outside = changed[~(changed["region"].isin(regions) & changed["indicator"].isin(indicators))]
    assert outside.empty, outside[["region", "indicator"]].head().to_string()


def test_a_meeting_may_render_a_silent_county_as_data_missing(county_missing, tmp_path, monkeypatch, capsys):
    """data_missing: [湖滨区] gives the county a pack that says 数据缺失 first, states no change, completion or
    rank, and lists only its targets and last year's figures; the run says so and exits with 3."""
    monkeypatch.setenv("BRIEFING_OUTPUTS", str(tmp_path / "outputs"))
    meeting = tmp_path / "missing-2025.yaml"
    meeting.write_text(f"meeting: 测试会议\nnotebook: notebooks/annual_plenary.ipynb\nyear: 2025\n"
                       f"meeting_date: 2026-01-20\ndata_dir: {county_missing}\nregions: [湖滨区]\n"
                       "data_missing: [湖滨区, 城关区]\n", encoding="utf-8")
    assert main(["render", str(meeting), "--workers", "1"]) == EXIT_NEEDS_CHECKING
    out = capsys.readouterr().out
    assert "数据不全：湖滨区——本期数据缺失" in out and "城关区已有本期数字，不按数据缺失处理" in out
    folder = tmp_path / "outputs" / "missing-2025" / "湖滨区"
    html = (folder / "briefing.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert text.index("数据缺失") < text.index("已下达的2025年目标和2024年数字")
    assert "2026年1月20日" in text and "上级的合计不含本单位" in text
    for word in ("同比", "完成率", "增长", "下降", "排名第", "超额"):
        assert word not in text.replace("不作同比、目标完成和同级比较", ""), word
    metrics = compute_metrics(load_dataset(county_missing), 2025)
    mine = metrics[metrics["region"] == "SL03"]
    assert mine["target"].notna().sum() > 0 and mine["prev_value"].notna().sum() > 0
    assert html.count("<tr>") == 1 + (mine["target"].notna() | mine["prev_value"].notna()).sum()   # head + rows
    assert (folder / "briefing.pdf").read_bytes().startswith(b"%PDF") and not (folder / "briefing.ipynb").exists()
    index = (tmp_path / "outputs" / "missing-2025" / "index.html").read_text(encoding="utf-8")
    assert "本期数据缺失" in index


def test_data_missing_names_an_unknown_region_with_the_name_it_probably_means(county_missing, tmp_path, monkeypatch):
    from briefing.batch import render_meeting
    monkeypatch.setenv("BRIEFING_OUTPUTS", str(tmp_path / "outputs"))
    meeting = tmp_path / "m.yaml"
    meeting.write_text(f"meeting: 测试会议\nnotebook: notebooks/annual_plenary.ipynb\nyear: 2025\n"
                       f"data_dir: {county_missing}\nregions: [湖滨区]\ndata_missing: [湖濱區]\n", encoding="utf-8")
    with pytest.raises(BriefingError, match="m.yaml 的 data_missing：.*找不到地区“湖濱區”。是否为“湖滨区”"):
        render_meeting(meeting, workers=1, echo=lambda s: None)
    meeting.write_text(meeting.read_text(encoding="utf-8").replace("[湖濱區]", "湖滨区"), encoding="utf-8")
    with pytest.raises(BriefingError, match="data_missing 应为地区名称的列表"):
        render_meeting(meeting, workers=1, echo=lambda s: None)


def test_data_missing_at_mid_year_on_another_region_tree(tmp_path, monkeypatch, capsys):
    """The synthetic province › city › county tree (bench.synth), a county silent at 30 June 2026: its 数据缺失
    pack names the period 2026年1—6月 and compares nothing; its city's pack rests on incomplete data."""
    from bench import synth
    data = tmp_path / "synth"
    synth.write_dataset(data, 12)
    ds = load_dataset(data)
    county = ds.regions[(ds.regions["depth"] == 2) & (ds.regions["parent"] != "")].index[0]
    name, parent = ds.regions.at[county, "name"], ds.regions.at[county, "parent"]
    edit_figures(data, lambda f: f[~((f.region == county) & (f.as_of == "2026-06-30"))])
    monkeypatch.setenv("BRIEFING_OUTPUTS", str(tmp_path / "outputs"))
    meeting = tmp_path / "mid-2026.yaml"
    meeting.write_text(f"meeting: 年中会议\nnotebook: notebooks/midyear_standing.ipynb\nyear: 2026\nas_of: 2026-06-30\n"
                       f"meeting_date: 2026-07-15\ndata_dir: {data}\nregions: [{name}]\nformats: [html]\n"
                       f"data_missing: [{name}]\n", encoding="utf-8")
    assert main(["render", str(meeting), "--workers", "1"]) == EXIT_NEEDS_CHECKING
    assert f"数据不全：{name}——本期数据缺失" in capsys.readouterr().out
    html = (tmp_path / "outputs" / "mid-2026" / name / "briefing.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "2026年1—6月工作简报材料" in text and "已下达的2026年目标和2025年1—6月数字" in text   # a year target, not a half-year one
    assert "2026年7月15日" in text and "同比" not in text.replace("不作同比", "")
    metrics = compute_metrics(load_dataset(data), 2026, "2026-06-30")
    assert metrics[(metrics["region"] == parent)]["status"].eq("汇总不全").any()


def test_a_return_that_arrives_after_a_data_missing_page_is_its_next_version(tmp_path, monkeypatch, capsys):
    """On the synthetic province › city › county tree: a county silent at 30 June gets a 数据缺失 page (第1版);
    when its return arrives, its real pack is 第2版, says it replaces the 数据缺失 page and that its figures are
    printed for the first time, and the page is kept in v1/; the index and manifest say the same."""
    import json
    from bench import synth
    data = tmp_path / "synth"
    synth.write_dataset(data, 12)
    full = (data / "figures.csv").read_bytes()
    ds = load_dataset(data)
    county = ds.regions[(ds.regions["depth"] == 2) & (ds.regions["parent"] != "")].index[0]
    name = ds.regions.at[county, "name"]
    edit_figures(data, lambda f: f[~((f.region == county) & (f.as_of == "2026-06-30"))])
    monkeypatch.setenv("BRIEFING_OUTPUTS", str(tmp_path / "outputs"))
    meeting = tmp_path / "mid-2026.yaml"
    head = (f"meeting: 年中会议\nnotebook: notebooks/midyear_standing.ipynb\nyear: 2026\nas_of: 2026-06-30\n"
            f"meeting_date: 2026-07-15\ndata_dir: {data}\nregions: [{name}]\nformats: [html]\n")
    meeting.write_text(head + f"data_missing: [{name}]\n", encoding="utf-8")
    assert main(["render", str(meeting), "--workers", "1"]) == EXIT_NEEDS_CHECKING
    out_dir = tmp_path / "outputs" / "mid-2026"
    folder = out_dir / name
    first = (folder / "briefing.html").read_text(encoding="utf-8")
    assert "数据缺失" in first and "第1版" in (out_dir / "index.html").read_text(encoding="utf-8")

    (data / "figures.csv").write_bytes(full)           # the return arrives
    meeting.write_text(head, encoding="utf-8")
    assert main(["render", str(meeting), "--workers", "1"]) in (0, EXIT_NEEDS_CHECKING)
    capsys.readouterr()
    html = (folder / "briefing.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "第2版（" in text and "修订说明" in text
    assert "上一版印发时本单位本期数据尚未报送" in text and "均为首次印发" in text and "项数字有变化" not in text
    assert (folder / "v1" / "briefing.html").read_text(encoding="utf-8") == first
    index = (out_dir / "index.html").read_text(encoding="utf-8")
    assert "补报本期数字（上一版为数据缺失页）" in index and "0项数字有变化" not in index
    [pack] = [p for p in json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))["packs"]
              if p["region"] == name]
    assert [v["version"] for v in pack["versions"]] == [1, 2] and pack["versions"][0]["kind"] == "data_missing"

    assert main(["render", str(meeting), "--workers", "1", "--force"]) in (0, EXIT_NEEDS_CHECKING)
    assert (folder / "briefing.html").read_text(encoding="utf-8") == html   # unchanged: the same version, same words
