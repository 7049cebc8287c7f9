"""Regenerate the embedded sample data set (data/sample/figures.csv and targets.csv).

The figures are fictional (示例数据) but shaped like a prefecture-level city's
union statistics: 12 县(市)区 and 4 产业工会, full years 2021-2025, a mid-year
snapshot at 30 June for 2025 (the 同期 base) and 2026, and targets for 2021-2026.
Deterministic: the same seed always writes the same files.

    python scripts/make_sample_data.py
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
SEED = 20260120
FULL_YEARS = range(2021, 2026)
SNAPSHOT_YEARS = (2025, 2026)
SOURCE = "示例数据：各县(市)区总工会、产业工会年报（虚构）"

# Base values for a county-sized union in 2021 and yearly growth.
FLOW_BASE = {
    "new_unions": 60, "new_members": 2500, "cc_contracts": 700, "cc_enterprises": 1150,
    "cc_workers": 45000, "petitions": 120, "legal_aid_cases": 40, "hotline_calls": 900,
    "disputes_mediated": 60, "arrears_recovered": 300.0, "contest_units": 150,
    "contest_workers": 12000, "innovation_results": 80, "proposals": 1500,
    "ankang_enterprises": 420, "honours": 4, "warmth_funds": 180.0,
    "visited_households": 1500, "jinqiu_students": 250, "jinqiu_funds": 60.0,
    "trained": 3000, "reemployed": 500, "medical_mutual": 20000,
    "women_hardship_visited": 200, "women_hardship_funds": 30.0,
    "two_cancer_screening": 5000, "women_training": 30, "worker_libraries_new": 8,
    "culture_events": 40, "dues_due": 2500.0, "cadre_training": 800, "cadre_classes": 8,
}
STOCK_BASE = {
    "unionised_workers": 60000, "enterprises": 1600, "homes": 300, "hardship_files": 600,
    "innovation_studios": 6, "townships": 12, "worker_libraries": 60,
}
# rate indicator -> (numerator, denominator, 2021 level, yearly gain in points)
RATES = {
    "membership_rate": ("members", "unionised_workers", 0.905, 0.008),
    "union_formation_rate": ("unionised_enterprises", "enterprises", 0.86, 0.012),
    "home_pass_rate": ("qualified_homes", "homes", 0.84, 0.015),
    "women_org_rate": ("women_orgs", "unionised_enterprises", 0.78, 0.02),
    "wage_cb_rate": ("wage_cb_enterprises", "unionised_enterprises", 0.83, 0.015),
    "wcc_rate": ("wcc_enterprises", "unionised_enterprises", 0.88, 0.012),
    "open_affairs_rate": ("open_affairs_enterprises", "unionised_enterprises", 0.87, 0.012),
    "aid_station_coverage": ("aid_stations", "townships", 0.70, 0.06),
    "dues_collection_rate": ("dues_collected", "dues_due", 0.91, 0.008),
}
# Auxiliary ratios that are not catalogue rates but keep related figures coherent.
ANKANG_SHARE = 0.32
# Industrial unions have no townships, so no aid stations either.
NOT_FOR_INDUSTRY = {"townships", "aid_stations"}

THRESHOLDS = {  # indicator -> (threshold %, issuer)
    "membership_rate": (92.0, "市总"),
    "union_formation_rate": (90.0, "省总"),
    "wage_cb_rate": (90.0, "省总"),
    "wcc_rate": (95.0, "市总"),
    "dues_collection_rate": (95.0, "市总"),
    "aid_station_coverage": (100.0, "省总"),
}
FLOW_TARGETS = [
    "new_unions", "new_members", "cc_contracts", "contest_units", "warmth_funds",
    "visited_households", "jinqiu_students", "trained", "reemployed",
    "two_cancer_screening", "worker_libraries_new", "cadre_training",
]
STOCK_TARGETS = ["innovation_studios"]
MONEY = {"arrears_recovered", "warmth_funds", "jinqiu_funds", "women_hardship_funds", "dues_due", "dues_collected"}


def _round(indicator: str, value: float) -> float | int:
    return round(value, 1) if indicator in MONEY else int(round(value))


def _region_rows() -> list[dict]:
    with open(SAMPLE / "regions.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _annual(rng: random.Random, region: dict, years: list[int]) -> dict[int, dict[str, float]]:
    industry = region["level"] == "产业工会"
    scale = rng.uniform(0.2, 0.45) if industry else rng.uniform(0.6, 1.6)
    out: dict[int, dict[str, float]] = {}
    flow_growth = {k: rng.uniform(0.0, 0.09) for k in FLOW_BASE}
    stock_growth = {k: rng.uniform(0.01, 0.05) for k in STOCK_BASE}
    rate_start = {k: min(v[2] + rng.uniform(-0.06, 0.05), 0.97) for k, v in RATES.items()}
    rate_gain = {k: v[3] * rng.uniform(0.3, 1.6) for k, v in RATES.items()}
    for i, year in enumerate(years):
        row: dict[str, float] = {}
        for k, base in FLOW_BASE.items():
            noise = rng.uniform(-0.07, 0.07)
            # one region in a few has a bad year on some indicator (a plain decline)
            if rng.random() < 0.06:
                noise -= 0.18
            row[k] = base * scale * (1 + flow_growth[k]) ** i * (1 + noise)
        row["petitions"] *= 0.96 ** i  # 信访总量逐年下降为好
        for k, base in STOCK_BASE.items():
            row[k] = base * scale * (1 + stock_growth[k]) ** i
        row["townships"] = round(STOCK_BASE["townships"] * scale)
        row["homes"] = max(row["homes"], 5)
        row["innovation_studios"] = max(round(row["innovation_studios"]), 1)
        if i:
            row["worker_libraries"] = out[years[i - 1]]["worker_libraries"] + row["worker_libraries_new"]
        # rates: denominators first, numerators from the rate
        row["unionised_enterprises"] = row["enterprises"] * min(
            rate_start["union_formation_rate"] + rate_gain["union_formation_rate"] * i, 0.985)
        for k, (num, den, _, _) in RATES.items():
            if k == "union_formation_rate":
                continue
            level = min(rate_start[k] + rate_gain[k] * i + rng.uniform(-0.01, 0.01), 0.995)
            if k == "aid_station_coverage":
                level = min(level, 1.0)
            row[num] = row[den] * level
        row["members"] = max(row["members"], row["unionised_workers"] * 0.6)
        row["ankang_enterprises"] = row["unionised_enterprises"] * (ANKANG_SHARE + 0.02 * i) * rng.uniform(0.9, 1.1)
        out[year] = {k: _round(k, v) for k, v in row.items()}
        if industry:
            for k in NOT_FOR_INDUSTRY:
                out[year].pop(k, None)
    return out


def _snapshot(rng: random.Random, annual: dict[str, float], prev: dict[str, float]) -> dict[str, float]:
    """Figures at 30 June: flows partly done, stocks half-way from last year-end."""
    snap = {}
    for k, v in annual.items():
        if k in FLOW_BASE and k not in {"dues_due"}:
            snap[k] = _round(k, v * rng.uniform(0.36, 0.62))
        elif k == "dues_due":
            snap[k] = _round(k, v * 0.5)
        else:
            snap[k] = _round(k, prev.get(k, v) + (v - prev.get(k, v)) * 0.5)
    for num, den in (("dues_collected", "dues_due"),):
        snap[num] = _round(num, min(snap[num], snap[den] * 0.995))
    return snap


def main() -> None:
    rng = random.Random(SEED)
    regions = [r for r in _region_rows() if r["parent"]]
    years = list(FULL_YEARS) + [2026]
    figures: list[dict] = []
    targets: list[dict] = []
    city_targets: dict[tuple[int, str], float] = {}
    for region in regions:
        annual = _annual(rng, region, years)
        for year in FULL_YEARS:
            for ind, value in annual[year].items():
                figures.append({"region": region["code"], "year": year, "as_of": f"{year}-12-31",
                                "indicator": ind, "value": value, "approx": "", "source": SOURCE, "note": ""})
        for year in SNAPSHOT_YEARS:
            snap = _snapshot(rng, annual[year], annual[year - 1])
            for ind, value in snap.items():
                figures.append({"region": region["code"], "year": year, "as_of": f"{year}-06-30",
                                "indicator": ind, "value": value, "approx": "", "source": SOURCE, "note": ""})
        for year in years:
            base = annual[year - 1] if year - 1 in annual else None
            for ind in FLOW_TARGETS + STOCK_TARGETS:
                if base is None or ind not in base:
                    continue
                factor = rng.uniform(1.03, 1.12) if ind in FLOW_TARGETS else 1.0
                target = _round(ind, base[ind] * factor) if ind in FLOW_TARGETS else base[ind] + rng.randint(1, 2)
                targets.append({"region": region["code"], "year": year, "indicator": ind, "target": target,
                                "target_type": "absolute" if ind in FLOW_TARGETS else "threshold",
                                "issuer": "市总", "note": ""})
                city_targets[(year, ind)] = city_targets.get((year, ind), 0) + target
            for ind, (level, issuer) in THRESHOLDS.items():
                if ind == "aid_station_coverage" and region["level"] == "产业工会":
                    continue
                targets.append({"region": region["code"], "year": year, "indicator": ind, "target": level,
                                "target_type": "threshold", "issuer": "市总", "note": ""})
    for (year, ind), total in sorted(city_targets.items()):
        if year == 2021:
            continue
        targets.append({"region": "SL00", "year": year, "indicator": ind,
                        "target": _round(ind, total * 0.97), "target_type": "absolute" if ind in FLOW_TARGETS else "threshold",
                        "issuer": "省总", "note": ""})
    for year in list(FULL_YEARS)[1:] + [2026]:
        for ind, (level, issuer) in THRESHOLDS.items():
            targets.append({"region": "SL00", "year": year, "indicator": ind, "target": level,
                            "target_type": "threshold", "issuer": issuer, "note": ""})
    # A few figures reported as approximations, as returns really do (近/余/多).
    approx = {("SL07", 2025, "warmth_funds"): ("近", 140.0), ("SL21", 2025, "contest_workers"): ("余", 6000),
              ("SL03", 2025, "proposals"): ("多", 2000)}
    for row in figures:
        key = (row["region"], row["year"], row["indicator"])
        if key in approx and row["as_of"].endswith("12-31"):
            row["approx"], row["value"] = approx[key]
    _write(SAMPLE / "figures.csv", figures)
    _write(SAMPLE / "targets.csv", targets)
    print(f"{len(figures)} figures, {len(targets)} targets written to {SAMPLE.name}/")


def _write(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
