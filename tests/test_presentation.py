"""Golden files for the presentation layer, one component at a time: chart specs and narrative text.

Refresh after a deliberate change and review the diff:
    BRIEFING_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_presentation.py
"""

import json
import os
import re
from pathlib import Path

import pytest

import briefing
from briefing.present import charts
from briefing.present.pack import show_narrative, show_problems

GOLDEN = Path(__file__).parent / "golden" / "presentation"
UPDATE = os.environ.get("BRIEFING_UPDATE_GOLDEN") == "1"


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), f"缺少金标准文件 {name}：用 BRIEFING_UPDATE_GOLDEN=1 生成后审阅"
    assert text == path.read_text(encoding="utf-8"), f"{name} 与金标准不同：确认是有意的改动后刷新并审阅 diff"


def spec(chart) -> str:
    d = chart.to_dict()
    d.pop("datasets", None)  # data is covered by the metrics goldens; the spec is the design
    return json.dumps(d, ensure_ascii=False, indent=1, sort_keys=True)


@pytest.fixture(scope="module")
def pack():
    return briefing.open_pack({"region": "城关区", "year": 2025, "meeting": "测试会议"})


@pytest.fixture(scope="module")
def city():
    return briefing.open_pack({"region": "示例市", "year": 2025, "meeting": "测试会议"})


def test_chart_specs(pack):
    check_golden("chart_completion.json", spec(charts.chart_completion(pack.region_metrics, note=pack.note)))
    check_golden("chart_yoy.json", spec(charts.chart_yoy(pack.region_metrics, note=pack.note)))
    check_golden("chart_trend.json", spec(charts.chart_trend(pack.series, pack.region, pack.key_indicators,
                                                             pack.dataset.catalog, note=pack.note)))
    check_golden("chart_peers.json", spec(charts.chart_peers(pack.metrics, pack.region, "new_members",
                                                             pack.dataset.regions, note=pack.note)))
    check_golden("chart_heat.json", spec(charts.chart_heat(pack.metrics, pack.dataset.regions, note=pack.note)))


def plain(html: str) -> str:
    return re.sub(r"\n+", "\n", re.sub(r"<[^>]+>", "\n", html)).strip() + "\n"


@pytest.mark.parametrize("region", ["城关区", "示例市"])
def test_narrative_text(region, pack, city):
    p = pack if region == "城关区" else city
    check_golden(f"narrative-{region}-2025.txt", plain(show_narrative(p).markup) + plain(show_problems(p).markup))


def test_charts_use_chinese_fonts_units_and_source_line(pack):
    d = charts.chart_completion(pack.region_metrics, note=pack.note).to_dict()
    assert d["config"]["font"].startswith("Noto Sans CJK SC")
    assert d["title"]["orient"] == "bottom" and d["title"]["text"].startswith("数据来源")
    text = json.dumps(charts.chart_peers(pack.metrics, pack.region, "warmth_funds", pack.dataset.regions).to_dict(),
                      ensure_ascii=False)
    assert "送温暖资金（万元）" in text


def test_peers_chart_highlights_the_region(pack):
    d = charts.chart_peers(pack.metrics, pack.region, "new_members", pack.dataset.regions).to_dict()
    rows = next(iter(d["datasets"].values()))
    assert sum(r["self"] for r in rows) == 1 and len(rows) == 12  # 12 县(市)区, itself among them


def test_narrative_speaks_like_a_work_report(city):
    text = plain(show_narrative(city).markup)
    assert "分别完成年度目标的" in text and "个百分点" in text
    assert "nan" not in text.lower() and "inf" not in text.lower()
    assert not re.search(r"\d,\d{3}", text)  # no thousands separators in sentences


def test_the_citys_comparison_chart_is_titled_by_the_group_it_compares(city, pack):
    def title(chart):
        t = chart.to_dict()["title"]
        return t["text"] if isinstance(t, dict) else t
    assert title(charts.chart_peers(city.metrics, city.region, "new_members", city.dataset.regions)) == "新发展会员：各县(市)区比较"
    assert title(charts.chart_peers(pack.metrics, pack.region, "new_members", pack.dataset.regions)) == "新发展会员：与同级比较"


def test_a_unit_alone_in_its_group_gets_no_one_bar_chart_and_no_rank_of_one(tmp_path):
    from .conftest import make_dataset
    from briefing.present.pack import _table_cells
    data = make_dataset(tmp_path / "d", [("A1", 2025, "2025-12-31", "new_unions", 5), ("A2", 2025, "2025-12-31", "members", 9)])
    ds = briefing.load_dataset(data)
    m = briefing.compute_metrics(ds, 2025)
    chart = charts.chart_peers(m, "A1", "new_unions", ds.regions)   # 西县 and 南县 reported no 新建基层工会
    assert "新建基层工会：本期没有同级单位的数字" in chart.markup
    row = m[(m["region"] == "A1") & (m["indicator"] == "new_unions")].iloc[0]
    assert row["peers"] == 1 and _table_cells(row, True, False)[7] == "—"


def test_a_top_regions_comparison_chart_on_another_tree_names_its_childrens_group(tiny):
    ds = briefing.load_dataset(tiny)
    m = briefing.compute_metrics(ds, 2025)
    title = charts.chart_peers(m, "C0", "new_unions", ds.regions).to_dict()["title"]
    assert (title["text"] if isinstance(title, dict) else title) == "新建基层工会：各县(市)区比较"
