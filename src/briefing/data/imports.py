"""``briefing import``: read a return and, when nothing is refused, write it into a data folder as tidy CSV."""

from __future__ import annotations

from pathlib import Path

from .. import config
from .catalog import load_catalog
from .excel.workbook import read_workbook, workbook_dataset
from .folder import load_regions
from .validate import check_dataset
from .write import write_tidy

def import_workbook(path: str | Path, out: str | Path, *, catalog: str | Path | None = None,
                    regions: str | Path | None = None, parent: str = "全市", year: int | None = None):
    """Read a return and, when nothing is refused, write it into the data folder ``out`` as tidy CSV.

    The catalogue and regions come from ``out`` when it has them (so each year's return is
    imported into the same folder), else from ``catalog``/``regions``, else from the sample
    catalogue and the rows of the return. Checks the return's data before writing.
    Returns (WorkbookImport, findings of the data checks, rows written per file or None).

    >>> result, checks, written = import_workbook("县区年报2024.xlsx", "data/示例市")  # doctest: +SKIP
    >>> print(result.summary()); written                                            # doctest: +SKIP
    {'figures': 27, 'regions': 5, 'indicators': -1, 'targets': 0}
    """

    out = config.resolve(out)
    cat_path = out / config.DATASET_FILES["indicators"]
    if not cat_path.is_file():
        cat_path = config.resolve(catalog) if catalog else config.sample_data_dir() / config.DATASET_FILES["indicators"]
    cat = load_catalog(cat_path)
    reg = None
    if (out / config.DATASET_FILES["regions"]).is_file():
        reg = load_regions(out)
    elif regions:
        reg_folder = config.resolve(regions)
        reg = load_regions(reg_folder if reg_folder.is_dir() else reg_folder.parent)
    result = read_workbook(config.resolve(path), cat, reg, parent=parent, year=year)
    if result.errors:
        return result, [], None
    checks = [f for f in check_dataset(workbook_dataset(result, cat, reg)) if f not in result.warnings]
    if any(f.level == "error" for f in checks):
        return result, checks, None
    written = write_tidy(result, out, cat_path)
    return result, checks, written
