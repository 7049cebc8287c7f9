"""National-scale synthetic data in the tidy CSV format of data/sample, deterministic from a seed.

    python -m bench.synth --regions 3000 --out bench/data/n3000

N regions (12 to 3,000) in a 省 › 市 › 县(市)区 hierarchy, with 产业工会 beside the
县(市)区 of each 市 and beside the 市 of each 省; ten full years (2016–2025), mid-year
snapshots at 30 June 2025 (the 同期 base) and 2026; the sample catalogue extended to 60
indicators (flows, stocks, rates with numerator and denominator); targets for 2017–2026,
absolute and "X%以上" thresholds, issued down the hierarchy.

As in real returns, the leaves (县(市)区 and 产业工会) report every figure, including
their stated rates for full years; 市 and 省 are rolled up from them, except a few
provincial headline figures that provinces report themselves. A handful of
approximations (近/余/多), stated rates that disagree with their parts and one
provincial figure that disagrees with its children give the checks realistic work
(warnings, never errors). Every name and number is fictional (合成数据).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CATALOG = ROOT / "data" / "sample" / "indicators.csv"
MIN_REGIONS, MAX_REGIONS = 12, 3000
SEED = 20260120
LAST_YEAR = 2025
YEARS = 10
SOURCE = "合成年报（虚构）"
PROVINCE_SOURCE = "合成省总自报（虚构）"

# Two indicators added to the sample's 58 so that the catalogue has 60 (a stock and its rate).
EXTRA_INDICATORS = [
    {"id": "realname_members", "name": "实名制录入会员", "unit": "人", "kind": "stock", "theme": "组织建设",
     "direction": "higher", "decimals": "0", "numerator": "", "denominator": "", "tier": "3",
     "aliases": "实名制会员|会员实名制录入数", "description": "年末已录入全国工会会员实名制系统的会员数"},
    {"id": "realname_rate", "name": "会员实名制录入率", "unit": "%", "kind": "rate", "theme": "组织建设",
     "direction": "higher", "decimals": "1", "numerator": "realname_members", "denominator": "members", "tier": "2",
     "aliases": "实名制录入率", "description": "实名制录入会员 ÷ 会员总数"},
]

# A county-sized union's level in the first year; yearly growth is drawn per region.
FLOW_BASE = {
    "new_unions": 45, "new_members": 2000, "cc_contracts": 550, "cc_enterprises": 900, "cc_workers": 36000,
    "petitions": 150, "legal_aid_cases": 30, "hotline_calls": 600, "disputes_mediated": 45,
    "arrears_recovered": 220.0, "contest_units": 110, "contest_workers": 9000, "innovation_results": 60,
    "proposals": 1100, "ankang_enterprises": 300, "honours": 3, "warmth_funds": 130.0,
    "visited_households": 1100, "jinqiu_students": 200, "jinqiu_funds": 45.0, "trained": 2200,
    "reemployed": 380, "medical_mutual": 15000, "women_hardship_visited": 150, "women_hardship_funds": 22.0,
    "two_cancer_screening": 3600, "women_training": 22, "worker_libraries_new": 6, "culture_events": 30,
    "dues_due": 1900.0, "dues_collected": 1700.0, "cadre_training": 600, "cadre_classes": 6,
}
STOCK_BASE = {
    "members": 52000, "unionised_workers": 58000, "unionised_enterprises": 1200, "enterprises": 1500,
    "homes": 260, "qualified_homes": 200, "women_orgs": 850, "wage_cb_enterprises": 900, "wcc_enterprises": 1000,
    "open_affairs_enterprises": 980, "innovation_studios": 4, "hardship_files": 650, "aid_stations": 5,
    "townships": 12, "worker_libraries": 45, "realname_members": 30000,
}
GENERIC_BASE = {"flow": 100.0, "stock": 100.0}
# rate -> (level in the first year, yearly gain); the numerator is drawn from the denominator and this level.
RATE_LEVELS = {
    "membership_rate": (0.86, 0.008), "union_formation_rate": (0.80, 0.012), "home_pass_rate": (0.77, 0.015),
    "women_org_rate": (0.70, 0.02), "wage_cb_rate": (0.76, 0.015), "wcc_rate": (0.82, 0.012),
    "open_affairs_rate": (0.81, 0.012), "aid_station_coverage": (0.40, 0.06), "dues_collection_rate": (0.87, 0.008),
    "ankang_rate": (0.25, 0.02), "realname_rate": (0.55, 0.04),
}
GENERIC_RATE = (0.8, 0.01)
NOT_FOR_INDUSTRY = {"townships", "aid_stations"}
DECLINING = {"petitions": 0.96}   # 信访总量逐年下降为好

# Targets, as the sample has them: flows as absolute numbers, a stock and six rates as "X以上".
FLOW_TARGETS = ["new_unions", "new_members", "cc_contracts", "contest_units", "warmth_funds",
                "visited_households", "jinqiu_students", "trained", "reemployed", "two_cancer_screening",
                "worker_libraries_new", "cadre_training"]
STOCK_TARGETS = ["innovation_studios"]
THRESHOLDS = {"membership_rate": 92.0, "union_formation_rate": 90.0, "wage_cb_rate": 90.0, "wcc_rate": 95.0,
              "dues_collection_rate": 95.0, "aid_station_coverage": 100.0}
PROVINCE_OWN = ["new_unions", "new_members", "members"]   # headline figures a 省总 reports itself

CITY_INDUSTRIES = ["教育", "卫生", "金融", "建设", "交通"]
PROVINCE_INDUSTRIES = ["教育", "卫生", "金融", "交通"]
NAME_CHARS = ("东西南北中江河湖山川云海青白金石平安宁永兴华新昌盛丰泰和清源阳岭林城桥溪梅松竹兰"
              "凤龙鹤泉沙洲浦滨湾峰川台望远长乐康福德仁信怀嘉庆通益广瑞祥明光景春秋")


@dataclass(frozen=True)
class SynthData:
    """The frames of one synthetic data set, as they are written to CSV."""

    catalog: pd.DataFrame
    regions: pd.DataFrame
    figures: pd.DataFrame
    targets: pd.DataFrame
    meta: dict


# ---------------------------------------------------------------- catalogue and hierarchy

def read_catalog(path: Path = SAMPLE_CATALOG) -> pd.DataFrame:
    """The sample catalogue with the extra indicators appended (each added only if missing).

    >>> len(read_catalog())
    60
    """
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    ids = {r["id"] for r in rows}
    rows += [dict(r) for r in EXTRA_INDICATORS if r["id"] not in ids]
    return pd.DataFrame(rows).fillna("")


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def plan_hierarchy(n_regions: int, seed: int = SEED) -> pd.DataFrame:
    """Exactly ``n_regions`` regions: 省, their 市 and 产业工会, each 市's 县(市)区 and 产业工会.

    About 150 regions a province, 12 cities a province, 9 县(市)区 and 2–3 产业工会 a city.

    >>> plan_hierarchy(12)["level"].value_counts().to_dict()
    {'县': 4, '产业工会': 3, '区': 2, '县级市': 1, '省': 1, '市': 1}
    """
    if not MIN_REGIONS <= n_regions <= MAX_REGIONS:
        raise ValueError(f"地区数 {n_regions} 超出范围：合成数据支持 {MIN_REGIONS} 到 {MAX_REGIONS} 个地区。")
    rng = np.random.default_rng([seed, 1])
    used: set[str] = set()

    def name(suffix: str) -> str:
        while True:
            a, b = rng.choice(len(NAME_CHARS), 2, replace=False)
            text = NAME_CHARS[a] + NAME_CHARS[b] + suffix
            if text not in used:
                used.add(text)
                return text

    rows: list[dict] = []

    def add(code, name_, union, level, group, parent):
        rows.append({"code": code, "name": name_, "union_name": union, "level": level, "group": group,
                     "parent": parent, "order": len(rows)})

    provinces = max(1, round(n_regions / 150))
    for p, budget in enumerate(_split(n_regions, provinces), start=1):
        pcode, pname = f"P{p:02d}", name("省")
        add(pcode, pname, pname + "总工会", "省", "省", "")
        p_ind = 4 if budget >= 60 else 1
        rest = budget - 1 - p_ind
        cities = max(1, round(rest / 12))
        for c, c_budget in enumerate(_split(rest, cities), start=1):
            ccode, cname = f"{pcode}C{c:02d}", name("市")
            add(ccode, cname, cname + "总工会", "市", "市", pcode)
            children = c_budget - 1
            c_ind = min(3, children // 4)
            for k in range(1, children - c_ind + 1):
                level = str(rng.choice(["区", "县", "县级市"], p=[0.3, 0.5, 0.2]))
                kname = name({"区": "区", "县": "县", "县级市": "市"}[level])
                add(f"{ccode}K{k:02d}", kname, kname + "总工会", level, "县(市)区", ccode)
            for j, ind in enumerate(CITY_INDUSTRIES[:c_ind], start=1):
                add(f"{ccode}I{j}", f"{cname}{ind}工会", f"{cname}{ind}工会", "产业工会", "产业工会", ccode)
        for j, ind in enumerate(PROVINCE_INDUSTRIES[:p_ind], start=1):
            add(f"{pcode}I{j}", f"{pname}{ind}工会", f"{pname}{ind}工会", "产业工会", "产业工会", pcode)
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- figures

def _rate_order(rates: pd.DataFrame) -> list[str]:
    """Rates in an order where each denominator is final before it is used (unionised_enterprises first)."""
    numerators = set(rates["numerator"])
    done, order, pending = set(), [], list(rates.index)
    while pending:
        progress = False
        for rid in list(pending):
            den = rates.at[rid, "denominator"]
            if den not in numerators or den in done:
                order.append(rid)
                done.add(rates.at[rid, "numerator"])
                pending.remove(rid)
                progress = True
        if not progress:
            raise ValueError(f"比率的分子分母形成循环：{'、'.join(pending)}")
    return order


def _annual_values(cat: pd.DataFrame, leaves: pd.DataFrame, n_years: int,
                   rng: np.random.Generator) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Year-end values (leaves × years) of every non-rate indicator, and each rate's level."""
    n = len(leaves)
    industry = (leaves["level"] == "产业工会").to_numpy()
    scale = np.where(industry, rng.uniform(0.2, 0.45, n), rng.uniform(0.6, 1.6, n))[:, None]
    steps = np.arange(n_years)[None, :]
    values: dict[str, np.ndarray] = {}
    for ind, row in cat[cat["kind"] != "rate"].iterrows():
        if row["kind"] == "flow":
            base = FLOW_BASE.get(ind, GENERIC_BASE["flow"])
            growth = rng.uniform(0.0, 0.09, (n, 1))
            noise = rng.uniform(-0.07, 0.07, (n, n_years)) - 0.18 * (rng.random((n, n_years)) < 0.06)
            v = base * scale * (1 + growth) ** steps * (1 + noise) * DECLINING.get(ind, 1.0) ** steps
        else:
            base = STOCK_BASE.get(ind, GENERIC_BASE["stock"])
            v = base * scale * (1 + rng.uniform(0.01, 0.05, (n, 1))) ** steps
        values[ind] = v
    values["townships"] = np.broadcast_to(np.round(STOCK_BASE["townships"] * scale), (n, n_years)).copy()
    values["homes"] = np.maximum(values["homes"], 5)
    values["innovation_studios"] = np.maximum(np.round(values["innovation_studios"]), 1)

    rates = cat[cat["kind"] == "rate"]
    levels: dict[str, np.ndarray] = {}
    for rid in _rate_order(rates):
        start, gain = RATE_LEVELS.get(rid, GENERIC_RATE)
        level = (start + rng.uniform(-0.06, 0.05, (n, 1)) + gain * rng.uniform(0.3, 1.6, (n, 1)) * steps
                 + rng.uniform(-0.01, 0.01, (n, n_years)))
        levels[rid] = np.clip(level, 0.05, 1.0 if rid == "aid_station_coverage" else 0.995)
        num, den = rates.at[rid, "numerator"], rates.at[rid, "denominator"]
        values[num] = values[den] * levels[rid]
    decimals = cat["decimals"].astype(int)
    for ind in values:
        values[ind] = np.round(values[ind], int(decimals[ind]))
        if ind in NOT_FOR_INDUSTRY:
            values[ind][industry] = np.nan
    return values, levels


def _snapshot(cat: pd.DataFrame, values: dict[str, np.ndarray], levels: dict[str, np.ndarray], col: int,
              rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Figures at 30 June of year ``col``: flows partly done, stocks half-way from last year-end."""
    kinds, decimals = cat["kind"], cat["decimals"].astype(int)
    snap = {}
    for ind, v in values.items():
        if kinds[ind] == "flow":
            share = 0.5 if ind == "dues_due" else rng.uniform(0.36, 0.62, len(v))
            snap[ind] = v[:, col] * share
        else:
            snap[ind] = v[:, col - 1] + (v[:, col] - v[:, col - 1]) * 0.5
    rates = cat[cat["kind"] == "rate"]
    for rid in _rate_order(rates):
        num, den = rates.at[rid, "numerator"], rates.at[rid, "denominator"]
        snap[num] = np.round(snap[den], int(decimals[den])) * levels[rid][:, col]
    return {ind: np.round(v, int(decimals[ind])) for ind, v in snap.items()}


def _fmt(values: np.ndarray, decimals: int) -> np.ndarray:
    if decimals == 0:
        return values.astype(np.int64).astype(str)
    return np.char.mod(f"%.{decimals}f", values)


def build_dataset(n_regions: int, seed: int = SEED, last_year: int = LAST_YEAR, years: int = YEARS) -> SynthData:
    """All frames of a synthetic data set; the same arguments always give the same frames.

    >>> data = build_dataset(12)
    >>> len(data.regions), len(data.catalog), sorted(data.figures["as_of"].unique())[-2:]
    (12, 60, ['2025-12-31', '2026-06-30'])
    """
    cat = read_catalog().set_index("id", drop=False)
    regions = plan_hierarchy(n_regions, seed)
    rng = np.random.default_rng([seed, 2])
    leaves = regions[~regions["code"].isin(set(regions["parent"]))].reset_index(drop=True)
    first_year = last_year - years + 1
    n_years = years + 1   # one more year for the mid-year snapshot of last_year + 1
    values, levels = _annual_values(cat, leaves, n_years, rng)

    # approximations on flows that are no part of any rate (so no stated rate disagrees because of them)
    rate_parts = set(cat["numerator"]) | set(cat["denominator"])
    approx = {ind: np.full(values[ind].shape, "", dtype=object) for ind in values}
    for ind in values:
        if cat.at[ind, "kind"] != "flow" or ind in rate_parts:
            continue
        pick = (rng.random(values[ind].shape) < 0.0005) & (np.arange(n_years)[None, :] < years)
        v = values[ind][pick]
        digits = np.maximum(np.floor(np.log10(np.maximum(v, 1))) - 1, 0)
        unit = 10.0 ** digits
        marks = rng.choice(["近", "余", "多"], len(v))
        values[ind][pick] = np.where(marks == "近", np.ceil(v / unit), np.floor(v / unit)) * unit
        approx[ind][pick] = marks

    frames = []
    codes = leaves["code"].to_numpy()
    order = leaves["order"].to_numpy()

    def emit(ind, vals, year, as_of, marks=None, source=SOURCE, who=codes, rank=order):
        keep = ~np.isnan(vals)
        frames.append(pd.DataFrame({
            "_o": rank[keep], "_d": as_of, "_i": cat.at[ind, "order_"], "region": who[keep], "year": year,
            "as_of": as_of, "indicator": ind, "value": _fmt(vals[keep], 2 if cat.at[ind, "kind"] == "rate"
                                                            else int(cat.at[ind, "decimals"])),
            "approx": marks[keep] if marks is not None else "", "source": source, "note": ""}))

    cat["order_"] = range(len(cat))
    rates = cat[cat["kind"] == "rate"]
    for col in range(years):
        year = first_year + col
        for ind, v in values.items():
            emit(ind, v[:, col], year, f"{year}-12-31", approx[ind][:, col])
        for rid, rate in rates.iterrows():
            num, den = values[rate["numerator"]][:, col], values[rate["denominator"]][:, col]
            stated = np.where(den > 0, np.round(num / np.where(den > 0, den, 1) * 100, 2), np.nan)
            wrong = rng.random(len(stated)) < 0.0002   # a stated rate that disagrees with its parts
            stated = np.where(wrong, np.minimum(stated + rng.uniform(1, 3, len(stated)), 100.0), stated)
            emit(rid, np.round(stated, 2), year, f"{year}-12-31")
    for col in (years - 1, years):   # 30 June of last_year (the 同期 base) and of last_year + 1
        year = first_year + col
        for ind, v in _snapshot(cat, values, levels, col, rng).items():
            emit(ind, v, year, f"{year}-06-30")

    # provinces report a few headline figures themselves: the sum of their leaves, one of them off
    province_of = _ancestor_at_depth(regions, 0)
    leaf_province = leaves["code"].map(province_of).to_numpy()
    provinces = regions[regions["parent"] == ""]
    for ind in PROVINCE_OWN:
        for col in range(years):
            year = first_year + col
            sums = pd.Series(values[ind][:, col]).groupby(leaf_province).sum()
            own = sums.reindex(provinces["code"]).to_numpy().copy()
            if col == years - 1 and ind == "new_members":
                own[-1] += 37   # a provincial return that disagrees with its children (a warning)
            emit(ind, own, year, f"{year}-12-31", source=PROVINCE_SOURCE, who=provinces["code"].to_numpy(),
                 rank=provinces["order"].to_numpy())
    figures = pd.concat(frames, ignore_index=True)
    figures = figures.sort_values(["_o", "_d", "_i"], kind="stable").drop(columns=["_o", "_d", "_i"])
    targets = _targets(cat, regions, leaves, values, first_year, years, rng)
    meta = {"name": f"合成数据：{n_regions} 个地区（基准测试用）", "sample": True,
            "source": "合成数据（bench/synth.py 按固定随机种子生成，数字和地名均为虚构，不代表任何真实地区）",
            "organisation": "合成数据", "seed": seed, "regions": n_regions}
    catalog = cat.drop(columns=["order_"]).reset_index(drop=True)
    return SynthData(catalog=catalog, regions=regions, figures=figures.reset_index(drop=True),
                     targets=targets, meta=meta)


def _ancestor_at_depth(regions: pd.DataFrame, depth: int) -> dict[str, str]:
    parent = dict(zip(regions["code"], regions["parent"]))
    out = {}
    for code in regions["code"]:
        chain = [code]
        while parent[chain[-1]]:
            chain.append(parent[chain[-1]])
        out[code] = chain[::-1][min(depth, len(chain) - 1)]
    return out


def _targets(cat, regions, leaves, values, first_year, years, rng) -> pd.DataFrame:
    """Targets for first_year+1 … last_year+1: leaves from last year's actual, parents from their children."""
    frames = []
    codes = leaves["code"].to_numpy()
    level_of = dict(zip(regions["code"], regions["level"]))
    issuer_leaf = np.where(leaves["parent"].map(level_of) == "省", "省总", "市总")
    ancestors = [leaves["code"].map(_ancestor_at_depth(regions, d)).to_numpy() for d in range(2)]
    for col in range(1, years + 1):
        year = first_year + col
        for ind in FLOW_TARGETS + STOCK_TARGETS:
            prev = values[ind][:, col - 1]
            if ind in FLOW_TARGETS:
                target = np.round(prev * rng.uniform(1.03, 1.12, len(prev)), int(cat.at[ind, "decimals"]))
                kind = "absolute"
            else:
                target = prev + rng.integers(1, 3, len(prev))
                kind = "threshold"
            frames.append(pd.DataFrame({"region": codes, "year": year, "indicator": ind, "target": target,
                                        "target_type": kind, "issuer": issuer_leaf, "note": ""}))
            if ind not in FLOW_TARGETS:
                continue
            for parent, issuer in ((ancestors[1], "省总"), (ancestors[0], "全国总工会")):
                above = parent != codes   # a 产业工会 under its 省 has no 市 above it
                sums = pd.Series(target[above]).groupby(parent[above]).sum() * 0.97
                frames.append(pd.DataFrame({
                    "region": sums.index, "year": year, "indicator": ind,
                    "target": np.round(sums.to_numpy(), int(cat.at[ind, "decimals"])),
                    "target_type": "absolute", "issuer": issuer, "note": ""}))
        for ind, level in THRESHOLDS.items():
            who = regions if ind != "aid_station_coverage" else regions[regions["level"] != "产业工会"]
            frames.append(pd.DataFrame({"region": who["code"].to_numpy(), "year": year, "indicator": ind,
                                        "target": level, "target_type": "threshold",
                                        "issuer": np.where(who["parent"] == "", "全国总工会", "省总"), "note": ""}))
    targets = pd.concat(frames, ignore_index=True)
    order = dict(zip(regions["code"], regions["order"]))
    iorder = dict(zip(cat["id"], range(len(cat))))
    targets = targets.assign(_o=targets["region"].map(order), _i=targets["indicator"].map(iorder))
    targets = targets.sort_values(["_o", "year", "_i"], kind="stable").drop(columns=["_o", "_i"])
    decimals = targets["indicator"].map(cat["decimals"].astype(int)).where(
        targets["indicator"].map(cat["kind"]) != "rate", 1).to_numpy()
    text = np.empty(len(targets), dtype=object)
    for d in np.unique(decimals):
        text[decimals == d] = _fmt(targets["target"].to_numpy(dtype=float)[decimals == d], int(d))
    return targets.assign(target=text).reset_index(drop=True)


# ---------------------------------------------------------------- writing

def write_dataset(folder: str | Path, n_regions: int, seed: int = SEED) -> dict:
    """Write a synthetic data folder (indicators, regions, figures, targets CSV and dataset.yaml); return counts.

    >>> write_dataset("bench/data/n12", 12)["regions"]   # doctest: +SKIP
    12
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    data = build_dataset(n_regions, seed)
    data.catalog.to_csv(folder / "indicators.csv", index=False, encoding="utf-8")
    data.regions.to_csv(folder / "regions.csv", index=False, encoding="utf-8")
    data.figures.to_csv(folder / "figures.csv", index=False, encoding="utf-8")
    data.targets.to_csv(folder / "targets.csv", index=False, encoding="utf-8")
    lines = ["# 合成数据集说明：bench/synth.py 生成，勿手工修改；重新生成会覆盖。"]
    lines += [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in data.meta.items()]
    (folder / "dataset.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"folder": str(folder), "regions": len(data.regions), "indicators": len(data.catalog),
            "figures": len(data.figures), "targets": len(data.targets),
            "leaves": int((~data.regions["code"].isin(set(data.regions["parent"]))).sum())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.synth", description="生成合成的全国规模工会统计数据（tidy CSV）。")
    parser.add_argument("--regions", type=int, required=True, help=f"地区数，{MIN_REGIONS} 到 {MAX_REGIONS}")
    parser.add_argument("--out", required=True, help="输出目录，如 bench/data/n3000")
    parser.add_argument("--seed", type=int, default=SEED, help="随机种子（相同种子生成相同数据）")
    args = parser.parse_args(argv)
    try:
        info = write_dataset(args.out, args.regions, args.seed)
    except ValueError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    print(f"已生成 {info['folder']}：{info['regions']} 个地区（其中填报单位 {info['leaves']} 个），"
          f"{info['indicators']} 个指标，{info['figures']} 条数字，{info['targets']} 条目标。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
