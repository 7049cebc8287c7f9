"""How long ``briefing import`` takes for a folder of per-county forms (纵表), as a 市总 receives them.

    python -m bench.import_forms --forms 100            # writes the forms to bench/data/forms100/, times the import

Each form is built by ``tests/returns.per_region_form`` (mid-year 2025, 20 indicators with 本期 and 上年同期,
title, 填报单位, notes, signatures, text numbers, placeholders); every 10th is an .xls and every 25th a GB18030
CSV. Prints the seconds for reading and checking all forms, and for the whole import including the writing
and the 核对清单, median of ``--repeats`` runs.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from pathlib import Path

from briefing.data.catalog import load_catalog
from briefing.data.excel import read_returns
from briefing.data.folder import load_regions
from briefing.data.imports import check_returns, import_returns
from tests import returns as R

ROOT = Path(__file__).resolve().parents[1]
SYLLABLES = "东西南北青白云石河山湖林松梅竹兰桂金玉安宁平和兴华新丰泰康永长"


def county_names(n: int) -> list[str]:
    """``n`` (≤ 961) invented county names, any two differing in at least two characters (the import flags
    names one character apart as likely typos): syllables (a, b, a+b mod 31) + 县."""
    k = len(SYLLABLES)
    return [f"{SYLLABLES[i // k]}{SYLLABLES[i % k]}{SYLLABLES[(i // k + i % k) % k]}县" for i in range(n)]


def build(folder: Path, n: int) -> tuple[Path, Path]:
    shutil.rmtree(folder, ignore_errors=True)
    forms, data = folder / "returns", folder / "data"
    regions = [R.Region(name, f"{name}总工会", "县", "县(市)区") for name in county_names(n)]
    R.write_regions_csv(data, regions, parent="示例市", prefix="BX")
    for i, region in enumerate(regions):
        fmt = "csv" if i % 25 == 24 else "xls" if i % 10 == 9 else "xlsx"
        R.per_region_form(forms / f"{i:03d}", region.name, fmt=fmt, encoding="gb18030" if fmt == "csv" else "utf-8",
                          registry=regions)
    flat = folder / "all"
    flat.mkdir()
    for path in forms.rglob("*.*"):
        shutil.copy(path, flat / path.name)
    return flat, data


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--forms", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "data")
    args = ap.parse_args(argv)
    flat, data = build(args.out / f"forms{args.forms}", args.forms)
    files = sorted(flat.iterdir())
    catalog = load_catalog(ROOT / "data" / "sample" / "indicators.csv")
    regions = load_regions(data)
    reads, wholes = [], []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        res = read_returns(files, catalog, regions)
        checks = check_returns(res, catalog, regions)
        reads.append(time.perf_counter() - t0)
        for name in ("figures.csv", "targets.csv"):
            (data / name).unlink(missing_ok=True)
        t0 = time.perf_counter()
        whole = import_returns([flat], data, review=args.out / "核对清单.xlsx")
        wholes.append(time.perf_counter() - t0)
    errors = sum(f.level == "error" for f in [*res.findings, *checks])
    print(f"{len(files)} 份填报表（xlsx/xls/GB18030 CSV），读入 {len(res.figures)} 个数字，错误 {errors} 个；"
          f"读入和检查 {statistics.median(reads):.2f} 秒，整个导入（含写入和核对清单）{statistics.median(wholes):.2f} 秒"
          f"（{args.repeats} 次的中位数；{'已写入' if whole.written else '未写入'}）。")
    return 0 if errors == 0 and whole.written else 1


if __name__ == "__main__":
    raise SystemExit(main())
