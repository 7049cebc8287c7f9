"""The corpus of real-shaped returns (tests/returns.py) can be trusted: its files open with the readers an
importer would use, and every figure, target, blank, fault and skipped row it claims is in the cell it names.

These tests check the builders, not an importer: the expected results are read back with small
independent readers (openpyxl, xlrd, python-calamine, pandas, csv, lxml) and a reference number parser.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

# the writers (xlwt, odfpy) and the reader every format shares (python-calamine): the corpus needs them
pytest.importorskip("xlwt")
pytest.importorskip("odf")
CalamineWorkbook = pytest.importorskip("python_calamine").CalamineWorkbook

from . import returns as R  # noqa: E402
from .returns import CASES, FAULTS, Return  # noqa: E402

try:  # a second, independent .xls reader where installed
    import xlrd
except ImportError:  # pragma: no cover
    xlrd = None

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PLACEHOLDERS = {"", "—", "X", "/"}


# ----------------------------------------------------------------------------- building each case once

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("returns")
    cache: dict[str, Return] = {}

    def get(name: str) -> Return:
        if name not in cache:
            try:
                cache[name] = CASES[name](folder / name)
            except ImportError as e:   # the encrypted case needs msoffcrypto-tool
                pytest.skip(str(e))
        return cache[name]
    return get


def content(ret: Return) -> str:
    return R.content_of(ret.fmt)


# ----------------------------------------------------------------------------- independent readers

def read_grid(ret: Return, path: Path, sheet: str | None) -> dict[tuple[int, int], object]:
    """{(row, col): value} of one sheet, 1-based, by what the file really holds (not its extension)."""
    kind = content(ret)
    grid: dict[tuple[int, int], object] = {}
    if kind == "xlsx":
        ws = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))[sheet]  # by content: openpyxl refuses ".et"
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    grid[(c.row, c.column)] = c.value
    elif kind == "xls" and xlrd is None:
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row, start=1):
                if v != "":
                    grid[(r, c)] = v
    elif kind == "xls":
        book = xlrd.open_workbook(str(path))
        sh = book.sheet_by_name(sheet)
        for r in range(sh.nrows):
            for c in range(sh.ncols):
                cell = sh.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    grid[(r + 1, c + 1)] = xlrd.xldate_as_datetime(cell.value, book.datemode)
                elif cell.ctype not in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    grid[(r + 1, c + 1)] = cell.value
    elif kind == "ods":
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row, start=1):
                if v != "":
                    grid[(r, c)] = v
    elif kind == "csv":
        text = path.read_bytes().decode(ret.encoding)
        for r, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            for c, v in enumerate(row, start=1):
                if v != "":
                    grid[(r, c)] = v
    elif kind == "html":
        from lxml import html as lxml_html

        doc = lxml_html.fromstring(path.read_bytes().decode(ret.encoding))
        taken: set[tuple[int, int]] = set()
        for r, tr in enumerate(doc.iter("tr"), start=1):
            c = 1
            for td in tr.iter("td"):
                while (r, c) in taken:
                    c += 1
                rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
                taken |= {(r + i, c + j) for i in range(rs) for j in range(cs)}
                if td.text_content():
                    grid[(r, c)] = td.text_content()
                c += cs
    else:
        raise AssertionError(f"no reader for {kind}")
    return grid


def at(grid: dict, cell: str) -> object:
    m = re.fullmatch(r"([A-Z]+)(\d+)", cell)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return grid.get((int(m.group(2)), col))


def parse_number(value: object) -> tuple[float, str | None]:
    """A reference reading of what returns write: 12, "3.84万", "6万余", "近140", "85.25%", "38,405"."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value), None
    s = str(value).strip()
    approx = None
    for mark in ("近", "约", "突破"):
        if s.startswith(mark):
            approx, s = mark, s[len(mark):]
    for mark in ("余", "多"):
        if s.endswith(mark):
            approx, s = mark, s[:-1]
    s = s.removesuffix("%")
    mult = 1.0
    if s.endswith("万"):
        mult, s = 1e4, s[:-1]
    if "," in s:
        assert re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", s), f"thousands separators in the wrong places: {value!r}"
        s = s.replace(",", "")
    return float(s) * mult, approx


def parse_target(value: object) -> tuple[float, str | None]:
    """(number, bound) of a target cell: 45 → (45, None); "95%以上"/"不低于90%" → min; "控制在120件以内" → max."""
    if isinstance(value, (int, float)):
        return float(value), None
    s = str(value)
    number = float(re.search(r"\d+(\.\d+)?", s).group())
    if "以上" in s or "不低于" in s:
        return number, "min"
    if "以内" in s or "不超过" in s:
        return number, "max"
    return number, None


def same(read: object, written: object) -> bool:
    if isinstance(written, (int, float)) and not isinstance(written, bool):
        return isinstance(read, (int, float)) and abs(float(read) - float(written)) < 1e-9
    return str(read) == str(written)


def grids(ret: Return):
    cache: dict = {}

    def get(sheet: str | None) -> dict:
        if sheet not in cache:
            cache[sheet] = read_grid(ret, ret.path, sheet)
        return cache[sheet]
    return get


READABLE = [n for n in CASES if n != "encrypted_xlsx"]


# ----------------------------------------------------------------------------- every case

@pytest.mark.parametrize("name", list(CASES))
def test_each_case_writes_its_files_and_names_them_relatively(built, name):
    ret = built(name)
    assert ret.files and all(p.exists() and p.stat().st_size > 0 for p in ret.files)
    ext = R.FORMATS[ret.fmt][0]
    assert ret.path.suffix == ext
    for rec in [*ret.faults, *ret.skipped, *ret.blanks, *(x.origin for x in [*ret.figures, *ret.targets])]:
        assert rec.file == ret.path.name, rec  # the file's name, never a path of this machine
    keys = [(f.region, f.year, f.as_of, f.indicator) for f in ret.figures]
    assert len(keys) == len(set(keys)), "one figure per region, period and indicator"
    tkeys = [(t.region, t.year, t.indicator) for t in ret.targets]
    assert len(tkeys) == len(set(tkeys))
    for f in ret.figures:
        assert f.indicator in R.CATALOG and f.approx in (None, "近", "余", "多", "约")
        assert not any(w in f.region for w in ("合", "计", "说明", "注", "制表", "填表", "小计"))
        if f.as_of is not None:
            assert f.as_of.year == f.year and f.as_of.month != 12
    for f in ret.faults:
        assert f.level in ("error", "warning") and f.reason and f.code


@pytest.mark.parametrize("name", READABLE)
def test_figures_and_targets_are_what_their_cells_say(built, name):
    ret = built(name)
    grid = grids(ret)
    for f in ret.figures:
        o = f.origin
        read = at(grid(o.sheet), o.cell)
        assert same(read, o.written), (f, read)
        number, approx = parse_number(read)
        assert number * o.factor == pytest.approx(f.value, abs=1e-6), (f, read)
        assert approx == f.approx, (f, read)
    for t in ret.targets:
        o = t.origin
        read = at(grid(o.sheet), o.cell)
        number, bound = parse_target(read)
        assert number == pytest.approx(t.target), (t, read)
        assert bound == (t.bound if t.target_type == "threshold" and isinstance(read, str) else None), (t, read)


@pytest.mark.parametrize("name", READABLE)
def test_blanks_faults_and_skipped_rows_point_at_real_cells(built, name):
    ret = built(name)
    grid = grids(ret)
    for b in ret.blanks:
        read = at(grid(b.sheet), b.cell)
        assert (read or "") == b.text and b.text in PLACEHOLDERS, b
    for f in ret.faults:
        if f.cell:
            assert at(grid(f.sheet), f.cell) not in (None, ""), f
        if f.sheet:
            assert f.sheet in ret.sheets
    for s in ret.skipped:
        row = grid(s.sheet)
        first = next(str(v) for (r, c), v in sorted(row.items()) if r == s.row)
        assert s.text.startswith(first), (s, first)
    cells = {(f.origin.sheet, f.origin.cell) for f in ret.figures}
    assert not cells & {(b.sheet, b.cell) for b in ret.blanks}
    assert not cells & {(f.sheet, f.cell) for f in ret.errors() if f.cell}, "a refused cell is never a figure"


@pytest.mark.parametrize("name", list(CASES))
def test_files_open_with_the_readers_for_what_they_hold(built, name):
    ret = built(name)
    path, kind, data = ret.path, content(ret), ret.path.read_bytes()
    if kind == "xlsx":
        assert data[:2] == b"PK"
        wb = openpyxl.load_workbook(io.BytesIO(data))
        assert wb.sheetnames == ret.sheets
        assert [ws.title for ws in wb.worksheets if ws.sheet_state == "hidden"] == ret.hidden_sheets
        assert CalamineWorkbook.from_path(str(path)).sheet_names == ret.sheets
        if path.suffix == ".xlsx":
            assert set(pd.read_excel(path, sheet_name=None, header=None, engine="calamine")) == set(ret.sheets)
    elif kind == "xls":
        assert data[:8] == OLE_MAGIC
        if xlrd is not None:
            book = xlrd.open_workbook(str(path))
            assert book.sheet_names() == ret.sheets
            assert [s.name for s in book.sheets() if s.visibility] == ret.hidden_sheets
        meta = CalamineWorkbook.from_path(str(path)).sheets_metadata
        assert [m.name for m in meta] == ret.sheets
        assert [m.name for m in meta if str(m.visible).endswith("Hidden")] == ret.hidden_sheets
    elif kind == "ods":
        assert data[:2] == b"PK" and b"application/vnd.oasis.opendocument.spreadsheet" in data[:100]
        assert set(pd.read_excel(path, sheet_name=None, header=None, engine="odf")) == set(ret.sheets)
        assert CalamineWorkbook.from_path(str(path)).sheet_names == ret.sheets
    elif kind == "csv":
        text = data.decode(ret.encoding)
        assert data.startswith(b"\xef\xbb\xbf") == (ret.encoding == "utf-8-sig") and "\ufeff" not in text
        frame = pd.read_csv(io.BytesIO(data), header=None, encoding=ret.encoding, dtype=str)
        assert len(frame) >= len(ret.skipped)
    elif kind == "html":
        assert data.lstrip().startswith(b"<html")
        tables = pd.read_html(io.StringIO(data.decode(ret.encoding)))
        assert len(tables) == 1
    else:
        assert kind == "encrypted"
    if path.suffix in (".xlsx", ".et") and kind != "xlsx":
        with pytest.raises(Exception):
            openpyxl.load_workbook(io.BytesIO(data))
    if path.suffix == ".xls" and kind != "xls" and xlrd is not None:
        with pytest.raises(Exception):
            xlrd.open_workbook(str(path))


# ----------------------------------------------------------------------------- file types

def test_csv_encodings_are_what_they_say(built):
    gb = built("form_csv_gb18030").path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        gb.decode("utf-8")
    assert "填报单位：临江市总工会" in gb.decode("gb18030") and b"\r\n" in gb
    bom = built("form_csv_utf8_bom").path.read_bytes()
    assert bom.startswith(b"\xef\xbb\xbf") and "临江市" in bom.decode("utf-8-sig")
    plain = built("form_csv_utf8").path.read_bytes()
    assert not plain.startswith(b"\xef\xbb\xbf") and "临江市" in plain.decode("utf-8")
    assert plain.decode("utf-8") == bom.decode("utf-8-sig")
    named = built("csv_named_xlsx")
    assert named.path.suffix == ".xlsx" and named.encoding == "gb18030"
    with pytest.raises(UnicodeDecodeError):
        named.path.read_bytes().decode("utf-8")


def test_a_gb18030_sheet_shows_thousands_separators_as_excel_saves_them(built):
    ret = built("sheet_csv_gb18030")
    text = ret.path.read_bytes().decode("gb18030")
    assert re.search(r'"\d{1,3}(,\d{3})+"', text), "grouped numbers are quoted in the CSV"
    grouped = [f for f in ret.figures if isinstance(f.origin.written, str) and "," in f.origin.written]
    assert grouped and all(parse_number(f.origin.written)[0] == f.value for f in grouped)


def test_wps_et_files_hold_xls_or_xlsx_bytes(built):
    assert built("form_et_xls_bytes").path.read_bytes()[:8] == OLE_MAGIC
    assert built("form_et_xlsx_bytes").path.read_bytes()[:2] == b"PK"
    assert built("form_et_xls_bytes").path.suffix == built("form_et_xlsx_bytes").path.suffix == ".et"
    assert built("form_et_xls_bytes").tidy_figures() == built("form_et_xlsx_bytes").tidy_figures()


def test_the_encrypted_workbook_is_refused_whole_and_opens_with_its_password(built):
    msoffcrypto = pytest.importorskip("msoffcrypto")
    ret = built("encrypted_xlsx")
    assert ret.figures == [] and [f.code for f in ret.faults] == ["encrypted"] and ret.faults[0].level == "error"
    office = msoffcrypto.OfficeFile(io.BytesIO(ret.path.read_bytes()))
    assert office.is_encrypted()
    plain = io.BytesIO()
    office.load_key(password=ret.password)
    office.decrypt(plain)
    assert "填报单位：青石县总工会" in [c.value for c in openpyxl.load_workbook(plain)["Sheet1"]["A"]]


def test_hidden_sheets_are_hidden_and_reported(built):
    for name in ("hidden_sheet_form", "hidden_sheet_xls"):
        ret = built(name)
        assert len(ret.hidden_sheets) == 1
        fault = next(f for f in ret.faults if f.code == "hidden_sheet")
        assert fault.sheet == ret.hidden_sheets[0] and fault.level == "warning"
        assert all(f.origin.sheet not in ret.hidden_sheets for f in ret.figures)


def test_trailing_empty_rows_exist_in_the_file(built):
    ret = built("form_trailing_empty_rows")
    ws = openpyxl.load_workbook(ret.path)["Sheet1"]
    last = max(c.row for row in ws.iter_rows() for c in row if c.value is not None)
    assert ws.max_row == last + 40
    ret = built("sheet_no_units_no_line")
    ws = openpyxl.load_workbook(ret.path)[ret.sheets[0]]
    last = max(c.row for row in ws.iter_rows() for c in row if c.value is not None)
    assert ws.max_row == last + 25


# ----------------------------------------------------------------------------- the numbers agree with each other

@pytest.mark.parametrize("name", READABLE)
def test_rates_agree_with_their_parts_unless_a_fault_says_otherwise(built, name):
    ret = built(name)
    disagree = {(f.sheet, f.cell) for f in ret.faults if f.code == "rate_disagrees"}
    by = defaultdict(dict)
    for f in ret.figures:
        by[(f.region, f.year, f.as_of)][f.indicator] = f
    for values in by.values():
        for f in values.values():
            ind = R.CATALOG[f.indicator]
            num, den = values.get(ind.numerator), values.get(ind.denominator)
            if ind.kind != "rate" or not num or not den:
                continue
            off = abs(f.value - num.value / den.value * 100) > 0.006
            assert off == ((f.origin.sheet, f.origin.cell) in disagree), (f, num.value, den.value)
            assert 0 <= f.value <= 100


@pytest.mark.parametrize("name", [n for n in READABLE if n.startswith(("sheet_", "csv_", "html_named_xls", "fault_sheet_"))
                                  and n != "html_named_xls_gb18030"])
def test_totals_are_the_sum_of_the_regions_in_columns_with_nothing_refused(built, name):
    ret = built(name)
    grid = grids(ret)
    refused_rows = {(f.sheet, f.cell) for f in ret.errors() if f.code in ("region_typo", "duplicate_region")}
    for s in (s for s in ret.skipped if s.why == "合计行"):
        figs = [f for f in ret.figures if f.origin.sheet == s.sheet]
        cols = defaultdict(list)
        for f in figs:
            cols[(f.indicator, f.origin.col, f.origin.factor)].append(f)
        refused_cols = {re.sub(r"\d", "", f.cell) for f in ret.errors() if f.cell and f.sheet == s.sheet}
        for (indicator, col, factor), fs in cols.items():
            if R.CATALOG[indicator].kind == "rate":
                continue
            letters = R.cell_name(1, col)[:-1]
            total, _ = parse_number(grid(s.sheet).get((s.row, col)))
            mismatch = any(f.code == "total_mismatch" and f.cell == f"{letters}{s.row}" for f in ret.faults)
            if refused_rows or letters in refused_cols and not mismatch:
                continue
            diff = total * factor - sum(f.value for f in fs)
            assert abs(diff - (3 * factor if mismatch else 0)) < 1e-6, (s.sheet, indicator, total, diff)


@pytest.mark.parametrize("name", [n for n in READABLE if n.startswith(("form_", "fault_form_", "hidden_sheet_form"))
                                  and not n.startswith("form_workbook")])
def test_stated_changes_agree_with_the_two_years_unless_a_fault_says_otherwise(built, name):
    ret = built(name)
    grid = grids(ret)
    sheet = ret.sheets[0] if ret.sheets else None
    g = grid(sheet)
    change_col = next((c for (r, c), v in g.items() if v == "增减(%)"), None)
    if change_col is None:
        return
    disagree = {f.cell for f in ret.faults if f.code == "change_disagrees"}
    rows = defaultdict(dict)
    for f in ret.figures:
        if f.origin.sheet == (sheet if ret.sheets else None):
            rows[f.origin.row][f.year] = f
    for row, pair in rows.items():
        stated = g.get((row, change_col))
        if len(pair) != 2 or stated in (None, "—"):
            continue
        cur, prev = pair[max(pair)], pair[min(pair)]
        right = round((cur.value - prev.value) / prev.value * 100, 2)
        cell = R.cell_name(row, change_col)
        assert (abs(float(stated) - right) > 0.01) == (cell in disagree), (row, stated, right)


# ----------------------------------------------------------------------------- each fault, as documented

def test_every_fault_has_a_case_that_produces_it(built):
    for name in FAULTS:
        cases = [n for n in CASES if n.startswith("fault_") and n.endswith(name)]
        assert cases, name
        for case in cases:
            assert {f.code for f in built(case).faults} == {name}, case


def test_the_period_conflict_refuses_the_sheet_named_for_the_full_year(built):
    for name in ("fault_form_period_conflict", "fault_sheet_period_conflict"):
        ret = built(name)
        fault = ret.faults[0]
        assert fault.sheet == "2025年" and "截至6月30日" in at(grids(ret)(fault.sheet), fault.cell)
        assert ret.figures == [] and fault.level == "error"


def test_region_faults_refuse_or_map_the_region_as_documented(built):
    typo = built("fault_form_region_typo")
    assert typo.figures == [] and "城官区" in typo.faults[0].reason and "城关区" in typo.faults[0].reason
    trad = built("fault_form_region_traditional")
    assert {f.region for f in trad.figures} == {"城关区"} and trad.faults[0].level == "warning"
    assert "城關區總工會" in trad.faults[0].reason
    sheet = built("fault_sheet_region_typo")
    assert "城关区" not in {f.region for f in sheet.figures} and len({f.region for f in sheet.figures}) == 8
    trad = built("fault_sheet_region_traditional")
    assert "高新区" in {f.region for f in trad.figures} and "高新區" in trad.faults[0].reason
    dup = built("fault_sheet_duplicate_region")
    fault = dup.faults[0]
    assert {f.region for f in dup.figures} == {r.name for r in R.TEST_REGIONS} - {"城关区"}
    assert at(grids(dup)(fault.sheet), fault.cell) == "城关区"


def test_the_footnotes_and_totals_of_a_sheet_are_skipped_not_regions(built):
    ret = built("sheet_two_years_subtotals")
    whys = [s.why for s in ret.skipped if s.sheet == "2024年"]
    assert whys == ["栏次行", "合计行", "分组行", "小计行", "分组行", "小计行", "填报说明", "注", "制表"]
    assert {f.region for f in ret.figures} == {r.name for r in R.TEST_REGIONS}
    assert {(f.year, f.as_of) for f in ret.figures} == {(2024, None), (2025, None)}


def test_values_are_in_the_catalogue_unit_whatever_the_return_wrote(built):
    yuan = built("form_two_row_header_code_yuan")
    money = [f for f in yuan.figures if R.CATALOG[f.indicator].unit == "万元"]
    assert money and all(f.origin.factor == 1e-4 and f.value < 10000 and f.origin.written > 10000 for f in money)
    fraction = [f for f in built("form_aliases_units_in_names").figures if f.indicator == "membership_rate"]
    assert all(f.origin.written < 1 and f.origin.factor == 100 and f.value > 1 for f in fraction)
    marks = {f.approx for f in built("form_midyear_xlsx").figures}
    assert marks == {None, "近", "余"}
    wan = [f for f in built("form_midyear_xlsx").figures if str(f.origin.written).endswith("万")]
    assert wan and wan[0].value == parse_number(wan[0].origin.written)[0]


def test_targets_carry_issuer_type_and_bound_and_the_total_row_is_the_parents(built):
    ret = built("targets_breakdown_title")
    parent = {t.indicator: t for t in ret.targets if t.region == R.TEST_CITY}
    regions = [t for t in ret.targets if t.region != R.TEST_CITY]
    assert {t.issuer for t in regions} == {"市总"} and {t.issuer for t in parent.values()} == {"省总"}
    assert parent["petitions"].bound == "max" and parent["wage_cb_rate"].key[3:] == (95, "threshold", "省总", "min")
    assert parent["new_unions"].target == sum(t.target for t in regions if t.indicator == "new_unions")
    over = built("targets_breakdown_column_overallocated")
    p = next(t for t in over.targets if t.region == R.TEST_CITY and t.indicator == "new_unions")
    assert p.target < sum(t.target for t in over.targets if t.indicator == "new_unions" and t.region != R.TEST_CITY)
    like = built("targets_like_figures_title")
    assert like.figures == [] and like.targets and like.faults[0].code == "targets_as_figures"


# ----------------------------------------------------------------------------- the builders themselves

def test_builds_are_deterministic(tmp_path):
    a = R.consolidated_sheet(tmp_path / "a", fmt="csv", encoding="gb18030")
    b = R.consolidated_sheet(tmp_path / "b", fmt="csv", encoding="gb18030")
    assert a.path.read_bytes() == b.path.read_bytes() and a.tidy_figures() == b.tidy_figures()


def test_given_values_are_written_and_rates_follow_their_parts(tmp_path):
    values = {("青石县", "members", 2025, dt.date(2025, 6, 30)): 900,
              ("青石县", "unionised_workers", 2025, dt.date(2025, 6, 30)): 1000}
    ret = R.per_region_form(tmp_path, "青石县", indicators=["members", "unionised_workers", "membership_rate"],
                            values=values, text_numbers=False, placeholders=False)
    got = {(f.indicator, f.year): f.value for f in ret.figures}
    assert got[("members", 2025)] == 900 and got[("membership_rate", 2025)] == 90.0


def test_unknown_switches_and_faults_are_refused(tmp_path):
    with pytest.raises(TypeError, match="unknown switch"):
        R.per_region_form(tmp_path, colour="red")
    with pytest.raises(ValueError, match="unknown fault"):
        R.per_region_form(tmp_path, faults=["duplicate_region"])
    with pytest.raises(ValueError, match="one sheet"):
        R.consolidated_sheet(tmp_path, fmt="csv", periods=((2024, None), (2025, None)))
    with pytest.raises(ValueError, match="no typo known"):
        R.per_region_form(tmp_path, "市卫生工会", faults=["region_typo"])


def test_no_path_of_this_machine_in_the_module():
    text = Path(R.__file__).read_text(encoding="utf-8")
    # an absolute path of any machine: a scratch, home or work folder written into the corpus module
    folders = ["w" + "ork", "ho" + "me", "t" + "mp"]   # spelt apart so that this test holds no such path itself
    assert not re.search("/(?:%s)/" % "|".join(folders), text)
