"""``briefing import``: read returns (files or folders of them), check everything, and write a data folder.

Every check runs in one pass: what the readers refuse (cells, headers, regions, periods) and what
the data checks find in what was read (a rate over 100%, a negative count, a stated rate against its
parts) come out together, and nothing is written while any of them is an error. A 上年 column is
checked against the folder's own figure of that year (the folder's figure stays). Re-importing a
county's corrected return replaces the figures it carries (same region, period and indicator) and says
what changed; figures of that period that it does not carry (another table's indicators) stay, and the
changes say how many stayed, so that importing the week's tables one by one loses nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import config
from ..errors import DataError, Finding
from .catalog import load_catalog
from .dataset import FIGURE_COLUMNS
from .excel.workbook import WorkbookImport, read_returns, workbook_dataset
from .folder import load_regions
from .validate import check_dataset
from .write import read_tidy, tidy_figures, write_tidy

RETURN_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".xlsb", ".csv", ".htm", ".html")


@dataclass
class ImportResult:
    """An import: what was read, what the data checks found, what was written and what changed."""

    read: WorkbookImport
    checks: list = field(default_factory=list)
    written: dict | None = None
    changes: list = field(default_factory=list)
    review: Path | None = None

    @property
    def findings(self) -> list[Finding]:
        return [*self.read.findings, *self.checks]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]


def return_files(paths: list) -> list[Path]:
    """The files to import: each file as given, each folder's returns (by extension, in name order)."""
    files = []
    for given in paths:
        path = Path(given).expanduser()
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in RETURN_SUFFIXES
                           and not p.name.startswith(("~$", ".", "_")) and p.name not in config.DATASET_FILES.values())
            if not found:
                raise DataError(f"文件夹 {path.resolve()} 中没有可导入的报表（{'、'.join(RETURN_SUFFIXES)}）。")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise DataError(f"找不到 {path.resolve()}。请检查文件名和路径（相对路径从当前文件夹算起）。")
    return files


def import_returns(paths: list, out: str | Path, *, catalog: str | Path | None = None, regions: str | Path | None = None,
                   parent: str = "全市", year: int | None = None, kinds: dict | None = None,
                   include_hidden: bool = False, review: str | Path | None = None) -> ImportResult:
    """Read returns and, when nothing is an error, write them into the data folder ``out`` as tidy CSV.

    The catalogue and regions come from ``out`` when it has them (so each return is imported into the
    same folder), else from ``catalog``/``regions``, else from the sample catalogue and the rows read.
    ``review`` names an Excel file to write the 核对清单 into (one sheet per region), errors or not; when that file
    exists, the next free "name-2.xlsx" (``free_path``): an earlier list is never written over.

    >>> res = import_returns(["returns/"], "data/示例市", review="核对清单.xlsx")   # doctest: +SKIP
    >>> print(res.read.summary()); res.written                                     # doctest: +SKIP
    """
    out = Path(out).expanduser()
    cat_path = out / config.DATASET_FILES["indicators"]
    if not cat_path.is_file():
        cat_path = Path(catalog).expanduser() if catalog else config.sample_data_dir() / config.DATASET_FILES["indicators"]
    cat = load_catalog(cat_path)
    reg = None
    if (out / config.DATASET_FILES["regions"]).is_file():
        reg = load_regions(out)
    elif regions:
        reg_path = Path(regions).expanduser()
        reg = load_regions(reg_path if reg_path.is_dir() else reg_path.parent)
    read = read_returns(return_files(paths), cat, reg, parent=parent, year=year, kinds=kinds,
                        include_hidden=include_hidden)
    read = _check_previous_against_folder(read, out)
    result = ImportResult(read)
    result.checks = check_returns(read, cat, reg)
    result.changes = changes_against(out, read, reg if reg is not None else read.regions.set_index("code"), cat)
    if review:
        from .review import write_review   # openpyxl only when a review sheet is asked for
        result.review = write_review(read, result.checks, free_path(Path(review).expanduser()), cat)
    if not result.errors:
        result.written = write_tidy(read, out, cat_path)
    return result


def free_path(path: Path) -> Path:
    """``path``, or when a file is there already "name-2.xlsx", "name-3.xlsx" …: a 核对清单 already written may
    hold the analysts' 核对结果 and a whole week's regions, so an import never writes over it.

    >>> free_path(Path("/nonexistent/核对清单.xlsx")).name
    '核对清单.xlsx'
    """
    n = 1
    candidate = path
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def check_returns(read: WorkbookImport, catalog: pd.DataFrame, regions: pd.DataFrame | None) -> list[Finding]:
    """The data checks on what was read (a rate over 100%, a negative count, a stated rate against its parts …),
    whatever the readers refused: every fault of a return comes out in one run."""
    return [f for f in check_dataset(workbook_dataset(read, catalog, regions), targets_need_figures=False)
            if f not in read.warnings]


def _check_previous_against_folder(read: WorkbookImport, out: Path) -> WorkbookImport:
    """A form's 上年 figure where the folder already has that year's figure: the folder's stays, a difference is said."""
    figures = read.figures
    if not len(figures) or not (out / config.DATASET_FILES["figures"]).is_file():
        return read
    old = read_tidy(out / config.DATASET_FILES["figures"], FIGURE_COLUMNS)
    known = dict(zip(zip(old["region"], old["as_of"], old["indicator"]), old["value"]))
    drop = []
    for i, row in figures.iterrows():
        if row.get("previous") is not True:
            continue
        key = (row["region"], pd.Timestamp(row["as_of"]).strftime("%Y-%m-%d"), row["indicator"])
        if key not in known:
            continue
        drop.append(i)
        try:
            same = abs(float(known[key]) - float(row["value"])) < 1e-9
        except ValueError:
            same = False
        if not same:
            read.findings.append(Finding("warning", f"上年同期数为 {row['value']:g}，数据目录中已有的该期数字是 {known[key]}。"
                                                    "以数据目录中的为准（不改动）；请与填报单位核对。",
                                         file=row["file"], sheet=row["sheet"], cell=row["cell"],
                                         value=f"{row['value']:g}", region=row["region"], indicator=row["indicator"]))
    return dataclasses.replace(read, figures=figures.drop(index=drop)) if drop else read


def changes_against(out: Path, read: WorkbookImport, regions: pd.DataFrame, catalog: pd.DataFrame) -> list[str]:
    """What writing ``read`` changes in the folder: each figure changed or added in the periods it touches
    (a county's corrected return), as "城关区 2025-06-30 新建基层工会：13 → 15"; then, per period, how many
    figures of those regions stay because the returns do not carry their indicators."""
    path = out / config.DATASET_FILES["figures"]
    if not path.is_file() or not len(read.figures):
        return []
    old = read_tidy(path, FIGURE_COLUMNS)
    new = tidy_figures(read.figures)
    periods = set(zip(new["region"], new["as_of"]))
    old = old[[k in periods for k in zip(old["region"], old["as_of"])]]
    if not len(old):
        return []
    key = ["region", "as_of", "indicator"]
    merged = old[key + ["value", "approx"]].merge(new[key + ["value", "approx"]], on=key, how="outer",
                                                   suffixes=("_old", "_new"), indicator="side")
    names = regions["name"].to_dict() if "name" in regions else {}
    lines = []
    for _, row in merged[merged["side"] != "left_only"].iterrows():
        before = f"{row['approx_old'] if isinstance(row['approx_old'], str) else ''}{row['value_old']}"
        after = f"{row['approx_new'] if isinstance(row['approx_new'], str) else ''}{row['value_new']}"
        indicator = catalog.at[row["indicator"], "name"] if row["indicator"] in catalog.index else row["indicator"]
        where = f"{names.get(row['region'], row['region'])} {row['as_of']} {indicator}"
        if row["side"] == "right_only":
            lines.append(f"{where}：新增 {after}")
        elif _differs(row["value_old"], row["value_new"]) or before != after:
            lines.append(f"{where}：{before} → {after}")
    kept = merged[merged["side"] == "left_only"]
    for as_of, rows in kept.groupby("as_of", sort=True):
        places = list(dict.fromkeys(names.get(r, r) for r in rows["region"]))
        lines.append(f"{'、'.join(places[:3])}{f'等 {len(places)} 个地区' if len(places) > 3 else ''} {as_of} 另有 "
                     f"{len(rows)} 个数字不变（这次导入的报表中没有这些指标，数据目录中原有的保留）。")
    return lines


def _differs(a, b) -> bool:
    try:
        return abs(float(a) - float(b)) > 1e-9
    except (TypeError, ValueError):
        return str(a) != str(b)

