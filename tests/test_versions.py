"""Versions of a pack: the figures it shows, what a corrected return changes, 第N版, the 修订说明, the kept version."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from briefing.compute import compute_metrics
from briefing.data import load_dataset
from briefing.export.files import staged_writes
from briefing.export.versions import (RECORD, apply_revision, peer_indicators, plan_revision, read_record,
                                      stage_version, version_cell, version_info)
from briefing.present.revision import diff_figures, find_sentence, pack_sentences, shown_figures

ROOT = Path(__file__).resolve().parents[1]
DAY1 = dt.datetime(2026, 1, 18, 21, 0, tzinfo=dt.timezone.utc)
DAY2 = dt.datetime(2026, 1, 19, 8, 30, tzinfo=dt.timezone.utc)


def corrected(tmp_path: Path, region: str, indicator: str, value: str) -> Path:
    """A copy of the sample data with one county's figure for 2025 corrected (a return sent again)."""
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "sample", folder)
    figures = folder / "figures.csv"
    lines = figures.read_text(encoding="utf-8").splitlines()
    key = f"{region},2025,2025-12-31,{indicator},"
    hits = [i for i, line in enumerate(lines) if line.startswith(key)]
    assert len(hits) == 1
    parts = lines[hits[0]].split(",")
    parts[4] = value
    lines[hits[0]] = ",".join(parts)
    figures.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def before_after(tmp_path_factory):
    """Shown figures of every sample region before and after 城关区 corrects 签订集体合同 (869 → 880)."""
    tmp = tmp_path_factory.mktemp("versions")
    out = []
    for folder in (ROOT / "data" / "sample", corrected(tmp, "SL01", "cc_contracts", "880")):
        ds = load_dataset(folder)
        m = compute_metrics(ds, 2025)
        out.append({code: shown_figures(m, code, ds.regions, ["new_members"]) for code in ds.regions.index})
    return out


def test_a_corrected_figure_changes_that_region_and_the_city_and_nothing_else(before_after):
    old, new = before_after
    changed = {code for code in old if old[code] != new[code]}
    assert changed == {"SL01", "SL00"}   # the county itself and the city that sums it
    [change] = diff_figures(old["SL01"], new["SL01"])
    assert change["indicator"] == "cc_contracts" and change["name"] == "签订集体合同"
    fields = {label: (a, b) for label, a, b in change["fields"]}
    assert fields["本年数"] == ("869", "880") and set(fields) <= {"本年数", "同比", "完成情况", "同级排名"}
    assert (change["old_figure"], change["new_figure"]) == ("869份", "880份")


def test_a_peers_figure_in_the_peer_chart_is_a_change_of_every_pack_that_shows_it(tmp_path):
    ds_old = load_dataset(ROOT / "data" / "sample")
    ds_new = load_dataset(corrected(tmp_path, "SL01", "new_members", "2600"))
    a, b = compute_metrics(ds_old, 2025), compute_metrics(ds_new, 2025)
    old = shown_figures(a, "SL02", ds_old.regions, ["new_members"])
    new = shown_figures(b, "SL02", ds_new.regions, ["new_members"])
    changes = diff_figures(old, new)
    assert [c["indicator"] for c in changes] == ["peers:new_members"]
    assert changes[0]["fields"] == [["城关区", "2589", "2600"]]
    industry = shown_figures(a, "SL21", ds_old.regions, ["new_members"])
    assert industry == shown_figures(b, "SL21", ds_new.regions, ["new_members"])


def test_versions_stay_while_figures_stay_and_the_next_one_keeps_the_previous(tmp_path, before_after):
    old, new = before_after
    folder = tmp_path / "城关区"
    first = plan_revision(folder, old["SL01"], "fp1", DAY1)
    assert (first.version, first.bumped, first.changes) == (1, False, [])
    html_v1 = '<html><head><style>x</style></head><body><div class="running-head">会议 · 城关区 · 内部资料</div>' \
              '<main class="pack"><section class="cover"><p class="secret-mark">内部资料 注意保存</p></section>' \
              '<nav class="toc"><h2 class="toc-title">目录</h2><ol><li>一</li></ol></nav>' \
              '<div class="narrative"><p>全区签订集体合同869份，同比增长1.9%。</p></div></main></body></html>'
    assert apply_revision(html_v1, first) is html_v1          # a first version carries no marks
    write_pack(folder, html_v1, first)
    assert read_record(folder)["version"] == 1

    same = plan_revision(folder, old["SL01"], "fp-other", DAY2)
    assert (same.version, same.bumped, same.time) == (1, False, first.time)   # data elsewhere changed: same words

    second = plan_revision(folder, new["SL01"], "fp2", DAY2)
    assert (second.version, second.bumped, second.previous["version"]) == (2, True, 1)
    html_v2 = html_v1.replace("869份，同比增长1.9%", "880份，同比增长3.2%")
    marked = apply_revision(html_v2, second, html_v1)
    assert '<p class="version-mark">第2版（2026年1月19日修订）</p>' in marked
    assert "会议 · 城关区 · 内部资料 · 第2版（2026年1月19日修订）</div>" in marked
    assert '<ol><li><a href="#sec-revision">修订说明</a></li><li>一</li>' in marked
    block = marked[marked.index('<section class="revision"'):marked.index("</section>", marked.index('class="revision"'))]
    assert "签订集体合同" in block and "869 → 880" in block and "替换2026年1月18日的第1版" in block
    assert "原为：“全区签订集体合同<b>869份</b>，同比增长1.9%。”" in block
    assert "现为：“全区签订集体合同<b>880份</b>，同比增长3.2%。”" in block
    write_pack(folder, marked, second)
    assert (folder / "v1" / "briefing.html").read_text(encoding="utf-8") == html_v1
    assert read_record(folder / "v1")["version"] == 1

    again = plan_revision(folder, new["SL01"], "fp2", DAY2 + dt.timedelta(days=1))
    assert (again.version, again.bumped) == (2, False)
    assert apply_revision(html_v2, again, "") == marked       # a re-render of the same version: the same page
    info = version_info(folder)
    assert info["version"] == 2 and [h["version"] for h in info["versions"]] == [1, 2]
    assert info["versions"][1]["changes"][0]["name"] == "签订集体合同" and info["versions"][1]["data_fingerprint"] == "fp2"
    cell = version_cell(folder, "城关区")
    assert "第2版（2026年1月19日修订）" in cell and 'href="城关区/v1/briefing.html"' in cell


def write_pack(folder: Path, html: str, rev) -> None:
    with staged_writes() as stage:
        stage_version(stage, folder, rev)
        stage(folder / "briefing.html", html)


def test_sentences_are_found_where_the_figure_follows_its_name():
    html = ('<section class="cover"></section><div class="narrative"><p>全区新建基层工会68家、新发展会员2589人，'
            '分别完成年度目标的90.7%和110.9%；签订集体合同869份。</p><ul><li>一是入会率95.6%。</li></ul></div>')
    sentences = pack_sentences(html)
    assert find_sentence(sentences, "新发展会员", "2589人").startswith("全区新建基层工会68家")
    assert find_sentence(sentences, "签订集体合同", "869份") == "签订集体合同869份。"
    assert find_sentence(sentences, "签订集体合同", "86份") == ""   # 869 is not 86
    assert find_sentence(sentences, "入会率", "95.6%") == "一是入会率95.6%。"


def test_the_theme_notebooks_say_which_indicators_they_compare_among_peers():
    assert peer_indicators(ROOT / "notebooks" / "annual_plenary.ipynb") == ["new_members"]
    assert peer_indicators(ROOT / "notebooks" / "topic_warmth.ipynb") == ["visited_households", "warmth_funds"]


def test_a_record_that_is_not_ours_is_ignored(tmp_path):
    (tmp_path / RECORD).write_text("[1, 2]", encoding="utf-8")
    assert read_record(tmp_path) is None and version_cell(tmp_path, "x") == "—"
    assert plan_revision(tmp_path, {"indicators": {}}, "fp").version == 1


def test_a_versions_day_is_the_day_the_pack_says_it_was_made(tmp_path, before_after, monkeypatch):
    # A meeting file with render_date: 2026-07-18 prints 生成日期 2026年7月18日 in the data note; its 第2版
    # must not say it was revised on the clock's day (a pack that contradicts itself on its cover).
    from briefing.periods import SOURCE_DATE_EPOCH, epoch_of
    monkeypatch.setenv(SOURCE_DATE_EPOCH, epoch_of("2026-07-18"))
    old, new = before_after
    folder = tmp_path / "城关区"
    write_pack(folder, "<html></html>", plan_revision(folder, old["SL01"], "fp1"))
    second = plan_revision(folder, new["SL01"], "fp2")
    assert second.date == "2026-07-18" and second.previous["date"] == "2026-07-18"


def test_an_earlier_pack_the_data_has_moved_past_is_outdated(tmp_path):
    # 城关区 corrects 新发展会员; only 城关区 is rendered again (--regions). 新华区's earlier pack shows 城关区's old
    # figure in its peer chart: outdated. 市教育工会 (another group, no 城关区 in it) is not.
    from briefing.export.additions import Additions
    before, after = load_dataset(ROOT / "data" / "sample"), None
    line = next(line for line in (ROOT / "data" / "sample" / "figures.csv").read_text(encoding="utf-8").splitlines()
                if line.startswith("SL01,2025,2025-12-31,new_members,"))
    after = load_dataset(corrected(tmp_path, "SL01", "new_members", str(int(line.split(",")[4]) + 100)))
    m_before, m_after = compute_metrics(before, 2025), compute_metrics(after, 2025)
    peers = ["new_members"]
    names = before.regions["name"]
    for code in ("SL02", "SL21"):
        folder = tmp_path / names[code]
        write_pack(folder, "<html></html>", plan_revision(folder, shown_figures(m_before, code, before.regions, peers),
                                                          "fp1", DAY1))
    adds = Additions(notes={}, peers=peers, metrics=m_after, regions=after.regions)
    assert adds.outdated("SL02", tmp_path / names["SL02"]) is True
    assert adds.outdated("SL21", tmp_path / names["SL21"]) is False
    assert adds.outdated("SL03", tmp_path / "never-rendered") is False
