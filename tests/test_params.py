import pytest

from briefing.errors import ParameterError
from briefing.params import PackParams, load_meeting, make_params, read_parameters


def test_misspelt_parameter_is_an_error_naming_it():
    ns = {"region": "东区", "year": 2025, "regoin": "西县", "briefing": pytest}
    with pytest.raises(ParameterError, match="未知参数 regoin"):
        read_parameters(ns)


def test_kernel_names_and_modules_are_ignored():
    ns = {"region": "东区", "year": "2025", "In": [], "Out": {}, "_": None, "get_ipython": print}
    p = read_parameters(ns)
    assert p.year == 2025 and p.region == "东区"


@pytest.mark.parametrize("values,message", [
    ({"region": "", "year": 2025}, "region（地区）不能为空"),
    ({"region": "东区", "year": "二〇二五"}, "year（年度）应为整数年份"),
    ({"region": "东区", "year": 2025, "as_of": "2025-13-01"}, "不是有效日期"),
    ({"region": "东区", "year": 2025, "as_of": "2024-06-30"}, "不在参数 year 指定的 2025 年内"),
    ({"year": 2025}, "缺少参数 region"),
])
def test_bad_values_fail_with_an_actionable_message(values, message):
    with pytest.raises(ParameterError, match=message):
        make_params(values)


def test_yaml_dates_arrive_as_text():
    import datetime as dt
    p = PackParams(region="东区", year=2025, as_of=dt.date(2025, 6, 30))
    assert p.as_of == "2025-06-30"


def test_sample_meeting_file_loads():
    m = load_meeting("params/sample-annual-2025.yaml")
    assert m.year == 2025 and m.formats == ("html", "pdf") and m.notebook.endswith(".ipynb")


def test_meeting_file_unknown_key(tmp_path):
    f = tmp_path / "m.yaml"
    f.write_text("meeting: 测试\nnotebook: notebooks/annual_plenary.ipynb\nyear: 2025\nregion: [东区]\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="未知的键 region"):
        load_meeting(f)


def test_running_the_notebook_again_in_lab_is_not_a_misspelling():
    ns = {"region": "东区", "year": 2025}
    read_parameters(ns)
    ns["pack"] = object()  # made by a later cell on the first run
    assert read_parameters(ns).region == "东区"
