"""An Excel workbook read sheet by sheet into tidy figures; the Dataset of a workbook; importing into a data folder."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from ... import config
from ...errors import DataError, Finding, ValidationError
from ..catalog import catalog_labels, load_catalog, normalise_label
from ..dataset import Dataset
from ..folder import load_regions, read_meta
from ..assemble import check_regions
from ..validate import check_dataset
from .table import Context, SheetReport, read_sheet


@dataclass(frozen=True)
class WorkbookImport:
    """An Excel return read into tidy frames, with every finding and a per-sheet report."""

    file: str
    figures: pd.DataFrame
    regions: pd.DataFrame
    findings: list
    sheets: list

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level != "error"]

    def summary(self) -> str:
        """What was read, sheet by sheet, in Chinese (the import command prints it)."""
        lines = [f"读取 {self.file}："]
        for s in self.sheets:
            if s.note:
                lines.append(f"  工作表“{s.name}”：{s.note}")
                continue
            full = s.as_of is not None and s.as_of.strftime("%m-%d") == "12-31"
            when = f"{s.year} 年全年" if full else f"{s.year} 年（截至 {s.as_of:%Y-%m-%d}）" if s.as_of is not None else "年份未知"
            head = f"第 {s.header_rows[0]}–{s.header_rows[1]} 行" if s.header_rows else "未找到"
            ind = [c for c in s.columns if c.role == "indicator"]
            lines.append(f"  工作表“{s.name}”：{when}；表头{head}；地区 {len(s.regions)} 个；指标 {len(ind)} 个；"
                         f"读入数字 {s.read} 个（文字或单位转换 {s.converted} 个，约数 {s.approximate} 个，"
                         f"公式结果 {s.formulas} 个）；空白或占位 {len(s.blank)} 个；拒收 {s.refused} 个。")
            by_catalog = [c.header for c in ind if c.unit_from == "指标目录"]
            converted = [f"{c.header}（{c.unit}→{c.indicator_unit}）" for c in ind if c.indicator_unit != c.unit]
            if converted:
                lines.append(f"    单位换算：{'；'.join(converted)}")
            if by_catalog:
                lines.append(f"    表头未注明单位、按指标目录的单位读取：{'、'.join(by_catalog)}")
            if s.blank:
                shown = "、".join(s.blank[:30]) + (f" 等 {len(s.blank)} 格" if len(s.blank) > 30 else "")
                lines.append(f"    空白或占位（未作为数字读入）：{shown}")
            for t in s.totals:
                lines.append(f"    {t}")
            for k in s.skipped:
                lines.append(f"    未读入：{k}")
        n = len(self.figures)
        lines.append(f"共读入 {n} 个数字，{len(set(self.figures['region'])) if n else 0} 个地区，"
                     f"{len(set(self.figures['indicator'])) if n else 0} 个指标；拒收 {sum(s.refused for s in self.sheets)} 个；"
                     f"错误 {len(self.errors)} 个，提示 {len(self.warnings)} 个。")
        return "\n".join(lines)



def _region_keys(regions: pd.DataFrame) -> dict[str, list[str]]:
    keys: dict[str, list[str]] = {}
    for code, name, union in zip(regions.index, regions["name"], regions["union_name"]):
        for k in dict.fromkeys(normalise_label(x) for x in (code, name, union) if x):
            keys.setdefault(k, []).append(code)
    return keys


def read_workbook(source: str | Path | bytes | BinaryIO, catalog: pd.DataFrame, regions: pd.DataFrame | None = None,
                  *, name: str | None = None, parent: str = "全市", year: int | None = None) -> WorkbookImport:
    """Read an Excel return into tidy figures; every problem becomes a finding, nothing raises but a bad file.

    ``regions`` (a checked regions table) names the regions the rows may use; without it the
    rows make a new regions table under one top region named ``parent``. ``year`` is used
    for a sheet whose name and title state no year.

    >>> from briefing.data.catalog import load_catalog
    >>> res = read_workbook("县区年报.xlsx", load_catalog("data/sample/indicators.csv"))  # doctest: +SKIP
    >>> print(res.summary())                                                             # doctest: +SKIP
    """
    from openpyxl import load_workbook  # only when a workbook is read: importing it costs 0.2 s


    if isinstance(source, (str, Path)):
        path = Path(source)
        name = name or path.name
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise DataError("找不到这个 Excel 文件。请检查文件名和路径。", file=name) from None
        except IsADirectoryError:
            raise DataError("这是一个文件夹，不是 Excel 文件。", file=name) from None
    elif isinstance(source, bytes):
        data = source
    else:
        data = source.read()
    name = name or "workbook.xlsx"
    if name.lower().endswith(".xls"):
        raise DataError("这是旧版 Excel 格式（.xls）。请在 Excel 中“另存为”“Excel 工作簿(*.xlsx)”后重新导入。", file=name)
    try:
        wb = load_workbook(io.BytesIO(data), data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError, AttributeError) as exc:
        raise DataError(f"无法作为 Excel 工作簿（.xlsx）打开（{type(exc).__name__}）。文件可能已损坏、被加密，"
                        "或其实是别的格式。请在 Excel 中打开后另存为“Excel 工作簿(*.xlsx)”再导入。", file=name) from None
    has_formulas = any(cell.data_type == "f" for ws in wb.worksheets for row in ws.iter_rows() for cell in row)
    wb_values = load_workbook(io.BytesIO(data), data_only=True) if has_formulas else None

    ctx = Context(file=name, catalog=catalog, labels=catalog_labels(catalog), regions=regions,
                   region_keys=_region_keys(regions) if regions is not None else {}, findings=[], rows=[],
                   new_regions={}, default_year=year)
    sheets = []
    for ws in wb.worksheets:
        ws_values = wb_values[ws.title] if wb_values is not None else None
        report = read_sheet(ws, ws_values, ctx)
        if ws.sheet_state != "visible" and not report.note:
            report.skipped.append("（这是一张隐藏的工作表，已照常读入）")
        sheets.append(report)
    for chart in getattr(wb, "chartsheets", []):
        sheets.append(SheetReport(name=chart.title, note="图表页，未读入。"))

    _check_periods(sheets, ctx)
    figures = pd.DataFrame(ctx.rows, columns=["region", "year", "as_of", "indicator", "value", "approx", "source",
                                              "note", "sheet", "cell", "file_row", "origin"])
    if regions is None:
        regions_out = _build_regions(ctx.new_regions, parent)
    else:
        regions_out = regions
    if not len(figures) and not ctx.findings:
        ctx.findings.append(Finding("error", "没有读到任何数字：没有一张工作表有可识别的指标表头和地区行。"
                                             "请确认这是按“一表一年、一行一地区、一列一指标”填写的报表。", file=name))
    findings = sorted(ctx.findings, key=lambda f: (f.level != "error", _sheet_order(sheets, f.sheet),
                                                   f.row or 0, f.cell))
    return WorkbookImport(file=name, figures=figures, regions=regions_out, findings=findings, sheets=sheets)


def _sheet_order(sheets, name: str) -> int:
    return next((i for i, s in enumerate(sheets) if s.name == name), -1)


def _check_periods(sheets: list[SheetReport], ctx: Context) -> None:
    seen: dict[pd.Timestamp, str] = {}
    for s in sheets:
        if s.as_of is None or s.note:
            continue
        if s.as_of in seen:
            ctx.findings.append(Finding("error", f"与工作表“{seen[s.as_of]}”是同一时期（截至 {s.as_of:%Y-%m-%d}）的数据。"
                                                 "一个时期只能有一张表：请删去重复的工作表，或改正工作表名称中的年份。",
                                        file=ctx.file, sheet=s.name, value=s.name))
        else:
            seen[s.as_of] = s.name


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
    if result.errors:
        raise ValidationError(result.errors)
    meta = read_meta(folder)
    meta = {"name": path.stem, "source": path.name, **meta, "sample": bool(meta.get("sample", False))}
    return workbook_dataset(result, catalog, regions, meta=meta,
                            fingerprint=hashlib.sha256(path.read_bytes()).hexdigest()[:16],
                            location=config.display_path(path))


def check_workbook(result: WorkbookImport, catalog: pd.DataFrame, regions: pd.DataFrame | None = None) -> list[Finding]:
    """Everything wrong with a read workbook: the reader's findings, then, when it refused no cell,
    the data checks of ``validate`` (rates over 100%, negative counts …) pointing at the cells."""
    if result.errors:
        return list(result.findings)
    return check_dataset(workbook_dataset(result, catalog, regions))  # the reader's warnings come with it


def workbook_dataset(result: WorkbookImport, catalog: pd.DataFrame, regions: pd.DataFrame | None, *,
                     meta: dict | None = None, fingerprint: str = "", location: str = ""):
    """The ``Dataset`` of a read workbook (figures keep their sheet and cell; no targets)."""

    regions_checked = regions if regions is not None else check_regions(
        result.regions.astype(str).set_axis(pd.RangeIndex(2, len(result.regions) + 2)), config.DATASET_FILES["regions"])
    figures = result.figures.copy()
    figures["as_of"] = pd.to_datetime(figures["as_of"])
    figures = figures.astype({"year": "int64", "value": "float64", "file_row": "int64"})
    targets = pd.DataFrame({"region": pd.Series(dtype="str"), "year": pd.Series(dtype="int64"),
                            "indicator": pd.Series(dtype="str"), "target": pd.Series(dtype="float64"),
                            "target_type": pd.Series(dtype="str"), "issuer": pd.Series(dtype="str"),
                            "note": pd.Series(dtype="str"), "file_row": pd.Series(dtype="int64")})
    return Dataset(regions=regions_checked, catalog=catalog, figures=figures, targets=targets, meta=meta or {},
                   fingerprint=fingerprint, location=location or result.file,
                   files={**config.DATASET_FILES, "figures": result.file, "workbook": result.file},
                   load_warnings=tuple(result.warnings))

