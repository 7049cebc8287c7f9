"""The SQL loader: SQLite embedded, PostgreSQL against a real throwaway server started here."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from briefing.errors import DataError, ValidationError
from briefing.data import load_dataset
from briefing.data.sql import load_dataset_sql, save_dataset_sql
from briefing.data.validate import check_dataset

from .conftest import make_dataset

SETUP_HINT = "请先运行 scripts/setup.sh --test（安装 postgresql 软件包）。"


def _pg_bin() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").is_file():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


@pytest.fixture(scope="module")
def postgres_url():
    """A PostgreSQL server of its own in a temporary folder, on a Unix socket only; stopped afterwards.

    Fails (never skips) when the server cannot be started: the round trip must run in CI.
    """
    bindir = _pg_bin()
    if bindir is None:
        pytest.fail("找不到 PostgreSQL 的 initdb，无法启动测试用数据库。" + SETUP_HINT)
    base = Path(tempfile.mkdtemp(prefix="briefing-pg-"))
    as_root = os.geteuid() == 0
    prefix: list[str] = []
    if as_root:  # the server refuses to run as root: hand the folder to the postgres user
        shutil.chown(base, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data, sock, log = base / "data", base / "sock", base / "server.log"

    def run(*args):
        return subprocess.run([*prefix, *map(str, args)], capture_output=True, text=True, timeout=120)

    run("mkdir", "-p", sock)
    init = run(bindir / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale")
    if init.returncode:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"initdb 失败：{init.stderr or init.stdout}")
    options = f"-k {sock} -c listen_addresses='' -p 5432 -c fsync=off -c full_page_writes=off"
    start = run(bindir / "pg_ctl", "-D", data, "-o", options, "-l", log, "-w", "-t", "60", "start")
    if start.returncode:
        text = log.read_text(errors="replace") if log.exists() else start.stderr
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"PostgreSQL 启动失败：{text}")
    try:
        yield f"postgresql+psycopg://postgres@/postgres?host={sock}&port=5432"
    finally:
        run(bindir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


def _same(a, b) -> None:
    """Two data sets hold the same regions, catalogue, figures and targets (row numbers aside)."""
    pd.testing.assert_frame_equal(a.regions, b.regions)
    pd.testing.assert_frame_equal(a.catalog, b.catalog)
    pd.testing.assert_frame_equal(a.figures.drop(columns="file_row"), b.figures.drop(columns="file_row"))
    pd.testing.assert_frame_equal(a.targets.drop(columns="file_row"), b.targets.drop(columns="file_row"))
    assert a.meta == b.meta


@pytest.mark.slow  # starts a server (~5 s); runs in CI with the rest of `make test`
def test_postgresql_round_trip_gives_the_same_dataset_and_findings(postgres_url):
    csv = load_dataset("data/sample")
    save_dataset_sql(csv, postgres_url, replace=True)
    pg = load_dataset(postgres_url)  # load_dataset takes a URL as well as a folder
    _same(csv, pg)
    assert pg.files["figures"] == "数据库表 figures"
    assert "postgresql" in pg.location and pg.fingerprint
    assert [f.text() for f in check_dataset(pg)] == [f.text() for f in check_dataset(csv)]
    with pytest.raises(DataError, match="已有表"):
        save_dataset_sql(csv, postgres_url)


@pytest.mark.slow
def test_postgresql_bad_cells_are_named_by_table_row_and_column(postgres_url, tmp_path):
    folder = make_dataset(tmp_path / "d", [("A1", 2025, "", "new_unions", 3), ("A2", 2025, "", "members", 90)])
    save_dataset_sql(load_dataset(folder), postgres_url, replace=True)
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE figures ALTER COLUMN value DROP NOT NULL"))
        conn.execute(sa.text("INSERT INTO figures (id, region, year, as_of, indicator, value) "
                             "VALUES (7, '北区', 2025, '2025-12-31', 'members', NULL)"))
    engine.dispose()
    with pytest.raises(ValidationError) as info:
        load_dataset_sql(postgres_url)
    text = str(info.value)
    assert "数据库表 figures，第 7 行，“region”列，值“北区”：地区不在 regions.csv 中" in text
    assert "数据库表 figures，第 7 行，“value”列：数值为空" in text


def test_sqlite_round_trip_and_unit_column(tmp_path):
    url = f"sqlite:///{tmp_path / 'city.db'}"
    csv = load_dataset("data/sample")
    save_dataset_sql(csv, url)
    _same(csv, load_dataset_sql(url))
    # a database may give values in another unit of the same kind: they are converted on load
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE figures SET value = value * 10000, unit = '元' WHERE indicator = 'warmth_funds'"))
    engine.dispose()
    converted = load_dataset_sql(url)
    pd.testing.assert_series_equal(converted.figures["value"], csv.figures["value"])


def test_sqlite_problems_say_what_to_do(tmp_path):
    with pytest.raises(DataError, match="找不到数据库文件"):
        load_dataset(f"sqlite:///{tmp_path / 'missing.db'}")
    assert not (tmp_path / "missing.db").exists()  # a mistyped path does not leave an empty database behind
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE figures (region TEXT)"))
    engine.dispose()
    with pytest.raises(DataError, match="找不到表 indicators、regions、targets"):
        load_dataset(url)
    save_dataset_sql(load_dataset("data/sample"), url, replace=True)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE targets DROP COLUMN target"))
    engine.dispose()
    with pytest.raises(DataError, match="数据库表 targets：缺少列 target"):
        load_dataset(url)
    with pytest.raises(DataError, match="无法识别"):
        load_dataset("nosuchscheme://")
    with pytest.raises(DataError, match=r"无法连接数据库 postgresql\+psycopg://u:\*\*\*@127\.0\.0\.1:1/x"):
        load_dataset("postgresql+psycopg://u:secret@127.0.0.1:1/x")


def test_a_pack_from_a_database_prints_no_url(tmp_path):
    # a PostgreSQL URL names a user and a host, an SQLite one a path of the machine: none of it goes to print
    from briefing.present.pack import show_data_note
    import briefing
    url = f"sqlite:///{tmp_path / 'city.db'}"
    csv = load_dataset("data/sample")
    save_dataset_sql(csv, url)
    ds = load_dataset_sql(url)
    ds.meta.pop("source", None)
    ds.meta["sample"] = False
    assert ds.source_words == "统计数据库"
    pack = briefing.open_pack({"region": "城关区", "year": 2025, "data_dir": url})
    for text in (show_data_note(pack).markup, pack.note):
        assert "sqlite" not in text and str(tmp_path) not in text
