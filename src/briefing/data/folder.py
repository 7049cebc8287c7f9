"""The tidy CSV folder (indicators.csv, regions.csv, figures.csv, targets.csv, dataset.yaml): read, fingerprint.

The embedded default format. Files are UTF-8 (with or without BOM); a file in GBK is
refused with the 另存为 steps that fix it.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .. import config
from ..errors import DataError
from .assemble import assemble_dataset, check_regions
from .catalog import read_catalog_table
from .dataset import FIGURE_COLUMNS, FIGURE_OPTIONAL, REGION_COLUMNS, REQUIRED, TARGET_COLUMNS, TARGET_OPTIONAL, Dataset, Tables


def load_folder(path: Path) -> Dataset:
    """The ``Dataset`` of a tidy CSV folder; ``ValidationError`` lists every bad cell."""
    if path.is_file():
        raise DataError(f"{path} 是一个文件，不是数据目录，也不是可识别的报表（.xlsx、.xls、.et、.ods、.csv）。"
                        "请把参数 data_dir 指向数据目录或报表文件；报表可先用 briefing import 导入为数据目录。")
    if not path.is_dir():
        raise DataError(f"找不到数据目录 {path}。请检查参数 data_dir，它应指向包含 "
                        "indicators.csv、regions.csv、figures.csv、targets.csv 的文件夹，"
                        "或一个报表文件（.xlsx、.xls、.et、.ods、.csv），或数据库地址（如 sqlite:///data/city.db）。")
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


_SCIENTIFIC = re.compile(rb"[\d.][eE][+-]?\d")


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
    if typed and _SCIENTIFIC.search(path.read_bytes()):
        typed = {col: "str" for col in typed}   # a number like 1.2e3 somewhere: read as text, to point at it (assemble)
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
    return _without_empty_rows(frame)


def _without_empty_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows with every cell empty (",,,,,,," that Excel writes under a table) are not data: skipped, the line
    numbers of the others unchanged."""
    filled = np.zeros(len(frame), dtype=bool)
    for col in frame.columns:
        s = frame[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            cats = pd.Index(s.cat.categories.astype(str)).str.strip() != ""
            codes = s.cat.codes.to_numpy()
            filled |= (codes >= 0) & np.append(cats, False)[codes]
        else:
            filled |= s.notna().to_numpy()
    return frame if filled.all() else frame[filled]



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
