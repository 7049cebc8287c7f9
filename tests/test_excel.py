"""The Excel return importer: real-shaped returns read right, bad cells refused by sheet and cell, nothing dropped."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.data.catalog import load_catalog
from briefing.cli import main
from briefing.errors import BriefingError, DataError, ValidationError
from briefing.data.excel.period import read_period as _period
from briefing.data.cells import parse_cell
from briefing.data.excel import read_workbook
from briefing.data import load_dataset
from briefing.data.folder import load_regions
from briefing.data.validate import check_dataset

from .fixtures.workbooks import build_workbook

CATALOG = load_catalog("data/sample/indicators.csv")

# A 县区 return as they come: title, "金额单位" line, two-row header with merged cells, units in the
# header, a 序号 column, a row of column numbers, numbers typed as text, placeholders, a merged
# 合计 row and a signature line under the table.
RETURN_2024 = {
    "rows": [
        ["示例市2024年各县(市)区工会工作统计表"],
        ["填报单位：示例市总工会", None, None, None, None, None, None, None, "金额单位：万元"],
        ["序号", "地区", "组织建设", None, None, "集体合同", None, "送温暖资金(元)", "入会率(%)", "备注"],
        [None, None, "新建工会(家)", "会员总数(万人)", "已建会单位职工数(人)", "签订份数", "覆盖职工(人)"],
        ["甲", "乙", 1, 2, 3, 4, 5, 6, 7, None],
        [1, "城关区", 12, "1.2", 13000, "6万余", "1,200", 1234500, "85.25%", None],
        [2, "新华区", "X", 0.9, 10000, 300, 800, "近140万元", 0.9, "数据待复核"],
        [3, "湖 滨 区", 5, "—", 5000, 120, None, 50000, "约90", None],
        ["合  计", None, 17, 2.1, 28000, 60420, 2000, 2684500, None, None],
        ["填表人：张三    审核人：李四"],
    ],
    "merge": ["A1:J1", "A3:A4", "B3:B4", "C3:E3", "F3:G3", "H3:H4", "I3:I4", "J3:J4", "A9:B9", "A10:J10"],
    "formats": {"I7": "0.00%"},
    "text": {"J8": "=HYPERLINK(\"http://x\")"},
}
# Mid-year: a one-row header, units from the catalogue, a 合计 row of formulas whose results Excel saved.
RETURN_2025_H1 = {
    "rows": [
        ["地区", "新建基层工会", "会员总数", "送温暖资金（万元）"],
        ["城关区", 5, 12500, "=2+1"],
        ["新华区", 4, 9000, 12.5],
        ["东湖县", 3, 1000, 3],
        ["合计", "=SUM(B2:B4)", "=SUM(C2:C4)", "=SUM(D2:D4)"],
    ],
    "cached": {"D2": 3, "B5": 12, "C5": 22500, "D5": 18.5},
}
EXPECTED = {  # (sheet, region, indicator): (value in the catalogue unit, approximation mark)
    ("2024年", "城关区", "new_unions"): (12, ""), ("2024年", "城关区", "members"): (12000, ""),
    ("2024年", "城关区", "unionised_workers"): (13000, ""), ("2024年", "城关区", "cc_contracts"): (60000, "余"),
    ("2024年", "城关区", "cc_workers"): (1200, ""), ("2024年", "城关区", "warmth_funds"): (123.45, ""),
    ("2024年", "城关区", "membership_rate"): (85.25, ""),
    ("2024年", "新华区", "members"): (9000, ""), ("2024年", "新华区", "unionised_workers"): (10000, ""),
    ("2024年", "新华区", "cc_contracts"): (300, ""), ("2024年", "新华区", "cc_workers"): (800, ""),
    ("2024年", "新华区", "warmth_funds"): (140, "近"), ("2024年", "新华区", "membership_rate"): (90, ""),
    ("2024年", "湖滨区", "new_unions"): (5, ""), ("2024年", "湖滨区", "unionised_workers"): (5000, ""),
    ("2024年", "湖滨区", "cc_contracts"): (120, ""), ("2024年", "湖滨区", "warmth_funds"): (5, ""),
    ("2024年", "湖滨区", "membership_rate"): (90, "约"),
    ("2025年1-6月", "城关区", "new_unions"): (5, ""), ("2025年1-6月", "城关区", "members"): (12500, ""),
    ("2025年1-6月", "城关区", "warmth_funds"): (3, ""),
    ("2025年1-6月", "新华区", "new_unions"): (4, ""), ("2025年1-6月", "新华区", "members"): (9000, ""),
    ("2025年1-6月", "新华区", "warmth_funds"): (12.5, ""),
    ("2025年1-6月", "东湖县", "new_unions"): (3, ""), ("2025年1-6月", "东湖县", "members"): (1000, ""),
    ("2025年1-6月", "东湖县", "warmth_funds"): (3, ""),
}


def good_return() -> bytes:
    return build_workbook({"2024年": RETURN_2024, "2025年1-6月": RETURN_2025_H1,
                           "填表说明": {"rows": [["本表由各县(市)区总工会填报，12月31日前报送。"]]}})


def test_a_real_shaped_return_imports_with_the_right_numbers_units_and_marks():
    res = read_workbook(good_return(), CATALOG, name="县区年报.xlsx", parent="示例市")
    assert res.errors == [] and res.warnings == []
    got = {(r.sheet, r.region, r.indicator): (r.value, r.approx) for r in res.figures.itertuples()}
    assert got.keys() == EXPECTED.keys()
    for key, (value, mark) in EXPECTED.items():
        assert got[key][0] == pytest.approx(value) and got[key][1] == mark, key
    fig = res.figures.set_index(["sheet", "region", "indicator"])
    assert fig.loc[("2024年", "城关区", "warmth_funds"), "cell"] == "H6"
    assert fig.loc[("2024年", "新华区", "members"), "note"] == "数据待复核"
    assert set(res.figures.loc[res.figures["sheet"] == "2025年1-6月", "as_of"]) == {pd.Timestamp("2025-06-30")}
    assert set(res.figures.loc[res.figures["sheet"] == "2024年", "as_of"]) == {pd.Timestamp("2024-12-31")}
    assert "合计" not in set(res.figures["region"])
    assert list(res.regions["name"]) == ["示例市", "城关区", "新华区", "湖滨区", "东湖县"]
    assert set(res.regions.loc[res.regions["name"] != "示例市", "parent"]) == {"示例市"}

    first, second, notes = res.sheets
    assert first.header_rows == (3, 4) and first.blank == ["C7", "D8", "G8"]
    assert first.totals == ["合计（第 9 行）：核对 6 列，全部相符。"]
    assert second.formulas == 1 and second.totals == ["合计（第 5 行）：核对 3 列，全部相符。"]
    assert notes.note.startswith("没有可识别的指标列")
    text = res.summary()
    assert "单位换算：组织建设/会员总数(万人)（万人→人）；送温暖资金(元)（元→万元）" in text
    assert "表头未注明单位、按指标目录的单位读取：集体合同/签订份数" in text
    assert "空白或占位（未作为数字读入）：C7、D8、G8" in text
    assert "第 5 行是栏次编号行" in text and "共读入 27 个数字" in text


def test_other_common_shapes_units_row_unit_in_header_cell_subtotals_and_numbered_labels():
    data = build_workbook({"2024年度统计": {"rows": [
        ["单  位", "新建基层工会", "会员总数", "送温暖资金\n单位：万元", "文艺演出"],
        [None, "（个）", "（万人）", None, "（场）"],
        ["一、县(市)区"],
        ["1.城关区", 3, 1.5, 12, 4],
        ["2.新华区", 2, 0.5, 8, 1],
        ["县(市)区小计", 5, 2, 20, 5],
        ["二、产业工会"],
        ["市教育工会", 1, 0.3, 2, 2],
        ["产业工会小计", 1, 0.3, 2, 2],
        ["合计数", 6, 2.3, 22, 7],
    ]}})
    res = read_workbook(data, CATALOG, name="r.xlsx")
    assert res.findings == []
    sheet = res.sheets[0]
    assert sheet.header_rows == (1, 2) and sheet.regions == ["城关区", "新华区", "市教育工会"]
    assert sheet.totals == ["县(市)区小计（第 6 行）：核对 4 列，全部相符。", "产业工会小计（第 9 行）：核对 4 列，全部相符。",
                            "合计数（第 10 行）：核对 4 列，全部相符。"]
    got = res.figures.set_index(["region", "indicator"])["value"]
    assert got[("城关区", "members")] == 15000 and got[("市教育工会", "culture_events")] == 2
    assert got[("新华区", "warmth_funds")] == 8 and res.regions.set_index("code").at["市教育工会", "level"] == "产业工会"


def test_formula_without_saved_result_and_formula_looking_text_are_refused_not_evaluated():
    data = build_workbook({"2024": {"rows": [["地区", "新建基层工会", "会员总数"], ["城关区", "=1+1", 3]],
                                    "text": {"C2": "=2*3"}}})
    res = read_workbook(data, CATALOG, name="r.xlsx")
    texts = [f.text() for f in res.errors]
    assert texts[0].startswith("文件 r.xlsx，工作表“2024”，单元格 B2，第 2 行，“新建基层工会”列，值“=1+1”：")
    assert "没有保存计算结果，本工具不计算公式" in texts[0]
    assert "单元格 C2" in texts[1] and "像是公式或命令，不是数字" in texts[1]
    assert res.figures.empty


def test_total_row_disagreeing_with_the_rows_is_refused_with_both_numbers():
    data = build_workbook({"2024": {"rows": [["合计", None], ["地区", "送温暖资金(万元)"], ["城关区", 10.5],
                                             ["新华区", 4], ["合计", 15.0]]}})
    res = read_workbook(data, CATALOG, name="r.xlsx")
    assert [f.text() for f in res.errors] == [
        "文件 r.xlsx，工作表“2024”，单元格 B5，第 5 行，“送温暖资金(万元)”列，值“15”：合计为 15万元，但 2 个地区之和为 "
        "14.5万元，相差 0.5万元。请核对是否有地区漏填、多填或填错，改正后重新导入（合计行不读入，只用于核对）。"]


def test_rows_must_match_the_regions_table_when_there_is_one():
    regions = load_regions(__import__("pathlib").Path("data/sample"))
    data = build_workbook({"2024": {"rows": [["地区", "新建基层工会"], ["城关区总工会", 1], ["城关", 2],
                                             ["市教育工会", 3]]}})
    res = read_workbook(data, CATALOG, regions, name="r.xlsx")
    assert [f.text() for f in res.errors] == [
        "文件 r.xlsx，工作表“2024”，单元格 A3，第 3 行，值“城关”：地区不在地区表 regions.csv 中。是否为“城关区”？"
        "请把名称改为地区表中的写法，或先在 regions.csv 中增加该地区。"]
    assert sorted(res.figures["region"]) == ["SL01", "SL21"]  # union name and name both match


def test_import_command_writes_tidy_files_that_load_back(tmp_path, capsys):
    book = tmp_path / "县区年报.xlsx"
    book.write_bytes(good_return())
    out = tmp_path / "city"
    assert main(["import", str(book), "--out", str(out), "--parent", "示例市"]) == 0
    printed = capsys.readouterr().out
    assert "读取 县区年报.xlsx，Excel 工作簿（.xlsx）：" in printed and "已写入" in printed and "figures.csv 本次 27 行" in printed
    figures = (out / "figures.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in figures  # a cell a spreadsheet would run is written inert
    assert ",2024年!H6" in figures   # every figure says which cell it came from
    ds = load_dataset(out)
    assert len(ds.figures) == 27 and ds.region_code("湖滨区") == "湖滨区"
    row = ds.figures[(ds.figures["indicator"] == "warmth_funds") & (ds.figures["region"] == "新华区")].iloc[0]
    assert (row["value"], row["approx"], row["origin"]) == (140.0, "近", "2024年!H7")
    # next year's return goes into the same folder: same-date figures are replaced, others kept
    book.write_bytes(build_workbook({"2025年1-6月": RETURN_2025_H1}))
    assert main(["import", str(book), "--out", str(out)]) == 0
    assert "替换了原有同期数字 9 行" in capsys.readouterr().out
    assert len(load_dataset(out).figures) == 27


def test_import_command_refuses_a_faulty_return_and_writes_nothing(tmp_path, capsys):
    book = tmp_path / "bad.xlsx"
    book.write_bytes(build_workbook({"2024": {"rows": [["地区", "新建基层工会", "送温暖资金(人)"],
                                                       ["城关区", "五", 3]]}}))
    assert main(["import", str(book), "--out", str(tmp_path / "out")]) == 1
    printed = capsys.readouterr().out
    assert "单元格 B2" in printed and "请用阿拉伯数字填写" in printed
    assert "单元格 C1" in printed and "表头的单位“人”与指标“送温暖资金”的单位“万元”不是同一种量" in printed
    assert "数据目录中什么都没有写入" in printed and not (tmp_path / "out").exists()


def test_load_dataset_reads_a_workbook_directly(tmp_path):
    book = tmp_path / "r.xlsx"
    book.write_bytes(good_return())
    ds = load_dataset(book)
    assert len(ds.figures) == 27 and ds.files["workbook"] == "r.xlsx" and ds.targets.empty
    assert ds.figures["as_of"].dtype.kind == "M" and ds.figures["year"].dtype == "int64"
    book.write_bytes(build_workbook({"2024": {"rows": [["地区", "新建基层工会"], ["城关区", "很多"]]}}))
    with pytest.raises(ValidationError, match="单元格 B2"):
        load_dataset(book)
    # the reader's warnings reach the pack's data note through check_dataset
    book.write_bytes(build_workbook({"2024": {"rows": [["地区", "新建基层工会"], ["城关区", "约10"], ["新华区", 5],
                                                       ["合计", 16]]}}))
    assert [f.cell for f in check_dataset(load_dataset(book))] == ["B4"]
    # a rate column of fractions (0.8 for 80%) is refused; written with their % signs, they are read as written
    book.write_bytes(build_workbook({"2024": {"rows": [["地区", "入会率(%)"], ["城关区", 0.8], ["新华区", 0.9]]}}))
    with pytest.raises(ValidationError, match="看来填的是小数"):
        load_dataset(book)
    book.write_bytes(build_workbook({"2024": {"rows": [["地区", "入会率(%)"], ["城关区", "0.8%"], ["新华区", "0.9%"]]}}))
    assert sorted(load_dataset(book).figures["value"]) == [0.8, 0.9]


def test_files_that_are_not_workbooks_are_named(tmp_path):
    with pytest.raises(DataError, match="旧版 Excel 工作簿（.xls），但已损坏"):
        read_workbook(b"\xd0\xcf\x11\xe0", CATALOG, name="r.xls")
    with pytest.raises(DataError, match="文件名是 .xlsx，内容却是CSV 文本，两者不符"):
        read_workbook(b"region,year\n", CATALOG, name="r.xlsx")
    with pytest.raises(DataError, match="找不到文件 .*none.xlsx"):
        read_workbook(tmp_path / "none.xlsx", CATALOG)


@pytest.mark.parametrize("text, value, mult, unit, mark", [
    ("1.2万", 1.2, 1e4, "", ""), ("85.25%", 85.25, 1, "%", ""), ("6万余", 6, 1e4, "", "余"),
    ("近140万元", 140, 1e4, "元", "近"), ("70余万人", 70, 1e4, "人", "余"), ("1万多份", 1, 1e4, "份", "多"),
    ("突破15万", 15, 1e4, "", "突破"), ("约3,000", 3000, 1, "", "约"), ("１２３", 123, 1, "", ""),
    ("-5", -5, 1, "", ""), (" 12 人 ", 12, 1, "人", ""), ("3亿元", 3, 1e8, "元", ""),
])
def test_numbers_as_returns_write_them(text, value, mult, unit, mark):
    c = parse_cell(text)
    assert (c.value, c.multiplier, c.unit, c.approx, c.problem) == (value, mult, unit, mark, "")


@pytest.mark.parametrize("text", ["", "X", "x", "—", "——", "-", "/", "无", "…"])
def test_placeholders_are_blank(text):
    assert parse_cell(text).blank


@pytest.mark.parametrize("text, problem", [
    ("一百", "阿拉伯数字"), ("15万以上", "“以上”不是可识别的约数标记"), ("近6万余", "约数标记重复"),
    ("12元/人", "不是可识别的单位"), ("=A1", "像是公式"), ("1.2.3", "不是可识别的单位"), ("abc", "不是数字"),
])
def test_unreadable_text_says_why(text, problem):
    c = parse_cell(text)
    assert c.value is None and not c.blank and problem in c.problem


@pytest.mark.parametrize("name, when", [
    ("2024", "2024-12-31"), ("2024年度", "2024-12-31"), ("2025年1-6月", "2025-06-30"), ("2025年上半年", "2025-06-30"),
    ("截至2025年9月30日", "2025-09-30"), ("2025.3.31", "2025-03-31"), ("2025年1月至9月", "2025-09-30"),
    ("2025年前三季度", "2025-09-30"),
])
def test_sheet_names_state_the_period(name, when):
    year, as_of, problem = _period(name)
    assert (year, as_of, problem) == (int(when[:4]), pd.Timestamp(when), "")


def test_a_month_alone_is_not_guessed():
    assert _period("2025年6月")[1] is None and "1-6月" in _period("2025年6月")[2]


# ---------------------------------------------------------------- properties (hypothesis)

# what a cell can hold (Excel itself refuses control characters)
cell_text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12)
cell_values = st.one_of(
    st.none(), cell_text, st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32), st.booleans(),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.sampled_from(["1.2万", "85%", "6万余", "近140万元", "—", "X", "=1+1", "#DIV/0!", "合计", "一百", "3人"]),
)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=30))
def test_parse_cell_never_raises_and_always_decides(text):
    c = parse_cell(text)
    assert (c.value is not None) + c.blank + bool(c.problem) == 1


@settings(max_examples=150, deadline=None)
@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
       st.sampled_from(["", "万", "亿"]), st.sampled_from(["", "近", "约", "突破"]), st.sampled_from(["", "人", "元", "%"]))
def test_parse_cell_reads_back_what_was_written(number, mult, mark, unit):
    c = parse_cell(f"{mark}{number}{mult}{unit}")
    assert c.value == pytest.approx(float(number)) and c.approx == mark and c.unit == unit
    assert c.multiplier == {"": 1, "万": 1e4, "亿": 1e8}[mult]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cell_values, min_size=3, max_size=3), min_size=1, max_size=4),
       st.lists(st.one_of(st.none(), cell_text), min_size=3, max_size=3))
def test_any_cell_contents_are_read_or_refused_never_dropped(rows, header_noise):
    """Under a known header, every data cell is read, listed as blank, or refused by its address."""
    names = ["城关区", "新华区", "湖滨区", "东湖县"]
    body = [[names[i], *row] for i, row in enumerate(rows)]
    data = build_workbook({"2024": {"rows": [["地区", "新建基层工会(家)", "会员总数(人)", "送温暖资金(万元)"], *body],
                                    "merge": []},
                           "杂项": {"rows": [header_noise, *rows]}})
    try:
        res = read_workbook(data, CATALOG, name="r.xlsx")
    except BriefingError:
        return
    sheet = res.sheets[0]
    read = set(res.figures.loc[res.figures["sheet"] == "2024", "cell"])
    refused = {f.cell for f in res.findings if f.sheet == "2024" and f.cell and f.cell[1:] != "1"}
    blank = set(sheet.blank)
    cells = {f"{c}{r}" for r in range(2, len(body) + 2) for c in "BCD"}
    assert read | refused | blank == cells
    assert not (read & blank) and not (read & refused)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(cell_values, min_size=2, max_size=5), min_size=1, max_size=6))
def test_arbitrary_sheets_never_raise_anything_but_a_briefing_error(rows):
    header = [["地区", "入会率(%)", "会员总数", "合计", "2024"]]
    data = build_workbook({"2024": {"rows": header + rows}, "Sheet1": {"rows": rows}})
    try:
        res = read_workbook(data, CATALOG, name="r.xlsx")
        res.summary()
    except BriefingError:
        pass


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cell_values, min_size=3, max_size=3), min_size=1, max_size=5),
       st.sampled_from(["2025年1—6月基层工会工作统计表", "2025年度目标任务分解表", "填报单位：城关区总工会", ""]))
def test_a_form_or_a_target_sheet_of_any_cells_is_read_or_refused_by_address(rows, title):
    """Per-region forms and target tables: every value cell is read, blank, or refused by its address; nothing
    raises but a BriefingError, and a target is never a figure."""
    labels = ["新建基层工会", "新发展会员", "入会率", "送温暖资金", "受理来信来访"]
    body = [[labels[i], *row] for i, row in enumerate(rows)]
    form = build_workbook({"Sheet1": {"rows": [[title], ["填报单位：城关区总工会"],
                                               ["指标名称", "本期", "上年同期", "目标"], *body]}})
    table = build_workbook({"Sheet1": {"rows": [[title], ["地区", "新建基层工会(家)", "入会率(%)", "受理来信来访(件)"],
                                                *[["城关区新华区湖滨区东湖县西山县"[3 * i:3 * i + 3], *row]
                                                  for i, row in enumerate(rows)]]}})
    for data in (form, table):
        try:
            res = read_workbook(data, CATALOG, name="r.xlsx", year=2025)
            res.summary()
        except BriefingError:
            continue
        if "目标" in title and data is table:
            assert len(res.figures) == 0
        read = set(res.figures["cell"]) | set(res.targets["cell"])
        refused = {f.cell for f in res.findings if f.cell and f.level == "error"}
        assert not (read & set(res.sheets[0].blank)) and not (read & refused)


def test_an_ods_percentage_cell_is_read_as_the_percent_it_shows():
    """An .ods keeps a percentage as its fraction (0.8525, shown 85.25%) with office:value-type="percentage";
    calamine gives the fraction alone, so the type is read from the file: 85.25, as the sheet shows."""
    import io

    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    from briefing.data.excel.files import open_workbook
    from briefing.data.excel.grid import cell_number
    from .returns import ods_percent_style

    doc = OpenDocumentSpreadsheet()
    pct_cell = ods_percent_style(doc)

    def cell(value=None, kind="float", text="", **kw):
        c = TableCell(valuetype=kind, value=repr(value), **kw) if value is not None else TableCell(**kw)
        if text:
            c.addElement(P(text=text))
        return c

    table = Table(name="汇总表")
    rows = [[cell(kind="string", text="填报说明", numbercolumnsrepeated=1)],   # row 1
            [cell(kind="string", text="入会率"), cell(0.8525, "percentage", "85.25%", stylename=pct_cell)],
            [cell(kind="string", text="会员总数"), cell(1200.0, text="1200")],
            [cell(numbercolumnsrepeated=2), cell(1.0, "percentage", "100.00%", stylename=pct_cell)]]
    empty = TableRow(numberrowsrepeated=3)
    empty.addElement(cell())
    table.addElement(empty)                                                  # rows 1-3 empty, repeated
    for cells in rows:
        tr = TableRow()
        for c in cells:
            tr.addElement(c)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    buf = io.BytesIO()
    doc.save(buf)
    [sheet] = open_workbook(buf.getvalue(), "汇总表.ods").sheets
    assert sheet.raw(5, 2).percent and cell_number(sheet, 5, 2)[0].value == pytest.approx(85.25)
    assert cell_number(sheet, 5, 2)[0].unit == "%"
    assert not sheet.raw(6, 2).percent and cell_number(sheet, 6, 2)[0].value == 1200
    assert sheet.raw(7, 3).percent and cell_number(sheet, 7, 3)[0].value == pytest.approx(100)


def test_a_csv_marked_utf8_whose_body_is_gbk_is_refused_naming_the_line(tmp_path, capsys):
    # A BOM that says UTF-8 over a body saved in GBK: no guessing which characters were meant, a clear refusal.
    body = "填报单位：青石县总工会\n2025年1—6月\n序号,指标名称,计量单位,本期\n1,新建基层工会,家,10\n"
    path = tmp_path / "青石县.csv"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("gbk"))
    out = tmp_path / "data"
    code = main(["import", str(path), "--out", str(out)])
    err = capsys.readouterr()
    assert code != 0 and "Traceback" not in err.err
    said = err.out + err.err
    assert "青石县.csv" in said and "标明是 UTF-8" in said and "第 1 行" in said and "另存为" in said
    assert not (out / "figures.csv").exists()


def test_validate_of_a_return_with_an_unreadable_cell_still_checks_the_cells_it_read(tmp_path, capsys):
    # Every fault of a return in one run: an unreadable cell must not hide a negative count or a rate over 100%.
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2025年"
    ws.append(["地区", "新建基层工会（家）", "入会率（%）"])
    ws.append(["城关区", -3, 108.3])
    ws.append(["新华区", "待统计", 90])
    path = tmp_path / "汇总.xlsx"
    wb.save(path)
    code = main(["validate", str(path)])
    out = capsys.readouterr().out
    assert code == 1
    errors = [line for line in out.splitlines() if line.startswith("错误：")]
    assert any("待统计" in line for line in errors)
    assert any("B2" in line and "负" in line for line in errors), out
    assert any("C2" in line and "100%" in line for line in errors), out
    assert f"错误 {len(errors)} 个" in out.splitlines()[-1]
