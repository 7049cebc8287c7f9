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


def write_tidy(result, out: Path, catalog_source: Path) -> dict[str, int]:
    """Write an import (``excel.WorkbookImport``) into a data folder (figures replace those of the same dates; other files kept).

    Returns the number of rows written per file. Writes each file whole, through a temporary file.
    """
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    new = result.figures.copy()
    new["as_of"] = pd.to_datetime(new["as_of"]).dt.strftime("%Y-%m-%d")
    new["value"] = new["value"].map(_number_text)
    new["unit"] = ""
    columns = FIGURE_COLUMNS + ["origin"]
    fig_path = out / config.DATASET_FILES["figures"]
    kept = pd.DataFrame(columns=columns)
    if fig_path.is_file():
        old = pd.read_csv(fig_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        old = old.reindex(columns=sorted(set(old.columns) | set(columns), key=lambda c: (c not in columns, c)),
                          fill_value="")
        replaced = old["as_of"].where(old["as_of"] != "", old["year"] + "-12-31").isin(set(new["as_of"]))
        kept = old[~replaced]
        written["replaced"] = int(replaced.sum())
    table = pd.concat([kept, new[columns].astype(str)], ignore_index=True)
    for col in ("region", "indicator", "approx", "source", "note", "origin"):
        table[col] = neutralise(table[col])
    _write_csv(table[columns], fig_path)
    written["figures"] = len(new)
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
    tgt_path = out / config.DATASET_FILES["targets"]
    if not tgt_path.is_file():
        _write_csv(pd.DataFrame(columns=TARGET_COLUMNS), tgt_path)
        written["targets"] = 0
    meta_path = out / config.DATASET_META
    if not meta_path.is_file():
        meta = {"name": Path(result.file).stem, "sample": False, "source": f"{result.file}（由 briefing import 导入）"}
        meta_path.write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return written


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    frame.to_csv(tmp, index=False, encoding="utf-8")
    tmp.replace(path)

