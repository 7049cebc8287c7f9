import pytest

from briefing.errors import DataError, ValidationError
from briefing.data import load_dataset
from briefing.data.validate import check_dataset

from .conftest import make_dataset


def test_sample_data_meets_the_brief():
    ds = load_dataset("data/sample")
    regions = ds.regions
    assert (regions["level"].isin(["区", "县", "县级市"])).sum() >= 10
    assert (regions["level"] == "产业工会").sum() >= 3
    full_years = sorted(ds.figures.loc[ds.figures["as_of"].dt.strftime("%m-%d") == "12-31", "year"].unique())
    assert full_years == list(range(full_years[0], full_years[0] + len(full_years))) and len(full_years) >= 5
    assert ds.figures["indicator"].nunique() >= 25
    assert set(ds.catalog["theme"]) >= {"组织建设", "维权与集体协商", "劳动竞赛与建功立业", "帮扶与送温暖",
                                        "女职工", "职工文化", "经费与干部"}
    assert set(ds.catalog["kind"]) == {"flow", "stock", "rate"}
    assert (ds.targets["target_type"] == "threshold").any() and set(ds.targets["issuer"]) >= {"省总", "市总"}
    latest = ds.figures["year"].max()
    assert (ds.figures.loc[ds.figures["year"] == latest, "as_of"].dt.strftime("%m-%d") != "12-31").all()
    assert ds.is_sample
    assert [f for f in check_dataset(ds) if f.level == "error"] == []


def test_bad_cells_are_each_named_by_file_row_and_column(tmp_path):
    folder = make_dataset(tmp_path / "bad", [
        ("A1", 2025, "2025-12-31", "new_unions", "12"),
        ("A1", 2025, "2025-12-31", "members", "1.2万"),     # text, not a number
        ("东区", 2025, "", "workers", ""),                   # blank value; region by name is fine
        ("北区", 2025, "2025-12-31", "petitions", "3"),      # unknown region
        ("A1", 2025, "年底", "warmth_funds", "3"),          # not a date
    ])
    with pytest.raises(ValidationError) as info:
        load_dataset(folder)
    text = str(info.value)
    assert "文件 figures.csv，第 3 行，“value”列，值“1.2万”：数值不是数字" in text
    assert "第 4 行，“value”列：数值为空" in text
    assert "第 5 行，“region”列，值“北区”" in text
    assert "第 6 行，“as_of”列" in text
    assert len(info.value.findings) == 4


def test_missing_file_and_columns_say_what_to_do(tmp_path):
    folder = make_dataset(tmp_path / "d", [("A1", 2025, "", "new_unions", 1)])
    (folder / "targets.csv").unlink()
    with pytest.raises(DataError, match="找不到 targets.csv"):
        load_dataset(folder)
    with pytest.raises(DataError, match="找不到数据目录"):
        load_dataset(tmp_path / "nowhere")


def test_duplicates_and_impossible_rates_are_errors(tmp_path):
    folder = make_dataset(tmp_path / "d", [
        ("A1", 2025, "", "new_unions", 1), ("A1", 2025, "", "new_unions", 2),
        ("A2", 2025, "", "members", 120), ("A2", 2025, "", "workers", 100),
        ("A3", 2025, "", "petitions", -1),
    ])
    findings = check_dataset(load_dataset(folder))
    messages = [f.text() for f in findings if f.level == "error"]
    assert any("出现 2 次（第 2、3 行）" in m for m in messages)
    assert any("“入会率”算得 120.0%，超过 100%" in m for m in messages)
    assert any("第 6 行" in m and "为负数" in m for m in messages)


# ------------------------------------------------------------------ loading details


import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from briefing.data.catalog import parse_unit, unit_factor# noqa: E402
from briefing.errors import BriefingError  # noqa: E402
from briefing.data.sql import save_dataset_sql# noqa: E402

from .conftest import write_csv  # noqa: E402


def test_names_aliases_spaces_and_units_are_read_the_same_as_codes(tmp_path):
    folder = make_dataset(tmp_path / "d", [("A1", 2025, "", "new_unions", 3)])
    write_csv(folder / "figures.csv", ["region", "year", "as_of", "indicator", "value", "approx", "source", "note", "unit"], [
        [" 东区 ", "2025", "", "新建基层工会", "3", "", "", "", ""],
        ["西县总工会", "2025", "2025-06-30", "members", "1,200", "", "", "", "人"],
        ["A3", "2025", "", "送温暖资金", "1500000", "近", "", "", "元"],
        ["A3", "2025", "", "members", "0.12", "", "", "", "万人"],
    ])
    fig = load_dataset(folder).figures
    assert fig[["region", "indicator", "value", "approx"]].values.tolist() == [
        ["A1", "new_unions", 3.0, ""], ["A2", "members", 1200.0, ""], ["A3", "warmth_funds", 150.0, "近"],
        ["A3", "members", 1200.0, ""]]
    assert fig["as_of"].tolist() == [pd.Timestamp("2025-12-31"), pd.Timestamp("2025-06-30"),
                                     pd.Timestamp("2025-12-31"), pd.Timestamp("2025-12-31")]
    assert fig["file_row"].tolist() == [2, 3, 4, 5]


def test_fast_and_careful_readings_give_the_same_frames(tmp_path):
    """A file whose numbers all parse is read typed; one odd cell sends it through the text path: same result."""
    rows = [("A1", 2025, "", "new_unions", 3), ("A2", 2025, "2025-06-30", "members", 12.5)]
    fast = load_dataset(make_dataset(tmp_path / "a", rows)).figures
    careful = load_dataset(make_dataset(tmp_path / "b", [*rows[:1], (*rows[1][:4], "12.50")])).figures
    pd.testing.assert_frame_equal(fast, careful)
    assert fast["year"].dtype == np.int64 and fast["value"].dtype == np.float64


def test_units_convert_within_a_kind_only():
    assert unit_factor("元", "万元") == 1e-4 and unit_factor("亿元", "万元") == 1e4 and unit_factor("万人", "人") == 1e4
    assert unit_factor("个", "家") == 1 and unit_factor("名", "人") == 1 and unit_factor("%", "%") == 1
    assert unit_factor("人", "万元") is None and unit_factor("人次", "人") is None and unit_factor("万", "人") is None
    assert unit_factor("万座", "座") == 1e4  # a unit only the catalogue knows still takes 万/亿
    assert parse_unit("乡镇(街道)") is None and parse_unit("万人次") == ("人次", 1e4)


def test_indicator_ids_names_and_aliases_all_resolve(tmp_path):
    folder = make_dataset(tmp_path / "d", [("A1", 2025, "", "new_unions", 3)])
    (folder / "indicators.csv").write_text((folder / "indicators.csv").read_text(encoding="utf-8").replace(
        "new_unions,新建基层工会,家,flow,组织建设,higher,0,,,1,,", "new_unions,新建基层工会,家,flow,组织建设,higher,0,,,1,新建工会|新组建工会,"),
        encoding="utf-8")
    write_csv(folder / "figures.csv", ["region", "year", "as_of", "indicator", "value"],
              [["A1", 2024, "", "新组建工会", 1], ["A1", 2025, "", "“新建 工会”", 2]])
    assert load_dataset(folder).figures["indicator"].tolist() == ["new_unions", "new_unions"]


def test_sample_catalogue_covers_the_domain():
    cat = load_dataset("data/sample").catalog
    assert len(cat) >= 40 and cat["theme"].nunique() == 7
    rates = cat[cat["kind"] == "rate"]
    assert (rates["unit"] == "%").all() and rates["numerator"].isin(cat.index).all()
    assert cat["direction"].isin(["higher", "lower"]).all() and (cat["decimals"] >= 0).all()


# ------------------------------------------------------ properties: any cell, no crash

cell = st.one_of(st.text(st.characters(blacklist_categories=("Cs",)), max_size=10),
                 st.sampled_from(["", " ", "1.2万", "-3", "1e400", "nan", "inf", "0x1F", "2025-13-01", "A1", "东区",
                                  "membership_rate", "近", "元", "万人", "=1+1", "\"", ",", "\n"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(cell, min_size=9, max_size=9), min_size=1, max_size=5),
       st.lists(st.lists(cell, min_size=6, max_size=6), max_size=3))
def test_csv_loader_reads_or_names_the_bad_cells_never_crashes(tmp_path, figures, targets):
    folder = make_dataset(tmp_path / "h", [("A1", 2025, "", "new_unions", 1)])
    write_csv(folder / "figures.csv", ["region", "year", "as_of", "indicator", "value", "approx", "source", "note",
                                       "unit"], figures)
    write_csv(folder / "targets.csv", ["region", "year", "indicator", "target", "target_type", "issuer"], targets)
    try:
        ds = load_dataset(folder)
    except ValidationError as exc:
        assert exc.findings and all(f.file in ("figures.csv", "targets.csv") and f.row for f in exc.findings
                                    if "同类问题" not in f.message)
        return
    except BriefingError:
        return
    # every row is read, except rows with every cell empty (",,,,,,," that Excel writes), which are skipped
    filled = [row for row in figures if any(str(c).strip() for c in row)]
    assert len(ds.figures) == len(filled) and np.isfinite(ds.figures["value"]).all()
    check_dataset(ds)


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory) -> bytes:
    """The tiny data set in SQLite, with a figures table as loose as SQLite allows (no types, no NOT NULL)."""
    folder = tmp_path_factory.mktemp("db")
    path = folder / "base.db"
    save_dataset_sql(load_dataset(make_dataset(folder / "d", [("A1", 2025, "", "new_unions", 1)])), f"sqlite:///{path}")
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE figures"))
        conn.execute(sa.text("CREATE TABLE figures (id INTEGER PRIMARY KEY, region, year, as_of, indicator, value, "
                             "approx, source, note, unit, origin)"))
    engine.dispose()
    return path.read_bytes()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(cell, st.one_of(cell, st.integers(-10**6, 10**6)), cell,
                          st.one_of(cell, st.floats(allow_nan=True), st.none())), min_size=1, max_size=5))
def test_sql_loader_reads_or_names_the_bad_cells_never_crashes(tmp_path, tiny_db, rows):
    path = tmp_path / "h.db"
    path.write_bytes(tiny_db)
    url = f"sqlite:///{path}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # SQLite stores whatever it is given
        for region, year, indicator, value in rows:
            conn.execute(sa.text("INSERT INTO figures (region, year, indicator, value) VALUES (:r, :y, :i, :v)"),
                         {"r": region, "y": year, "i": indicator, "v": value})
    engine.dispose()
    try:
        ds = load_dataset(url)
    except ValidationError as exc:
        assert all(f.file == "数据库表 figures" for f in exc.findings if "同类问题" not in f.message)
        return
    except BriefingError:
        return
    assert len(ds.figures) == len(rows)


@pytest.mark.parametrize("text,message", [
    ("name: 2025-02-30\n", "不是有效的 UTF-8 YAML"),
    ("a: &a [x, x, x]\nb: &b [*a, *a, *a]\nname: *b\n", "键 a、b、name 应为一个值"),
])
def test_dataset_yaml_with_bad_values_is_refused_by_name(tmp_path, text, message):
    from briefing.data.folder import read_meta
    (tmp_path / "dataset.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=message):
        read_meta(tmp_path)


def test_dates_as_excel_writes_them_and_trailing_empty_rows_are_read(tmp_path):
    """2025/12/31 and 2025年6月30日 (what Excel on a Chinese Windows writes) are dates; ",,,,,,," rows are skipped."""
    folder = make_dataset(tmp_path / "d", [
        ("A1", 2025, "2025/12/31", "new_unions", "12"),
        ("A1", 2025, "2025年6月30日", "new_unions", "5"),
    ])
    with open(folder / "figures.csv", "a", encoding="utf-8") as f:
        f.write(",,,,,,,\n" * 5)
    fig = load_dataset(folder).figures
    assert sorted(fig["as_of"].dt.strftime("%Y-%m-%d")) == ["2025-06-30", "2025-12-31"]


def test_thousands_separators_are_read_only_when_unambiguous(tmp_path):
    """The same rule as the Excel reader: "1,234" is 1234; "38,35" and "2,0,1" are refused by row and column."""
    folder = make_dataset(tmp_path / "t", [
        ("A1", 2025, "", "members", "1,234"),
        ("A1", 2025, "", "new_unions", "38,35"),
        ("A1", 2025, "2025-06-30", "new_unions", "2,0,1"),
    ])
    with pytest.raises(ValidationError) as info:
        load_dataset(folder)
    text = str(info.value)
    assert "第 3 行，“value”列，值“38,35”" in text and "逗号位置不对" in text
    assert "第 4 行，“value”列，值“2,0,1”" in text and len(info.value.findings) == 2


def test_a_count_in_scientific_notation_is_read_and_said(tmp_path):
    folder = make_dataset(tmp_path / "s", [("A1", 2025, "", "new_unions", "1.2e3")])
    ds = load_dataset(folder)
    assert ds.figures["value"].tolist() == [1200.0]
    warnings = [f for f in check_dataset(ds) if f.level == "warning" and "科学计数法" in f.message]
    assert len(warnings) == 1 and warnings[0].row == 2 and warnings[0].value == "1.2e3"
