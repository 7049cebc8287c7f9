"""Read figures into one ``Dataset`` (regions, catalogue, figures, targets): tidy CSV here, Excel and SQL beside.

``load_dataset`` takes a data folder of tidy CSV files (the embedded default), an Excel
return (``.xlsx``, see ``excel.py``) or a SQLAlchemy URL (see ``sql.py``); all three end
in ``assemble_dataset``, so they check alike and produce the same frames.

Every cell is checked as it is read. A value that cannot be read is never dropped or
guessed: the load stops with a ``ValidationError`` listing each bad cell by file, row
and column, in Chinese, with what to do. Values given with a ``unit`` column are
converted to the catalogue's unit (元 → 万元, 人 → 万人 …).

The happy path is vectorised (one pass per column, lookups per distinct value rather
than per row): a national data set of ~1.9 M figures loads in a few seconds. Python
loops run only over the cells that are wrong.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from . import config
from .catalog import catalog_labels, check_catalog, normalise_label, read_catalog_table, unit_factor
from .errors import DataError, Finding, ValidationError

APPROX_MARKS = ("", "近", "余", "多", "突破", "约")
TARGET_TYPES = {"absolute": "绝对数", "threshold": "以上（门槛）"}
REGION_COLUMNS = ["code", "name", "union_name", "level", "group", "parent", "order"]
FIGURE_COLUMNS = ["region", "year", "as_of", "indicator", "value", "approx", "source", "note"]
TARGET_COLUMNS = ["region", "year", "indicator", "target", "target_type", "issuer", "note"]
# Optional columns: ``unit`` (the unit the value is written in, converted on load) and
# ``origin`` (where an imported figure came from, e.g. the Excel cell; shown in messages).
FIGURE_OPTIONAL = ["unit", "origin"]
TARGET_OPTIONAL = ["unit"]
REQUIRED = {"regions": ["code", "name", "level", "parent"],
            "figures": ["region", "year", "indicator", "value"],
            "targets": ["region", "year", "indicator", "target"]}
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
# A check that finds more bad cells than this lists these and counts the rest.
LISTED_PER_CHECK = 1000
_SQL_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+]*://")


@dataclass(frozen=True)
class Dataset:
    """The tidy frames a pack is computed from, plus where they came from.

    ``regions`` (indexed by code): code, name, union_name, level, group, parent, order, depth.
    ``catalog`` (indexed by id): see ``catalog.COLUMNS`` plus order, theme_order.
    ``figures``: region (code), year, as_of (Timestamp), indicator, value (in the catalogue's
    unit), approx, source, note, file_row, origin.
    ``targets``: region, year, indicator, target, target_type, issuer, note, file_row.
    ``files`` names the place each table was read from, as messages show it.
    ``load_warnings`` are findings of the reader that are not errors (``check_dataset`` includes them).
    """

    regions: pd.DataFrame
    catalog: pd.DataFrame
    figures: pd.DataFrame
    targets: pd.DataFrame
    meta: dict = field(default_factory=dict)
    fingerprint: str = ""
    location: str = ""
    files: dict = field(default_factory=dict)
    load_warnings: tuple = ()  # warnings found while reading (an Excel 合计 row …); check_dataset repeats them

    @property
    def is_sample(self) -> bool:
        return bool(self.meta.get("sample"))

    def file(self, key: str) -> str:
        """How messages name the table ``key`` (indicators, regions, figures, targets)."""
        return self.files.get(key, config.DATASET_FILES[key])

    def region_code(self, name_or_code: str) -> str:
        """The region code for a name or code as an analyst writes it."""
        key = str(name_or_code).strip()
        if key in self.regions.index:
            return key
        hits = self.regions.index[(self.regions["name"] == key) | (self.regions["union_name"] == key)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise DataError(f"地区名称“{key}”对应多个地区（代码 {'、'.join(hits)}）。请改用地区代码。",
                            file=self.file("regions"))
        names = "、".join(self.regions.sort_values("order")["name"].head(60))
        raise DataError(f"找不到地区“{key}”。可用的地区有：{names}。请检查参数 region 的拼写。",
                        file=self.file("regions"))


@dataclass(frozen=True)
class Tables:
    """The four tables as read, before any check.

    Text columns hold text (str or categorical); ``year``, ``value`` and ``target`` may hold
    text or numbers (a database gives numbers). Each frame's index is the row number that
    messages show (the line in a CSV file, the row id in a database table).
    """

    indicators: pd.DataFrame
    regions: pd.DataFrame
    figures: pd.DataFrame
    targets: pd.DataFrame
    files: dict


def is_sql_url(source: object) -> bool:
    """True for a SQLAlchemy URL such as ``sqlite:///data/city.db`` or ``postgresql+psycopg://…``."""
    return isinstance(source, str) and bool(_SQL_URL.match(source.strip()))


def load_dataset(source: str | Path | None = None) -> Dataset:
    """Load figures from a tidy CSV folder, an Excel return or a SQL URL; refuse every unreadable cell.

    Raises ``ValidationError`` listing each bad cell, ``DataError`` when a file is missing.

    >>> ds = load_dataset("data/sample")   # doctest: +SKIP
    >>> ds.figures.columns.tolist()[:8]     # doctest: +SKIP
    ['region', 'year', 'as_of', 'indicator', 'value', 'approx', 'source', 'note']
    >>> load_dataset("sqlite:///city.db")  # doctest: +SKIP
    """
    if is_sql_url(source):
        from .sql import load_dataset_sql
        return load_dataset_sql(str(source).strip())
    path = config.resolve(source) if source else config.sample_data_dir()
    if path.suffix.lower() in EXCEL_SUFFIXES:
        from .excel import load_dataset_excel
        return load_dataset_excel(path)
    if not path.is_dir():
        raise DataError(f"找不到数据目录 {config.display_path(path)}。请检查参数 data_dir，它应指向包含 "
                        "indicators.csv、regions.csv、figures.csv、targets.csv 的文件夹，"
                        "或一个 Excel 填报表（.xlsx），或数据库地址（如 sqlite:///data/city.db）。")
    tables = read_csv_tables(path)
    return assemble_dataset(tables, meta=read_meta(path), fingerprint=fingerprint_folder(path),
                            location=config.display_path(path))


def read_meta(folder: Path) -> dict:
    """``dataset.yaml`` of a data folder (name, source, sample flag); empty when absent."""
    meta_path = folder / config.DATASET_META
    if not meta_path.is_file():
        return {}
    try:
        meta = yaml.safe_load(meta_path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError, ValueError, OverflowError, RecursionError) as exc:
        raise DataError(f"不是有效的 UTF-8 YAML 文件（{exc}）。请按 data/sample/dataset.yaml 的格式填写。",
                        file=config.DATASET_META) from None
    if not isinstance(meta, dict):
        raise DataError("应为“键: 值”形式（name、source、sample）。请按 data/sample/dataset.yaml 的格式填写。",
                        file=config.DATASET_META)
    # Lists and mappings are refused before anything prints them (a YAML alias bomb stays small).
    bad = [str(k) for k, v in meta.items() if not isinstance(v, (str, int, float, bool, type(None)))]
    if bad:
        raise DataError(f"键 {'、'.join(bad)} 应为一个值（文字、数字或 true/false）。请按 data/sample/dataset.yaml 的格式填写。",
                        file=config.DATASET_META)
    return meta


# ---------------------------------------------------------------------------- reading CSV

def read_csv_tables(folder: Path) -> Tables:
    """The four CSV files of a data folder as read (no checks yet)."""
    files = dict(config.DATASET_FILES)
    return Tables(
        indicators=read_catalog_table(folder / files["indicators"]),
        regions=_read_csv(folder, "regions", REGION_COLUMNS, {}),
        figures=_read_csv(folder, "figures", FIGURE_COLUMNS + FIGURE_OPTIONAL, {"year": "int64", "value": "float64"}),
        targets=_read_csv(folder, "targets", TARGET_COLUMNS + TARGET_OPTIONAL, {"year": "int64", "target": "float64"}),
        files=files)


def _encoding_error(path: Path, name: str) -> DataError:
    head = path.read_bytes()[:65536]
    try:
        codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
        what = "文件看起来是 GBK（国标）编码，不是 UTF-8。"
    except UnicodeDecodeError:
        what = "文件不是 UTF-8 编码。"
    return DataError(what + "请在 Excel 中“另存为”，类型选“CSV UTF-8（逗号分隔）(*.csv)”，然后重试。", file=name)


def _read_csv(folder: Path, key: str, columns: list[str], numeric: dict[str, str]) -> pd.DataFrame:
    """One CSV as categorical text columns (and, when every cell is a number, typed numeric ones)."""
    name = config.DATASET_FILES[key]
    path = folder / name
    if not path.is_file():
        raise DataError(f"数据目录 {config.display_path(folder)} 中找不到 {name}。"
                        f"一个数据目录须包含 {'、'.join(config.DATASET_FILES.values())}。", file=name)
    try:
        header = list(pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns)
    except UnicodeDecodeError:
        raise _encoding_error(path, name) from None
    except pd.errors.EmptyDataError:
        raise DataError(f"文件是空的。第 1 行须是表头：{','.join(columns[:len(REQUIRED[key]) + 3])}……", file=name) from None
    except pd.errors.ParserError as exc:
        raise DataError(f"表头无法按 CSV 读取（{exc}）。请检查第 1 行。", file=name) from None
    stripped = {str(h).strip(): h for h in header}
    missing = [c for c in REQUIRED[key] if c not in stripped]
    if missing:
        raise DataError(f"缺少列 {'、'.join(missing)}。该文件须包含列：{'、'.join(c for c in columns if c not in FIGURE_OPTIONAL)}"
                        f"（第 1 行为表头）。", file=name)
    present = [c for c in columns if c in stripped]
    usecols = [stripped[c] for c in present]
    text = {stripped[c]: "category" for c in present if c not in numeric}
    typed = {stripped[c]: t for c, t in numeric.items() if c in stripped}
    def read(dtypes):
        with warnings.catch_warnings():  # a cell too large for its type warns before it raises
            warnings.simplefilter("ignore", RuntimeWarning)
            return pd.read_csv(path, usecols=usecols, dtype=dtypes, keep_default_na=False, encoding="utf-8-sig")
    try:
        try:
            frame = read({**text, **typed})
        except (ValueError, OverflowError, TypeError) as exc:
            if isinstance(exc, (UnicodeDecodeError, pd.errors.ParserError)):
                raise
            frame = read({h: "category" for h in usecols})  # a cell is not a number: read as text, name it below
    except UnicodeDecodeError:
        raise _encoding_error(path, name) from None
    except pd.errors.ParserError as exc:
        raise DataError(f"文件无法按 CSV 读取（{exc}）。请检查该行是否有多余的逗号或未配对的引号。", file=name) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    for col in columns:
        if col not in frame.columns:
            frame[col] = pd.Categorical([""] * len(frame))
    frame = frame[columns]
    frame.index = pd.RangeIndex(2, len(frame) + 2)  # index = line number in the file (header is line 1)
    return frame


# ------------------------------------------------------------------------- cell helpers

def _as_category(s: pd.Series) -> pd.Series:
    """A text column as a categorical with stripped categories (missing → "")."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = pd.Index(s.cat.categories.astype(str))
        clean = cats.str.strip()
        codes = s.cat.codes.to_numpy()
        if clean.equals(cats) and (codes >= 0).all():
            return s
        new_codes, uniques = pd.factorize(clean)
        if (codes < 0).any():
            uniques = uniques.append(pd.Index([""])) if "" not in uniques else uniques
            empty = uniques.get_loc("")
            mapped = np.where(codes >= 0, new_codes[codes], empty)
        else:
            mapped = new_codes[codes]
        return pd.Series(pd.Categorical.from_codes(mapped, categories=pd.Index(uniques)), index=s.index)
    text = s.astype(object).where(s.notna(), "").astype(str).str.strip()
    return text.astype("category")


def _map_text(s: pd.Series, func: Callable[[str], str | None]) -> pd.Categorical:
    """``func`` applied once per distinct text of ``s``, laid out row by row as a categorical
    (missing where ``func`` gives None): a lookup per distinct value, never per row."""
    s = _as_category(s)
    results = pd.Series([func(c) for c in s.cat.categories], dtype=object)
    codes, uniques = pd.factorize(results, use_na_sentinel=True)
    row_codes = codes[s.cat.codes.to_numpy()] if len(codes) else np.full(len(s), -1)
    return pd.Categorical.from_codes(row_codes, categories=pd.Index(uniques, dtype=object))


def _text(s: pd.Series) -> pd.Series:
    """A text column as plain strings (stripped)."""
    return _as_category(s).astype("str")


def _raw(s: pd.Series, label) -> str:
    value = s.at[label]
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value).strip()


def _numbers(s: pd.Series, integer: bool = False) -> np.ndarray:
    """A column as float numbers; NaN where a cell is blank or not a (finite, if asked whole) number."""
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        values = s.to_numpy(dtype=float, na_value=np.nan)
    else:
        s = _as_category(s)
        cats = pd.Series(s.cat.categories.astype(str)).str.replace(",", "", regex=False).str.replace("，", "", regex=False)
        parsed = pd.to_numeric(cats, errors="coerce").to_numpy(dtype=float, copy=True)
        # "inf", "nan" and hexadecimal are numbers to Python, not to an analyst
        parsed[~cats.str.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?").to_numpy()] = np.nan
        codes = s.cat.codes.to_numpy()
        values = parsed[codes] if len(parsed) else np.full(len(s), np.nan)
    values = np.where(np.isfinite(values), values, np.nan)
    if integer:
        values = np.where(values == np.round(values), values, np.nan)
    return values


class _Collector:
    """Findings of one check, listing at most ``LISTED_PER_CHECK`` and counting the rest."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings

    def rows(self, labels, make: Callable[[object], Finding], what: str, file: str) -> None:
        labels = list(labels)
        for label in labels[:LISTED_PER_CHECK]:
            self.findings.append(make(label))
        if len(labels) > LISTED_PER_CHECK:
            rest = labels[LISTED_PER_CHECK:]
            self.findings.append(Finding("error", f"同类问题（{what}）另有 {len(rest)} 处未逐条列出，例如第 "
                                                  f"{'、'.join(map(str, rest[:10]))} 行。请按上面的说明一并改正。",
                                         file=file))


# ------------------------------------------------------------------------------ regions

def check_regions(raw: pd.DataFrame, file: str) -> pd.DataFrame:
    """Check the regions table as read and return it indexed by code, with ``depth`` (0 = top)."""
    findings: list[Finding] = []
    for col in REGION_COLUMNS:
        if col not in raw.columns:
            raw = raw.assign(**{col: ""})
    reg = pd.DataFrame({c: _text(raw[c]) for c in REGION_COLUMNS}, index=raw.index)

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
    """Code, name or union name → code; a name two regions share maps to "?" followed by their codes."""
    by_code = set(regions.index)
    by_name: dict[str, list[str]] = {}
    for code, name, union in zip(regions.index, regions["name"], regions["union_name"]):
        for key in dict.fromkeys((name, union)):
            by_name.setdefault(key, []).append(code)

    def look(text: str) -> str | None:
        if text in by_code:
            return text
        hits = by_name.get(text)
        if not hits:
            return None
        return hits[0] if len(hits) == 1 else "?" + "、".join(hits)
    return look


# ----------------------------------------------------------------- figures and targets

def _resolve_keys(raw: pd.DataFrame, regions: pd.DataFrame, catalog: pd.DataFrame, file: str,
                  findings: list[Finding]) -> tuple[pd.Categorical, pd.Categorical, np.ndarray]:
    """Region codes, indicator ids and years row by row; a finding for each that cannot be read."""
    collect = _Collector(findings)
    look = _region_lookup(regions)
    region = _map_text(raw["region"], look)
    unknown = region.codes < 0
    flags = np.append(np.asarray(region.categories.str.startswith("?"), dtype=bool), False)  # code -1 → False
    shared = flags[region.codes]
    collect.rows(raw.index[unknown], lambda line: Finding(
        "error", "地区不在 regions.csv 中。请改为 regions.csv 中的地区代码或名称，或先在 regions.csv 中增加该地区。"
        if _raw(raw["region"], line) else "地区为空。每行须写明地区代码或名称。",
        file=file, row=int(line), column="region", value=_raw(raw["region"], line)), "地区不在地区表中", file)
    collect.rows(raw.index[shared], lambda line: Finding(
        "error", f"地区名称对应多个地区（代码 {region[raw.index.get_loc(line)][1:]}）。请改用地区代码。",
        file=file, row=int(line), column="region", value=_raw(raw["region"], line)), "地区名称重复", file)
    labels = catalog_labels(catalog)
    indicator = _map_text(raw["indicator"], lambda t: labels.get(normalise_label(t)) if t else None)
    collect.rows(raw.index[indicator.codes < 0], lambda line: Finding(
        "error", "指标不在指标目录 indicators.csv 中。请改为目录中的指标编号、中文名或别名，或先在目录中增加该指标。"
        if _raw(raw["indicator"], line) else "指标为空。每行须写明指标编号或中文名。",
        file=file, row=int(line), column="indicator", value=_raw(raw["indicator"], line)), "指标不在目录中", file)
    year = _numbers(raw["year"], integer=True)
    year = np.where((year >= 1900) & (year <= 2200), year, np.nan)
    collect.rows(raw.index[np.isnan(year)], lambda line: Finding(
        "error", "年份应为四位数的年份，如 2025。", file=file, row=int(line), column="year",
        value=_raw(raw["year"], line)), "年份无效", file)
    return region, indicator, year


def _convert_units(raw: pd.DataFrame, indicator: pd.Categorical, values: np.ndarray, catalog: pd.DataFrame,
                   file: str, column: str, findings: list[Finding]) -> np.ndarray:
    """Values given in the ``unit`` column converted to the catalogue unit; a finding where they cannot be."""
    units = _as_category(raw["unit"])
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
    _Collector(findings).rows(raw.index[bad], lambda line: Finding(
        "error", f"单位“{_raw(raw['unit'], line)}”与指标“{catalog.at[indicator[raw.index.get_loc(line)], 'name']}”的单位"
                 f"“{catalog.at[indicator[raw.index.get_loc(line)], 'unit']}”不是同一种量，无法换算。"
                 "请核对该数所属的指标，或改正单位（可换算的如 元/万元/亿元、人/万人）。",
        file=file, row=int(line), column="unit", value=_raw(raw["unit"], line)), "单位不符", file)
    converted = values * np.where(bad, 1.0, factor)
    return np.where(factor == 1.0, values, np.round(converted, 10))  # 140.00000000000003 → 140.0


def _value_hint(text: str) -> str:
    """For a tidy file: how to write a cell such as "1.2万" or "85.25%" as a plain number."""
    from .excel import parse_cell
    cell = parse_cell(text)
    if cell.value is None:
        return ""
    mark = f"，约数标记“{cell.approx}”填在 approx 列" if cell.approx else ""
    unit = f"（按单位“{cell.unit}”）" if cell.unit else ""
    return f"可写成 {cell.value * (cell.multiplier or 1):g}{unit}{mark}。"


def _figures(raw: pd.DataFrame, regions: pd.DataFrame, catalog: pd.DataFrame, file: str,
             findings: list[Finding]) -> pd.DataFrame:
    collect = _Collector(findings)
    region, indicator, year = _resolve_keys(raw, regions, catalog, file, findings)

    as_of_text = _as_category(raw["as_of"]) if not pd.api.types.is_datetime64_any_dtype(raw["as_of"]) else None
    if as_of_text is None:
        as_of = pd.Series(raw["as_of"].to_numpy(), index=raw.index).dt.normalize()
        blank = as_of.isna().to_numpy()
    else:
        cats = pd.Series(as_of_text.cat.categories.astype(str))
        parsed = pd.to_datetime(cats.where(cats.str.fullmatch(r"\d{4}-\d{2}-\d{2}")), format="%Y-%m-%d", errors="coerce")
        codes = as_of_text.cat.codes.to_numpy()
        as_of = pd.Series(parsed.to_numpy()[codes], index=raw.index)
        blank = (cats.to_numpy()[codes] == "")
    ok_year = ~np.isnan(year)
    fill = blank & ok_year
    if fill.any():
        year_end = {y: pd.Timestamp(year=int(y), month=12, day=31) for y in np.unique(year[fill])}
        as_of = as_of.where(~fill, pd.Series(year, index=raw.index).map(year_end))
    bad_date = as_of.isna().to_numpy() & ok_year & ~blank
    collect.rows(raw.index[bad_date], lambda line: Finding(
        "error", "截止日期不是 YYYY-MM-DD 格式的日期（如 2025-06-30）。全年数据可留空。",
        file=file, row=int(line), column="as_of", value=_raw(raw["as_of"], line)), "截止日期格式", file)
    outside = as_of.notna().to_numpy() & ok_year & (as_of.dt.year.to_numpy(dtype=float, na_value=np.nan) != year)
    collect.rows(raw.index[outside], lambda line: Finding(
        "error", f"截止日期不在 {_raw(raw['year'], line)} 年内。年中数据的截止日期应在当年（如 "
                 f"{_raw(raw['year'], line)}-06-30）；请核对年份或截止日期。",
        file=file, row=int(line), column="as_of", value=_raw(raw["as_of"], line)), "截止日期与年份不符", file)

    value = _numbers(raw["value"])
    def value_finding(line):
        text = _raw(raw["value"], line)
        if text == "":
            return Finding("error", "数值为空。请填写数字；确实没有数据时删除整行（不要填 0 代替“无数据”）。",
                           file=file, row=int(line), column="value", value=text)
        return Finding("error", "数值不是数字。请填写数字（不带单位、不带文字）。" + _value_hint(text),
                       file=file, row=int(line), column="value", value=text)
    collect.rows(raw.index[np.isnan(value)], value_finding, "数值不是数字", file)
    value = _convert_units(raw, indicator, value, catalog, file, "value", findings)

    approx = _as_category(raw["approx"])
    bad_marks = [c for c in approx.cat.categories if c not in APPROX_MARKS]
    collect.rows(raw.index[approx.isin(bad_marks).to_numpy()], lambda line: Finding(
        "error", "约数标记只能是 近、余、多、突破、约 之一，或留空。",
        file=file, row=int(line), column="approx", value=_raw(raw["approx"], line)), "约数标记无效", file)

    if any(f.level == "error" for f in findings):
        return pd.DataFrame()
    return pd.DataFrame({
        "region": pd.Series(region).astype("str").array,
        "year": year.astype(np.int64),
        "as_of": as_of.to_numpy(),
        "indicator": pd.Series(indicator).astype("str").array,
        "value": value,
        "approx": approx.astype("str").array,
        "source": _text(raw["source"]).array,
        "note": _text(raw["note"]).array,
        "file_row": raw.index.to_numpy(dtype=np.int64),
        "origin": _text(raw["origin"]).array,
    })


def _targets(raw: pd.DataFrame, regions: pd.DataFrame, catalog: pd.DataFrame, file: str,
             findings: list[Finding]) -> pd.DataFrame:
    collect = _Collector(findings)
    region, indicator, year = _resolve_keys(raw, regions, catalog, file, findings)
    target = _numbers(raw["target"])
    collect.rows(raw.index[np.isnan(target)], lambda line: Finding(
        "error", "目标值不是数字。请填写数字（“95%以上”写成 95，并在 target_type 列填 threshold）。"
        if _raw(raw["target"], line) else "目标值为空。请填写目标值，或删除整行。",
        file=file, row=int(line), column="target", value=_raw(raw["target"], line)), "目标值不是数字", file)
    if "unit" in raw.columns:
        target = _convert_units(raw, indicator, target, catalog, file, "target", findings)
    ttype = _as_category(raw["target_type"])
    ttype_text = ttype.astype(str).replace("", "absolute")
    collect.rows(raw.index[~ttype_text.isin(list(TARGET_TYPES)).to_numpy()], lambda line: Finding(
        "error", "目标类型只能是 absolute（绝对数）或 threshold（“X以上”门槛）；留空按 absolute。",
        file=file, row=int(line), column="target_type", value=_raw(raw["target_type"], line)), "目标类型无效", file)
    if any(f.level == "error" for f in findings):
        return pd.DataFrame()
    return pd.DataFrame({
        "region": pd.Series(region).astype("str").array,
        "year": year.astype(np.int64),
        "indicator": pd.Series(indicator).astype("str").array,
        "target": target,
        "target_type": ttype_text.astype("str").array,
        "issuer": _text(raw["issuer"]).array,
        "note": _text(raw["note"]).array,
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
                   fingerprint=fingerprint, location=location, files=dict(files))


def load_regions(folder: Path) -> pd.DataFrame:
    """The checked regions table of a tidy CSV folder."""
    return check_regions(_read_csv(Path(folder), "regions", REGION_COLUMNS, {}), config.DATASET_FILES["regions"])


def fingerprint_folder(folder: Path) -> str:
    """A content hash of the data files (names and bytes), independent of timestamps."""
    h = hashlib.sha256()
    for name in sorted([*config.DATASET_FILES.values(), config.DATASET_META]):
        path = folder / name
        if path.is_file():
            h.update(name.encode())
            with open(path, "rb") as f:
                h.update(hashlib.file_digest(f, "sha256").digest())
    return h.hexdigest()[:16]
