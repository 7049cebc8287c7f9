"""The benchmark harness (bench/): synthetic data that loads and validates, the no-kernel floor, memory sampling, the report, and one tiny run of the whole suite."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from bench import floor, synth
from bench.monitor import TreeSampler
from bench.report import render_report, summary_rows
from briefing.compute import compute_metrics, values_at
from briefing.data import load_dataset
from briefing.data.validate import check_dataset

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("n", [12, 13, 150, 499, 3000])
def test_hierarchy_has_exactly_n_regions_province_city_county_and_industry(n):
    regions = synth.plan_hierarchy(n)
    assert len(regions) == n
    assert regions["code"].is_unique and regions["name"].is_unique
    level_of = dict(zip(regions["code"], regions["level"]))
    parent_level = regions["parent"].map(lambda p: level_of.get(p, ""))
    assert set(regions.loc[regions["level"] == "省", "parent"]) == {""}
    assert set(parent_level[regions["level"] == "市"]) == {"省"}
    assert set(parent_level[regions["level"].isin(["区", "县", "县级市"])]) == {"市"}
    assert set(parent_level[regions["level"] == "产业工会"]) == {"市", "省"}
    assert set(regions.loc[regions["level"].isin(["区", "县", "县级市"]), "group"]) == {"县(市)区"}


@pytest.mark.parametrize("n", [11, 3001])
def test_sizes_outside_12_to_3000_are_refused(n):
    with pytest.raises(ValueError, match="12 到 3000"):
        synth.plan_hierarchy(n)


def test_same_seed_same_data_other_seed_other_figures():
    a, b = synth.build_dataset(12), synth.build_dataset(12)
    for name in ("regions", "figures", "targets", "catalog"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    other = synth.build_dataset(12, seed=7)
    assert not other.figures["value"].equals(a.figures["value"])


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("synth") / "n40"
    synth.write_dataset(folder, 40)
    return folder


def test_written_data_loads_and_validates_with_only_the_planted_warning(synthetic):
    ds = load_dataset(synthetic)
    findings = check_dataset(ds)
    assert [f for f in findings if f.level == "error"] == []
    assert any("下级合计" in f.message and "相差 37" in f.message for f in findings)
    assert len(ds.catalog) == 60 and (ds.catalog["kind"] == "rate").sum() == 11
    assert len(ds.regions) == 40
    dates = sorted(ds.figures["as_of"].dt.strftime("%Y-%m-%d").unique())
    assert dates == [f"{y}-12-31" for y in range(2016, 2025)] + ["2025-06-30", "2025-12-31", "2026-06-30"]
    assert set(ds.targets["target_type"]) == {"absolute", "threshold"}
    assert sorted(ds.targets["year"].unique()) == list(range(2017, 2027))
    leaves = ds.regions.index[~ds.regions.index.isin(ds.regions["parent"])]
    assert set(ds.figures["region"]) - set(leaves) == set(ds.regions.index[ds.regions["parent"] == ""])


def test_cities_roll_up_from_their_children_and_every_region_gets_metrics(synthetic):
    ds = load_dataset(synthetic)
    vals = values_at(ds, 2025).set_index(["region", "indicator"])["value"]
    city = ds.regions.index[ds.regions["level"] == "市"][0]
    children = ds.regions.index[ds.regions["parent"] == city]
    assert vals[(city, "new_unions")] == sum(vals[(c, "new_unions")] for c in children)
    metrics = compute_metrics(ds, 2025)
    assert set(metrics["region"]) == set(ds.regions.index)
    assert metrics.loc[metrics["kind"] == "rate", "value"].between(0, 100).all()


def test_floor_captures_outputs_as_a_kernel_would_with_a_fresh_namespace_per_run():
    tags = {"tags": []}
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("n = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("from IPython.display import HTML, display\nprint('a'); print('b')\n"
                                  "display(HTML('<b>x</b>'))\nn * 21", metadata=tags),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    main = sys.modules["__main__"]
    out = floor.execute_in_process(nb, {"n": 2})
    assert sys.modules["__main__"] is main   # spawn-based multiprocessing needs the real __main__ back
    assert out.cells[1].metadata["tags"] == ["injected-parameters"]
    outputs = out.cells[-1].outputs
    assert [o["output_type"] for o in outputs] == ["stream", "display_data", "execute_result"]
    assert outputs[0]["text"] == "a\nb\n"
    assert outputs[1]["data"]["text/html"] == "<b>x</b>"
    assert outputs[2]["data"]["text/plain"] == "42"
    assert len(nb.cells) == 2   # the input notebook is not changed
    leak = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("n", metadata=tags)])
    leak.metadata["kernelspec"] = nb.metadata["kernelspec"]
    with pytest.raises(RuntimeError, match="NameError"):
        floor.execute_in_process(leak, {})


def test_sampler_sees_each_worker_and_what_runs_below_it(tmp_path):
    kernel = tmp_path / "kernel.py"
    kernel.write_text("import time\nb = b'x' * (20 * 2**20)\ntime.sleep(1.5)\n")
    worker = tmp_path / "worker.py"
    worker.write_text(f"import subprocess, sys\nb = b'x' * (30 * 2**20)\n"
                      f"subprocess.run([sys.executable, {str(kernel)!r}])\n")
    command = tmp_path / "command.py"
    command.write_text(f"import subprocess, sys\n"
                       f"kids = [subprocess.Popen([sys.executable, {str(worker)!r}]) for _ in range(2)]\n"
                       f"[k.wait() for k in kids]\n")
    proc = subprocess.Popen([sys.executable, str(command)])
    sampler = TreeSampler(proc.pid, interval=0.05).start()
    proc.wait()
    time.sleep(0.1)
    summary = sampler.stop().summary()
    assert len(summary["workers"]) == 2
    assert all(w["peak_worker_mib"] >= 30 and w["peak_kernels_mib"] >= 20 for w in summary["workers"])
    assert summary["command_peak_mib"] > 0


def _results(ab: float, bc: float, growth: float, per_100: float, load_s: float) -> dict:
    spread = lambda v: {"median": v, "min": v, "max": v, "runs": [v]}  # noqa: E731
    run = {"seconds": 10.0, "load_at_start": 0.1}
    return {
        "profile": "full", "machine": {"cores": 2, "usable_cores": 2, "memory_gib": 8, "versions": {"pandas": "x"}},
        "render": {"regions": 2, "workers": 2, "region_names": ["甲", "乙"], "data": "d", "floor_html_identical": 2,
                   "s_per_pack": {w: spread(1.0) for w in "abc"}, "ratio_a_b": spread(ab), "ratio_b_c": spread(bc),
                   "runs": {w: [run] for w in "abc"}},
        "scale": {"runs": [{"n": 500, "regions": 500, "formats": ["html", "pdf"], "seconds": 100.0, "packs": 500,
                            "s_per_pack": 0.2, "exit": 0, "complete": True, "load_at_start": 0.1,
                            "memory": {"interval": 0.25, "command_peak_mib": 300, "tree_peak_mib": 900,
                                       "worker_peak_mib": 400, "worker_growth": growth,
                                       "workers": [{"pid": 1, "seconds": 99, "samples": 9, "peak_mib": 400,
                                                    "peak_worker_mib": 200, "peak_kernels_mib": 200,
                                                    "first_mib": 390, "last_mib": 400, "growth": growth}]},
                            "incremental": {"regions": 500, "ok": True, "per_100": spread(per_100),
                                            "runs": [{"seconds": 1.0, "rewritten": 0, "load_at_start": 0.1}]}}]},
        "data": {"data": "d", "regions": 3000, "figures": 1893400, "targets": 1, "indicators": 60, "errors": 0,
                 "warnings": 1, "load_check_s": spread(load_s), "load_s": spread(1.0), "check_s": spread(1.0),
                 "peak_mib": spread(1500.0), "compute_s": spread(4.0),
                 "runs": [{"load_s": 1, "check_s": 1, "load_check_s": load_s, "peak_load_check_mib": 1500,
                           "compute_s": 4.0, "load_at_start": 0.1}]},
    }


def test_report_says_for_each_goal_whether_it_holds():
    rows = {r[0].split(" (")[0].split(":")[0]: r[3] for r in summary_rows(_results(12.0, 1.3, 0.02, 1.5, 6.0))}
    assert rows["(a)/(b), per interleaved run"] == "**yes**"
    assert rows["(b)/(c), per interleaved run"] == "**no**"
    holds = [r[3] for r in summary_rows(_results(12.0, 1.3, 0.02, 1.5, 6.0))]
    assert holds.count("**yes**") == 4 and holds.count("**no**") == 3   # b/c, load+check 6 s, compute 4 s
    text = render_report(_results(9.0, 1.1, 0.5, 2.5, 4.0))
    assert "| (a)/(b), per interleaved run | 9.00× | ≥ 10 | **no** |" in text
    assert "+50.0%" in text and "2 usable cores" in text and "1,893,400 figures" in text


def tiny_run(tmp_path: Path, sections: str) -> tuple[dict, str]:
    """``bench.run --smoke --only SECTIONS`` in its own folders: its raw results and its report."""
    md = tmp_path / "results.md"
    proc = subprocess.run([sys.executable, "-m", "bench.run", "--smoke", "--only", sections, "--work", str(tmp_path / "work"),
                           "--data", str(tmp_path / "data"), "--results", str(md), "--settle", "0"],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads((tmp_path / "work" / "results.json").read_text(encoding="utf-8")), md.read_text(encoding="utf-8")


# The whole suite in two halves that share nothing, so parallel test workers can run them side by side;
# together they are every section but the floor's history (full profile only).
@pytest.mark.slow
def test_a_tiny_run_of_the_steady_state_sections_writes_their_report_rows(tmp_path):
    results, text = tiny_run(tmp_path, "render,scale,data,incremental,book")
    render = results["render"]
    assert render["ok"] and render["floor_html_identical"] == 1
    assert all(render["s_per_pack"][w]["median"] > 0 for w in "abc")
    assert list((tmp_path / "work" / "naive").rglob("*.pdf"))
    scale = results["scale"]["runs"][0]
    assert scale["complete"] and scale["memory"]["workers"]
    assert results["data"]["errors"] == 0 and results["data"]["figures"] > 6000
    assert results["book"]["pages"] > 2 and results["book"]["seconds"]["median"] > 0
    for row in ("(a)/(b)", "(b)/(c)", "peak RSS per worker", "load_dataset + check_dataset",
                "compute_metrics", "per 100 regions", "meeting book"):
        assert row in text, row


@pytest.mark.slow
def test_a_tiny_run_of_the_waiting_sections_writes_their_report_rows(tmp_path):
    # where people wait: first run vs warm, first pack vs median, check vs render, preview, Dask vs local
    results, text = tiny_run(tmp_path, "first,editor,dask")
    assert results["first"]["ratio_wall"]["median"] > 0 and results["first"]["first_pack"]
    assert results["first"]["cached_cpu"]["median"] > 0 and results["editor"]["watch"]["cached"]["ok"]
    assert results["editor"]["ratio_check_render"]["median"] > 0 and results["editor"]["preview_s"]
    assert results["dask"]["ratio_pack"]["median"] > 0
    for row in ("first `briefing render` after set-up", "first pack of a worker vs the median pack",
                "`briefing check` vs `briefing render --formats html`", "`briefing preview --watch`",
                "with the chart cache (charts drawn before are read)", "with the chart cache on",
                "a pack on a Dask cluster"):
        assert row in text, row
