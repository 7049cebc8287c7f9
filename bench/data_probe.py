"""Time and peak memory of load + validate and of all-region metrics on one data folder, in a fresh process.

    python -m bench.data_probe bench/data/n3000 --year 2025

Prints one JSON line. Peak memory is the process's peak RSS (``ru_maxrss``), so it includes
the interpreter and pandas (about 100 MB) as an analyst's process would.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time


def probe(folder: str, year: int) -> dict:
    """Seconds and peak RSS (MiB) of load_dataset, check_dataset and compute_metrics for all regions."""
    t0 = time.perf_counter()
    from briefing.compute import compute_metrics
    from briefing.data import load_dataset
    from briefing.data.validate import check_dataset
    imported = time.perf_counter()
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ds = load_dataset(folder)
    loaded = time.perf_counter()
    findings = check_dataset(ds)
    checked = time.perf_counter()
    peak_checked = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    metrics = compute_metrics(ds, year)
    computed = time.perf_counter()
    peak_all = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "folder": folder, "year": year, "figures": len(ds.figures), "targets": len(ds.targets),
        "regions": len(ds.regions), "indicators": len(ds.catalog),
        "errors": sum(f.level == "error" for f in findings), "warnings": sum(f.level != "error" for f in findings),
        "metrics_rows": len(metrics), "metrics_regions": int(metrics["region"].nunique()),
        "import_s": round(imported - t0, 3), "load_s": round(loaded - imported, 3),
        "check_s": round(checked - loaded, 3), "load_check_s": round(checked - imported, 3),
        "compute_s": round(computed - checked, 3),
        "rss_after_import_mib": round(base, 1), "peak_load_check_mib": round(peak_checked, 1),
        "peak_all_mib": round(peak_all, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.data_probe", description="数据读取、校验和指标计算的用时与内存。")
    parser.add_argument("folder", help="数据目录")
    parser.add_argument("--year", type=int, default=2025, help="计算指标的年度")
    args = parser.parse_args(argv)
    print(json.dumps(probe(args.folder, args.year), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
