"""The data layer: the ``Dataset`` and where it comes from (a tidy CSV folder, an Excel return, a database).

``load_dataset(source)`` is the one dispatcher: a folder of tidy CSV files (the embedded
default), an Excel return (``excel/``) or a SQLAlchemy URL (``sql``). Every reader ends
in ``assemble.assemble_dataset``, so all check alike and produce the same frames;
``validate.check_dataset`` then checks a loaded data set as a whole.
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import config
from ..errors import DataError
from .catalog import load_catalog
from .dataset import Dataset
from .validate import check_dataset, raise_on_errors

# A single file is a return (a sheet of figures as it arrived); a folder is a tidy data folder.
RETURN_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".xlsb", ".csv", ".htm", ".html")
_SQL_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+]*://")


def is_sql_url(source: object) -> bool:
    """True for a SQLAlchemy URL such as ``sqlite:///data/city.db`` or ``postgresql+psycopg://…``."""
    return isinstance(source, str) and bool(_SQL_URL.match(source.strip()))


def load_dataset(source: str | Path | None = None) -> Dataset:
    """Load figures from a tidy CSV folder, a return (.xlsx, .xls, .et, .ods, CSV …) or a SQL URL; refuse every unreadable cell.

    Raises ``ValidationError`` listing each bad cell, ``DataError`` when a file is missing.

    >>> ds = load_dataset("data/sample")   # doctest: +SKIP
    >>> ds.figures.columns.tolist()[:8]     # doctest: +SKIP
    ['region', 'year', 'as_of', 'indicator', 'value', 'approx', 'source', 'note']
    >>> load_dataset("sqlite:///city.db")  # doctest: +SKIP
    """
    if is_sql_url(source):
        from .sql import load_dataset_sql  # SQLAlchemy only when a database is asked for
        return load_dataset_sql(str(source).strip())
    path = config.resolve(source) if source else config.sample_data_dir()
    if path.suffix.lower() in RETURN_SUFFIXES and not path.is_dir():
        if not path.is_file():
            raise DataError(f"找不到文件 {path}。请检查参数 data_dir 或命令行中的文件名（相对路径从项目文件夹算起）。")
        from .excel import load_dataset_excel
        return load_dataset_excel(path)
    from .folder import load_folder
    return load_folder(path)


__all__ = ["Dataset", "check_dataset", "is_sql_url", "load_catalog", "load_dataset", "raise_on_errors"]
