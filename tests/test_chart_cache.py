"""A chart drawn before is read from the cache: byte-for-byte vl-convert's SVG, drawn afresh whenever anything it
depends on changes, and never a reason for a pack to fail (present/chart_cache.py)."""

from __future__ import annotations

import os
import time

import altair as alt
import pandas as pd
import pytest
import vl_convert as vlc

from briefing.present import chart_cache, charts
from briefing.present.charts import NARROW_MIME, chart_completion, narrow_spec
from briefing.present.pack import open_pack
from briefing.params import PackParams


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "charts"
    monkeypatch.setenv(chart_cache.CACHE_ENV, str(folder))
    return folder


@pytest.fixture
def drawn(monkeypatch):
    """The specs vl-convert was asked to draw."""
    calls = []
    real = chart_cache._draw

    def counting(spec, options):
        calls.append(spec)
        return real(spec, options)
    monkeypatch.setattr(chart_cache, "_draw", counting)
    return calls


def spec(title: str = "新建工会", value: float = 12.0) -> dict:
    data = pd.DataFrame({"地区": ["城关区", "新华区"], "数值": [value, 3.5]})
    return alt.Chart(data, title=title).mark_bar().encode(x="数值:Q", y="地区:N").to_dict()


def files(folder):
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_a_chart_drawn_before_is_read_back_byte_for_byte(cache, drawn):
    first = chart_cache.chart_svg(spec())
    assert first == vlc.vegalite_to_svg(spec()) and len(drawn) == 1
    assert chart_cache.chart_svg(spec()) == first and len(drawn) == 1           # read, not drawn
    assert len(files(cache)) == 1 and oct(cache.stat().st_mode & 0o777) == "0o700"


def test_any_change_to_the_spec_or_the_options_draws_it_again(cache, drawn):
    base = chart_cache.chart_svg(spec())
    other = [chart_cache.chart_svg(spec(value=12.5)), chart_cache.chart_svg(spec(title="新建工会 "))]
    assert len(drawn) == 3 and len({base, *other}) == 3
    assert chart_cache.chart_svg(spec(), vl_version="v6_4") == vlc.vegalite_to_svg(spec(), vl_version="v6_4")
    assert len(drawn) == 4 and len(files(cache)) == 4


def test_other_fonts_are_another_key(cache, drawn, monkeypatch):
    chart_cache.chart_svg(spec())
    monkeypatch.setitem(chart_cache._state, "fonts", "another machine's fonts")
    chart_cache.chart_svg(spec())
    assert len(drawn) == 2 and len(files(cache)) == 2


def test_a_damaged_file_is_drawn_again_and_replaced(cache, drawn):
    good = chart_cache.chart_svg(spec())
    (path,) = files(cache)
    path.write_text(good[: len(good) // 2], encoding="utf-8")      # cut short (a disk that filled up, an editor)
    assert chart_cache.chart_svg(spec()) == good and len(drawn) == 2
    path.write_bytes(b"\xff\xfe<svg")                                  # not even text
    assert chart_cache.chart_svg(spec()) == good and len(drawn) == 3
    assert path.read_text(encoding="utf-8") == good


def test_off_or_an_unusable_folder_draws_every_time_and_writes_nothing(tmp_path, monkeypatch, drawn):
    monkeypatch.setenv(chart_cache.CACHE_ENV, "off")
    assert chart_cache.chart_svg(spec()) == chart_cache.chart_svg(spec()) and len(drawn) == 2
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv(chart_cache.CACHE_ENV, str(blocker / "charts"))       # cannot be made
    assert chart_cache.chart_svg(spec()) == vlc.vegalite_to_svg(spec()) and len(drawn) == 3
    assert not list(tmp_path.rglob("*.svg"))


def test_pruning_removes_the_files_used_longest_ago(cache):
    for n in range(6):
        chart_cache.chart_svg(spec(value=n))
    paths = sorted(files(cache), key=lambda p: p.stat().st_mtime_ns)
    for age, path in enumerate(paths):
        os.utime(path, ns=(time.time_ns(), time.time_ns() - (10 - age) * 10**9))
    size = paths[0].stat().st_size
    chart_cache.chart_svg(spec(value=0))          # read: it is used now, so it is kept
    kept_by_use = [p for p in paths if p.read_text(encoding="utf-8") == chart_cache.chart_svg(spec(value=0))]
    removed = chart_cache.prune(cache, max_mb=3.5 * size / 1024 / 1024)
    left = files(cache)
    assert removed == len(paths) - len(left) and 1 <= len(left) <= 3
    assert set(kept_by_use) <= set(left) and paths[1] not in left                  # the oldest unused went first


def test_the_pack_renderer_gives_what_altairs_own_svg_renderer_gives_wide_and_narrow(cache):
    from altair.vegalite.v6.display import svg_renderer
    charts.use_svg()
    pack = open_pack(PackParams(region="城关区", year=2025))
    chart = chart_completion(pack.region_metrics, note=pack.note)
    for round_ in range(2):   # drawn, then read from the cache
        bundle = chart._repr_mimebundle_()
        bundle = bundle[0] if isinstance(bundle, tuple) else bundle
        full = chart.to_dict()
        assert bundle["image/svg+xml"] == svg_renderer(full)["image/svg+xml"]
        assert bundle[NARROW_MIME] == svg_renderer(narrow_spec(full))["image/svg+xml"]
    assert len(files(cache)) == 2
