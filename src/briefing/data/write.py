"""Tidy CSV files out: an import written into a data folder, with spreadsheet formulas made inert."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from .. import config
from .dataset import FIGURE_COLUMNS, REGION_COLUMNS, TARGET_COLUMNS
from .excel.grid import clean

_INJECTION = ("=", "+", "-", "@", "\t", "\r")


def neutralise(values: pd.Series) -> pd.Series:
    """Text cells that a spreadsheet would run as a formula (= + - @ at the start) made inert with a leading '.

    >>> neutralise(pd.Series(["=SUM(A1:A9)", "城关区", "-"])).tolist()
    ["'=SUM(A1:A9)", '城关区', "'-"]
    """
    text = values.astype(str)
    return text.where(~text.str.startswith(_INJECTION), "'" + text)


def _number_text(x: float) -> str:
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{clean(x):.12g}"


def write_tidy(result, out: Path, catalog_source: Path, *, previous_kept: set | None = None) -> dict[str, int]:
    """Write an import (``excel.WorkbookImport``) into a data folder; return the rows written per file.

    Figures replace those of the same region, date and indicator (a county's corrected return replaces the
    figures it carries; figures of indicators it does not carry stay, e.g. those of another table of the same
    period); targets replace those of the same region, year and indicator; regions,
    catalogue and dataset.yaml are written only when the folder has none. Each file is written whole,
    through a temporary file.
    """
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    new = tidy_figures(result.figures)
    written["replaced"] = _merge(out / config.DATASET_FILES["figures"], new, FIGURE_COLUMNS + ["origin"],
                                 ["region", "as_of", "indicator"], ("region", "indicator", "approx", "source", "note", "origin"))
    written["figures"] = len(new)
    if len(result.targets) or not (out / config.DATASET_FILES["targets"]).is_file():
        targets = tidy_targets(result.targets)
        written["targets_replaced"] = _merge(out / config.DATASET_FILES["targets"], targets, TARGET_COLUMNS,
                                             ["region", "year", "indicator"], ("region", "indicator", "issuer", "note"))
        written["targets"] = len(targets)
    reg_path = out / config.DATASET_FILES["regions"]
    if not reg_path.is_file():
        regions = result.regions.reset_index(drop=True)[REGION_COLUMNS].astype(str)
        for col in ("code", "name", "union_name", "level", "group", "parent"):
            regions[col] = neutralise(regions[col])
        _write_csv(regions, reg_path)
        written["regions"] = len(regions)
    cat_path = out / config.DATASET_FILES["indicators"]
    if not cat_path.is_file():
        cat_path.write_bytes(Path(catalog_source).read_bytes())
        written["indicators"] = -1
    meta_path = out / config.DATASET_META
    if not meta_path.is_file():
        # words a leader reads under every chart: no file count, no command name (the origin column keeps the cells)
        top = result.regions.loc[result.regions["parent"].fillna("").astype(str) == "", "name"] \
            if {"parent", "name"} <= set(result.regions.columns) else pd.Series(dtype=str)
        meta = {"name": f"{top.iloc[0]}工会统计数据" if len(top) == 1 else out.name, "sample": False,
                "source": "各单位报送的统计报表"}
        meta_path.write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return written


def tidy_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """Imported figures as the text columns of figures.csv (dates as YYYY-MM-DD, numbers without float dust)."""
    new = figures.copy()
    new["as_of"] = pd.to_datetime(new["as_of"]).dt.strftime("%Y-%m-%d")
    new["value"] = new["value"].map(_number_text)
    new["year"] = new["year"].astype(int).astype(str)
    return new.reindex(columns=FIGURE_COLUMNS + ["origin"], fill_value="").fillna("").astype(str)


def tidy_targets(targets: pd.DataFrame) -> pd.DataFrame:
    new = targets.copy()
    new["target"] = new["target"].map(_number_text)
    new["year"] = new["year"].astype(int).astype(str)
    return new.reindex(columns=TARGET_COLUMNS, fill_value="").fillna("").astype(str)


def read_tidy(path: Path, columns: list[str]) -> pd.DataFrame:
    """A tidy CSV file as text (all columns ``columns`` present; full-year as_of written out); empty if absent."""
    if not path.is_file():
        return pd.DataFrame(columns=columns)
    old = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    old = old.reindex(columns=sorted(set(old.columns) | set(columns), key=lambda c: (c not in columns, c)), fill_value="")
    if "as_of" in old.columns:
        old["as_of"] = old["as_of"].where(old["as_of"] != "", old["year"] + "-12-31")
    return old


def _merge(path: Path, new: pd.DataFrame, columns: list[str], key: list[str], text_columns) -> int:
    """Rows of ``new`` replace the rows of ``path`` with the same ``key``; the rest of the file is kept. Returns
    the number of rows replaced."""
    old = read_tidy(path, columns)
    replaced = old.set_index(key).index.isin(new.set_index(key).index) if len(old) and len(new) else \
        pd.Series(False, index=old.index).to_numpy()
    table = pd.concat([old[~replaced], new.reindex(columns=old.columns, fill_value="")], ignore_index=True)
    for col in text_columns:
        table[col] = neutralise(table[col])
    extra = [c for c in table.columns if c not in columns]
    _write_csv(table[columns + extra], path)
    return int(replaced.sum())


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    frame.to_csv(tmp, index=False, encoding="utf-8")
    tmp.replace(path)

