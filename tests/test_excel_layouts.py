"""Form layouts as real returns arrive: seal remarks, traditional or spaced labels, signature lines in any cell,
其中 rows, unit rows, hidden rows and columns, and a refused region that still has every cell checked."""

from __future__ import annotations

import io

import pytest

from briefing.data.catalog import load_catalog
from briefing.data.excel import read_workbook
from briefing.data.excel.words import is_signature, plain, unit_line
from briefing.data.folder import load_regions

from . import returns as R
from .fixtures.workbooks import build_workbook

CATALOG = load_catalog(R.CATALOG_CSV)
HEAD = ["序号", "指标名称", "计量单位", "本期", "上年同期"]


@pytest.fixture(scope="module")
def regions(tmp_path_factory):
    folder = tmp_path_factory.mktemp("regions")
    R.write_regions_csv(folder)
    return load_regions(folder)


def form(unit_line_text="填报单位：青石县总工会", rows=(), foot=(), head=HEAD, above=()) -> dict:
    """A mid-year per-county form: title, period, 填报单位, header, two indicator rows, ``rows``, ``foot``."""
    return {"rows": [["2025年1—6月基层工会工作统计表（示例数据）"], ["截至2025年6月30日"], *above,
                     [unit_line_text] if isinstance(unit_line_text, str) else list(unit_line_text), list(head),
                     [1, "新建基层工会", "家", 13, 12], [2, "会员总数", "人", 5000, 4800], *rows, *foot]}


def read(spec, regions=None, name="青石县.xlsx"):
    data = spec if isinstance(spec, bytes) else build_workbook({"Sheet1": spec})
    return read_workbook(data, CATALOG, regions, name=name, parent=R.TEST_CITY)


def values(res) -> dict:
    return {(r.region, r.indicator, r.cell): r.value for r in res.figures.itertuples()}


# ----------------------------------------------------------------------------- 1. seal remarks in 填报单位


@pytest.mark.parametrize("line", ["填报单位（盖章）：青石县总工会", "填报单位(公章): 青石县总工会  （盖章）",
                                  "填报单位：青石县总工会（盖章）", "填报单位：（盖章）青石县总工会",
                                  "填报单位（单位公章）：青石县总工会    填报日期：2025年7月5日"])
def test_a_seal_remark_in_the_unit_line_never_becomes_part_of_the_region(line, regions):
    res = read(form(line), regions)
    assert res.errors == [] and res.warnings == []
    assert set(res.figures["region"]) == {"SL05"}          # 青石县
    assert len(res.figures) == 4


def test_a_unit_line_whose_name_is_in_the_next_cell_is_read_from_that_cell(regions):
    res = read(form(["填报单位（盖章）：", None, "青石县总工会"]), regions)
    assert res.errors == [] and set(res.figures["region"]) == {"SL05"}
    assert "C3" in res.sheets[0].region_from


def test_without_a_regions_table_the_seal_remark_does_not_make_a_new_region():
    res = read(form("填报单位(公章): 青石县总工会  （盖章）"))
    assert res.errors == []
    assert list(res.new_regions) == ["青石县"] and set(res.figures["region"]) == {"青石县"}


def test_unit_line_words():
    assert unit_line("填报单位（盖章）：青石县总工会") == "青石县总工会"
    assert unit_line("填 報 單 位（蓋章）：青石縣總工會") == "青石縣總工會"   # the name as written: regions say the rest
    assert unit_line("填报单位：") == ""
    assert unit_line("单位：万元") is None and unit_line("金额单位：万元") is None
    assert unit_line("2025年1—6月基层工会工作统计表") is None


# ----------------------------------------------------------------------------- 2. traditional or spaced labels


def test_traditional_and_spaced_labels_are_recognised_like_their_simplified_forms(regions):
    foot = [[None], ["製表人：王五", None, "審核人：李四", None, "單位負責人：趙六"], ["聯繫電話：0000-1234567"],
            ["報送日期：2025年7月5日"]]
    res = read(form("填 報 單 位：青石县总工会", foot=foot), regions)
    assert res.errors == [] and res.warnings == []
    assert set(res.figures["region"]) == {"SL05"} and len(res.figures) == 4
    skipped = "\n".join(res.sheets[0].skipped)
    assert "第 8 行“製表人:王五 審核人:李四 單位負責人:趙六”（表尾签名" in skipped   # quoted in half-width (NFKC)
    assert "第 9 行“聯繫電話" in skipped and "第 10 行“報送日期" in skipped


def test_a_traditional_region_name_in_the_unit_line_is_still_warned(regions):
    res = read(form("填報單位（蓋章）：青石縣總工會"), regions)
    assert res.errors == [] and set(res.figures["region"]) == {"SL05"}
    assert [f.cell for f in res.warnings] == ["A3"] and "繁体" in res.warnings[0].message


def test_label_words():
    assert plain(" 填 報 單 位（蓋章）：") == "填报单位(盖章):"
    for text in ("制表人：王五", "製表人:", "审核人", "審 核 人：李四", "单位负责人：张三", "聯繫電話：123", "报送日期：7月5日",
                 "填表人：", "负责人"):
        assert is_signature(text), text
    for text in ("城关区", "负责人员培训", "电话费", "审核", "会员总数"):
        assert not is_signature(text), text


# ----------------------------------------------------------------------------- 3. signature lines in any cell


def test_a_signature_line_spread_over_the_cells_of_a_consolidated_sheet_is_never_a_region():
    sheet = {"rows": [["2025年各县(市)区工会工作统计表（示例数据）"],
                      ["地区", "新建基层工会（家）", "会员总数（人）", "备注"],
                      ["城关区", 3, 1000, "负责人：张三（复核中）"],
                      ["新华区", 2, 800, None],
                      ["合计", 5, 1800, None],
                      [None],
                      [None, "单位负责人：张三", "审核人：李四", "制表人：王五"],
                      ["联系电话：", 13800001234, None],
                      ["王五"]]}
    res = read(sheet, name="汇总.xlsx")
    assert res.errors == [] and res.warnings == []
    assert set(res.figures["region"]) == {"城关区", "新华区"} and list(res.new_regions) == ["城关区", "新华区"]
    assert 13800001234 not in set(res.figures["value"])
    notes = res.figures.set_index(["region", "indicator"])["note"]
    assert notes[("城关区", "members")] == "负责人:张三(复核中)"     # a 备注 cell is a note of its row
    skipped = res.sheets[0].skipped
    assert any(s.startswith("第 7 行“单位负责人:张三 审核人:李四 制表人:王五”（表尾签名") for s in skipped)
    assert any(s.startswith("第 8 行“联系电话:") and "B8" in s for s in skipped)
    assert any(s.startswith("第 9 行“王五”（表尾签名下方的文字") for s in skipped)
    assert res.sheets[0].totals == ["合计（第 5 行）：核对 2 列，全部相符。"]


def test_a_signature_line_of_a_form_in_any_cell_is_skipped_and_its_numbers_never_read(regions):
    foot = [[None, "单位负责人：", "张三", "审核人：", "李四"], [None, "制表人", "王五", "联系电话", "13800001234"]]
    res = read(form(foot=foot), regions)
    assert res.errors == [] and res.warnings == []
    assert len(res.figures) == 4 and 13800001234 not in set(res.figures["value"])
    skipped = res.sheets[0].skipped
    assert any(s.startswith("第 7 行“单位负责人: 张三 审核人: 李四”（表尾签名") for s in skipped)
    assert any(s.startswith("第 8 行“制表人 王五 联系电话 13800001234”") and "E8" in s for s in skipped)


def test_a_form_keeps_the_text_of_its_note_column(regions):
    head = [*HEAD, "备注"]
    spec = form(head=head)
    spec["rows"][4].append("含新建联合工会 2 家")
    res = read(spec, regions)
    assert res.errors == []
    notes = {r.cell: r.note for r in res.figures.itertuples()}
    assert notes["D5"] == notes["E5"] == "含新建联合工会 2 家" and notes["D6"] == ""


# ----------------------------------------------------------------------------- 4. 其中 rows


def test_a_part_row_under_a_region_is_not_a_region_nor_in_the_total(regions):
    sheet = {"rows": [["2025年各县(市)区工会工作统计表（示例数据）"],
                      ["地区", "新发展会员（人）", "会员总数（人）"],
                      ["城关区", 300, 1000],
                      ["其中：女职工", 120, 400],
                      ["  其中:农民工", 80, 300],
                      ["新华区", 200, 800],
                      ["合计", 500, 1800]]}
    for regions_table in (regions, None):
        res = read(sheet, regions_table, name="汇总.xlsx")
        assert res.errors == [] and res.warnings == [], res.findings
        assert len(res.figures) == 4 and not res.figures["cell"].str.endswith(("4", "5")).any()
        assert res.sheets[0].totals == ["合计（第 7 行）：核对 2 列，全部相符。"]
        skipped = res.sheets[0].skipped
        assert "第 4 行“其中:女职工”（其中项，是上一行的一部分，不是地区：这一行的 2 个数字不读入，也不计入合计核对）" in skipped
        assert any(s.startswith("第 5 行“其中:农民工”（其中项") for s in skipped)
    assert list(res.new_regions) == ["城关区", "新华区"]


def test_a_part_row_of_a_form_without_a_catalogue_indicator_is_listed_as_not_read(regions):
    rows = [["", "其中：女职工", "人", 2100, 2000], [None, "其中：女职工培训", "场次", 4, 3]]
    res = read(form(rows=rows), regions)
    assert res.errors == [] and res.warnings == []
    got = values(res)
    assert got[("SL05", "women_training", "D8")] == 4      # the catalogue has it: read as before
    assert not any(cell.endswith("7") for _, _, cell in got)
    skipped = "\n".join(res.sheets[0].skipped)
    assert "第 7 行“其中:女职工”（其中项，是上一行指标的一部分；指标目录中没有“女职工”，这一行的 2 个数字未读入" in skipped
    assert "indicators.csv" in skipped


# ----------------------------------------------------------------------------- 5. a unit row under the header


@pytest.mark.parametrize("units", [[None, "（个）", "（万人）", "（元）", "（%）"], ["单位", "个", "万人", "元", "%"],
                                   ["计量单位", "(个)", "(万人)", "(元)", "(%)"]])
@pytest.mark.parametrize("numbers_row", [False, True])
def test_a_unit_row_under_the_header_sets_each_columns_unit_like_the_header(units, numbers_row):
    rows = [["2025年各县(市)区工会工作统计表（示例数据）"], ["地区", "新建基层工会", "会员总数", "送温暖资金", "入会率"],
            *([["甲", 1, 2, 3, 4]] if numbers_row else []), units,
            ["城关区", 3, 1.2, 125000, 85], ["新华区", 2, 0.8, 30000, 90.5]]
    res = read({"rows": rows}, name="汇总.xlsx")
    assert res.errors == [] and res.warnings == []
    assert list(res.new_regions) == ["城关区", "新华区"]          # the unit row is never a region
    got = {(r.region, r.indicator): r.value for r in res.figures.itertuples()}
    assert got == {("城关区", "new_unions"): 3, ("城关区", "members"): 12000, ("城关区", "warmth_funds"): 12.5,
                   ("城关区", "membership_rate"): 85, ("新华区", "new_unions"): 2, ("新华区", "members"): 8000,
                   ("新华区", "warmth_funds"): 3, ("新华区", "membership_rate"): 90.5}
    text = res.summary()
    assert "会员总数/(万人)（万人→人）" in text and "送温暖资金/(元)（元→万元）" in text
    if numbers_row:
        assert "未读入：第 4 行是单位行（各列的单位，与表头中写的单位一样用于读取）" in text


def test_a_unit_row_that_does_not_fit_its_column_is_refused_like_a_header_unit():
    rows = [["2025年各县(市)区工会工作统计表（示例数据）"], ["地区", "新建基层工会", "送温暖资金"], [None, "（个）", "（人）"],
            ["城关区", 3, 12]]
    res = read({"rows": rows}, name="汇总.xlsx")
    assert [(f.cell, f.level) for f in res.errors] == [("C3", "error")] and "不是同一种量" in res.errors[0].message
    assert set(res.figures["indicator"]) == {"new_unions"}


def test_a_unit_row_under_a_form_header_gives_its_columns_unit(regions):
    head = ["序号", "指标名称", "本期", "上年同期"]
    spec = {"rows": [["2025年1—6月帮扶工作统计表（示例数据）"], ["填报单位：青石县总工会"], head, [None, None, "（元）", "（万元）"],
                     [1, "送温暖资金", 125000, 10], [2, "金秋助学资金（万元）", 3, 2]]}
    res = read(spec, regions)
    assert res.errors == [] and res.warnings == []
    assert values(res) == {("SL05", "warmth_funds", "C5"): 12.5, ("SL05", "warmth_funds", "D5"): 10,
                           ("SL05", "jinqiu_funds", "C6"): 3, ("SL05", "jinqiu_funds", "D6"): 2}
    assert res.sheets[0].header_rows == (3, 4)


# ----------------------------------------------------------------------------- 7. a refused region: every cell checked


def test_a_form_whose_region_is_refused_still_lists_every_problem_of_its_cells(regions):
    rows = [[3, "送温暖资金", "万元", "待统计", 10], [4, "工会网站发稿", "篇", 35, 28], [5, "入会率", "%", "108.5%", 90]]
    spec = form("填报单位（盖章）：青时县总工会", rows=rows)
    spec["rows"][4][3] = -13
    res = read(spec, regions)
    assert len(res.figures) == 0 and len(res.targets) == 0
    found = {(f.cell, f.level) for f in res.findings}
    assert found == {("A3", "error"), ("D5", "error"), ("D7", "error"), ("B8", "error"), ("D9", "error")}, res.findings
    region = next(f for f in res.findings if f.cell == "A3")
    assert "青石县" in region.message and region.file == "青石县.xlsx" and region.sheet == "Sheet1"
    assert all(f.file == "青石县.xlsx" and f.sheet == "Sheet1" for f in res.findings)
    assert any("地区未能确定" in s for s in res.sheets[0].skipped)
    assert res.sheets[0].regions == [] and res.sheets[0].read == 0


def test_a_form_without_any_region_still_lists_every_problem_of_its_cells(regions):
    spec = form("2025年上半年")                          # no 填报单位 line; the file name names no region
    spec["rows"][5][3] = "十三"
    res = read(spec, regions, name="统计表.xlsx")
    assert len(res.figures) == 0
    assert {f.cell for f in res.errors} == {"", "D6"}


def test_a_row_of_a_consolidated_sheet_whose_region_is_refused_still_has_its_cells_checked(regions):
    rows = [["2025年各县(市)区工会工作统计表（示例数据）"], ["地区", "新建基层工会（家）", "入会率（%）"],
            ["城官区", -3, 108.3], ["新华区", 2, 90], ["合计", 5, None]]
    res = read({"rows": rows}, regions, name="汇总.xlsx")
    assert {(f.cell, f.level) for f in res.findings} == {("A3", "error"), ("B3", "error"), ("C3", "error")}
    assert "城关区" in next(f.message for f in res.findings if f.cell == "A3")
    assert set(res.figures["cell"]) == {"B4", "C4"}
    assert res.sheets[0].totals == ["合计（第 5 行）：未核对（第 3 行的地区未读入）。"]


# ----------------------------------------------------------------------------- 6. hidden rows and columns


HIDDEN_ROWS = [["2025年各县(市)区工会工作统计表（示例数据）"], ["地区", "新建基层工会（家）", "会员总数（人）", "草稿列"],
               ["城关区", 3, 1000, None], ["新华区", 2, 800, None], ["高新区", 9, 99, None], ["合计", 14, 1899, None],
               ["北塘区", None, None, None]]


def hidden_xlsx() -> bytes:
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "2025年"
    for row in HIDDEN_ROWS:
        ws.append(row)
    ws.row_dimensions[5].hidden = True          # 高新区: read, and said
    ws.row_dimensions[7].hidden = True          # a hidden row with a name only: said too
    ws.row_dimensions[20].hidden = True         # hidden but empty: nothing to say
    ws.column_dimensions["C"].hidden = True
    ws.column_dimensions["F"].hidden = True     # hidden but empty
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def hidden_xls() -> bytes:
    import xlwt
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("2025年")
    for r, row in enumerate(HIDDEN_ROWS):
        for c, v in enumerate(row):
            if v is not None:
                ws.write(r, c, v)
    ws.row(4).hidden = True
    ws.row(6).hidden = True
    ws.col(2).hidden = True
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_hidden_rows_and_columns_are_read_and_each_one_is_said(fmt):
    data = hidden_xlsx() if fmt == "xlsx" else hidden_xls()
    res = read_workbook(data, CATALOG, None, name=f"汇总.{fmt}", parent=R.TEST_CITY)
    assert res.errors == []
    got = {(r.region, r.indicator): r.value for r in res.figures.itertuples()}
    assert got[("高新区", "new_unions")] == 9 and got[("城关区", "members")] == 1000    # still read
    hidden = [(f.row, f.column, f.value) for f in res.warnings]
    assert hidden == [(None, "C", "会员总数(人)"), (5, "", "高新区"), (7, "", "北塘区")], res.warnings
    for f in res.warnings:
        assert f.file == f"汇总.{fmt}" and f.sheet == "2025年" and "隐藏" in f.message and "取消隐藏" in f.message
    assert res.sheets[0].hidden == ["第 5 行", "第 7 行", "C 列"]
    lines = res.summary().splitlines()
    assert "    隐藏的行和列（已照常读入，请核对）：第 5 行、第 7 行、C 列" in lines
    assert lines[-2].startswith("共读入") and "提示 3 个" in lines[-2]
    assert lines[-1] == ("注意：读入了隐藏的 2 行、1 列（见上面各工作表的“隐藏的行和列”和提示），"
                         "请在 Excel 中取消隐藏，逐一核对其中的数字。")


def test_a_return_without_hidden_rows_ends_with_its_totals_line():
    res = read_workbook(build_workbook({"2025年": {"rows": HIDDEN_ROWS[:4]}}), CATALOG, None, name="汇总.xlsx")
    assert res.warnings == [] and res.summary().splitlines()[-1].startswith("共读入")


def test_a_hidden_sheet_stays_unread_and_its_hidden_rows_are_not_said():
    res = read_workbook(build_workbook({"2025年": {"rows": HIDDEN_ROWS[:4]},
                                        "草稿": {"rows": HIDDEN_ROWS[:4], "hidden": True}}), CATALOG, None,
                        name="汇总.xlsx")
    assert [f.sheet for f in res.warnings] == ["草稿"] and set(res.figures["sheet"]) == {"2025年"}
