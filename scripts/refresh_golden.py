"""Rewrite the golden metrics files under tests/golden/ from the sample data, for review as a diff.

The golden files pin the numbers of a few sample packs (one county at year end and at
mid-year, and the city, which is a roll-up). ``tests/test_compute.py::test_golden_metrics`` fails when
the computation gives anything else; after a deliberate change, run

    make golden            # or: python scripts/refresh_golden.py
    git diff tests/golden  # read every changed number before committing

``python scripts/refresh_golden.py --check`` only reports which files would change.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN_DIR = ROOT / "tests" / "golden"
SAMPLE = ROOT / "data" / "sample"

# (region, year, as_of or None): a county's annual pack, its mid-year pack (同期, pacing), the city (roll-up)
CASES = [("SL01", 2025, None), ("SL01", 2026, "2026-06-30"), ("SL00", 2025, None)]
COLUMNS = ["indicator", "name", "value", "approx", "source", "children_sum", "prev_value", "prev_approx",
           "change", "change_pct", "yoy", "target", "target_type", "target_bound", "completion", "met", "exceeded",
           "gap", "status", "time_progress", "pace_gap", "pace", "projection", "at_risk", "rank", "rank_prev",
           "rank_change", "peers", "tied", "flags", "doubtful"]


def golden_path(region: str, year: int, as_of: str | None) -> Path:
    return GOLDEN_DIR / f"metrics-{region}-{as_of or year}.csv"


def golden_text(ds, region: str, year: int, as_of: str | None) -> str:
    """The metrics of one region as CSV text: numbers to ten significant digits, blanks for none."""
    import pandas as pd

    from briefing.compute import compute_metrics

    m = compute_metrics(ds, year, as_of)
    m = m.loc[m["region"] == region, COLUMNS].copy()
    for col in ("met", "exceeded", "tied", "at_risk", "doubtful"):
        m[col] = ["" if pd.isna(v) else str(bool(v)) for v in m[col]]
    return m.to_csv(index=False, float_format="%.10g", lineterminator="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="重新生成 tests/golden/ 下的指标基准文件（示例数据）。")
    parser.add_argument("--check", action="store_true", help="只检查，不写文件；有变化时退出码为 1")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    from briefing.data import load_dataset

    ds = load_dataset(SAMPLE)
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    changed = []
    for region, year, as_of in CASES:
        path = golden_path(region, year, as_of)
        text = golden_text(ds, region, year, as_of)
        old = path.read_text(encoding="utf-8") if path.is_file() else None
        if old == text:
            continue
        changed.append(path.relative_to(ROOT).as_posix())
        if not args.check:
            path.write_text(text, encoding="utf-8")
    verb = "将改变" if args.check else "已更新"
    for name in changed:
        print(f"{verb}：{name}")
    if not changed:
        print("基准文件与当前计算结果一致，无需更新。")
    elif not args.check:
        print("请用 git diff tests/golden 逐项核对变化的数字后再提交。")
    return 1 if changed and args.check else 0


if __name__ == "__main__":
    raise SystemExit(main())
