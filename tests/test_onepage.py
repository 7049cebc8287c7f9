"""The one-page brief: one A4 page for every sample region, for the longest region names, and at a mid-year meeting."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing.data import load_dataset
from briefing.export.onepage import render_onepage
from briefing.params import PackParams
from briefing.present.onepage import three_points
from briefing.present.pack import open_pack

ROOT = Path(__file__).resolve().parents[1]
MEETING = "示例市总工会十五届五次全委（扩大）会议"


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def text(pdf: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "").replace(" ", "")


@pytest.mark.slow
@pytest.mark.parametrize("year, as_of", [(2025, ""), (2026, "2026-06-30")])
def test_every_sample_region_gets_exactly_one_page(year, as_of):
    for name in load_dataset("data/sample").regions["name"]:
        pdf = render_onepage(PackParams(region=name, year=year, meeting=MEETING, meeting_date="2026-07-20", as_of=as_of))
        assert pages(pdf) == 1, name
        assert "一页纸" in text(pdf) and "成效突出" in text(pdf) and "最大短板" in text(pdf), name


@pytest.mark.slow
def test_the_longest_names_still_fit_one_page(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "sample", data)
    regions = data / "regions.csv"
    long = "新时代产业工人队伍建设改革示范区暨高新技术产业开发区管理委员会" * 2
    lines = regions.read_text(encoding="utf-8").splitlines()
    lines = [line.replace("城关区,城关区总工会", f"{long},{long}总工会") if line.startswith("SL01,") else line
             for line in lines]
    regions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for name in (long, "示例市"):
        pdf = render_onepage(PackParams(region=name, year=2025, meeting=MEETING * 3, meeting_date="2026-01-20",
                                        data_dir=str(data)))
        assert pages(pdf) == 1, name


def test_the_three_sentences_are_best_results_largest_shortfall_and_rank():
    county = open_pack(PackParams(region="城关区", year=2025))
    labels = [label for label, _ in three_points(county)]
    assert labels == ["成效突出", "最大短板", "同级排名"]
    city = open_pack(PackParams(region="示例市", year=2025))
    assert [label for label, _ in three_points(city)][2] == "总体完成"
