"""A held-out week of returns for an invented city: check an importer end to end on data it has never seen.

    python -m bench.heldout_returns OUTDIR [--seed N] [--clean]

远山市 (invented) has 8 县(市)区 and 3 产业工会. Before its annual 全委会 the 市总 receives, in one week:

    OUTDIR/regions.csv                          the 11 units and the city (format of data/sample/regions.csv)
    OUTDIR/县区报表/                             each unit's 2025年度 form (纵表): 本年 = 2025, 上年 = 2024;
                                                most .xlsx, one .xls (BIFF8), one CSV saved in GB18030
    OUTDIR/汇总/远山市工会工作统计汇总表.xlsx      the 市总's consolidated sheet (横表) for another indicator set,
                                                sheets 2024年, 2025年1-6月 (to 2025-06-30) and 2025年
    OUTDIR/目标/2025年度目标任务分解表.xlsx       the 2025 targets per unit; the 合计 row is the city's own
                                                target (issued by the 省总), thresholds "95%以上" etc.
    OUTDIR/expected.json                        the truth: every tidy figure and target, with the file, sheet
                                                and cell it is in, the rows to skip, the placeholder cells and
                                                the faults an importer must report

Each form's layout is drawn from the real-world variants (title and period wording, header labels, aliases of
the catalogue names, units in names, 元 for 万元, rates as "85.25%" or fractions, a 代码 column, two-row
headers, numbers as text "3.8万"/"6万余"/"近140", placeholders, signature and note lines, trailing empty
rows …) with a seeded random generator, so the layouts differ from the test corpus's defaults. Unless
``--clean``, three forms carry realistic faults (a negative count, a stated 增减(%) that disagrees, a
traditional-character 填报单位) and the consolidated sheet a stated rate that disagrees with its parts;
they are listed in expected.json.

Not used by the tests. The layouts come from ``tests/returns.py`` (the builders are the spec); the names,
values, label choices and combinations are this module's own. Every name and number is fictional (虚构).
Run from the repository root.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from pathlib import Path

from tests import returns as R

CITY = "远山市"
COUNTIES = [
    R.Region("澄湖区", "澄湖区总工会", "区", "县(市)区"),
    R.Region("南湾区", "南湾区总工会", "区", "县(市)区"),
    R.Region("枫林区", "枫林区总工会", "区", "县(市)区"),
    R.Region("岚江市", "岚江市总工会", "县级市", "县(市)区"),
    R.Region("松岭县", "松岭县总工会", "县", "县(市)区"),
    R.Region("梅川县", "梅川县总工会", "县", "县(市)区"),
    R.Region("苇塘县", "苇塘县总工会", "县", "县(市)区"),
    R.Region("鹤溪县", "鹤溪县总工会", "县", "县(市)区"),
]
INDUSTRY = [
    R.Region("市教育工会", f"{CITY}教育工会", "产业工会", "产业工会"),
    R.Region("市卫生工会", f"{CITY}卫生工会", "产业工会", "产业工会"),
    R.Region("市交通工会", f"{CITY}交通运输工会", "产业工会", "产业工会"),
]
UNITS = COUNTIES + INDUSTRY
SEED = 20260112
YEAR = 2025

# The forms' indicators (set A); 产业工会 have no 乡镇 and so no 帮扶工作站 rows.
FORM_SET = ("new_unions", "new_members", "members", "unionised_workers", "membership_rate", "enterprises",
            "unionised_enterprises", "union_formation_rate", "cc_contracts", "cc_enterprises", "cc_workers",
            "wage_cb_enterprises", "wage_cb_rate", "legal_aid_cases", "disputes_mediated", "arrears_recovered",
            "contest_units", "contest_workers", "innovation_results", "innovation_studios", "warmth_funds",
            "visited_households", "jinqiu_students", "jinqiu_funds", "aid_stations", "townships",
            "aid_station_coverage", "worker_libraries_new", "cadre_training")
NO_TOWNSHIPS = {"aid_stations", "townships", "aid_station_coverage"}
# The consolidated sheet's indicators (set B, none in set A).
SHEET_SET = ("hotline_calls", "petitions", "trained", "reemployed", "medical_mutual", "two_cancer_screening",
             "women_hardship_visited", "women_hardship_funds", "women_training", "worker_libraries",
             "culture_events", "dues_due", "dues_collected", "dues_collection_rate", "cadre_classes")
TARGET_SET = ("new_unions", "new_members", "cc_contracts", "warmth_funds", "trained", "innovation_studios",
              "union_formation_rate", "wage_cb_rate", "membership_rate", "dues_collection_rate", "petitions")


def _values(regions, indicators, periods, seed: int) -> dict:
    """Fictional values keyed (region, indicator, year, as_of), drawn per seed; rates are left to the
    builders, which compute them from their parts (so that rounding a part never makes them disagree)."""
    out = {}
    for region in regions:
        for p in periods:
            for i, v in R.values_for(f"{region.name}#{seed}", indicators, p).items():
                if R.CATALOG[i].kind != "rate":
                    out[(region.name, i, p.year, p.as_of)] = v
    return out


def _form_style(rng: random.Random, unit: R.Region, indicators) -> dict:
    labels = {}
    for i in indicators:
        ind = R.CATALOG[i]
        labels[i] = rng.choice([ind.name, ind.name, *ind.aliases])
    return dict(
        title=rng.random() < 0.9,
        period_style=rng.choice(["年度", "截至"]),
        period_line=rng.random() < 0.6,
        code_column=rng.random() < 0.3,
        two_row_header=rng.random() < 0.4,
        column_numbers=rng.random() < 0.3,
        current_label=rng.choice(["本年", "本年", "本年累计", "本期数"]),
        previous_label=rng.choice(["上年", "上年", "上年同期", "上年同期数"]),
        change_column=rng.random() < 0.8,
        sections=rng.random() < 0.7,
        labels=labels,
        unit_in_name=rng.random() < 0.3,
        yuan=rng.random() < 0.25,
        rate_style=rng.choice(["text", "text", "number", "fraction"]),
        text_numbers=rng.random() < 0.7,
        thousands=rng.random() < 0.3,
        placeholders=rng.random() < 0.6,
        signatures=rng.random() < 0.85,
        notes=rng.random() < 0.5,
        trailing_empty_rows=rng.choice([0, 0, 0, 17, 60]),
        sheet_name=rng.choice(["Sheet1", "Sheet1", f"{YEAR}年", f"{YEAR}年度", "统计表"]),
    )


def _file_name(rng: random.Random, unit: R.Region, with_region: bool) -> str:
    short = unit.name if unit.group == "产业工会" else unit.name[:-1]
    patterns = [f"{unit.union_name}{YEAR}年度统计报表", f"附件1：{YEAR}年度工会工作主要指标完成情况表（{short}）",
                f"{unit.name}-{YEAR}年报", f"{YEAR}年工会统计年报_{unit.name}"]
    if not with_region:
        patterns += [f"附件1：{YEAR}年度工会工作主要指标完成情况表", "工会统计年报（定稿）"]
    return rng.choice(patterns)


def build(out: Path, seed: int = SEED, clean: bool = False) -> dict:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    R.write_regions_csv(out, UNITS, CITY, prefix="YS")
    periods_forms = [R.Period.of(YEAR), R.Period.of(YEAR - 1)]
    forms_values = _values(UNITS, FORM_SET, periods_forms, seed)
    returns: list[tuple[str, R.Return]] = []

    # --- the forms: one per unit, 2025年度 (本年) and 2024 (上年)
    xls_unit, csv_unit, no_line_unit = rng.sample([u.name for u in COUNTIES], 3)
    faults = {} if clean else dict(zip(rng.sample([u.name for u in UNITS if u.name not in (csv_unit,)], 2),
                                       (["negative_count"], ["change_disagrees"])))
    if not clean:
        faults["南湾区"] = faults.get("南湾区", []) + ["region_traditional"]
    used_names: set[str] = set()
    for unit in UNITS:
        inds = [i for i in FORM_SET if not (unit.group == "产业工会" and i in NO_TOWNSHIPS)]
        style = _form_style(rng, unit, inds)
        unit_faults = faults.get(unit.name, [])
        if "change_disagrees" in unit_faults:
            style["change_column"] = True
        style["unit_line"] = unit.name != no_line_unit or bool(unit_faults)
        fmt, encoding = "xlsx", "utf-8"
        if unit.name == xls_unit:
            fmt = "xls"
        elif unit.name == csv_unit:
            fmt, encoding = "csv", "gb18030"
        name = _file_name(rng, unit, with_region=not style["unit_line"])
        while name in used_names:
            name = _file_name(rng, unit, with_region=True)
        used_names.add(name)
        ret = R.per_region_form(out / "县区报表", unit.name, year=YEAR, month=None, indicators=inds,
                                values=forms_values, fmt=fmt, encoding=encoding, file_name=name,
                                faults=unit_faults, registry=UNITS, **style)
        returns.append(("县区报表", ret))

    # --- the consolidated sheet: set B for 2024, 2025-06-30 and 2025
    periods_sheet = [(YEAR - 1, None), (YEAR, 6), (YEAR, None)]
    sheet_values = _values(UNITS, SHEET_SET, [R.Period.of(y, m) for y, m in periods_sheet], seed + 1)
    ret = R.consolidated_sheet(out / "汇总", UNITS, periods=periods_sheet, indicators=SHEET_SET,
                               values=sheet_values, file_name=f"{CITY}工会工作统计汇总表", parent=CITY,
                               sheet_names=[f"{YEAR - 1}年", f"{YEAR}年1-6月", f"{YEAR}年"],
                               faults=[] if clean else ["rate_disagrees"], subtotals=True,
                               region_style=rng.choice(["name", "spaced", "union_name"]),
                               column_numbers=True, rate_style="mixed", grouped_numbers=True,
                               trailing_empty_rows=rng.choice([0, 30]))
    returns.append(("汇总", ret))

    # --- the 2025 targets: a little above 2024 (below it for 来信来访, a ceiling), rates a common threshold
    last = {**forms_values, **sheet_values}
    target_values = {}
    for unit in UNITS:
        for i in TARGET_SET:
            v = last.get((unit.name, i, YEAR - 1, None))
            if v is None:
                continue
            v = v * 0.9 if i == "petitions" else v * 1.05 + (1 if i == "innovation_studios" else 0)
            target_values[(unit.name, i, YEAR)] = round(v, 1) if R.CATALOG[i].unit == R.MONEY else int(round(v))
    ret = R.target_breakdown(out / "目标", UNITS, year=YEAR, indicators=TARGET_SET, values=target_values, parent=CITY,
                             issuer="市总", total_issuer="省总", over_allocated=True,
                             file_name=f"{YEAR}年度目标任务分解表")
    returns.append(("目标", ret))

    expected = _expected(returns, seed, clean)
    (out / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1), encoding="utf-8")
    return expected


def _day(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _expected(returns: list[tuple[str, R.Return]], seed: int, clean: bool) -> dict:
    files, figures, targets, faults, skipped, blanks = [], [], [], [], [], []
    for sub, ret in returns:
        rel = lambda name: f"{sub}/{name}"  # noqa: E731
        files.append({"path": rel(ret.path.name), "shape": ret.shape, "format": ret.fmt,
                      "content": R.content_of(ret.fmt), "encoding": ret.encoding,
                      "period": None if ret.period is None else
                      {"year": ret.period.year, "as_of": _day(ret.period.as_of)},
                      "sheets": ret.sheets, "hidden_sheets": ret.hidden_sheets, "notes": ret.notes})
        for f in ret.figures:
            figures.append({"region": f.region, "year": f.year, "as_of": _day(f.as_of), "indicator": f.indicator,
                            "value": f.value, "approx": f.approx, "file": rel(f.origin.file),
                            "sheet": f.origin.sheet, "cell": f.origin.cell,
                            "written": f.origin.written if isinstance(f.origin.written, (int, float, str))
                            else str(f.origin.written)})
        for t in ret.targets:
            targets.append({"region": t.region, "year": t.year, "indicator": t.indicator, "target": t.target,
                            "target_type": t.target_type, "bound": t.bound, "issuer": t.issuer,
                            "file": rel(t.origin.file), "sheet": t.origin.sheet, "cell": t.origin.cell})
        faults += [{"file": rel(f.file), "sheet": f.sheet, "cell": f.cell, "level": f.level, "code": f.code,
                    "reason": f.reason} for f in ret.faults]
        skipped += [{"file": rel(s.file), "sheet": s.sheet, "row": s.row, "why": s.why, "text": s.text}
                    for s in ret.skipped]
        blanks += [{"file": rel(b.file), "sheet": b.sheet, "cell": b.cell, "text": b.text} for b in ret.blanks]
    return {
        "about": f"{CITY}（虚构）工会统计报送样本：8 个县(市)区、3 个产业工会；所有名称和数字均为虚构（示例数据）。",
        "generator": "bench/heldout_returns.py", "seed": seed, "clean": clean,
        "city": CITY,
        "regions": [{"name": u.name, "union_name": u.union_name, "level": u.level, "group": u.group,
                     "parent": CITY} for u in UNITS],
        "conventions": [
            "value: in the catalogue's unit (data/sample/indicators.csv); approx: 近/余/多 or null",
            "as_of: null for a full year, else the date a mid-year figure runs to",
            "a cell with an error fault is not among the figures; a warning's figure is read as written",
            "target_type absolute/threshold; bound min (以上/不低于) or max (以内) for thresholds",
            "the 合计 row of the target table is the city's own target (issuer 省总)",
            "skipped rows are not regions; blanks are placeholders, never zero",
        ],
        "files": files, "figures": figures, "targets": targets, "faults": faults, "skipped": skipped,
        "blanks": blanks,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--clean", action="store_true", help="no faults: every return is correct")
    args = ap.parse_args(argv)
    expected = build(args.outdir, args.seed, args.clean)
    print(f"{args.outdir}: {len(expected['files'])} files, {len(expected['figures'])} figures, "
          f"{len(expected['targets'])} targets, {len(expected['faults'])} faults "
          f"({sum(f['level'] == 'error' for f in expected['faults'])} errors)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
