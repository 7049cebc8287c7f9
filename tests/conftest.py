"""Shared test helpers: a tiny hand-checkable data set written as tidy CSV files."""

from __future__ import annotations

import csv
import functools
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"

CATALOG = [
    # id, name, unit, kind, theme, direction, decimals, numerator, denominator, tier
    ("new_unions", "新建基层工会", "家", "flow", "组织建设", "higher", "0", "", "", "1"),
    ("members", "会员总数", "人", "stock", "组织建设", "higher", "0", "", "", "2"),
    ("workers", "已建会单位职工数", "人", "stock", "组织建设", "higher", "0", "", "", "3"),
    ("membership_rate", "入会率", "%", "rate", "组织建设", "higher", "1", "members", "workers", "1"),
    ("petitions", "受理来信来访", "件", "flow", "维权与集体协商", "lower", "0", "", "", "2"),
    ("warmth_funds", "送温暖资金", "万元", "flow", "帮扶与送温暖", "higher", "1", "", "", "1"),
]
REGIONS = [
    ("C0", "甲市", "甲市总工会", "市", "市", "", "0"),
    ("A1", "东区", "东区总工会", "区", "县(市)区", "C0", "1"),
    ("A2", "西县", "西县总工会", "县", "县(市)区", "C0", "2"),
    ("A3", "南县", "南县总工会", "县", "县(市)区", "C0", "3"),
]


def write_csv(path: Path, header: list[str], rows: list) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def make_dataset(folder: Path, figures: list, targets: list | None = None, *, sample: bool = False) -> Path:
    """Write a tiny data folder. ``figures``: (region, year, as_of, indicator, value[, approx])."""
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "indicators.csv",
              ["id", "name", "unit", "kind", "theme", "direction", "decimals", "numerator", "denominator", "tier",
               "aliases", "description"], [(*row, "", "") for row in CATALOG])
    write_csv(folder / "regions.csv", ["code", "name", "union_name", "level", "group", "parent", "order"], REGIONS)
    write_csv(folder / "figures.csv", ["region", "year", "as_of", "indicator", "value", "approx", "source", "note"],
              [(r[0], r[1], r[2], r[3], r[4], r[5] if len(r) > 5 else "", "测试", "") for r in figures])
    write_csv(folder / "targets.csv", ["region", "year", "indicator", "target", "target_type", "issuer", "note"],
              [(*t, "") if len(t) == 6 else t for t in (targets or [])])
    (folder / "dataset.yaml").write_text(f"name: 测试数据\nsample: {'true' if sample else 'false'}\nsource: 测试\n",
                                         encoding="utf-8")
    return folder


def pytest_configure(config):
    """The charts drawn by one test run go to one fresh folder that every test and xdist worker shares (workers
    inherit the environment): the same chart of the same sample region is drawn once per run, not once per test,
    and the user's own ~/.cache is neither read nor written. A folder given in BRIEFING_CHART_CACHE is kept."""
    import os
    import tempfile
    if hasattr(config, "workerinput") or os.environ.get("BRIEFING_CHART_CACHE"):
        return
    folder = tempfile.mkdtemp(prefix="briefing-test-charts-")
    os.environ["BRIEFING_CHART_CACHE"] = folder
    config._briefing_chart_cache = folder


def pytest_unconfigure(config):
    import os
    import shutil
    folder = getattr(config, "_briefing_chart_cache", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop("BRIEFING_CHART_CACHE", None)


# The long poles start first, so that parallel workers (``pytest -n``) fill the time around them.
LONG_POLES = ("test_bench_smoke.py", "test_meetingbook.py", "test_bundle.py", "test_crashes.py", "test_onepage.py")


def pytest_collection_modifyitems(config, items):
    """Order: the long-pole modules, then every other module holding slow tests, then the rest (order kept within a
    module). Parallel workers take the tests in this order (see ``pytest_xdist_make_scheduler``)."""
    slow_modules = {item.path.name for item in items if item.get_closest_marker("slow")}

    def rank(item) -> int:
        name = item.path.name
        return LONG_POLES.index(name) if name in LONG_POLES else len(LONG_POLES) + (name not in slow_modules)

    items.sort(key=rank)  # stable


@functools.cache  # asked once per test, read once per module
def shares_a_fixture(module: str) -> bool:
    """Whether a test module defines a fixture its tests share (module- or class-scoped): a rendered meeting, say."""
    path = ROOT / module
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return 'scope="module"' in text or 'scope="class"' in text


def pytest_xdist_make_scheduler(config, log):
    """With ``pytest -n N`` (as ``make test`` runs it): each test is its own unit of work, in the order above, except
    that the tests of a module sharing a fixture stay on one worker, so the fixture is built once, not once per
    worker. (``--dist loadgroup`` would do this with marks, but it ignores them with pytest 9.2: pytest-xdist#1386.)"""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixturesTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if shares_a_fixture(module) else nodeid

    config.option.loadscopereorder = False  # keep the order: long poles first
    return SharedFixturesTogether(config, log)


@pytest.fixture(autouse=True)
def _keep_main_module():
    """An in-process IPython shell (the benchmark's no-kernel floor) replaces ``sys.modules["__main__"]``
    with a module that has no ``__spec__``; multiprocessing's spawn then fails in later tests."""
    import sys
    main = sys.modules.get("__main__")
    yield
    if main is not None and sys.modules.get("__main__") is not main:
        sys.modules["__main__"] = main


@pytest.fixture
def tiny(tmp_path) -> Path:
    """Two years for three counties; the city has no figures of its own (rolled up)."""
    figs = []
    data = {  # region: (year: new_unions, members, workers, petitions, warmth)
        "A1": {2024: (10, 900, 1000, 20, 100.0), 2025: (12, 950, 1000, 18, 110.0)},
        "A2": {2024: (0, 80, 100, 5, 10.0), 2025: (3, 90, 100, 5, 10.0)},
        "A3": {2024: (5, 400, 500, 9, 50.0), 2025: (5, 450, 500, 12, 40.0)},
    }
    for region, years in data.items():
        for year, (nu, mem, wk, pet, wf) in years.items():
            for ind, v in zip(["new_unions", "members", "workers", "petitions", "warmth_funds"], [nu, mem, wk, pet, wf]):
                figs.append((region, year, f"{year}-12-31", ind, v))
    figs += [("A1", 2025, "2025-06-30", "new_unions", 6), ("A1", 2024, "2024-06-30", "new_unions", 4)]
    targets = [
        ("A1", 2025, "new_unions", 10, "absolute", "市总"),
        ("A2", 2025, "new_unions", 4, "absolute", "市总"),
        ("A3", 2025, "new_unions", 0, "absolute", "市总"),
        ("A1", 2025, "membership_rate", 95, "threshold", "市总"),
        ("A2", 2025, "membership_rate", 95, "threshold", "市总"),
        ("C0", 2025, "new_unions", 18, "absolute", "省总"),
    ]
    return make_dataset(tmp_path / "tiny", figs, targets)


@pytest.fixture(scope="session")
def sample_pack(tmp_path_factory) -> Path:
    """One real pack (城关区 of the sample meeting, HTML and PDF), rendered once per session; its folder."""
    from briefing.params import load_meeting
    from briefing.export.render import render_pack
    meeting = load_meeting("params/sample-annual-2025.yaml")
    folder = tmp_path_factory.mktemp("sample-pack") / "城关区"
    result = render_pack(meeting.notebook, meeting.params_for("城关区"), folder, ("html", "pdf"))
    assert result.status == "ok", result.error
    return folder
