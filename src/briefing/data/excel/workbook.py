"""Returns read file by file, sheet by sheet, into tidy figures and targets; the Dataset of a return.

Every sheet goes to the reader its shape calls for (``kind``); one import can take many files
(a folder of per-county forms) and checks them together: regions across files, a period read
twice, 上年 columns against this year's figures of the same import.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ... import config
from ...errors import DataError, Finding, ValidationError
from ..assemble import check_regions
from ..catalog import catalog_labels, load_catalog
from ..dataset import Dataset
from ..folder import load_regions, read_meta
from ..validate import check_dataset
from .files import open_workbook
from .grid import letter
from .kind import read_any_sheet
from .reading import Context, SheetReport
from .regions import RegionNames
from .summary import import_summary

FIGURE_FIELDS = ["region", "year", "as_of", "indicator", "value", "approx", "source", "note", "sheet", "cell",
                 "file_row", "origin", "file", "previous"]
TARGET_FIELDS = ["region", "year", "indicator", "target", "target_type", "issuer", "note", "sheet", "cell", "origin",
                 "file", "file_row"]


@dataclass(frozen=True)
class WorkbookImport:
    """Returns read into tidy frames (figures, targets), with every finding and a report per sheet."""

    file: str                     # the file, or "N 个文件"
    figures: pd.DataFrame
    regions: pd.DataFrame
    findings: list
    sheets: list
    targets: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=TARGET_FIELDS))
    files: list = field(default_factory=list)        # (file name, how it was read)
    new_regions: dict = field(default_factory=dict)  # name → (file, place) where first seen, without a regions table

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level != "error"]

    def summary(self, extra: list | None = None) -> str:
        """What was read, file by file and sheet by sheet, in Chinese (the import command prints it); the totals
        line counts these findings and ``extra`` ones (the data checks), as printed below it, and a last line
        says how many hidden rows and columns were read, when there were any."""
        return import_summary(self, extra or [])


def read_workbook(source, catalog: pd.DataFrame, regions: pd.DataFrame | None = None, *, name: str | None = None,
                  parent: str = "全市", year: int | None = None, kinds: dict | None = None,
                  include_hidden: bool = False) -> WorkbookImport:
    """Read one return (a path or bytes) into tidy figures and targets; ``DataError`` only for an unreadable file.

    ``regions`` (a checked regions table) names the regions the rows may use; without it the rows make
    a new regions table under one top region named ``parent``. ``year`` is used for a sheet that states
    no year. ``kinds`` maps a sheet name to "figures" or "targets" where the sheet's words do not tell.

    >>> from briefing.data.catalog import load_catalog
    >>> res = read_workbook("县区年报.xlsx", load_catalog("data/sample/indicators.csv"))  # doctest: +SKIP
    >>> print(res.summary())                                                             # doctest: +SKIP
    """
    if isinstance(source, (str, Path)):
        return read_returns([source], catalog, regions, parent=parent, year=year, kinds=kinds,
                            include_hidden=include_hidden)
    return read_returns([(name or "workbook.xlsx", source)], catalog, regions, parent=parent, year=year, kinds=kinds,
                        include_hidden=include_hidden)


def read_returns(sources: list, catalog: pd.DataFrame, regions: pd.DataFrame | None = None, *, parent: str = "全市",
                 year: int | None = None, kinds: dict | None = None, include_hidden: bool = False) -> WorkbookImport:
    """Read several returns (paths, or (name, bytes) pairs) together; every problem becomes a finding."""
    names = RegionNames(regions, parent_name=parent)
    ctx = Context(file="", catalog=catalog, labels=catalog_labels(catalog), names=names, default_year=year,
                  kinds=dict(kinds or {}), include_hidden=include_hidden)
    sheets, files = [], []
    for source in sources:
        name, data = _bytes_of(source)
        workbook = open_workbook(data, name)
        ctx.file, ctx.file_stem = name, name.rsplit(".", 1)[0]
        ctx.findings.extend(workbook.findings)
        files.append((name, workbook.describe()))
        for sheet in workbook.sheets:
            sheets.append(read_any_sheet(sheet, ctx))
            _say_hidden(sheet, sheets[-1], ctx)
        sheets += [SheetReport(name=chart, file=name, note="图表页，未读入。") for chart in workbook.charts]
    unknown = sorted(set(ctx.kinds) - {s.name for s in sheets})
    if unknown:
        ctx.findings.append(Finding("error", f"--figures/--targets 指定的工作表 {'、'.join(unknown)} 不存在。"
                                             f"现有工作表：{'、'.join(s.name for s in sheets)}。"))
    rows = _check_twice(_merge_previous(ctx), ctx)
    _check_periods(sheets, ctx)
    figures = pd.DataFrame(rows, columns=FIGURE_FIELDS)
    targets = pd.DataFrame(ctx.target_rows, columns=TARGET_FIELDS)
    regions_out = regions if regions is not None else _build_regions(names.new, parent)
    if not len(figures) and not len(targets) and not ctx.findings:
        ctx.findings.append(Finding("error", "没有读到任何数字：没有一张工作表有可识别的表头（一行一地区的汇总表、"
                                             "一行一指标的填报表或目标任务表）。请确认文件是否选对。",
                                    file=ctx.file if len(sources) == 1 else ""))
    order = {(s.file, s.name): i for i, s in enumerate(sheets)}
    findings = sorted(ctx.findings, key=lambda f: (f.level != "error", order.get((f.file, f.sheet), -1),
                                                   f.row or 0, f.cell))
    label = files[0][0] if len(files) == 1 else f"{len(files)} 个文件"
    return WorkbookImport(file=label, figures=figures, regions=regions_out, findings=findings, sheets=sheets,
                          targets=targets, files=files, new_regions=dict(names.new))


def _say_hidden(sheet, report: SheetReport, ctx: Context) -> None:
    """Hidden rows and columns of a sheet that was read were read like the others: each one is said (a hidden row
    is often a draft or a figure not meant to be sent), so that the analyst unhides and checks it."""
    if report.note or (sheet.hidden and not ctx.include_hidden):
        return
    used_rows, used_cols = {r for r, _ in sheet.cells}, {c for _, c in sheet.cells}
    for r in sorted(sheet.hidden_rows & used_rows):
        text = next((t for t in sheet.row_texts(r) if t), "")
        report.hidden.append(f"第 {r} 行")
        ctx.findings.append(Finding("warning", "这一行在表中是隐藏的，已照常读入。隐藏的行常是草稿、旧数或不该报的数字："
                                               "请在 Excel 中取消隐藏后核对这一行；不该读入的请删去这一行后重新导入。",
                                    file=ctx.file, sheet=sheet.name, row=r, value=text[:30]))
    for c in sorted(sheet.hidden_cols & used_cols):
        text = next((t for t in (sheet.header_text(r, c) for r in range(1, sheet.max_row + 1)) if t), "")
        report.hidden.append(f"{letter(c)} 列")
        ctx.findings.append(Finding("warning", f"{letter(c)} 列在表中是隐藏的，已照常读入。隐藏的列常是草稿、旧数或计算过程："
                                               "请在 Excel 中取消隐藏后核对这一列；不该读入的请删去这一列后重新导入。",
                                    file=ctx.file, sheet=sheet.name, column=f"{letter(c)}", value=text[:30]))


def _bytes_of(source) -> tuple[str, bytes]:
    if isinstance(source, tuple):
        return source[0], source[1] if isinstance(source[1], bytes) else source[1].read()
    path = Path(source)
    try:
        return path.name, path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"找不到文件 {path.resolve()}。请检查文件名和路径（相对路径从当前文件夹算起）。",
                        file=path.name) from None
    except IsADirectoryError:
        raise DataError("这是一个文件夹，不是表格文件。", file=path.name) from None


def _merge_previous(ctx: Context) -> list[dict]:
    """A form's 上年 column next to this import's own figure of that year: the figure stays, a difference is said."""
    current = {}
    for row in ctx.rows:
        if not row.get("previous"):
            current.setdefault((row["region"], row["year"], row["as_of"], row["indicator"]), row)
    out = []
    for row in ctx.rows:
        if not row.get("previous"):
            out.append(row)
            continue
        key = (row["region"], row["year"], row["as_of"], row["indicator"])
        other = current.get(key)
        if other is None:
            current[key] = row
            out.append(row)
        elif abs(other["value"] - row["value"]) > 1e-9:
            ctx.findings.append(Finding("warning", f"上年同期数为 {row['value']:g}，而 {other['file']} 工作表“{other['sheet']}”"
                                                   f"{other['cell']} 中该期的数字是 {other['value']:g}。以后者为准；请核对。",
                                        file=row["file"], sheet=row["sheet"], cell=row["cell"], value=f"{row['value']:g}",
                                        region=row["region"], indicator=row["indicator"]))
    return out


def _check_twice(rows: list[dict], ctx: Context) -> list[dict]:
    """One region's figures of one period read from two places (a county's form and the 市总's sheet, or a form
    imported twice): one finding per pair of sheets naming both; the second copy is left out (so no later check
    reports it again). Where every repeated figure is the same number, it is a hint (read once); where one differs,
    an error that shows both numbers, since nothing says which is right."""
    first: dict[tuple, dict] = {}
    out, twice = [], {}
    for row in rows:
        key = (row["region"], row["year"], row["as_of"], row["indicator"])
        other = first.setdefault(key, row)
        if other is not row and (other["file"], other["sheet"]) != (row["file"], row["sheet"]):
            if not row.get("previous"):
                twice.setdefault((row["file"], row["sheet"], other["file"], other["sheet"]), []).append((row, other))
            continue
        out.append(row)
    for (file, sheet, other_file, other_sheet), pairs in twice.items():
        where = f"{other_file} 工作表“{other_sheet}”"
        differ = [(r, o) for r, o in pairs if abs(r["value"] - o["value"]) > 1e-9 or bool(r["approx"]) != bool(o["approx"])]
        if not differ:
            cells = "、".join(r["cell"] for r, _ in pairs[:5]) + ("等" if len(pairs) > 5 else "")
            ctx.findings.append(Finding("warning", f"{len(pairs)} 个数字（如 {cells}）与 {where} 中同一地区同一时期的数字相同，"
                                                   "只读入一份。如果这是重复放进来的文件，可以删去。",
                                        file=file, sheet=sheet, region=pairs[0][0]["region"]))
            continue
        shown = "；".join(f"{r['cell']} 是 {r['value']:g}，{o['cell']} 是 {o['value']:g}" for r, o in differ[:5]) \
            + ("等" if len(differ) > 5 else "")
        ctx.findings.append(Finding("error", f"与 {where} 是同一地区同一时期的数字，{len(differ)} 个不一致（{shown}）。"
                                             "不能确定哪份是对的：请核对后删去或改正其中一份，再重新导入。",
                                    file=file, sheet=sheet, region=differ[0][0]["region"]))
    return out


def _check_periods(sheets: list[SheetReport], ctx: Context) -> None:
    """Two sheets of one workbook with the same period and the same indicators: a copied sheet whose year was not
    changed. Sheets of other files, or with other indicators (组织建设 and 送温暖 of one half-year), are not."""
    seen: dict[tuple, SheetReport] = {}
    for s in sheets:
        if s.as_of is None or s.note or s.shape != "横表":
            continue
        indicators = {c.indicator for c in s.columns if getattr(c, "role", "") == "indicator"}
        other = seen.get((s.file, s.as_of))
        if other is not None and indicators & {c.indicator for c in other.columns if getattr(c, "role", "") == "indicator"}:
            ctx.findings.append(Finding("error", f"与工作表“{other.name}”是同一时期（截至 {s.as_of:%Y-%m-%d}）的数据。"
                                                 "一个时期只能有一张表：请删去重复的工作表，或改正工作表名称中的年份。",
                                        file=s.file, sheet=s.name, value=s.name))
        else:
            seen.setdefault((s.file, s.as_of), s)


def _level(name: str) -> tuple[str, str]:
    if name.endswith("工会"):
        return "产业工会", "产业工会"
    for suffix, level in (("区", "区"), ("县", "县"), ("旗", "旗"), ("市", "县级市")):
        if name.endswith(suffix):
            return level, "县(市)区"
    return "其他", "其他"


def _build_regions(names: dict, parent: str) -> pd.DataFrame:
    """A regions table made from the rows of a return: one top region, the rows beneath it in order."""
    rows = [{"code": parent, "name": parent, "union_name": parent + "总工会", "level": "上级", "group": "上级",
             "parent": "", "order": 0}]
    for i, name in enumerate((n for n in names if n != parent), start=1):
        level, group = _level(name)
        rows.append({"code": name, "name": name, "union_name": name if name.endswith("工会") else name + "总工会",
                     "level": level, "group": group, "parent": parent, "order": i})
    return pd.DataFrame(rows, columns=["code", "name", "union_name", "level", "group", "parent", "order"])


# ------------------------------------------------------------------ Dataset and tidy files

def load_dataset_excel(path: str | Path, catalog: pd.DataFrame | None = None, regions: pd.DataFrame | None = None,
                       *, parent: str = "全市", year: int | None = None):
    """An Excel return as a ``Dataset`` (no targets); raise ``ValidationError`` when a cell is refused.

    The catalogue and regions are taken from ``indicators.csv`` and ``regions.csv`` beside the
    workbook when present, else the catalogue of the sample data and regions made from the rows.

    >>> ds = load_dataset_excel("data/示例市/县区年报2024.xlsx")   # doctest: +SKIP
    >>> ds.figures[["region", "indicator", "value", "approx", "cell"]].head(1)  # doctest: +SKIP
    """

    path = Path(path)
    folder = path.parent
    if catalog is None:
        own = folder / config.DATASET_FILES["indicators"]
        catalog = load_catalog(own if own.is_file() else config.sample_data_dir() / config.DATASET_FILES["indicators"])
    if regions is None and (folder / config.DATASET_FILES["regions"]).is_file():
        regions = load_regions(folder)
    result = read_workbook(path, catalog, regions, parent=parent, year=year)
    if result.errors:   # with what the data checks find in the cells that were read: every fault in one run
        found = check_workbook(result, catalog, regions)
        raise ValidationError([f for f in found if f.level == "error"], [f for f in found if f.level != "error"])
    meta = read_meta(folder)
    meta = {"name": path.stem, "source": path.name, **meta, "sample": bool(meta.get("sample", False))}
    return workbook_dataset(result, catalog, regions, meta=meta,
                            fingerprint=hashlib.sha256(path.read_bytes()).hexdigest()[:16],
                            location=config.display_path(path))


def check_workbook(result: WorkbookImport, catalog: pd.DataFrame, regions: pd.DataFrame | None = None) -> list[Finding]:
    """Everything wrong with a read workbook: the reader's findings, then the data checks of ``validate`` (rates
    over 100%, negative counts, a stated rate against its parts …) on the cells it could read, pointing at them."""
    if result.errors:   # the refused cells are left out; what was read is still checked
        checks = check_dataset(workbook_dataset(result, catalog, regions), targets_need_figures=False)
        return [*result.findings, *(f for f in checks if f not in result.findings)]
    return check_dataset(workbook_dataset(result, catalog, regions))  # the reader's warnings come with it


def workbook_dataset(result: WorkbookImport, catalog: pd.DataFrame, regions: pd.DataFrame | None, *,
                     meta: dict | None = None, fingerprint: str = "", location: str = ""):
    """The ``Dataset`` of what was read (figures and targets keep their file, sheet and cell)."""
    regions_checked = regions if regions is not None else check_regions(
        result.regions.astype(str).set_axis(pd.RangeIndex(2, len(result.regions) + 2)), config.DATASET_FILES["regions"])
    figures = result.figures.copy()
    figures["as_of"] = pd.to_datetime(figures["as_of"])
    figures = figures.astype({"year": "int64", "value": "float64", "file_row": "int64"})
    targets = result.targets.copy()
    targets = targets.astype({"year": "int64", "target": "float64", "file_row": "int64"})
    return Dataset(regions=regions_checked, catalog=catalog, figures=figures, targets=targets, meta=meta or {},
                   fingerprint=fingerprint, location=location or result.file,
                   files={**config.DATASET_FILES, "figures": result.file, "targets": result.file,
                          "workbook": result.file},
                   load_warnings=tuple(result.warnings))
