"""Read and write a data set in a SQL database through a SQLAlchemy URL (SQLite embedded, PostgreSQL tested).

The database holds the same four tables as a data folder, with the same columns:
``indicators``, ``regions``, ``figures`` and ``targets``, plus an optional
``dataset_meta`` (key, value) for what ``dataset.yaml`` says. ``figures`` and
``targets`` have an integer ``id`` that messages use as the row number. Loading goes
through the same checks as the CSV folder (``load.assemble_dataset``), so a database
and a folder with the same content give the same ``Dataset``.

    sqlite:///data/city.db
    postgresql+psycopg://user@host/dbname       (the password comes from ~/.pgpass or PGPASSWORD)
"""

from __future__ import annotations

import hashlib

import pandas as pd
import yaml

from .. import config
from ..errors import DataError
from .assemble import assemble_dataset
from .catalog import COLUMNS as CATALOG_COLUMNS
from .dataset import (FIGURE_COLUMNS, FIGURE_OPTIONAL, REGION_COLUMNS, REQUIRED, TARGET_COLUMNS, TARGET_OPTIONAL,
                      Dataset, Tables)
from .folder import load_folder

TABLES = {
    "indicators": CATALOG_COLUMNS,
    "regions": REGION_COLUMNS,
    "figures": FIGURE_COLUMNS + FIGURE_OPTIONAL,
    "targets": TARGET_COLUMNS + TARGET_OPTIONAL,
}
REQUIRED_COLUMNS = {"indicators": ["id", "name", "unit", "kind", "theme", "direction", "decimals"], **REQUIRED}
META_TABLE = "dataset_meta"
# The integer column that orders a table's rows and numbers them in messages.
ROW_COLUMNS = {"indicators": "position", "regions": "position", "figures": "id", "targets": "id"}


def _engine(url: str, *, must_exist: bool = False):
    import sqlalchemy as sa
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError
    try:
        parsed = sa.engine.make_url(url)
        if must_exist and parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") \
                and not config.resolve(parsed.database).is_file():
            raise DataError(f"找不到数据库文件 {parsed.database}。请检查地址（sqlite:/// 后面是文件路径，"
                            "相对于项目根目录；绝对路径写成 sqlite:////开头）。")
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            parsed = parsed.set(database=str(config.resolve(parsed.database)))
        return sa.create_engine(parsed)
    except DataError:
        raise
    except (ArgumentError, ValueError):
        raise DataError(f"数据库地址“{_safe(url)}”无法识别。请写成 sqlite:///data/city.db 或 "
                        "postgresql+psycopg://用户名@主机/数据库名 这样的 SQLAlchemy 地址。") from None
    except (NoSuchModuleError, ImportError) as exc:
        raise DataError(f"不支持这种数据库（{exc}）。可用 sqlite:/// 或 postgresql+psycopg://。") from None


def _safe(url: str) -> str:
    """The URL as shown to people: the password hidden."""
    try:
        from sqlalchemy.engine import make_url
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is shown without anything after the scheme's host part
        return url.split("@")[-1] if "@" in url else url


def _connect_error(url: str, exc: Exception) -> DataError:
    text = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return DataError(f"无法连接数据库 {_safe(url)}（{text}）。请检查地址、用户名和数据库是否存在，以及数据库服务是否已启动。")


def _read_table(conn, name: str, columns: list[str], required: list[str]) -> pd.DataFrame:
    import sqlalchemy as sa
    shown = f"数据库表 {name}"
    table = sa.Table(name, sa.MetaData(), autoload_with=conn)
    present = {c.name.strip(): c for c in table.columns}
    missing = [c for c in required if c not in present]
    if missing:
        raise DataError(f"缺少列 {'、'.join(missing)}。该表须包含列：{'、'.join(columns)}。", file=shown)
    chosen = [present[c] for c in columns if c in present]
    query = sa.select(*chosen)
    order = ROW_COLUMNS[name]
    if order in present:
        query = query.add_columns(present[order].label("__row")).order_by(present[order])
    frame = pd.read_sql(query, conn)
    if "__row" in frame.columns:
        row = pd.to_numeric(frame.pop("__row"), errors="coerce")
        frame.index = pd.Index(row.fillna(-1).astype("int64")) if row.notna().all() and row.is_unique \
            else pd.RangeIndex(1, len(frame) + 1)
    else:
        frame.index = pd.RangeIndex(1, len(frame) + 1)
    frame.columns = [str(c).strip() for c in frame.columns]
    for col in columns:
        if col not in frame.columns:
            frame[col] = ""
    numeric = {"year", "value", "target"}
    for col in columns:
        s = frame[col]
        if col in numeric and (pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)):
            continue
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            frame[col] = s.dt.strftime("%Y-%m-%d").fillna("")
            continue
        frame[col] = s.map(_cell_text).astype("category")
    return frame[columns]


def _cell_text(value) -> str:
    """A database cell as the text a CSV would hold (dates as YYYY-MM-DD, whole numbers without .0)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value).strip()


def load_dataset_sql(url: str) -> Dataset:
    """Load a data set from a database; the same checks and frames as a CSV data folder.

    >>> ds = load_dataset_sql("sqlite:///data/city.db")   # doctest: +SKIP
    >>> ds.files["figures"]                                 # doctest: +SKIP
    '数据库表 figures'
    """
    import sqlalchemy as sa
    from sqlalchemy.exc import SQLAlchemyError
    engine = _engine(url, must_exist=True)
    try:
        with engine.connect() as conn:
            names = set(sa.inspect(conn).get_table_names())
            missing = [t for t in TABLES if t not in names]
            if missing:
                raise DataError(f"数据库 {_safe(url)} 中找不到表 {'、'.join(missing)}。数据库须包含表 "
                                f"{'、'.join(TABLES)}（列与数据目录中的同名 CSV 文件相同）；"
                                "可用 briefing.sql.save_dataset_sql 从数据目录建立。")
            frames = {key: _read_table(conn, key, cols, REQUIRED_COLUMNS[key]) for key, cols in TABLES.items()}
            meta = {}
            if META_TABLE in names:
                table = sa.Table(META_TABLE, sa.MetaData(), autoload_with=conn)
                if not {"key", "value"} <= set(table.columns.keys()):
                    raise DataError(f"表 {META_TABLE} 须有 key 和 value 两列。", file=f"数据库表 {META_TABLE}")
                rows = conn.execute(sa.select(table.c.key, table.c.value)).all()
                for key, value in rows:
                    try:
                        meta[str(key)] = yaml.safe_load(value) if isinstance(value, str) else value
                    except yaml.YAMLError:
                        meta[str(key)] = value
    except SQLAlchemyError as exc:
        raise _connect_error(url, exc) from None
    finally:
        engine.dispose()
    frames["indicators"] = frames["indicators"].astype(str)
    files = {key: f"数据库表 {key}" for key in TABLES}
    h = hashlib.sha256()
    for key in TABLES:
        h.update(key.encode())
        h.update(pd.util.hash_pandas_object(frames[key].astype(str), index=True).to_numpy().tobytes())
    return assemble_dataset(Tables(indicators=frames["indicators"], regions=frames["regions"],
                                   figures=frames["figures"], targets=frames["targets"], files=files),
                            meta=meta, fingerprint=h.hexdigest()[:16], location=_safe(url))


def _schema(metadata):
    import sqlalchemy as sa
    text = sa.Text
    sa.Table("indicators", metadata, sa.Column("id", text, primary_key=True),
             *[sa.Column(c, sa.Integer if c in ("decimals", "tier") else text) for c in CATALOG_COLUMNS[1:]],
             sa.Column("position", sa.Integer, nullable=False))
    sa.Table("regions", metadata, sa.Column("code", text, primary_key=True),
             *[sa.Column(c, sa.Float if c == "order" else text) for c in REGION_COLUMNS[1:]],
             sa.Column("position", sa.Integer, nullable=False))
    sa.Table("figures", metadata, sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
             sa.Column("region", text, nullable=False), sa.Column("year", sa.Integer, nullable=False),
             sa.Column("as_of", sa.Date), sa.Column("indicator", text, nullable=False),
             sa.Column("value", sa.Float(precision=53), nullable=False),
             *[sa.Column(c, text) for c in ("approx", "source", "note", "unit", "origin")])
    sa.Table("targets", metadata, sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
             sa.Column("region", text, nullable=False), sa.Column("year", sa.Integer, nullable=False),
             sa.Column("indicator", text, nullable=False), sa.Column("target", sa.Float(precision=53), nullable=False),
             *[sa.Column(c, text) for c in ("target_type", "issuer", "note", "unit")])
    sa.Table(META_TABLE, metadata, sa.Column("key", text, primary_key=True), sa.Column("value", text))
    return metadata


def save_dataset_sql(ds: Dataset, url: str, *, replace: bool = False) -> None:
    """Write a loaded ``Dataset`` into a database as the five tables ``load_dataset_sql`` reads.

    Refuses to overwrite existing tables unless ``replace`` is true. Values are written in
    the catalogue's units; codes, not names, identify regions and indicators.

    >>> save_dataset_sql(load_dataset("data/sample"), "sqlite:///sample.db")  # doctest: +SKIP
    """
    import sqlalchemy as sa
    from sqlalchemy.exc import SQLAlchemyError
    engine = _engine(url)
    metadata = _schema(sa.MetaData())
    try:
        with engine.begin() as conn:
            existing = set(sa.inspect(conn).get_table_names()) & set(metadata.tables)
            if existing and not replace:
                raise DataError(f"数据库 {_safe(url)} 中已有表 {'、'.join(sorted(existing))}。"
                                "如要覆盖，请使用 replace=True；否则换一个数据库。")
            metadata.drop_all(conn, checkfirst=True)
            metadata.create_all(conn)
            cat = ds.catalog.reset_index(drop=True)[CATALOG_COLUMNS].assign(position=lambda f: range(1, len(f) + 1))
            conn.execute(metadata.tables["indicators"].insert(), _records(cat))
            reg = ds.regions.reset_index(drop=True)[REGION_COLUMNS].assign(position=lambda f: range(1, len(f) + 1))
            conn.execute(metadata.tables["regions"].insert(), _records(reg))
            fig = ds.figures.reset_index(drop=True)
            fig_out = pd.DataFrame({c: fig[c] for c in ("region", "year", "indicator", "value", "approx", "source",
                                                         "note")})
            fig_out["as_of"] = fig["as_of"].dt.date
            fig_out["origin"] = fig["origin"] if "origin" in fig.columns else ""
            fig_out["unit"] = ""
            if len(fig_out):
                conn.execute(metadata.tables["figures"].insert(), _records(fig_out))
            tgt = ds.targets.reset_index(drop=True)
            tgt_out = pd.DataFrame({c: tgt[c] for c in ("region", "year", "indicator", "target", "target_type",
                                                         "issuer", "note")})
            tgt_out["unit"] = ""
            if len(tgt_out):
                conn.execute(metadata.tables["targets"].insert(), _records(tgt_out))
            if ds.meta:
                conn.execute(metadata.tables[META_TABLE].insert(),
                             [{"key": str(k), "value": yaml.safe_dump(v, allow_unicode=True).strip()
                               .removesuffix("...").strip()} for k, v in ds.meta.items()])
    except SQLAlchemyError as exc:
        raise _connect_error(url, exc) from None
    finally:
        engine.dispose()


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain Python values (numpy scalars and NaN are not every driver's friends)."""
    out = frame.astype(object).where(frame.notna(), None)
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()} for row in out.to_dict("records")]


def folder_to_sql(folder: str, url: str, *, replace: bool = False) -> Dataset:
    """Load a tidy CSV data folder (checked) and write it into a database; return the loaded data set.

    >>> folder_to_sql("data/sample", "sqlite:///data/sample.db")   # doctest: +SKIP
    """
    ds = load_folder(config.resolve(folder))
    save_dataset_sql(ds, url, replace=replace)
    return ds
