"""Check the tables as read and build the ``Dataset``: regions, then figures and targets cell by cell.

Every cell is checked as it is read. A value that cannot be read is never dropped or
guessed: the load stops with a ``ValidationError`` listing each bad cell by file, row
and column, in Chinese, with what to do. Values given with a ``unit`` column are
converted to the catalogue's unit (元 → 万元, 人 → 万人 …).
"""

from __future__ import annotations

from collections.abc import Callable

import re
import unicodedata

import numpy as np
import pandas as pd

from ..errors import Finding, ValidationError
from .catalog import catalog_labels, check_catalog, normalise_label, unit_factor
from .cells import parse_cell, plain_number
from .columns import Collector, as_category, map_text, numbers, raw_text, text_column
from .names import near_names, region_key
from .dataset import APPROX_MARKS, REGION_COLUMNS, TARGET_TYPES, Dataset, Tables

# ------------------------------------------------------------------------------ regions

def check_regions(raw: pd.DataFrame, file: str) -> pd.DataFrame:
    """Check the regions table as read and return it indexed by code, with ``depth`` (0 = top)."""
    findings: list[Finding] = []
    for col in REGION_COLUMNS:
        if col not in raw.columns:
            raw = raw.assign(**{col: ""})
    reg = pd.DataFrame({c: text_column(raw[c]) for c in REGION_COLUMNS}, index=raw.index)
    # peer groups and levels are compared as written after NFKC: 县（市）区 and 县(市)区 are one group
    for col in ("level", "group"):
        reg[col] = reg[col].map(lambda t: re.sub(r"\s+", "", unicodedata.normalize("NFKC", t)))

    def bad(line, column, message, value=""):
        findings.append(Finding("error", message, file=file, row=int(line), column=column, value=str(value)))

    for line in reg.index[reg["code"] == ""]:
        bad(line, "code", "地区代码为空。每个地区须有唯一代码（如 SL01），figures.csv 用它指明地区。")
    for line in reg.index[reg["name"] == ""]:
        bad(line, "name", "地区名称为空。请填写简报中显示的名称，如“城关区”。")
    codes = reg["code"]
    for line, value in codes[codes.duplicated() & (codes != "")].items():
        first = int(codes.index[codes == value][0])
        bad(line, "code", f"地区代码与第 {first} 行重复。每个地区的代码须唯一。", value)
    known = set(codes)
    for line, value in reg["parent"][(reg["parent"] != "") & ~reg["parent"].isin(known)].items():
        bad(line, "parent", "上级地区代码不在本文件的 code 列中。请改为已有地区的代码；最上级地区留空。", value)
    order = pd.to_numeric(reg["order"].where(reg["order"] != ""), errors="coerce")
    for line, value in reg["order"][(reg["order"] != "") & order.isna()].items():
        bad(line, "order", "顺序（order）应为数字，决定简报中地区的排列；可留空（按文件顺序）。", value)
    if findings:
        raise ValidationError(findings)

    reg["union_name"] = reg["union_name"].where(reg["union_name"] != "", reg["name"] + "总工会")
    reg["group"] = reg["group"].where(reg["group"] != "", reg["level"])
    position = pd.Series(np.arange(len(reg), dtype=float), index=reg.index)
    reg["order"] = order.fillna(position)
    regions = reg.set_index("code", drop=False)
    regions.index.name = None
    # depth in the hierarchy, by pointer jumping (roll-ups go from the deepest level up)
    parent_idx = regions.index.get_indexer(regions["parent"].where(regions["parent"] != "", None))
    depth = np.zeros(len(regions), dtype=int)
    cur = parent_idx.copy()
    for _ in range(len(regions) + 1):
        active = cur >= 0
        if not active.any():
            break
        depth[active] += 1
        cur[active] = parent_idx[cur[active]]
    else:
        cycle = regions.index[cur >= 0]
        lines = raw.index[reg["code"].isin(cycle)]
        raise ValidationError([Finding("error", "地区的上级关系形成循环（沿 parent 一直向上走不到最上级）。"
                                                "请检查这些地区的 parent 列。", file=file, row=int(line),
                                       column="parent", value=reg.at[line, "parent"]) for line in lines])
    regions["depth"] = depth
    return regions


def _region_lookup(regions: pd.DataFrame) -> Callable[[str], str | None]:
    """Code, name or union name → code, compared after NFKC and without spaces (县（市）区 = 县(市)区); a name two
    regions share maps to "?" followed by their codes."""
    by_code = set(regions.index)
    by_name: dict[str, list[str]] = {}
    for code, name, union in zip(regions.index, regions["name"], regions["union_name"]):
        for key in dict.fromkeys((name, union, region_key(code), region_key(name), region_key(union))):
            by_name.setdefault(key, []).append(code)

    def look(text: str) -> str | None:
        if text in by_code:
            return text
        hits = list(dict.fromkeys(by_name.get(text) or by_name.get(region_key(text)) or []))
        if not hits:
            return None
        return hits[0] if len(hits) == 1 else "?" + "、".join(hits)
    return look


# ----------------------------------------------------------------- figures and targets

def _resolve_keys(raw: pd.DataFrame, regions: pd.DataFrame, catalog: pd.DataFrame, file: str,
                  findings: list[Finding]) -> tuple[pd.Categorical, pd.Categorical, np.ndarray]:
    """Region codes, indicator ids and years row by row; a finding for each that cannot be read."""
    collect = Collector(findings)
    look = _region_lookup(regions)
    region = map_text(raw["region"], look)
    unknown = region.codes < 0
    flags = np.append(np.asarray(region.categories.str.startswith("?"), dtype=bool), False)  # code -1 → False
    shared = flags[region.codes]
    names = [str(n) for n in regions["name"]]

    def did_you_mean(text: str) -> str:
        near = near_names(text, names) if text else []
        return f"是否为“{'”或“'.join(near)}”？" if near else ""
    collect.rows(raw.index[unknown], lambda line: Finding(
        "error", f"地区不在 regions.csv 中。{did_you_mean(raw_text(raw['region'], line))}"
                 "请改为 regions.csv 中的地区代码或名称，或先在 regions.csv 中增加该地区。"
        if raw_text(raw["region"], line) else "地区为空。每行须写明地区代码或名称。",
        file=file, row=int(line), column="region", value=raw_text(raw["region"], line)), "地区不在地区表中", file)
    collect.rows(raw.index[shared], lambda line: Finding(
        "error", f"地区名称对应多个地区（代码 {region[raw.index.get_loc(line)][1:]}）。请改用地区代码。",
        file=file, row=int(line), column="region", value=raw_text(raw["region"], line)), "地区名称重复", file)
    labels = catalog_labels(catalog)
    indicator = map_text(raw["indicator"], lambda t: labels.get(normalise_label(t)) if t else None)
    collect.rows(raw.index[indicator.codes < 0], lambda line: Finding(
        "error", "指标不在指标目录 indicators.csv 中。请改为目录中的指标编号、中文名或别名，或先在目录中增加该指标。"
        if raw_text(raw["indicator"], line) else "指标为空。每行须写明指标编号或中文名。",
        file=file, row=int(line), column="indicator", value=raw_text(raw["indicator"], line)), "指标不在目录中", file)
    year = numbers(raw["year"], integer=True)
    year = np.where((year >= 1900) & (year <= 2200), year, np.nan)
    collect.rows(raw.index[np.isnan(year)], lambda line: Finding(
        "error", "年份应为四位数的年份，如 2025。", file=file, row=int(line), column="year",
        value=raw_text(raw["year"], line)), "年份无效", file)
    return region, indicator, year


def _convert_units(raw: pd.DataFrame, indicator: pd.Categorical, values: np.ndarray, catalog: pd.DataFrame,
                   file: str, column: str, findings: list[Finding]) -> np.ndarray:
    """Values given in the ``unit`` column converted to the catalogue unit; a finding where they cannot be."""
    units = as_category(raw["unit"])
    if (units.cat.categories == "").all():
        return values
    ind_codes, ind_uniques = indicator.codes, indicator.categories
    n_units = len(units.cat.categories)
    pair = ind_codes.astype(np.int64) * n_units + units.cat.codes.to_numpy()
    inverse, uniq = pd.factorize(pair)
    factors = np.ones(len(uniq))
    for k, p in enumerate(uniq):
        ind_code, unit_code = divmod(int(p), n_units)
        unit = units.cat.categories[unit_code]
        if ind_code < 0 or unit == "":
            continue
        factors[k] = unit_factor(unit, catalog.at[ind_uniques[ind_code], "unit"]) or np.nan
    factor = factors[inverse]
    bad = np.isnan(factor)
    Collector(findings).rows(raw.index[bad], lambda line: Finding(
        "error", f"单位“{raw_text(raw['unit'], line)}”与指标“{catalog.at[indicator[raw.index.get_loc(line)], 'name']}”的单位"
                 f"“{catalog.at[indicator[raw.index.get_loc(line)], 'unit']}”不是同一种量，无法换算。"
                 "请核对该数所属的指标，或改正单位（可换算的如 元/万元/亿元、人/万人）。",
        file=file, row=int(line), column="unit", value=raw_text(raw["unit"], line)), "单位不符", file)
    converted = values * np.where(bad, 1.0, factor)
    return np.where(factor == 1.0, values, np.round(converted, 10))  # 140.00000000000003 → 140.0


def _value_hint(text: str) -> str:
    """For a tidy file: how to write a cell such as "1.2万" or "85.25%" as a plain number."""
    cell = parse_cell(text)
    if cell.value is None:
        return ""
    mark = f"，约数标记“{cell.approx}”填在 approx 列" if cell.approx else ""
    unit = f"（按单位“{cell.unit}”）" if cell.unit else ""
    return f"可写成 {cell.value * (cell.multiplier or 1):g}{unit}{mark}。"


def _figures(raw: pd.DataFrame, regions: pd.DataFrame, catalog: pd.DataFrame, file: str,
             findings: list[Finding]) -> pd.DataFrame:
    collect = Collector(findings)
    region, indicator, year = _resolve_keys(raw, regions, catalog, file, findings)

    as_of_text = as_category(raw["as_of"]) if not pd.api.types.is_datetime64_any_dtype(raw["as_of"]) else None
    if as_of_text is None:
        as_of = pd.Series(raw["as_of"].to_numpy(), index=raw.index).dt.normalize()
        blank = as_of.isna().to_numpy()
    else:
        cats = pd.Series(as_of_text.cat.categories.astype(str))
        # 2025-06-30, and what Excel writes for it on a Chinese Windows (2025/6/30, 2025年6月30日): one date each
        # (2025-6-30, a hand edit, too)
        dated = cats.str.replace(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$",
                                 lambda m: f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}", regex=True)
        parsed = pd.to_datetime(dated.where(dated.str.fullmatch(r"\d{4}-\d{2}-\d{2}")), format="%Y-%m-%d", errors="coerce")
        codes = as_of_text.cat.codes.to_numpy()
        as_of = pd.Series(parsed.to_numpy()[codes], index=raw.index)
        blank = (cats.to_numpy()[codes] == "")
    ok_year = ~np.isnan(year)
    fill = blank & ok_year
    if fill.any():
        year_end = {y: pd.Timestamp(year=int(y), month=12, day=31) for y in np.unique(year[fill])}
        as_of = as_of.where(~fill, pd.Series(year, index=raw.index).map(year_end))
    bad_date = as_of.isna().to_numpy() & ok_year & ~blank

    def date_finding(line):
        text = raw_text(raw["as_of"], line)
        shaped = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text.strip())
        month = int(shaped[2]) if shaped else 0
        why = ("截止日期不是 YYYY-MM-DD 格式的日期（如 2025-06-30）。全年数据可留空。" if not shaped else
               f"{'没有' + str(month) + '月' if not 1 <= month <= 12 else f'{month}月没有{int(shaped[3])}日'}，"
               f"这个日期不存在。请核对截止日期（如 {shaped[1]}-06-30）。")
        return Finding("error", why, file=file, row=int(line), column="as_of", value=text)
    collect.rows(raw.index[bad_date], date_finding, "截止日期格式", file)
    outside = as_of.notna().to_numpy() & ok_year & (as_of.dt.year.to_numpy(dtype=float, na_value=np.nan) != year)
    collect.rows(raw.index[outside], lambda line: Finding(
        "error", f"截止日期不在 {raw_text(raw['year'], line)} 年内。年中数据的截止日期应在当年（如 "
                 f"{raw_text(raw['year'], line)}-06-30）；请核对年份或截止日期。",
        file=file, row=int(line), column="as_of", value=raw_text(raw["as_of"], line)), "截止日期与年份不符", file)

    value = numbers(raw["value"])
    _scientific(raw, indicator, catalog, file, findings)

    def value_finding(line):
        text = raw_text(raw["value"], line)
        if text == "":
            return Finding("error", "数值为空。请填写数字；确实没有数据时删除整行（不要填 0 代替“无数据”）。",
                           file=file, row=int(line), column="value", value=text)
        comma = plain_number(text)[1]   # "38,35": the one rule of every reader, said the same way
        return Finding("error", comma or "数值不是数字。请填写数字（不带单位、不带文字）。" + _value_hint(text),
                       file=file, row=int(line), column="value", value=text)
    collect.rows(raw.index[np.isnan(value)], value_finding, "数值不是数字", file)
    value = _convert_units(raw, indicator, value, catalog, file, "value", findings)

    approx = as_category(raw["approx"])
    bad_marks = [c for c in approx.cat.categories if c not in APPROX_MARKS]
    collect.rows(raw.index[approx.isin(bad_marks).to_numpy()], lambda line: Finding(
        "error", "约数标记只能是 近、余、多、突破、约 之一，或留空。",
        file=file, row=int(line), column="approx", value=raw_text(raw["approx"], line)), "约数标记无效", file)

    if any(f.level == "error" for f in findings):
        return pd.DataFrame()
    return pd.DataFrame({
        "region": pd.Series(region).astype("str").array,
        "year": year.astype(np.int64),
        "as_of": as_of.to_numpy(),
        "indicator": pd.Series(indicator).astype("str").array,
        "value": value,
        "approx": approx.astype("str").array,
        "source": text_column(raw["source"]).array,
        "note": text_column(raw["note"]).array,
        "file_row": raw.index.to_numpy(dtype=np.int64),
        "origin": text_column(raw["origin"]).array,
    })


def _targets(raw: pd.DataFrame, regions: pd.DataFrame, catalog: pd.DataFrame, file: str,
             findings: list[Finding]) -> pd.DataFrame:
    collect = Collector(findings)
    region, indicator, year = _resolve_keys(raw, regions, catalog, file, findings)
    target = numbers(raw["target"])
    collect.rows(raw.index[np.isnan(target)], lambda line: Finding(
        "error", "目标值不是数字。请填写数字（“95%以上”写成 95，并在 target_type 列填 threshold）。"
        if raw_text(raw["target"], line) else "目标值为空。请填写目标值，或删除整行。",
        file=file, row=int(line), column="target", value=raw_text(raw["target"], line)), "目标值不是数字", file)
    if "unit" in raw.columns:
        target = _convert_units(raw, indicator, target, catalog, file, "target", findings)
    ttype = as_category(raw["target_type"])
    ttype_text = ttype.astype(str).replace("", "absolute")
    collect.rows(raw.index[~ttype_text.isin(list(TARGET_TYPES)).to_numpy()], lambda line: Finding(
        "error", "目标类型只能是 absolute（绝对数）或 threshold（“X以上”门槛）；留空按 absolute。",
        file=file, row=int(line), column="target_type", value=raw_text(raw["target_type"], line)), "目标类型无效", file)
    if any(f.level == "error" for f in findings):
        return pd.DataFrame()
    return pd.DataFrame({
        "region": pd.Series(region).astype("str").array,
        "year": year.astype(np.int64),
        "indicator": pd.Series(indicator).astype("str").array,
        "target": target,
        "target_type": ttype_text.astype("str").array,
        "issuer": text_column(raw["issuer"]).array,
        "note": text_column(raw["note"]).array,
        "file_row": raw.index.to_numpy(dtype=np.int64),
    })


def assemble_dataset(tables: Tables, *, meta: dict, fingerprint: str, location: str) -> Dataset:
    """Check the tables as read and build the ``Dataset``; raise ``ValidationError`` listing every bad cell."""
    files = tables.files
    catalog, cat_findings = check_catalog(tables.indicators, files["indicators"])
    errors = [f for f in cat_findings if f.level == "error"]
    if errors:
        raise ValidationError(errors)
    regions = check_regions(tables.regions, files["regions"])
    findings: list[Finding] = []
    figures = _figures(tables.figures, regions, catalog, files["figures"], findings)
    targets = _targets(tables.targets, regions, catalog, files["targets"], findings)
    errors = [f for f in findings if f.level == "error"]
    if errors:
        raise ValidationError(sorted(errors, key=lambda f: (f.file, f.row or 0, f.column)))
    return Dataset(regions=regions, catalog=catalog, figures=figures, targets=targets, meta=dict(meta),
                   fingerprint=fingerprint, location=location, files=dict(files),
                   load_warnings=tuple(f for f in findings if f.level != "error"))


def _scientific(raw: pd.DataFrame, indicator: pd.Categorical, catalog: pd.DataFrame, file: str,
                findings: list[Finding]) -> None:
    """A count written in scientific notation (1e4, what Excel shows for a long number) is read, and said: it
    may have lost digits on the way."""
    text = as_category(raw["value"]) if not pd.api.types.is_numeric_dtype(raw["value"].dtype) else None
    if text is None:
        return
    sci = pd.Index(text.cat.categories.astype(str)).str.fullmatch(r"[+-]?\d+(\.\d*)?[eE][+-]?\d+")
    if not sci.any():
        return
    codes = text.cat.codes.to_numpy()
    rows = np.flatnonzero(np.append(sci, False)[codes])
    ids = pd.Series(indicator).astype(str).to_numpy()
    counts = set(catalog.index[catalog["kind"] != "rate"])
    Collector(findings).rows(raw.index[[i for i in rows if ids[i] in counts]], lambda line: Finding(
        "warning", "数值写成了科学计数法，已按它表示的数读入。Excel 把长数字显示成这样时可能丢了后几位：请核对原始数字。",
        file=file, row=int(line), column="value", value=raw_text(raw["value"], line)), "科学计数法", file)

