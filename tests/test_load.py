import pytest

from briefing.errors import DataError, ValidationError
from briefing.load import load_dataset
from briefing.validate import check_dataset

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
        ("A1", 2025, "2025/12/31", "warmth_funds", "3"),    # bad date
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
