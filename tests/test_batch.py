"""Batch rendering: identity with single-region runs, failure isolation, kills, locks, Dask."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from briefing.batch import MeetingLock, render_meeting
from briefing.cli import main as cli_main
from briefing.errors import BriefingError
from briefing.export.kernel import WarmKernel, warm_code
from briefing.params import PackParams, load_meeting
from briefing.export.render import render_pack

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "notebooks/annual_plenary.ipynb"


def normalised(path: Path) -> list:
    """What a reader of the executed notebook sees: sources, outputs, counts (not timings)."""
    nb = nbformat.read(path, as_version=4)
    return [(c.cell_type, c.source, c.get("execution_count"), c.get("outputs")) for c in nb.cells]


@pytest.fixture
def outputs(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_OUTPUTS", str(tmp_path / "outputs"))
    return tmp_path / "outputs"


@pytest.mark.slow
def test_packs_on_a_warmed_kernel_equal_packs_rendered_alone(tmp_path, sample_pack):
    """The first pack after the warm-up (imports, a tiny chart, the data loaded) and a pack after another region
    are byte for byte the packs papermill renders alone on fresh kernels (``sample_pack`` is one)."""
    meeting = load_meeting("params/sample-annual-2025.yaml")
    params_a, params_b = meeting.params_for("城关区"), meeting.params_for("市教育工会")
    warm = WarmKernel(warm_parameters=meeting.params_for("新华区").to_papermill())
    try:
        warm.start()
        assert "warm_data" in warm_code(warm.warm_parameters)
        render_pack(NOTEBOOK, params_a, tmp_path / "batch" / "a", kernel=warm)
        render_pack(NOTEBOOK, params_b, tmp_path / "batch" / "b", kernel=warm)
        assert warm.packs == 2
    finally:
        warm.discard()
    render_pack(NOTEBOOK, params_b, tmp_path / "alone" / "b")  # papermill's own fresh kernel
    text = lambda p: subprocess.run(["pdftotext", str(p), "-"], capture_output=True, text=True).stdout
    for batch, alone in ((tmp_path / "batch" / "a", sample_pack), (tmp_path / "batch" / "b", tmp_path / "alone" / "b")):
        assert (batch / "briefing.html").read_bytes() == (alone / "briefing.html").read_bytes()
        assert normalised(batch / "briefing.ipynb") == normalised(alone / "briefing.ipynb")
        assert text(batch / "briefing.pdf") == text(alone / "briefing.pdf")


def failing_meeting(tmp_path: Path) -> Path:
    """A theme that fails for one region only, and its meeting file."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('region: str = "示例市"  # 地区\nyear: int = 2025  # 年度\nmeeting: str = ""  # 会议\n'
                                       'meeting_date: str = ""  # 日期\nas_of: str = ""  # 截止\ndata_dir: str = "data/sample"  # 数据')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params,
                nbformat.v4.new_code_cell("import briefing\npack = briefing.open_pack(briefing.read_parameters(globals()))\n"
                                          "briefing.show_cover(pack)"),
                nbformat.v4.new_markdown_cell("## 一、概览"),
                nbformat.v4.new_code_cell('if region == "新华区":\n    raise ValueError("新华区的数据故意出错")\n'
                                          "briefing.show_headlines(pack)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "fails.ipynb")
    meeting = tmp_path / "fails.yaml"
    meeting.write_text(f"meeting: 测试会议\nnotebook: {tmp_path / 'fails.ipynb'}\nyear: 2025\n"
                       "regions: [城关区, 新华区, 湖滨区]\nformats: [html]\n", encoding="utf-8")
    return meeting


@pytest.mark.slow
def test_one_failing_region_does_not_stop_the_rest(tmp_path, outputs, capsys):
    meeting = failing_meeting(tmp_path)
    code = cli_main(["render", str(meeting), "--workers", "1", "--quiet"])
    assert code == 1
    out = capsys.readouterr().out
    assert "失败：新华区，第 4 个单元格：ValueError: 新华区的数据故意出错" in out
    # --quiet: the outcome and the failure; no line per good pack, no preamble
    assert "完成：生成 2 份" in out and "城关区 完成" not in out and "会议：" not in out
    manifest = json.loads((outputs / "fails" / "manifest.json").read_text(encoding="utf-8"))
    status = {p["region"]: p for p in manifest["packs"]}
    assert [status[r]["status"] for r in ("城关区", "新华区", "湖滨区")] == ["ok", "failed", "ok"]
    partial = outputs / "fails" / "新华区" / "briefing.failed.ipynb"
    assert partial.is_file() and "故意出错" in partial.read_text(encoding="utf-8")
    assert not (outputs / "fails" / "新华区" / "briefing.html").exists()
    assert "新华区的数据故意出错" in (outputs / "fails" / "index.html").read_text(encoding="utf-8")
    # the region after the failure ran on a fresh kernel and is complete
    assert (outputs / "fails" / "湖滨区" / "briefing.html").read_text(encoding="utf-8").rstrip().endswith("</html>")


def complete(folder: Path) -> bool:
    html, pdf = folder / "briefing.html", folder / "briefing.pdf"
    return (html.read_text(encoding="utf-8").rstrip().endswith("</html>")
            and pdf.read_bytes().startswith(b"%PDF") and pdf.read_bytes().rstrip().endswith(b"%%EOF"))


@pytest.mark.slow
def test_kill_minus_9_then_rerun_finishes_only_what_is_missing(tmp_path, outputs):
    regions = "城关区,新华区,湖滨区,高新区,临江市"
    cmd = [sys.executable, "-m", "briefing.cli", "render", "params/sample-annual-2025.yaml", "--regions", regions,
           "--workers", "2"]
    env = {**os.environ, "BRIEFING_OUTPUTS": str(outputs)}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    meeting_dir = outputs / "sample-annual-2025"
    deadline = time.time() + 240
    while time.time() < deadline and len(list(meeting_dir.glob("*/.inputs.sha256"))) < 1:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = {p.parent.name for p in meeting_dir.glob("*/.inputs.sha256")}
    assert 1 <= len(done_before) < 5
    for folder in meeting_dir.iterdir():
        if (folder / "briefing.html").exists() or (folder / "briefing.pdf").exists():
            assert complete(folder), folder.name  # never a half-written pack
    lines = []
    batch = render_meeting("params/sample-annual-2025.yaml", regions=regions.split(","), workers=2, echo=lines.append)
    status = {p.region: p.status for p in batch.packs}
    assert {r for r, s in status.items() if s == "skipped"} == done_before
    assert all(s in ("ok", "skipped") for s in status.values())
    assert all(complete(meeting_dir / r) for r in regions.split(","))
    assert not list(meeting_dir.glob("*/.*.tmp")) and not list(meeting_dir.glob("*/.*.partial.ipynb"))


def test_second_render_of_the_same_meeting_is_refused(outputs):
    with MeetingLock(outputs / "sample-annual-2025"):
        with pytest.raises(BriefingError, match="正在由另一个 briefing render 生成"):
            render_meeting("params/sample-annual-2025.yaml", regions=["城关区"], echo=lambda s: None)


@pytest.mark.slow
def test_dask_cluster_renders_the_same_packs(outputs, tmp_path):
    from distributed import LocalCluster
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None) as cluster:
        batch = render_meeting("params/sample-annual-2025.yaml", regions=["城关区", "新华区"], force=True,
                               scheduler=cluster.scheduler_address, echo=lambda s: None)
    assert [p.status for p in batch.packs] == ["ok", "ok"]
    for region in ("城关区", "新华区"):
        assert complete(outputs / "sample-annual-2025" / region)
    # identical to a local render of the same region
    local = render_pack(NOTEBOOK, PackParams(region="新华区", year=2025, meeting="示例市总工会十五届五次全委（扩大）会议",
                                             meeting_date="2026-01-20"), tmp_path / "local")
    assert local.status == "ok"
    assert (tmp_path / "local" / "briefing.html").read_bytes() == \
        (outputs / "sample-annual-2025" / "新华区" / "briefing.html").read_bytes()


@pytest.mark.slow
def test_formats_option_adds_the_word_copy_and_refuses_unknown_formats(outputs):
    batch = render_meeting("params/sample-annual-2025.yaml", regions=["高新区"], formats=["html", "docx"],
                           echo=lambda s: None)
    assert [p.status for p in batch.packs] == ["ok"]
    folder = outputs / "sample-annual-2025" / "高新区"
    assert (folder / "briefing.docx").read_bytes()[:2] == b"PK" and not (folder / "briefing.pdf").exists()
    assert 'href="高新区/briefing.docx"' in (outputs / "sample-annual-2025" / "index.html").read_text(encoding="utf-8")
    with pytest.raises(BriefingError, match="不支持的输出格式 odt"):
        render_meeting("params/sample-annual-2025.yaml", regions=["高新区"], formats=["odt"], echo=lambda s: None)
