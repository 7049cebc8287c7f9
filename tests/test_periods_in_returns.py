"""The period of a return, in the shapes real returns write it: date cells after 截至, 截至6月底 under a title
that has the year, Chinese-numeral dates, dated 本期/上年同期 headers of a county form; a 报送日期 is never the
period, an unreadable period line is refused with the cell named, and a note under the table is only a note."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from briefing.data.catalog import load_catalog
from briefing.data.excel import read_workbook

from .fixtures.workbooks import build_workbook

CATALOG = load_catalog("data/sample/indicators.csv")
UNIT = ["填报单位：青石县总工会"]
HEADER = ["序号", "指标名称", "计量单位", "本期", "上年同期", "增减(%)"]
ROWS = [[1, "新建基层工会", "家", 13, 12, None], [2, "新发展会员", "人", 600, 500, 20]]
JUNE = pd.Timestamp("2025-06-30")


def form(head: list, tail: list = (), *, sheet: str = "Sheet1", header: list = HEADER, two_row: list | None = None):
    """A county form (纵表): ``head`` lines, the 填报单位 line, the header, two indicator rows, ``tail`` lines."""
    rows = [*head, UNIT, header, *([two_row] if two_row else []), *ROWS, *tail]
    return build_workbook({sheet: {"rows": rows}})


def read(data: bytes, name: str = "青石县.xlsx", **kw):
    res = read_workbook(data, CATALOG, name=name, **kw)
    for f in res.findings:   # a date is never quoted with its time, wherever it is named
        assert "00:00:00" not in f.text() and "0:00" not in f.message, f.text()
    return res


def periods(res) -> dict:
    """{(previous?, indicator): (year, as_of, value)}."""
    return {(bool(r.previous), r.indicator): (int(r.year), pd.Timestamp(r.as_of), r.value)
            for r in res.figures.itertuples()}


def assert_read_at(res, as_of: pd.Timestamp):
    assert res.errors == [], [f.text() for f in res.errors]
    last = as_of.replace(year=as_of.year - 1)
    assert periods(res) == {(False, "new_unions"): (as_of.year, as_of, 13), (False, "new_members"): (as_of.year, as_of, 600),
                            (True, "new_unions"): (last.year, last, 12), (True, "new_members"): (last.year, last, 500)}


def only_error(res, cell: str, *words: str, sheet: str = "Sheet1"):
    assert len(res.errors) == 1, [f.text() for f in res.findings]
    err = res.errors[0]
    assert (err.file, err.sheet, err.cell) == ("青石县.xlsx", sheet, cell), err.text()
    assert "请" in err.message and all(w in err.message for w in words), err.message
    assert len(res.figures) == 0
    return err


# ----------------------------------------------------------------------------- period lines that are read

TITLE = ["2025年工会工作统计表"]
NO_YEAR = ["工会工作统计表"]


@pytest.mark.parametrize("head, as_of", [
    # a real Excel date cell after a label cell
    ([TITLE, ["截至", dt.datetime(2025, 6, 30)]], JUNE),
    ([NO_YEAR, ["截至：", dt.datetime(2025, 6, 30)]], JUNE),
    ([NO_YEAR, ["统计截止日期：", dt.datetime(2025, 9, 30)]], pd.Timestamp("2025-09-30")),
    ([NO_YEAR, ["截止日期", None, dt.date(2025, 6, 30)]], JUNE),
    ([NO_YEAR, ["填报单位：示例", "统计截止日期：", dt.datetime(2025, 6, 30)]], JUNE),
    # a date read as text, as a CSV or a text-formatted cell gives it
    ([NO_YEAR, ["统计截止日期：2025-06-30 00:00:00"]], JUNE),
    ([NO_YEAR, ["截至", "2025-06-30 00:00:00"]], JUNE),
    ([NO_YEAR, ["统计期：", "2025年1—6月"]], JUNE),
    ([NO_YEAR, ["统计时期：2025年1-6月"]], JUNE),
    ([NO_YEAR, ["统计日期：2025年1-6月"]], JUNE),
    ([NO_YEAR, ["统计时间", "2025年1-6月"]], JUNE),
    ([NO_YEAR, ["时间：", "2025年1-6月"]], JUNE),
    # no year in the line: the title's year
    ([TITLE, ["截至6月底"]], JUNE),
    ([TITLE, ["截至6月末"]], JUNE),
    ([TITLE, ["1—6月"]], JUNE),
    ([TITLE, ["统计时段：1月至6月"]], JUNE),
    ([TITLE, ["截至：", "6月30日"]], JUNE),
    ([TITLE, ["截至六月底"]], JUNE),
    ([TITLE, ["截至9月底"]], pd.Timestamp("2025-09-30")),
    ([["二〇二五年工会工作统计表"], ["截至6月底"]], JUNE),
    # Chinese numerals and the other ways a date is written
    ([NO_YEAR, ["截至二〇二五年六月三十日"]], JUNE),
    ([NO_YEAR, ["截至二○二五年六月底"]], JUNE),
    ([NO_YEAR, ["截至二O二五年六月三十日"]], JUNE),
    ([NO_YEAR, ["截至2025年6月30日"]], JUNE),
    ([NO_YEAR, ["截至2025.6.30"]], JUNE),
    ([NO_YEAR, ["截至2025/06/30"]], JUNE),
    ([NO_YEAR, ["截至2025年6月30号"]], JUNE),
    ([["二〇二五年一至六月工会工作统计表"]], JUNE),
    ([["二〇二五年十二月底工会工作统计表"]], pd.Timestamp("2025-12-31")),
])
def test_a_period_line_is_read(head, as_of):
    assert_read_at(read(form(head)), as_of)


def test_the_year_can_come_from_the_sheet_name():
    assert_read_at(read(form([NO_YEAR, ["截至6月底"]], sheet="2025年统计")), JUNE)


@pytest.mark.parametrize("line", [["截至6月底"], ["1—6月"], ["截至六月末"]])
def test_no_year_anywhere_still_asks_for_year(line):
    res = read(form([NO_YEAR, line]))
    assert len(res.errors) == 1 and "--year" in res.errors[0].message
    assert_read_at(read(form([NO_YEAR, line]), year=2025), JUNE)


def test_a_date_read_as_text_in_a_csv_is_the_period():
    csv = "\n".join(["工会工作统计表", "截至,2025-06-30 00:00:00", "填报单位：青石县总工会",
                     "序号,指标名称,计量单位,本期,上年同期", "1,新建基层工会,家,13,12", "2,新发展会员,人,600,500",
                     "报送日期：,2025-07-05 00:00:00"]).encode("gb18030")
    res = read(csv, name="青石县.csv")
    assert_read_at(res, JUNE)
    assert any("报送日期" in s for s in res.sheets[0].skipped)


# ----------------------------------------------------------------------------- the form's own date is not its period

@pytest.mark.parametrize("line", [
    ["报送日期：", dt.datetime(2025, 7, 5)],
    ["填报日期", dt.datetime(2025, 7, 5)],
    ["填表日期：2025年7月5日"],
    ["报送日期：2025-07-05 00:00:00"],
    ["截至2025年6月30日    报送日期：2025年7月5日"],
    ["填表人：张三", "填表日期：", dt.datetime(2025, 7, 5)],
    ["日期", dt.datetime(2025, 7, 5)],
])
def test_the_date_a_form_was_sent_does_not_change_its_period(line):
    assert_read_at(read(form([["2025年1—6月工会工作统计表"], line])), JUNE)


def test_a_sent_date_alone_leaves_a_year_title_as_the_full_year():
    res = read(form([TITLE, ["报送日期：", dt.datetime(2025, 7, 5)]], header=[*HEADER[:3], "本年", "上年", "增减(%)"]))
    assert_read_at(res, pd.Timestamp("2025-12-31"))


@pytest.mark.parametrize("tail", [
    [["报送日期", dt.datetime(2025, 7, 5)]],
    [["报送日期：", None, dt.datetime(2025, 7, 5)]],
    [["填表人：张三", None, "审核人：李四"], [None, "填报日期：", dt.datetime(2025, 7, 5)]],
    [[None, "报送日期", "2025-07-05 00:00:00"]],
])
def test_a_sent_date_under_the_form_is_footer(tail):
    res = read(form([["2025年1—6月工会工作统计表"]], tail))
    assert_read_at(res, JUNE)
    assert res.warnings == [] and any("表尾" in s for s in res.sheets[0].skipped)


def test_a_sent_date_under_a_consolidated_sheet_is_footer():
    data = build_workbook({"Sheet1": {"rows": [
        ["2025年1—6月各县(市)区工会工作统计表"],
        ["截至", dt.datetime(2025, 6, 30)],
        ["地区", "新建基层工会", "新发展会员"],
        ["城关区", 5, 100], ["新华区", 4, 90],
        ["注：本季度数据为快报数"],
        ["报送日期：", dt.datetime(2025, 7, 5)],
    ]}})
    res = read(data, name="汇总.xlsx")
    assert res.errors == [] and set(res.figures["as_of"]) == {JUNE} and len(res.figures) == 4
    skipped = " ".join(res.sheets[0].skipped)
    assert "注:本季度数据为快报数" in skipped and "报送日期" in skipped


# ----------------------------------------------------------------------------- lines that cannot be read are refused

@pytest.mark.parametrize("head, cell, words", [
    ([TITLE, ["截至：上半年"]], "A2", ["截至几月几日", "截至2025年6月30日"]),
    ([TITLE, ["截至目前"]], "A2", ["截至几月几日"]),
    ([TITLE, ["二季度"]], "A2", ["二季度", "2025年1—6月"]),
    ([["2025年第三季度工会工作统计表"]], "A1", ["第三季度", "2025年1—9月"]),
    ([["2025年下半年工会工作统计表"]], "A1", ["下半年"]),
    ([TITLE, ["统计期：", "第二季度"]], "B2", ["第二季度"]),
    ([TITLE, ["统计截止日期：", None]], "A2", ["统计截止日期", "填上日期"]),
])
@pytest.mark.parametrize("year", [None, 2025])
def test_a_period_line_that_cannot_be_read_refuses_the_sheet_even_with_year(head, cell, words, year):
    only_error(read(form(head), year=year), cell, *words)


@pytest.mark.parametrize("head, sheet", [
    ([["2025年1—6月工会工作统计表"], ["二季度"]], "Sheet1"),
    ([["2025年1—6月工会工作统计表"]], "二季度"),
    ([["2025年第二季度工会工作统计表"], ["截至2025年6月30日"]], "Sheet1"),
    ([["2025年1—6月工会工作统计表"], ["截至目前"]], "Sheet1"),
    ([["2025年1—6月工会工作统计表"], ["截至：上半年"]], "Sheet1"),
])
def test_vague_words_are_read_when_another_place_states_the_end_clearly(head, sheet):
    assert_read_at(read(form(head, sheet=sheet)), JUNE)


def test_vague_words_must_agree_with_the_clear_statement():
    only_error(read(form([["2025年1—9月工会工作统计表"], ["二季度"]])), "A2", "时期前后矛盾", "A1")


def test_an_empty_date_label_is_fine_when_the_title_states_the_period():
    assert_read_at(read(form([["2025年1—6月工会工作统计表"], ["统计截止日期：", None]])), JUNE)


def test_two_sources_that_disagree_keep_the_conflict_message():
    res = read(form([["截至", dt.datetime(2025, 6, 30)]], sheet="2025年"))
    err = only_error(res, "B1", "时期前后矛盾", "工作表名称", sheet="2025年")
    assert "“截至:2025-06-30”" in err.message


def test_a_date_cell_that_disagrees_with_the_title_is_a_conflict():
    res = read(form([["2025年1—9月工会工作统计表"], ["统计截止日期", dt.datetime(2025, 6, 30)]]))
    only_error(res, "B2", "时期前后矛盾", "A1", "2025-06-30")


# ----------------------------------------------------------------------------- dated columns of a county form

@pytest.mark.parametrize("current, previous", [
    ("2025年1-6月", "2024年1-6月"),
    ("2025年1—6月", "2024年1—6月"),
    ("2025年6月", "2024年6月"),
    ("本期(2025年1-6月)", "上年同期(2024年1-6月)"),
    ("2024年1-6月", "2025年1-6月"),          # the columns in the other order
])
def test_dated_value_columns_of_a_form(current, previous):
    header = [*HEADER[:3], current, previous, "增减(%)"]
    res = read(form([NO_YEAR], header=header))
    if current.startswith("2024"):   # the newer year is 本期 wherever it stands
        assert res.errors == []
        got = periods(res)
        assert got[(False, "new_unions")] == (2025, JUNE, 12) and got[(True, "new_unions")] == (2024, JUNE.replace(year=2024), 13)
    else:
        assert_read_at(res, JUNE)


def test_dated_columns_under_本期_and_上年同期():
    top = [*HEADER[:3], "本期", "上年同期", "增减(%)"]
    dates = [None, None, None, "2025年1-6月", "2024年1-6月", None]
    assert_read_at(read(form([NO_YEAR], header=top, two_row=dates)), JUNE)


@pytest.mark.parametrize("previous, dated, should", [
    ("上年同期", "2024年1-9月", "2024年1—6月"),
    ("上年同期", "2023年1-6月", "2024年1—6月"),
    ("上年", "2024年", "2024年1—6月"),          # 上年 over a bare year: the whole of 2024, not its first half
])
def test_a_previous_column_of_another_period_is_not_read(previous, dated, should):
    header = [*HEADER[:3], "本期", previous, "增减(%)"]
    dates = [None, None, None, "2025年1-6月", dated, None]
    res = read(form([NO_YEAR], header=header, two_row=dates))
    assert len(res.errors) == 1 and res.errors[0].cell == "E4", [f.text() for f in res.findings]
    assert should in res.errors[0].message and "请" in res.errors[0].message
    assert not any(p for p, _ in periods(res)) and periods(res)[(False, "new_unions")] == (2025, JUNE, 13)


def test_a_same_period_header_over_a_bare_year_is_that_years_same_period():
    header = [*HEADER[:3], "本期", "上年同期", "增减(%)"]
    dates = [None, None, None, "2025年1-6月", "2024年", None]
    assert_read_at(read(form([NO_YEAR], header=header, two_row=dates)), JUNE)


def test_a_dated_column_that_disagrees_with_the_title_is_a_conflict():
    header = [*HEADER[:3], "2025年1-6月", "2024年1-6月", "增减(%)"]
    only_error(read(form([["2025年1—9月工会工作统计表"]], header=header)), "D3", "时期前后矛盾", "A1")


# ----------------------------------------------------------------------------- notes under the table

@pytest.mark.parametrize("note", ["注：本季度数据为快报数", "注：二季度数据为快报数", "注：数据截至目前尚未审核", "说明：下半年再报一次"])
def test_a_note_under_the_form_is_skipped_not_a_period(note):
    res = read(form([["2025年1—6月工会工作统计表"]], [[note]]))
    assert_read_at(res, JUNE)
    assert res.warnings == [] and any(note.replace("：", ":")[:8] in s for s in res.sheets[0].skipped)


def test_a_note_that_states_the_period_still_counts():
    res = read(form([TITLE], [["注：本表数据截至6月30日"]]))
    assert_read_at(res, JUNE)
