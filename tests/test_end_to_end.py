"""End to end on the sample data: real kernels, real nbconvert export, real PDFs read back with pdftotext."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.batch import render_meeting
from briefing.compute import compute_metrics
from briefing.formatting import format_percent
from briefing.data import load_dataset

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MEETING = "params/sample-annual-2025.yaml"


def external_refs(html: str) -> list[str]:
    refs = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)', html, flags=re.I)
    refs += re.findall(r"url\(\s*['\"]?([^)'\"]+)", html)
    refs += re.findall(r"@import\s+['\"]([^'\"]+)", html)
    return [r for r in refs if not r.startswith(("#", "data:"))]


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("outputs")
    mp = pytest.MonkeyPatch()
    mp.setenv("BRIEFING_OUTPUTS", str(out))
    lines = []
    batch = render_meeting(MEETING, workers=2, regions=["城关区", "示例市"], echo=lines.append)
    yield batch, out, lines
    mp.undo()


@pytest.mark.slow
def test_two_regions_render_to_self_contained_html_and_searchable_pdf(rendered):
    batch, out, _ = rendered
    assert [p.status for p in batch.packs] == ["ok", "ok"]
    ds = load_dataset("data/sample")
    metrics = compute_metrics(ds, 2025)
    for region, code in (("城关区", "SL01"), ("示例市", "SL00")):
        folder = out / "sample-annual-2025" / region
        html = (folder / "briefing.html").read_text(encoding="utf-8")
        assert external_refs(html) == [], region
        assert "<script" not in html.lower() and "import briefing" not in html
        assert html.count("<svg") >= 4 and "示例数据" in html
        text = pdf_text(folder / "briefing.pdf")
        assert region in text
        completion = metrics[(metrics.region == code) & (metrics.indicator == "new_members")]["completion"].iloc[0]
        assert f"完成年度目标的{format_percent(completion)}" in text.replace("\n", "") or \
            f"完成率{format_percent(completion)}" in text.replace("\n", "")
        for name in ("新建基层工会", "新发展会员", "入会率", "送温暖资金", "工会干部培训"):
            assert name in text
        assert "\ufffd" not in text
        info = subprocess.run(["pdfinfo", str(folder / "briefing.pdf")], capture_output=True, text=True).stdout
        assert "(A4)" in info
        nb = json.loads((folder / "briefing.ipynb").read_text(encoding="utf-8"))
        assert nb["metadata"]["papermill"]["parameters"]["region"] == region
        assert str(ROOT) not in json.dumps(nb, ensure_ascii=False)  # no machine paths in the shipped notebook


@pytest.mark.slow
def test_manifest_index_and_rerun_skips_unchanged(rendered):
    batch, out, lines = rendered
    manifest = json.loads((out / "sample-annual-2025" / "manifest.json").read_text(encoding="utf-8"))
    assert [p["status"] for p in manifest["packs"]] == ["ok", "ok"]
    assert manifest["data_fingerprint"] and manifest["versions"]["papermill"]
    index = (out / "sample-annual-2025" / "index.html").read_text(encoding="utf-8")
    from urllib.parse import unquote
    index = unquote(index)
    assert sorted(external_refs(index)) == sorted(["城关区/briefing.html", "城关区/briefing.pdf",
                                                   "示例市/briefing.html", "示例市/briefing.pdf",
                                                   "bulletin.html", "bulletin.pdf", "book.pdf"])  # the meeting's own files
    assert index.index("示例市/briefing.pdf") < index.index("城关区/briefing.pdf")  # the city first, as regions.csv orders
    again = render_meeting(MEETING, workers=2, regions=["城关区"], echo=lambda s: None)
    assert [p.status for p in again.packs if not p.earlier] == ["skipped"]


@pytest.mark.slow
def test_plain_papermill_runs_the_theme_notebook(tmp_path):
    out = tmp_path / "out.ipynb"
    run = subprocess.run([str(BIN / "papermill"), "notebooks/annual_plenary.ipynb", str(out),
                          "-p", "region", "新华区", "-p", "year", "2025"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "新华区总工会" in out.read_text(encoding="utf-8")


@pytest.mark.slow
def test_plain_papermill_refuses_a_misspelt_parameter(tmp_path):
    run = subprocess.run([str(BIN / "papermill"), "notebooks/annual_plenary.ipynb", str(tmp_path / "o.ipynb"),
                          "-p", "regoin", "新华区"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode != 0
    assert "未知参数 regoin" in run.stderr + run.stdout or "未知参数 regoin" in (tmp_path / "o.ipynb").read_text(encoding="utf-8")
