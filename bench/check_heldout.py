"""Import a held-out week of returns (bench/heldout_returns.py) and compare every figure and target with its truth.

    python -m bench.heldout_returns HELDOUT --clean
    python -m bench.check_heldout HELDOUT HELDOUT-data        # a scratch folder of yours; imports, compares, prints the differences

Prints the import's time, the counts read and expected, each figure or target that differs (missing,
extra, other value), and each expected fault that was not reported. Exit code 0 when all agree.
"""

from __future__ import annotations

import argparse

import json
import shutil
import sys
import time
from pathlib import Path

import pandas as pd

from briefing.data.imports import import_returns


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("heldout", type=Path)
    ap.add_argument("out", type=Path)
    args = ap.parse_args(argv)
    truth = json.loads((args.heldout / "expected.json").read_text(encoding="utf-8"))
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    shutil.copy(args.heldout / "regions.csv", args.out / "regions.csv")
    folders = [p for p in sorted(args.heldout.iterdir()) if p.is_dir()]
    t0 = time.perf_counter()
    res = import_returns(folders, args.out, parent=truth["city"])
    seconds = time.perf_counter() - t0
    names = pd.read_csv(args.out / "regions.csv", dtype=str).set_index("code")["name"].to_dict()

    got = {}
    for r in res.read.figures.itertuples(index=False):
        as_of = pd.Timestamp(r.as_of)
        key = (names.get(r.region, r.region), int(r.year),
               None if as_of.strftime("%m-%d") == "12-31" else as_of.date().isoformat(), r.indicator)
        got[key] = (round(float(r.value), 6), r.approx or None)
    want = {(f["region"], f["year"], f["as_of"], f["indicator"]): (round(float(f["value"]), 6), f["approx"])
            for f in truth["figures"]}
    refused = {(f["file"].split("/")[-1], f["cell"]) for f in truth["faults"] if f["level"] == "error"}
    want = {k: v for k, v in want.items()
            if (next(f for f in truth["figures"] if (f["region"], f["year"], f["as_of"], f["indicator"]) == k)["file"]
                .split("/")[-1], next(f for f in truth["figures"] if (f["region"], f["year"], f["as_of"],
                                                                    f["indicator"]) == k)["cell"]) not in refused}
    figure_diffs = [f"缺：{k} {v}" for k, v in want.items() if k not in got] + \
                   [f"多：{k} {v}" for k, v in got.items() if k not in want] + \
                   [f"值不同：{k} 读入 {got[k]} 应为 {v}" for k, v in want.items() if k in got and got[k] != v]
    got_t = {(names.get(t.region, t.region), int(t.year), t.indicator): (round(float(t.target), 6), t.target_type, t.issuer)
             for t in res.read.targets.itertuples(index=False)}
    want_t = {(t["region"], t["year"], t["indicator"]): (round(float(t["target"]), 6), t["target_type"], t["issuer"])
              for t in truth["targets"]}
    target_diffs = [f"目标不同：{k} 读入 {got_t.get(k)} 应为 {v}" for k, v in want_t.items() if got_t.get(k) != v] + \
                   [f"目标多：{k}" for k in got_t if k not in want_t]
    reported = {(f.file, f.cell, f.level) for f in res.findings}
    missed = [f"未报告：{f['file']} {f['cell']} {f['level']} {f['reason']}" for f in truth["faults"]
              if (f["file"].split("/")[-1], f["cell"], f["level"]) not in reported]
    errors = [f for f in res.findings if f.level == "error"]
    print(f"导入 {len(truth['files'])} 个文件用时 {seconds:.2f} 秒；读入数字 {len(got)} 个（应为 {len(want)} 个），"
          f"目标 {len(got_t)} 个（应为 {len(want_t)} 个）；错误 {len(errors)} 个，提示 {len(res.findings) - len(errors)} 个；"
          f"{'已写入' if res.written else '未写入'} {args.out}")
    for line in figure_diffs + target_diffs + missed:
        print("  " + line)
    ok = not (figure_diffs or target_diffs or missed)
    print("全部相符。" if ok else f"有 {len(figure_diffs) + len(target_diffs) + len(missed)} 处不符。")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())



