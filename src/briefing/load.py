"""Read a data folder (tidy CSV) into one ``Dataset``: regions, catalogue, figures, targets.

Every cell is checked as it is read. A value that cannot be read is never dropped or
guessed: the load stops with a ``ValidationError`` listing each bad cell by file, row
and column, in Chinese, with what to do.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from . import config
from .catalog import load_catalog
from .errors import DataError, Finding, ValidationError

APPROX_MARKS = {"", "近", "余", "多", "突破", "约"}
TARGET_TYPES = {"absolute": "绝对数", "threshold": "以上（门槛）"}
REGION_COLUMNS = ["code", "name", "union_name", "level", "group", "parent", "order"]
FIGURE_COLUMNS = ["region", "year", "as_of", "indicator", "value", "approx", "source", "note"]
TARGET_COLUMNS = ["region", "year", "indicator", "target", "target_type", "issuer", "note"]


@dataclass(frozen=True)
class Dataset:
    """The tidy frames a pack is computed from, plus where they came from.

    ``figures`` columns: region (code), year, as_of (Timestamp), indicator, value, approx, source, note.
    ``targets`` columns: region, year, indicator, target, target_type, issuer, note.
    """

    regions: pd.DataFrame
    catalog: pd.DataFrame
    figures: pd.DataFrame
    targets: pd.DataFrame
    meta: dict = field(default_factory=dict)
    fingerprint: str = ""
    location: str = ""

    @property
    def is_sample(self) -> bool:
        return bool(self.meta.get("sample"))

    def region_code(self, name_or_code: str) -> str:
        """The region code for a name or code as an analyst writes it."""
        key = str(name_or_code).strip()
        if key in self.regions.index:
            return key
        hits = self.regions.index[(self.regions["name"] == key) | (self.regions["union_name"] == key)]
        if len(hits) == 1:
            return hits[0]
        names = "、".join(self.regions.sort_values("order")["name"])
        raise DataError(f"找不到地区“{key}”。可用的地区有：{names}。请检查参数 region 的拼写。",
                        file=config.DATASET_FILES["regions"])


def _read_csv(folder: Path, key: str, columns: list[str], required: list[str]) -> pd.DataFrame:
    name = config.DATASET_FILES[key]
    path = folder / name
    if not path.is_file():
        raise DataError(f"数据目录 {config.display_path(folder)} 中找不到 {name}。"
                        f"一个数据目录须包含 {'、'.join(config.DATASET_FILES.values())}。", file=name)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DataError("文件不是 UTF-8 编码。请在 Excel 中另存为“CSV UTF-8（逗号分隔）”格式。", file=name) from None
    except pd.errors.ParserError as exc:
        raise DataError(f"文件无法按 CSV 读取（{exc}）。请检查是否有多余的逗号或引号。", file=name) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataError(f"缺少列 {'、'.join(missing)}。该文件须包含列：{'、'.join(columns)}。", file=name)
    for col in columns:
        if col not in frame.columns:
            frame[col] = ""
    frame = frame[columns].apply(lambda s: s.str.strip())
    frame.index = pd.RangeIndex(2, len(frame) + 2)  # index = line number in the file
    return frame


def _numbers(frame: pd.DataFrame, column: str, file: str, findings: list[Finding],
             what: str, integer: bool = False) -> pd.Series:
    """Convert one column to numbers; every cell that is not a number becomes a finding."""
    text = frame[column].str.replace(",", "", regex=False)
    values = pd.to_numeric(text, errors="coerce")
    bad = values.isna() | (values.round() != values if integer else False)
    for line in frame.index[bad]:
        raw = frame.at[line, column]
        hint = "该格为空" if raw == "" else "不是数字"
        findings.append(Finding("error", f"{what}{hint}。请填写数字（不带单位、不带文字）；确实没有数据时删除整行。",
                                file=file, row=int(line), column=column, value=raw))
    return values


def _codes(frame: pd.DataFrame, regions: pd.DataFrame, file: str, findings: list[Finding]) -> pd.Series:
    by_name = {**dict(zip(regions["name"], regions.index)), **dict(zip(regions["union_name"], regions.index))}
    codes = frame["region"].map(lambda v: v if v in regions.index else by_name.get(v))
    for line in frame.index[codes.isna()]:
        findings.append(Finding("error", "地区不在 regions.csv 中。请改为 regions.csv 中的地区代码或名称，或先在 regions.csv 中增加该地区。",
                                file=file, row=int(line), column="region", value=frame.at[line, "region"]))
    return codes


def _indicators(frame: pd.DataFrame, catalog: pd.DataFrame, file: str, findings: list[Finding]) -> pd.Series:
    by_name = dict(zip(catalog["name"], catalog.index))
    ids = frame["indicator"].map(lambda v: v if v in catalog.index else by_name.get(v))
    for line in frame.index[ids.isna()]:
        findings.append(Finding("error", "指标不在指标目录 indicators.csv 中。请改为目录中的指标编号或中文名，或先在目录中增加该指标。",
                                file=file, row=int(line), column="indicator", value=frame.at[line, "indicator"]))
    return ids


def load_regions(folder: Path) -> pd.DataFrame:
    file = config.DATASET_FILES["regions"]
    raw = _read_csv(folder, "regions", REGION_COLUMNS, ["code", "name", "level", "parent"])
    dup = raw["code"][raw["code"].duplicated()]
    if not dup.empty:
        raise DataError(f"地区代码“{dup.iloc[0]}”重复。每个地区的代码须唯一。", file=file, row=int(dup.index[0]), column="code")
    for line, row in raw.iterrows():
        if not row["code"] or not row["name"]:
            raise DataError("地区代码或名称为空。", file=file, row=int(line), column="code" if not row["code"] else "name")
        if row["parent"] and row["parent"] not in set(raw["code"]):
            raise DataError(f"上级地区代码“{row['parent']}”不在本文件中。", file=file, row=int(line), column="parent")
    raw["union_name"] = raw["union_name"].where(raw["union_name"] != "", raw["name"] + "总工会")
    raw["group"] = raw["group"].where(raw["group"] != "", raw["level"])
    raw["order"] = pd.to_numeric(raw["order"], errors="coerce").fillna(pd.Series(range(len(raw)), index=raw.index))
    regions = raw.set_index("code", drop=False)
    # depth in the hierarchy: roll-ups go from the deepest level up
    depth = {}
    for code in regions.index:
        d, seen, cur = 0, set(), code
        while regions.at[cur, "parent"]:
            if cur in seen:
                raise DataError(f"地区“{code}”的上级关系形成循环。", file=file, column="parent")
            seen.add(cur)
            cur, d = regions.at[cur, "parent"], d + 1
        depth[code] = d
    regions["depth"] = pd.Series(depth)
    return regions


def load_dataset(folder: str | Path | None = None) -> Dataset:
    """Load a tidy CSV data folder; raise ``ValidationError`` listing every unreadable cell.

    >>> ds = load_dataset("data/sample")   # doctest: +SKIP
    >>> ds.figures.columns.tolist()        # doctest: +SKIP
    ['region', 'year', 'as_of', 'indicator', 'value', 'approx', 'source', 'note']
    """
    folder = config.resolve(folder) if folder else config.sample_data_dir()
    if not folder.is_dir():
        raise DataError(f"找不到数据目录 {config.display_path(folder)}。请检查参数 data_dir，"
                        "它应指向包含 indicators.csv、regions.csv、figures.csv、targets.csv 的文件夹。")
    catalog = load_catalog(folder / config.DATASET_FILES["indicators"])
    regions = load_regions(folder)
    findings: list[Finding] = []

    ffile = config.DATASET_FILES["figures"]
    raw = _read_csv(folder, "figures", FIGURE_COLUMNS, ["region", "year", "indicator", "value"])
    figures = pd.DataFrame(index=raw.index)
    figures["region"] = _codes(raw, regions, ffile, findings)
    figures["year"] = _numbers(raw, "year", ffile, findings, "年份", integer=True)
    as_of_text = raw["as_of"].where(raw["as_of"] != "", raw["year"] + "-12-31")
    figures["as_of"] = pd.to_datetime(as_of_text, errors="coerce", format="%Y-%m-%d")
    for line in figures.index[figures["as_of"].isna() & figures["year"].notna()]:
        findings.append(Finding("error", "截止日期不是 YYYY-MM-DD 格式的日期（如 2025-06-30）。全年数据可留空。",
                                file=ffile, row=int(line), column="as_of", value=raw.at[line, "as_of"]))
    figures["indicator"] = _indicators(raw, catalog, ffile, findings)
    figures["value"] = _numbers(raw, "value", ffile, findings, "数值")
    figures["approx"] = raw["approx"]
    for line in raw.index[~raw["approx"].isin(APPROX_MARKS)]:
        findings.append(Finding("error", "约数标记只能是 近、余、多、突破、约 之一，或留空。",
                                file=ffile, row=int(line), column="approx", value=raw.at[line, "approx"]))
    figures["source"] = raw["source"]
    figures["note"] = raw["note"]

    tfile = config.DATASET_FILES["targets"]
    traw = _read_csv(folder, "targets", TARGET_COLUMNS, ["region", "year", "indicator", "target"])
    targets = pd.DataFrame(index=traw.index)
    targets["region"] = _codes(traw, regions, tfile, findings)
    targets["year"] = _numbers(traw, "year", tfile, findings, "年份", integer=True)
    targets["indicator"] = _indicators(traw, catalog, tfile, findings)
    targets["target"] = _numbers(traw, "target", tfile, findings, "目标值")
    targets["target_type"] = traw["target_type"].replace("", "absolute")
    for line in traw.index[~targets["target_type"].isin(TARGET_TYPES)]:
        findings.append(Finding("error", "目标类型只能是 absolute（绝对数）或 threshold（“X以上”门槛）。",
                                file=tfile, row=int(line), column="target_type", value=traw.at[line, "target_type"]))
    targets["issuer"] = traw["issuer"]
    targets["note"] = traw["note"]

    if findings:
        raise ValidationError(findings)
    figures["year"] = figures["year"].astype(int)
    targets["year"] = targets["year"].astype(int)
    figures["file_row"] = figures.index
    targets["file_row"] = targets.index
    meta_path = folder / config.DATASET_META
    meta = {}
    if meta_path.is_file():
        try:
            meta = yaml.safe_load(meta_path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise DataError(f"不是有效的 YAML（{exc}）。", file=config.DATASET_META) from None
    return Dataset(regions=regions, catalog=catalog, figures=figures.reset_index(drop=True),
                   targets=targets.reset_index(drop=True), meta=meta,
                   fingerprint=fingerprint_folder(folder), location=config.display_path(folder))


def fingerprint_folder(folder: Path) -> str:
    """A content hash of the data files (names and bytes), independent of timestamps."""
    h = hashlib.sha256()
    for name in sorted([*config.DATASET_FILES.values(), config.DATASET_META]):
        path = folder / name
        if path.is_file():
            h.update(name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]
