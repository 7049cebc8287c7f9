"""Returns as they really reach a 市总, written by small builders that also say what must be read from them.

Each builder writes one return (a workbook, a CSV file, a web page saved as .xls …) into a folder and
returns a :class:`Return`: the files, the shape, the period, and the truth an importer is compared with:

- ``figures``: tidy figures (region name, year, as_of, indicator id, value in the catalogue's unit,
  approximation mark or None), each with the cell it was written in (``origin``, not compared);
- ``targets``: (region, year, indicator, target, target_type, issuer, bound);
- ``skipped``: rows below the header that hold words but are not regions or indicators (分组行, 合计/小计,
  栏次行, 填报说明, 注, 制表, 签名 lines) — none of them may become a region or an indicator;
- ``blanks``: value cells holding a placeholder ("—", "X", "/") or nothing: blank, never zero;
- ``faults``: what the importer must report (file, sheet, cell, short reason in Chinese, level, code).

The builders are the specification of the importer. The rules they encode:

1. Values are converted to the catalogue's unit (元 → 万元, "1.2万" → 12000, "85.25%" → 85.25, a fraction
   in a cell formatted as a percentage → ×100); approximations keep their mark (近/余/多).
2. A cell with an error-level fault is not in ``figures``: it is refused, reported, and nothing is guessed.
   A warning-level fault leaves the figure in ``figures`` as written.
3. A row whose region is refused (typo, duplicate) gives no figures. A duplicate region refuses both rows
   (the importer cannot choose) and is reported once, on the second row's region cell.
4. A sheet whose period is refused (``period_conflict``) gives no figures; its cell faults are still listed,
   so that all faults come out in one run.
5. 合计/小计 rows of figures are checks, never regions; a column with a refused cell or row is not checked
   against its total. The 合计 row of a target table *is* the parent's own target.
6. A sheet name that is only a year ("2025年") states the full year; a title or period line that says
   otherwise (截至6月30日) is a period conflict, refused, never resolved by choosing one of them.
7. A traditional-character spelling of a known region (高新區, 城關區總工會) is read as that region with a
   warning; a name one edit away from a known region (城官区) is refused with the suggestion.
8. A file whose content does not match its extension (a CSV named .xlsx, an HTML table saved as .xls) is
   read by its content, with a warning that names both. An encrypted file is refused as a whole.
9. A hidden sheet is not read; the importer says so (warning), naming the sheet.
10. A column or row the catalogue does not know (工会网站发稿, 篇) is refused (error): its numbers cannot be read.

Every name and number is fictional (示例数据). Regions: :data:`TEST_REGIONS` under :data:`TEST_CITY`;
use :func:`write_regions_csv` where an importer needs a regions table.

    from tests.returns import per_region_form
    ret = per_region_form(tmp_path, "青石县", year=2025, month=6, fmt="xls", faults=["negative_count"])
    ret.path, ret.period, ret.figures[0].key, ret.faults

:data:`CASES` names one build of every shape, file type and fault; ``tests/test_returns_corpus.py``
checks that what each case says it wrote is what is in its files.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import html
import io
import math
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

ROOT = Path(__file__).resolve().parents[1]
CATALOG_CSV = ROOT / "data" / "sample" / "indicators.csv"


# ----------------------------------------------------------------------------- catalogue, regions, periods

@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    unit: str
    kind: str
    theme: str
    direction: str
    numerator: str
    denominator: str
    aliases: tuple[str, ...]


def load_catalog(path: Path = CATALOG_CSV) -> dict[str, Indicator]:
    with open(path, encoding="utf-8", newline="") as f:
        return {row["id"]: Indicator(row["id"], row["name"], row["unit"], row["kind"], row["theme"], row["direction"],
                                     row["numerator"], row["denominator"],
                                     tuple(a for a in row["aliases"].split("|") if a))
                for row in csv.DictReader(f)}


CATALOG = load_catalog()
MONEY = "万元"
RATE = "%"


def is_count(ind: Indicator) -> bool:
    return ind.unit not in (MONEY, RATE)


@dataclass(frozen=True)
class Region:
    name: str
    union_name: str
    level: str
    group: str   # 县(市)区 or 产业工会


TEST_CITY = "示例市"
TEST_REGIONS = [
    Region("城关区", "城关区总工会", "区", "县(市)区"),
    Region("新华区", "新华区总工会", "区", "县(市)区"),
    Region("高新区", "高新区总工会", "区", "县(市)区"),
    Region("北塘区", "北塘区总工会", "区", "县(市)区"),
    Region("青石县", "青石县总工会", "县", "县(市)区"),
    Region("云溪县", "云溪县总工会", "县", "县(市)区"),
    Region("临江市", "临江市总工会", "县级市", "县(市)区"),
    Region("市教育工会", "示例市教育工会", "产业工会", "产业工会"),
    Region("市卫生工会", "示例市卫生工会", "产业工会", "产业工会"),
]
_KNOWN = {r.name: r for r in TEST_REGIONS}


def region_info(name: str, registry: Iterable[Region] = ()) -> Region:
    """The region called ``name`` (from ``registry``, then the test regions), or one made up from its name."""
    for r in registry:
        if r.name == name:
            return r
    if name in _KNOWN:
        return _KNOWN[name]
    if name.endswith("工会"):
        return Region(name, name, "产业工会", "产业工会")
    level = {"区": "区", "县": "县", "市": "县级市"}.get(name[-1], "区")
    return Region(name, f"{name}总工会", level, "县(市)区")


def write_regions_csv(folder: Path, regions: Sequence[Region] = TEST_REGIONS, parent: str = TEST_CITY,
                      prefix: str = "SL") -> Path:
    """A regions.csv in the format of data/sample (code,name,union_name,level,group,parent,order)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "regions.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "union_name", "level", "group", "parent", "order"])
        w.writerow([f"{prefix}00", parent, f"{parent}总工会", "市", "市", "", 0])
        for i, r in enumerate(regions, start=1):
            w.writerow([f"{prefix}{i:02d}", r.name, r.union_name, r.level, r.group, f"{prefix}00", i])
    return path


# One edit away from a known region (the typo fault) and traditional spellings (a warning, read as the region).
TYPOS = {"城关区": "城官区", "新华区": "新化区", "北塘区": "北唐区", "青石县": "青时县", "云溪县": "云西县",
         "临江市": "临姜市", "高新区": "高心区"}
TRADITIONAL = str.maketrans({"区": "區", "关": "關", "县": "縣", "云": "雲", "临": "臨", "华": "華", "总": "總",
                             "会": "會", "东": "東", "门": "門", "湾": "灣", "岭": "嶺", "苇": "葦", "鹤": "鶴",
                             "枫": "楓", "卫": "衛", "师": "師", "阳": "陽", "兴": "興", "宁": "寧", "丰": "豐",
                             "业": "業", "产": "產", "设": "設", "级": "級", "澜": "瀾", "岚": "嵐", "沧": "滄"})


@dataclass(frozen=True)
class Period:
    """A period as figures carry it: the year, and the date a mid-year figure runs to (None: the full year)."""

    year: int
    as_of: dt.date | None = None

    @classmethod
    def of(cls, year: int, month: int | None = None) -> "Period":
        if month is None or month == 12:
            return cls(year, None)
        return cls(year, dt.date(year, month, calendar.monthrange(year, month)[1]))

    @property
    def month(self) -> int | None:
        return self.as_of.month if self.as_of else None

    def previous(self) -> "Period":
        """The same period a year earlier (上年 / 上年同期)."""
        return Period.of(self.year - 1, self.month)


PERIOD_STYLES = ("截至", "1—6月", "1-6月", "上半年", "月份", "年度")


def period_words(p: Period, style: str = "截至") -> tuple[str, str]:
    """How a return writes its period: (the part in the title, the period line under it).

    Mid-year (as_of 2025-06-30): "截至" → ("2025年1—6月", "截至2025年6月30日"); "1—6月" → ("2025年1—6月",
    "2025年1—6月"); "1-6月" → ("2025年1-6月", "2025年1-6月"); "上半年" → ("2025年上半年", "2025年上半年");
    "月份" → ("2025年1—6月", "统计时段：1—6月"): the line has no year, the title has it.
    Full year: ("2024年度", "2024年度"), or with "截至" the line "截至2024年12月31日". All mean the same period.
    """
    if style not in PERIOD_STYLES:
        raise ValueError(f"unknown period style {style!r}; one of {PERIOD_STYLES}")
    y = p.year
    if p.as_of is None:
        return f"{y}年度", (f"截至{y}年12月31日" if style == "截至" else f"{y}年度")
    m, d = p.as_of.month, p.as_of.day
    if style == "上半年":
        if m != 6:
            raise ValueError("上半年 only for a period to 30 June")
        return f"{y}年上半年", f"{y}年上半年"
    if style == "1-6月":
        return f"{y}年1-{m}月", f"{y}年1-{m}月"
    if style == "月份":
        return f"{y}年1—{m}月", f"统计时段：1—{m}月"
    span = f"{y}年1—{m}月"
    return span, (f"截至{y}年{m}月{d}日" if style == "截至" else span)


# ----------------------------------------------------------------------------- the truth a builder returns

@dataclass
class Origin:
    """Where a figure or target was written, and how: ``written`` is the cell's content as stored in the
    file (a number, or the text shown), ``factor`` turns the number read from it into the catalogue unit."""

    file: str
    sheet: str | None
    row: int
    col: int
    written: Any = None
    factor: float = 1.0
    percent_format: bool = False

    @property
    def cell(self) -> str:
        return cell_name(self.row, self.col)


@dataclass
class Figure:
    region: str
    year: int
    as_of: dt.date | None
    indicator: str
    value: float
    approx: str | None = None
    origin: Origin | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> tuple:
        """The tidy figure: (region, year, as_of, indicator, value, approx)."""
        return (self.region, self.year, self.as_of, self.indicator, self.value, self.approx)


@dataclass
class Target:
    """A target. ``target_type``: absolute (a number to reach) or threshold (a level); ``bound``: for a
    threshold, "min" ("95%以上", "不低于90%") or "max" ("控制在120件以内"); None for absolute targets."""

    region: str
    year: int
    indicator: str
    target: float
    target_type: str
    issuer: str
    bound: str | None = None
    origin: Origin | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> tuple:
        return (self.region, self.year, self.indicator, self.target, self.target_type, self.issuer, self.bound)


@dataclass
class Fault:
    """What the importer must report. ``cell`` None: about the sheet (or, with ``sheet`` None, the file)."""

    file: str
    sheet: str | None
    cell: str | None
    reason: str
    level: str = "error"    # error: refused, not read; warning: read as written, and said
    code: str = ""


@dataclass
class Skipped:
    file: str
    sheet: str | None
    row: int
    text: str
    why: str


@dataclass
class Blank:
    file: str
    sheet: str | None
    cell: str
    text: str   # as written: "—", "X", "/" or "" (nothing)


@dataclass
class Return:
    shape: str              # form, form_workbook, consolidated, target_breakdown, target_list, targets_like_figures
    files: list[Path]
    fmt: str                # how it was written (see FORMATS)
    period: Period | None   # the return's own period (本期); None for target tables
    encoding: str | None = None
    figures: list[Figure] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    blanks: list[Blank] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)           # sheet names in file order ([] for CSV/HTML)
    hidden_sheets: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)             # what is special about these files, in words
    password: str | None = None

    @property
    def path(self) -> Path:
        return self.files[0]

    def tidy_figures(self) -> set[tuple]:
        return {f.key for f in self.figures}

    def tidy_targets(self) -> set[tuple]:
        return {t.key for t in self.targets}

    def errors(self) -> list[Fault]:
        return [f for f in self.faults if f.level == "error"]

    def warnings(self) -> list[Fault]:
        return [f for f in self.faults if f.level == "warning"]


# ----------------------------------------------------------------------------- values (deterministic, fictional)

# A county-sized union's level around 2020; each region gets a scale of 0.5–1.5 and a yearly growth.
BASE = {
    "new_unions": 45, "new_members": 2000, "members": 52000, "unionised_workers": 58000,
    "unionised_enterprises": 900, "enterprises": 1000, "homes": 300, "qualified_homes": 260, "women_orgs": 700,
    "cc_contracts": 550, "cc_enterprises": 900, "cc_workers": 36000, "wage_cb_enterprises": 800,
    "wcc_enterprises": 850, "open_affairs_enterprises": 820, "petitions": 150, "legal_aid_cases": 30,
    "hotline_calls": 600, "disputes_mediated": 45, "arrears_recovered": 220.0, "contest_units": 110,
    "contest_workers": 9000, "innovation_results": 60, "proposals": 1100, "innovation_studios": 12,
    "ankang_enterprises": 300, "honours": 3, "warmth_funds": 130.0, "visited_households": 1100,
    "hardship_files": 800, "aid_stations": 12, "townships": 14, "jinqiu_students": 200, "jinqiu_funds": 45.0,
    "trained": 2200, "reemployed": 380, "medical_mutual": 15000, "women_hardship_visited": 150,
    "women_hardship_funds": 22.0, "two_cancer_screening": 3600, "women_training": 22, "worker_libraries_new": 6,
    "worker_libraries": 60, "culture_events": 30, "dues_due": 1900.0, "dues_collected": 1700.0,
    "cadre_training": 600, "cadre_classes": 6,
}
STOCKS = {i.id for i in CATALOG.values() if i.kind == "stock"}


def _u(*parts: object) -> float:
    """A stable uniform number in [0, 1) from its parts (no random state: the same everywhere)."""
    return zlib.crc32("|".join(map(str, parts)).encode("utf-8")) / 2**32


def fake_value(region: str, indicator: str, period: Period) -> float | int:
    """A fictional, stable value for one figure: counts are ints, 万元 one decimal, rates two decimals."""
    ind = CATALOG[indicator]
    if ind.kind == "rate":
        return round(80 + 18 * _u(region, indicator, period.year, period.as_of), 2)
    base = BASE.get(indicator, 100)
    v = base * (0.5 + _u(region, indicator)) * (1.02 + 0.06 * (_u(region, indicator, "g") - 0.5)) ** (period.year - 2020)
    if period.as_of is not None:
        v *= 0.97 if indicator in STOCKS else 0.42 + 0.16 * _u(region, indicator, period.year, "h")
    if ind.unit == MONEY:
        return round(v, 1)
    return max(int(round(v)), 1)


def values_for(region: str, indicators: Sequence[str], period: Period,
               given: Mapping[tuple, float] | None = None) -> dict[str, float | int]:
    """The values of one region and period: ``given`` (keyed (region, indicator, year, as_of)) first, then
    fake ones. A rate whose numerator and denominator are both in ``indicators`` agrees with them (the
    denominator is raised where needed so that no rate passes 100%)."""
    given = given or {}
    key = lambda i: (region, i, period.year, period.as_of)  # noqa: E731
    out = {i: given[key(i)] if key(i) in given else fake_value(region, i, period) for i in indicators}
    dens = list(dict.fromkeys(CATALOG[i].denominator for i in indicators if CATALOG[i].denominator in out))
    for _ in dens:   # a denominator can be another rate's numerator (已建会企业): repeat until settled
        for den in dens:
            nums = [out[CATALOG[i].numerator] for i in indicators
                    if CATALOG[i].denominator == den and CATALOG[i].numerator in out]
            if nums and key(den) not in given:
                r = 0.82 + 0.16 * _u(region, den, period.year, period.as_of)
                out[den] = math.ceil(max(nums) / r)
    _rates_from_parts(out, indicators, region, period, given)
    return out


def _rates_from_parts(out: dict, indicators: Sequence[str], region: str, period: Period, given: Mapping) -> None:
    for i in indicators:
        ind = CATALOG[i]
        if ind.kind == "rate" and ind.numerator in out and ind.denominator in out and \
                (region, i, period.year, period.as_of) not in given and out[ind.denominator]:
            out[i] = round(out[ind.numerator] / out[ind.denominator] * 100, 2)


# ----------------------------------------------------------------------------- grids and the files they become

def cell_name(row: int, col: int) -> str:
    """1-based (row, col) → "E7"."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


@dataclass
class Sheet:
    """One sheet as rows of cells (None: empty), merged ranges (r1, c1, r2, c2; 1-based), number formats."""

    name: str
    rows: list[list] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    formats: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden: bool = False
    empty_rows: int = 0     # formatted empty rows after the table (they exist in the file, with borders)

    def add(self, *cells: Any) -> int:
        self.rows.append(list(cells))
        return len(self.rows)

    def put(self, row: int, col: int, value: Any, fmt: str | None = None) -> None:
        while len(self.rows) < row:
            self.rows.append([])
        line = self.rows[row - 1]
        while len(line) < col:
            line.append(None)
        line[col - 1] = value
        if fmt:
            self.formats[(row, col)] = fmt

    def at(self, row: int, col: int) -> Any:
        try:
            return self.rows[row - 1][col - 1]
        except IndexError:
            return None

    def merge(self, r1: int, c1: int, r2: int, c2: int) -> None:
        if (r1, c1) != (r2, c2):
            self.merges.append((r1, c1, r2, c2))

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def row_text(self, row: int) -> str:
        return " ".join(str(v) for v in self.rows[row - 1] if v not in (None, ""))


# fmt: the extension the file gets, and what its bytes are.
FORMATS = {
    "xlsx": (".xlsx", "xlsx"),
    "xls": (".xls", "xls"),            # BIFF8, written by xlwt
    "ods": (".ods", "ods"),            # written by odfpy
    "et": (".et", "xls"),              # WPS: BIFF8 bytes with an .et extension (what older WPS .et files hold)
    "et-xlsx": (".et", "xlsx"),        # WPS: OOXML bytes with an .et extension
    "csv": (".csv", "csv"),            # with ``encoding``: utf-8, utf-8-sig (BOM) or gb18030
    "csv-as-xlsx": (".xlsx", "csv"),   # a CSV file named .xlsx
    "html-as-xls": (".xls", "html"),   # a web system's "Excel export": an HTML table named .xls
    "encrypted-xlsx": (".xlsx", "encrypted"),  # an xlsx encrypted with a password (needs msoffcrypto-tool)
}
TEXT_CONTENT = {"csv", "html"}
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")
PASSWORD = "123456"


def content_of(fmt: str) -> str:
    return FORMATS[fmt][1]


def shown(value: Any, number_format: str | None = None) -> str:
    """What Excel shows (and writes to CSV) for a cell: numbers as formatted, dates as dates."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (dt.datetime, dt.date)):
        if number_format == "m月d日":
            return f"{value.month}月{value.day}日"
        return f"{value.year}/{value.month}/{value.day}"
    if number_format and "%" in number_format:
        places = len(number_format.split(".")[1].rstrip("%")) if "." in number_format else 0
        return f"{value * 100:.{places}f}%"
    if number_format and number_format.startswith("#,##0"):
        places = len(number_format.split(".")[1]) if "." in number_format else 0
        return f"{value:,.{places}f}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _write_xlsx(sheets: list[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Border, Side

    wb = Workbook()
    wb.remove(wb.active)
    thin = Border(bottom=Side(style="thin"))
    for sh in sheets:
        ws = wb.create_sheet(sh.name)
        for r, row in enumerate(sh.rows, start=1):
            for c, v in enumerate(row, start=1):
                if v is not None:
                    cell = ws.cell(r, c)
                    cell.value = v
                    if isinstance(v, str):
                        cell.data_type = "s"
        for (r, c), f in sh.formats.items():
            ws.cell(r, c).number_format = f
        for r1, c1, r2, c2 in sh.merges:
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
        for r in range(len(sh.rows) + 1, len(sh.rows) + sh.empty_rows + 1):
            for c in range(1, sh.width + 1):
                ws.cell(r, c).border = thin
        if sh.hidden:
            ws.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _write_xls(sheets: list[Sheet]) -> bytes:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    styles: dict[str, Any] = {}

    def style(fmt: str | None):
        key = fmt or ""
        if key not in styles:
            styles[key] = xlwt.easyxf(num_format_str=fmt) if fmt else xlwt.XFStyle()
        return styles[key]

    border = xlwt.easyxf("borders: bottom thin")
    for sh in sheets:
        ws = wb.add_sheet(sh.name, cell_overwrite_ok=True)
        for r1, c1, r2, c2 in sh.merges:
            ws.merge(r1 - 1, r2 - 1, c1 - 1, c2 - 1)
        for r, row in enumerate(sh.rows, start=1):
            for c, v in enumerate(row, start=1):
                if v is None:
                    continue
                fmt = sh.formats.get((r, c))
                if isinstance(v, (dt.date, dt.datetime)) and not fmt:
                    fmt = "yyyy/m/d"
                ws.write(r - 1, c - 1, v, style(fmt))
        for r in range(len(sh.rows), len(sh.rows) + sh.empty_rows):
            for c in range(sh.width):
                ws.write(r, c, None, border)
        if sh.hidden:
            ws.visibility = 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def ods_percent_style(doc):
    """A cell style of an odfpy document that shows its value as a percentage with two decimals (0.8525 → 85.25%)."""
    from odf.number import Number, PercentageStyle
    from odf.number import Text as NumberText
    from odf.style import Style

    pct = PercentageStyle(name="pct2")
    pct.addElement(Number(decimalplaces=2, minintegerdigits=1))
    pct.addElement(NumberText(text="%"))
    doc.automaticstyles.addElement(pct)
    pct_cell = Style(name="pctcell", family="table-cell", datastylename="pct2")
    doc.automaticstyles.addElement(pct_cell)
    return pct_cell


def _write_ods(sheets: list[Sheet]) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableProperties
    from odf.table import CoveredTableCell, Table, TableCell, TableColumn, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    hidden = Style(name="hiddentable", family="table")
    hidden.addElement(TableProperties(display=False))
    doc.automaticstyles.addElement(hidden)
    pct_cell = ods_percent_style(doc)

    for sh in sheets:
        table = Table(name=sh.name, stylename=hidden) if sh.hidden else Table(name=sh.name)
        width = max(sh.width, 1)
        table.addElement(TableColumn(numbercolumnsrepeated=width))
        spans = {(r1, c1): (r2 - r1 + 1, c2 - c1 + 1) for r1, c1, r2, c2 in sh.merges}
        covered = {(r, c) for r1, c1, r2, c2 in sh.merges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        covered -= set(spans)
        for r in range(1, len(sh.rows) + 1):
            tr = TableRow()
            for c in range(1, width + 1):
                if (r, c) in covered:
                    tr.addElement(CoveredTableCell())
                    continue
                v, fmt = sh.at(r, c), sh.formats.get((r, c))
                kw: dict[str, Any] = {}
                if (r, c) in spans:
                    kw["numberrowsspanned"], kw["numbercolumnsspanned"] = spans[(r, c)]
                if v is None:
                    tr.addElement(TableCell(**kw))
                    continue
                if isinstance(v, (dt.date, dt.datetime)):
                    cell = TableCell(valuetype="date", datevalue=v.strftime("%Y-%m-%d"), **kw)
                elif isinstance(v, (int, float)) and fmt and "%" in fmt:
                    cell = TableCell(valuetype="percentage", value=repr(v), stylename=pct_cell, **kw)
                elif isinstance(v, (int, float)):
                    cell = TableCell(valuetype="float", value=repr(v), **kw)
                else:
                    cell = TableCell(valuetype="string", **kw)
                cell.addElement(P(text=shown(v, fmt)))
                tr.addElement(cell)
            table.addElement(tr)
        if sh.empty_rows:
            tr = TableRow(numberrowsrepeated=sh.empty_rows)
            tr.addElement(TableCell(numbercolumnsrepeated=width))
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _text_grid(sh: Sheet) -> list[list[str]]:
    width = sh.width
    grid = [[shown(sh.at(r, c), sh.formats.get((r, c))) for c in range(1, width + 1)] for r in range(1, len(sh.rows) + 1)]
    return grid + [[""] * width for _ in range(sh.empty_rows)]


def _write_csv(sh: Sheet, encoding: str) -> bytes:
    """As Excel on Windows saves "CSV": shown values, CRLF, merged cells as their first cell."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(_text_grid(sh))
    return buf.getvalue().encode(encoding)


def _write_html(sh: Sheet, encoding: str) -> bytes:
    """A web system's "导出Excel": an HTML table with Excel's namespaces, saved with an .xls extension."""
    charset = "gb2312" if encoding == "gb18030" else "utf-8"
    spans = {(r1, c1): (r2 - r1 + 1, c2 - c1 + 1) for r1, c1, r2, c2 in sh.merges}
    covered = {(r, c) for r1, c1, r2, c2 in sh.merges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)} - set(spans)
    lines = ['<html xmlns:o="urn:schemas-microsoft-com:office:office" '
             'xmlns:x="urn:schemas-microsoft-com:office:excel" xmlns="http://www.w3.org/TR/REC-html40">',
             f'<head><meta http-equiv="Content-Type" content="text/html; charset={charset}">',
             f"<!--[if gte mso 9]><xml><x:ExcelWorkbook><x:ExcelWorksheets><x:ExcelWorksheet><x:Name>{html.escape(sh.name)}"
             "</x:Name></x:ExcelWorksheet></x:ExcelWorksheets></x:ExcelWorkbook></xml><![endif]--></head>",
             '<body><table border="1">']
    width = sh.width
    for r in range(1, len(sh.rows) + 1):
        tds = []
        for c in range(1, width + 1):
            if (r, c) in covered:
                continue
            attrs = ""
            if (r, c) in spans:
                rs, cs = spans[(r, c)]
                attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            tds.append(f"<td{attrs}>{html.escape(shown(sh.at(r, c), sh.formats.get((r, c))))}</td>")
        lines.append("<tr>" + "".join(tds) + "</tr>")
    lines.append("</table></body></html>")
    return "\n".join(lines).encode(encoding)


def _encrypt(data: bytes, password: str) -> bytes:
    """ECMA-376 agile encryption, as Excel's 用密码进行加密 writes it (an OLE file with EncryptionInfo and
    EncryptedPackage streams). 1,000 key-derivation rounds instead of Excel's 100,000, to stay fast; the
    file is as valid and opens in Excel and WPS with the password."""
    try:
        from msoffcrypto.method.ecma376_agile import ECMA376Agile
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("fmt='encrypted-xlsx' needs msoffcrypto-tool (pip install msoffcrypto-tool)") from e
    return ECMA376Agile.encrypt(password, io.BytesIO(data), spin_count=1000)


# ----------------------------------------------------------------------------- laying out, then saving

class _Book:
    """A workbook being laid out, and the truth about it; :func:`_save` writes it and fills in the file."""

    def __init__(self) -> None:
        self.sheets: list[Sheet] = []
        self.figures: list[Figure] = []
        self.targets: list[Target] = []
        self.skipped: list[Skipped] = []
        self.blanks: list[Blank] = []
        self.faults: list[Fault] = []
        self.notes: list[str] = []

    def sheet(self, name: str, hidden: bool = False) -> Sheet:
        sh = Sheet(name, hidden=hidden)
        self.sheets.append(sh)
        return sh

    def figure(self, sh: Sheet, r: int, c: int, region: str, period: Period, indicator: str, value: float,
               approx: str | None = None, factor: float = 1.0) -> None:
        origin = Origin("", sh.name, r, c, None, factor, "%" in (sh.formats.get((r, c)) or ""))
        self.figures.append(Figure(region, period.year, period.as_of, indicator, value, approx, origin))

    def target(self, sh: Sheet, r: int, c: int, region: str, year: int, indicator: str, target: float,
               target_type: str, issuer: str, bound: str | None = None) -> None:
        origin = Origin("", sh.name, r, c)
        self.targets.append(Target(region, year, indicator, target, target_type, issuer, bound, origin))

    def blank(self, sh: Sheet, r: int, c: int) -> None:
        self.blanks.append(Blank("", sh.name, cell_name(r, c), sh.at(r, c) or ""))

    def fault(self, sh: Sheet | None, r: int | None, c: int | None, reason: str, level: str = "error",
              code: str = "") -> None:
        cell = cell_name(r, c) if r and c else None
        self.faults.append(Fault("", sh.name if sh else None, cell, reason, level, code))

    def skip(self, sh: Sheet, r: int, why: str) -> None:
        self.skipped.append(Skipped("", sh.name, r, sh.row_text(r), why))

    def drop_figures(self, sh: Sheet, region: str | None = None) -> None:
        """Forget the figures (and blanks) of a refused sheet, or of one refused region in it."""
        self.figures = [f for f in self.figures
                        if not (f.origin.sheet == sh.name and (region is None or f.region == region))]
        if region is None:
            self.blanks = [b for b in self.blanks if b.sheet != sh.name]


def _save(book: _Book, folder: Path, file_name: str, fmt: str, *, shape: str, period: Period | None,
          encoding: str = "utf-8") -> Return:
    if fmt not in FORMATS:
        raise ValueError(f"unknown fmt {fmt!r}; one of {sorted(FORMATS)}")
    ext, content = FORMATS[fmt]
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r}; one of {ENCODINGS}")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (file_name if file_name.endswith(ext) else file_name + ext)
    text = content in TEXT_CONTENT
    if text and len(book.sheets) != 1:
        raise ValueError(f"fmt {fmt!r} holds one sheet; this return has {len(book.sheets)}")
    if text and any(f.code == "period_conflict" for f in book.faults):
        raise ValueError("a period conflict needs a sheet name; CSV and HTML have none")

    if content == "xlsx":
        data = _write_xlsx(book.sheets)
    elif content == "xls":
        data = _write_xls(book.sheets)
    elif content == "ods":
        data = _write_ods(book.sheets)
    elif content == "csv":
        data = _write_csv(book.sheets[0], encoding)
    elif content == "html":
        data = _write_html(book.sheets[0], encoding)
    else:
        data = _encrypt(_write_xlsx(book.sheets), PASSWORD)
    path.write_bytes(data)

    name = path.name
    sheets = {sh.name: sh for sh in book.sheets}
    for rec in [*book.figures, *book.targets]:
        sh = sheets[rec.origin.sheet]
        value, fmt_code = sh.at(rec.origin.row, rec.origin.col), sh.formats.get((rec.origin.row, rec.origin.col))
        rec.origin.file = name
        rec.origin.written = shown(value, fmt_code) if text else value
        if text and rec.origin.percent_format:
            rec.origin.factor /= 100
    for rec in [*book.figures, *book.targets, *book.skipped, *book.blanks]:
        o = rec.origin if hasattr(rec, "origin") else rec
        o.file = name
        if text:
            o.sheet = None
    for f in book.faults:
        f.file = name
        if text:
            f.sheet = None
    ret = Return(shape, [path], fmt, period, encoding if content in TEXT_CONTENT else None,
                 book.figures, book.targets, book.skipped, book.blanks, book.faults,
                 [] if text else [sh.name for sh in book.sheets],
                 [] if text else [sh.name for sh in book.sheets if sh.hidden], list(book.notes))
    if fmt == "csv-as-xlsx":
        ret.faults.append(Fault(name, None, None, "扩展名为 .xlsx，内容却是 CSV 文本：按 CSV 读取", "warning",
                                "content_mismatch"))
        ret.notes.append(f"CSV ({encoding}) named .xlsx")
    elif fmt == "html-as-xls":
        ret.faults.append(Fault(name, None, None, "扩展名为 .xls，内容却是网页表格（HTML）：按网页表格读取", "warning",
                                "content_mismatch"))
        ret.notes.append(f"an HTML table ({encoding}) named .xls, as web systems export it")
    elif fmt == "et":
        ret.notes.append("WPS .et: BIFF8 (.xls) bytes with an .et extension")
    elif fmt == "et-xlsx":
        ret.notes.append("WPS .et: OOXML (.xlsx) bytes with an .et extension")
    elif fmt == "encrypted-xlsx":
        ret.password = PASSWORD
        ret.figures, ret.targets, ret.blanks, ret.skipped = [], [], [], []
        ret.faults = [Fault(name, None, None, "文件已加密（设置了打开密码），无法读取：请报送单位取消密码后重新报送",
                            "error", "encrypted")]
        ret.notes.append(f"an xlsx encrypted with the password {PASSWORD!r} (ECMA-376 agile encryption)")
    for sh in book.sheets:
        if sh.hidden and not text and fmt != "encrypted-xlsx":
            ret.faults.append(Fault(name, sh.name, None, f"工作表“{sh.name}”是隐藏的，未读入；如需读入请取消隐藏",
                                    "warning", "hidden_sheet"))
    return ret


# ----------------------------------------------------------------------------- how a value is written

@dataclass
class _Written:
    content: Any
    value: float | int          # the true value in the catalogue's unit
    approx: str | None = None
    factor: float = 1.0
    number_format: str | None = None


def _plain(ind: Indicator, v: float, *, yuan: bool = False, rate_style: str = "number") -> _Written:
    if ind.unit == RATE:
        if rate_style == "text":
            return _Written(f"{v:.2f}%", v)
        if rate_style == "fraction":
            return _Written(round(v / 100, 6), v, factor=100.0, number_format="0.00%")
        return _Written(v, v)
    if ind.unit == MONEY and yuan:
        return _Written(int(round(v * 10000)), v, factor=1e-4)
    return _Written(v, v)


def _wan(v: int) -> _Written:
    """A count written in 万: "3.84万" (the value is rounded to hundreds so that it reads back exactly)."""
    v = int(round(v, -2))
    return _Written(f"{v / 10000:g}万", v)


def _yu(v: int) -> _Written:
    """An approximate count: "6万余" (60000, 余) or "1200余"."""
    if v >= 10000:
        v = v // 10000 * 10000
        return _Written(f"{v // 10000}万余", v, "余")
    v = max(v // 100 * 100, 100)
    return _Written(f"{v}余", v, "余")


def _jin(v: float) -> _Written:
    """An approximate amount written "近140" (近: nearly): the value is rounded up to a whole number."""
    v = int(math.ceil(v))
    return _Written(f"近{v}", v, "近")


def _grouped(v: int) -> _Written:
    """A count typed with thousands separators, right: "38,405"."""
    return _Written(f"{int(v):,}", int(v))


def _pick(slots: Sequence, used: set, pred: Callable[[Any], bool], best: Callable[[Any], float] | None = None):
    cands = [s for s in slots if s not in used and pred(s)]
    if not cands:
        return None
    s = max(cands, key=best) if best else cands[0]
    used.add(s)
    return s


def _need(slot, what: str):
    if slot is None:
        raise ValueError(f"no cell in this return can carry the fault {what!r}: add an indicator that can")
    return slot


# ----------------------------------------------------------------------------- faults

FAULTS = {
    # name: what is written, and what the importer must report (level)
    "rate_over_100": "a rate written 1000% (or 1000): error “超出 0–100%”, the cell is not read",
    "negative_count": "a count written -5: error “为负数”, not read",
    "date_in_value": "an Excel date cell (3月5日) in a value column: error “是日期，不是数字”, not read",
    "bad_thousands": "thousands separators in the wrong places, \"38,35\" and \"2,0,1\": error on each, not read",
    "change_disagrees": "(form) a stated 增减(%) that disagrees with 本期/上年: warning on the 增减 cell, figures read",
    "rate_disagrees": "a stated rate 5 points off its numerator/denominator: warning, the stated rate is read",
    "unknown_indicator": "an indicator outside the catalogue, 工会网站发稿 (篇): error on its label, row/column not read",
    "period_conflict": "sheet named \"2025年\" (a full year) whose period line says 截至6月30日: error, sheet not read",
    "region_typo": "a region one edit away from a known one (城官区 for 城关区): error with the suggestion, not read",
    "region_traditional": "a region in traditional characters (高新區, 城關區總工會): warning, read as the region",
    "duplicate_region": "(sheet) one region on two rows with different numbers: error on the second, neither read",
    "total_mismatch": "(sheet) a 合计 cell 3 off the sum of the regions: error on that cell",
}
FORM_FAULTS = ("rate_over_100", "negative_count", "date_in_value", "bad_thousands", "change_disagrees",
               "rate_disagrees", "unknown_indicator", "period_conflict", "region_typo", "region_traditional")
SHEET_FAULTS = ("rate_over_100", "negative_count", "date_in_value", "bad_thousands", "rate_disagrees",
                "unknown_indicator", "period_conflict", "region_typo", "region_traditional", "duplicate_region",
                "total_mismatch")
UNKNOWN_INDICATOR = ("工会网站发稿", "篇")


def _check_faults(faults: Iterable[str], allowed: Sequence[str]) -> set[str]:
    faults = set(faults)
    bad = faults - set(allowed)
    if bad:
        raise ValueError(f"unknown fault(s) {sorted(bad)} here; one of {list(allowed)}")
    return faults


# ----------------------------------------------------------------------------- 1. the per-region form (纵表)

FORM_INDICATORS = ("new_unions", "new_members", "members", "unionised_workers", "membership_rate",
                   "cc_contracts", "cc_workers", "wage_cb_enterprises", "unionised_enterprises", "wage_cb_rate",
                   "contest_units", "contest_workers", "innovation_studios", "warmth_funds", "visited_households",
                   "jinqiu_funds", "aid_stations", "two_cancer_screening", "worker_libraries_new", "cadre_training")
CHINESE_NUMERALS = "一二三四五六七八九十"


@dataclass
class FormStyle:
    """The switches of a per-region form; the defaults are a typical mid-year form from a 县总.

    title            "2025年1—6月基层工会工作统计表（示例数据）" / "2024年度工会工作主要指标完成情况表（示例数据）"
    unit_line        a line 填报单位：青石县总工会 (False: the region is only in the file name)
    period_style     how the period is written: 截至 (截至2025年6月30日) | 1—6月 | 1-6月 | 上半年 | 年度 |
                     月份 (the line says "统计时段：1—6月", the year is only in the title)
    period_line      the period on its own line under the title (False: only in the title)
    code_column      a 代码 column ("01", "02" … as text)
    two_row_header   序号/指标名称/计量单位 merged over two rows, "完成情况" merged over 本期/上年同期/增减(%)
    column_numbers   a row of column numbers under the header: 甲 乙 丙 (丁) 1 2 3
    current_label    本期 (mid-year) / 本年 (full year) by default; also 本期数, 本年累计
    previous_label   上年同期 / 上年 by default; also 上年同期数
    change_column    an 增减(%) column (a check, never a figure; "—" for rates, approximations and blanks)
    sections         section rows 一、组织建设 … (theme of the catalogue) with no numbers
    aliases          name every row by its first alias instead of the catalogue name
    labels           {indicator: label} to name single rows (overrides aliases)
    unit_in_name     money rows named "送温暖资金（万元）" with the 计量单位 cell empty
    yuan             money rows in 元 (计量单位 元; values ×10000); figures are still in 万元
    rate_style       number (85.25, unit %) | text ("85.25%") | fraction (0.8525 formatted 0.00%)
    text_numbers     one count "3.84万", one "6万余" (余), one amount "近140" (近)
    thousands        one count typed "38,405" (right separators)
    placeholders     "X" in one 本期 cell, "/" in one 上年 cell, "—" in both cells of a row
    signatures       填表人/审核人/单位负责人 and 联系电话/报送日期 rows under the table
    notes            填报说明：… and 注：… rows under the table
    trailing_empty_rows   formatted empty rows after everything
    sheet_name       "Sheet1" by default ("2025年" is a period statement: see the period_conflict fault)
    """

    title: bool = True
    unit_line: bool = True
    period_style: str = "截至"
    period_line: bool = True
    code_column: bool = False
    two_row_header: bool = False
    column_numbers: bool = False
    current_label: str | None = None
    previous_label: str | None = None
    change_column: bool = True
    sections: bool = True
    aliases: bool = False
    labels: Mapping[str, str] = field(default_factory=dict)
    unit_in_name: bool = False
    yuan: bool = False
    rate_style: str = "text"
    text_numbers: bool = True
    thousands: bool = False
    placeholders: bool = True
    signatures: bool = True
    notes: bool = True
    trailing_empty_rows: int = 0
    sheet_name: str = "Sheet1"


def by_theme(indicators: Sequence[str]) -> list[str]:
    """The indicators grouped by theme (themes in order of first appearance), as forms and headers group them."""
    themes = list(dict.fromkeys(CATALOG[i].theme for i in indicators))
    return sorted(indicators, key=lambda i: themes.index(CATALOG[i].theme))


def _label(ind: Indicator, st) -> str:
    if ind.id in st.labels:
        return st.labels[ind.id]
    if st.aliases and ind.aliases:
        return ind.aliases[0]
    return ind.name


def _form_sheet(book: _Book, region: str, cur: Period, indicators: Sequence[str], values: Mapping | None,
                st: FormStyle, faults: set[str], *, sheet_name: str | None = None, registry: Sequence[Region] = ()
                ) -> Sheet:
    """Lay out one form (one region, 本期 and 上年同期) on a new sheet of ``book``."""
    info = region_info(region, registry)
    prev = cur.previous()
    indicators = by_theme(indicators)
    inds = [CATALOG[i] for i in indicators]
    vc = values_for(region, indicators, cur, values)
    vp = values_for(region, indicators, prev, values)
    name = sheet_name or st.sheet_name
    if "period_conflict" in faults:
        if cur.as_of is None:
            raise ValueError("period_conflict needs a mid-year form (month=6)")
        name = f"{cur.year}年"
    sh = book.sheet(name)

    # --- roles: which row shows which real-world detail (one role per row, stable order)
    ids = [i.id for i in inds]
    parts = {CATALOG[i].numerator for i in ids} | {CATALOG[i].denominator for i in ids}
    used: set = set()
    count = lambda i: is_count(CATALOG[i])  # noqa: E731
    rate = lambda i: CATALOG[i].kind == "rate"  # noqa: E731
    role: dict[str, str] = {}
    if "rate_disagrees" in faults:
        role[_need(_pick(ids, used, lambda i: rate(i) and CATALOG[i].numerator in ids
                         and CATALOG[i].denominator in ids), "rate_disagrees")] = "rate_disagrees"
    if "rate_over_100" in faults:
        role[_need(_pick(ids, used, rate), "rate_over_100")] = "rate_over_100"
    for f in ("negative_count", "date_in_value", "change_disagrees"):
        if f in faults:
            role[_need(_pick(ids, used, lambda i: count(i) and i not in parts and vp[i] > 0), f)] = f
    if "bad_thousands" in faults:
        role[_need(_pick(ids, used, lambda i: count(i) and i not in parts), "bad_thousands")] = "bad_thousands_a"
        role[_need(_pick(ids, used, lambda i: count(i) and i not in parts), "bad_thousands")] = "bad_thousands_b"
    if st.text_numbers:
        for r, pred, best in (
                ("wan", lambda i: CATALOG[i].unit in ("人", "人次") and vc[i] >= 10000, lambda i: vc[i]),
                ("yu", lambda i: count(i) and vc[i] >= 1000 and i not in parts, None),
                ("jin", (lambda i: count(i) and vc[i] >= 100 and i not in parts) if st.yuan
                 else (lambda i: CATALOG[i].unit == MONEY), None)):
            s = _pick(ids, used, pred, best)
            if s:
                role[s] = r
    if st.thousands:
        s = _pick(ids, used, lambda i: count(i) and vc[i] >= 1000)
        if s:
            role[s] = "thousands"
    if st.placeholders:
        for r in ("blank_cur", "blank_prev", "blank_both"):
            s = _pick(list(reversed(ids)), used, lambda i: not rate(i) and i not in parts)
            if s:
                role[s] = r

    # --- what each cell says (values adjusted by their role, then rates recomputed from the parts)
    cur_w: dict[str, _Written | None] = {}
    prev_w: dict[str, _Written | None] = {}
    for ind in inds:
        i, r = ind.id, role.get(ind.id)
        if r == "wan":
            cur_w[i] = _wan(vc[i])
        elif r == "yu":
            cur_w[i] = _yu(vc[i])
        elif r == "jin":
            cur_w[i] = _jin(vc[i])
        elif r == "thousands":
            cur_w[i] = _grouped(vc[i])
        if i in cur_w:
            vc[i] = cur_w[i].value
    _rates_from_parts(vc, ids, region, cur, values or {})
    _rates_from_parts(vp, ids, region, prev, values or {})
    for ind in inds:
        i = ind.id
        cur_w.setdefault(i, _plain(ind, vc[i], yuan=st.yuan, rate_style=st.rate_style))
        prev_w[i] = _plain(ind, vp[i], yuan=st.yuan, rate_style=st.rate_style)

    # --- columns
    cols = ["序号", "指标名称", "计量单位"] + (["代码"] if st.code_column else [])
    c_cur = len(cols) + 1
    c_prev = c_cur + 1
    c_chg = c_prev + 1 if st.change_column else None
    width = c_chg or c_prev
    if "change_disagrees" in faults and not c_chg:
        raise ValueError("change_disagrees needs the 增减(%) column: change_column=True")
    mid = cur.as_of is not None
    cur_label = st.current_label or ("本期" if mid else "本年")
    prev_label = st.previous_label or ("上年同期" if mid else "上年")
    title_period, line_period = period_words(cur, st.period_style)
    if st.period_style == "月份" and not st.title:
        raise ValueError("period_style 月份 leaves the year to the title: title=True")

    # --- head: title, 填报单位, period line
    if "period_conflict" in faults:
        r = sh.add("基层工会工作统计表（示例数据）")
        sh.merge(r, 1, r, width)
        r = sh.add(f"截至{cur.as_of.month}月{cur.as_of.day}日")
        sh.merge(r, 1, r, width)
        book.fault(sh, r, 1, f"工作表名“{name}”表示全年，表内却写“{sh.at(r, 1)}”：期别矛盾，本表不读入", "error",
                   "period_conflict")
    else:
        if st.title:
            words = "基层工会工作统计表" if mid else "工会工作主要指标完成情况表"
            r = sh.add(f"{title_period}{words}（示例数据）")
            sh.merge(r, 1, r, width)
        if st.period_line or not st.title:
            r = sh.add(line_period)
            sh.merge(r, 1, r, width)
    refused_region = False
    if st.unit_line:
        union = info.union_name
        if "region_typo" in faults:
            if region not in TYPOS:
                raise ValueError(f"no typo known for {region!r}; one of {sorted(TYPOS)}")
            union = union.replace(region, TYPOS[region])
        if "region_traditional" in faults:
            union = union.translate(TRADITIONAL)
            if union == info.union_name:
                raise ValueError(f"{region!r} has no traditional spelling in TRADITIONAL")
        r = sh.add(f"填报单位：{union}")
        sh.merge(r, 1, r, 3)
        if "region_typo" in faults:
            book.fault(sh, r, 1, f"填报单位“{union}”不在地区表中：是否为“{info.union_name}”？本表不读入", "error",
                       "region_typo")
            refused_region = True
        elif "region_traditional" in faults:
            book.fault(sh, r, 1, f"填报单位“{union}”是繁体写法，按“{info.union_name}”读入", "warning",
                       "region_traditional")
    elif "region_typo" in faults or "region_traditional" in faults:
        raise ValueError("region faults are written in the 填报单位 line: unit_line=True")

    # --- header
    if st.two_row_header:
        h1 = sh.add(*cols, "完成情况", None, *([None] if c_chg else []))
        h2 = sh.add(*([None] * len(cols)), cur_label, prev_label, *(["增减(%)"] if c_chg else []))
        for c in range(1, len(cols) + 1):
            sh.merge(h1, c, h2, c)
        sh.merge(h1, c_cur, h1, width)
    else:
        sh.add(*cols, cur_label, prev_label, *(["增减(%)"] if c_chg else []))
    if st.column_numbers:
        r = sh.add(*"甲乙丙丁"[: len(cols)], *range(1, width - len(cols) + 1))
        book.skip(sh, r, "栏次行")

    # --- rows
    theme, n_theme, seq = None, 0, 0
    for ind in inds:
        i = ind.id
        if st.sections and ind.theme != theme:
            theme = ind.theme
            r = sh.add(None, f"{CHINESE_NUMERALS[n_theme]}、{theme}")
            n_theme += 1
            book.skip(sh, r, "分组行")
        seq += 1
        label = _label(ind, st)
        unit = ind.unit
        if ind.unit == MONEY and st.yuan:
            unit = "元"
        if ind.unit == MONEY and st.unit_in_name:
            label, unit = f"{label}（{unit}）", None
        r = sh.add(seq, label, unit, *([f"{seq:02d}"] if st.code_column else []))
        rl = role.get(i)
        wc, wp = cur_w[i], prev_w[i]
        chg = "—"
        # 本期
        if rl in ("blank_cur", "blank_both"):
            sh.put(r, c_cur, "X" if rl == "blank_cur" else "—")
            book.blank(sh, r, c_cur)
        elif rl == "rate_over_100":
            sh.put(r, c_cur, "1000%" if st.rate_style == "text" else 1000)
            book.fault(sh, r, c_cur, f"“{label}”为 1000%，超出 0–100%", "error", "rate_over_100")
        elif rl == "negative_count":
            sh.put(r, c_cur, -5)
            book.fault(sh, r, c_cur, f"“{label}”为负数（-5）", "error", "negative_count")
        elif rl == "date_in_value":
            sh.put(r, c_cur, dt.datetime(cur.year, 3, 5), "m月d日")
            book.fault(sh, r, c_cur, f"“{label}”一格是日期（3月5日），不是数字", "error", "date_in_value")
        elif rl == "bad_thousands_a":
            sh.put(r, c_cur, "38,35")
            book.fault(sh, r, c_cur, "“38,35”的千分位逗号位置不对，看不出是 3835 还是 38.35", "error", "bad_thousands")
        else:
            content = wc.content
            if rl == "rate_disagrees":
                stated = round(vc[i] + 5, 2) if vc[i] <= 95 else round(vc[i] - 5, 2)
                wc = _plain(ind, stated, rate_style=st.rate_style)
                content = wc.content
                book.fault(sh, r, c_cur, f"“{label}”填报 {stated}%，按分子分母计算为 {vc[i]:.2f}%", "warning",
                           "rate_disagrees")
            sh.put(r, c_cur, content, wc.number_format)
            book.figure(sh, r, c_cur, region, cur, i, wc.value, wc.approx, wc.factor)
        # 上年同期
        if rl in ("blank_prev", "blank_both"):
            sh.put(r, c_prev, "/" if rl == "blank_prev" else "—")
            book.blank(sh, r, c_prev)
        elif rl == "bad_thousands_b":
            sh.put(r, c_prev, "2,0,1")
            book.fault(sh, r, c_prev, "“2,0,1”的千分位逗号位置不对", "error", "bad_thousands")
        else:
            sh.put(r, c_prev, wp.content, wp.number_format)
            book.figure(sh, r, c_prev, region, prev, i, wp.value, wp.approx, wp.factor)
        # 增减(%)
        if c_chg:
            # computed where both cells hold exact numbers (not for rates: they change by 百分点)
            if rl in (None, "change_disagrees", "thousands", "wan") and ind.kind != "rate" and vp[i]:
                chg = round((vc[i] - vp[i]) / vp[i] * 100, 2)
            if rl == "change_disagrees":
                right = chg
                chg = round(right + 7.3, 2)
                book.fault(sh, r, c_chg, f"增减(%)填 {chg}，按{cur_label} {vc[i]} 与{prev_label} {vp[i]} 计算为 {right}",
                           "warning", "change_disagrees")
            sh.put(r, c_chg, chg)
    if "unknown_indicator" in faults:
        seq += 1
        r = sh.add(seq, UNKNOWN_INDICATOR[0], UNKNOWN_INDICATOR[1], *([f"{seq:02d}"] if st.code_column else []), 35, 28)
        if c_chg:
            sh.put(r, c_chg, 25.0)
        book.fault(sh, r, 2, f"“{UNKNOWN_INDICATOR[0]}”（{UNKNOWN_INDICATOR[1]}）不在指标目录中，这一行的数字不能读入",
                   "error", "unknown_indicator")

    # --- foot
    if st.signatures:
        sh.add()
        r = sh.add("填表人：王某某", None, "审核人：李某", None, "单位负责人：赵某某")
        book.skip(sh, r, "签名")
        sent = (cur.as_of + dt.timedelta(days=5)) if cur.as_of else dt.date(cur.year + 1, 1, 10)
        r = sh.add("联系电话：0000-0000000", None, None, None, f"报送日期：{sent.year}年{sent.month}月{sent.day}日")
        book.skip(sh, r, "签名")
    if st.notes:
        upto = f"{cur.as_of.month}月{cur.as_of.day}日" if cur.as_of else "12月31日"
        r = sh.add(f"填报说明：1.本表统计截至{upto}的累计数；2.比率保留两位小数；3.无此项的填“X”。")
        sh.merge(r, 1, r, width)
        book.skip(sh, r, "填报说明")
        r = sh.add("注：“—”表示未统计，“/”表示上年无此项。本表为示例数据。")
        sh.merge(r, 1, r, width)
        book.skip(sh, r, "注")
    sh.empty_rows = st.trailing_empty_rows
    if refused_region:
        book.drop_figures(sh)
    if "period_conflict" in faults:
        book.drop_figures(sh)
    return sh


def _style(cls, style: Mapping[str, Any]):
    unknown = set(style) - set(cls.__dataclass_fields__)
    if unknown:
        raise TypeError(f"unknown switch(es) {sorted(unknown)}; see {cls.__name__}")
    return cls(**style)


def _file_stem(region: str, p: Period) -> str:
    return f"{region}{p.year}年{'1-' + str(p.month) + '月' if p.as_of else '度'}工会工作统计表"


def per_region_form(folder: Path, region: str = "青石县", *, year: int = 2025, month: int | None = 6,
                    indicators: Sequence[str] = FORM_INDICATORS, values: Mapping[tuple, float] | None = None,
                    fmt: str = "xlsx", encoding: str = "utf-8", file_name: str | None = None,
                    faults: Iterable[str] = (), hidden_sheet: bool = False, registry: Sequence[Region] = (),
                    **style: Any) -> Return:
    """One 县区's form (纵表) for one period: title, 填报单位, period, 序号|指标名称|计量单位|(代码)|本期|上年同期|增减(%),
    section rows, indicator rows, signatures and notes — see :class:`FormStyle` for every switch.

    Figures: the region's 本期 (``year``, to the end of ``month``; ``month=None``: the full year) and
    上年同期 (the same period a year earlier), in the catalogue's units. ``faults``: names from
    :data:`FORM_FAULTS` (see :data:`FAULTS` for what each writes and must produce). ``hidden_sheet`` adds a
    hidden "Sheet2" holding an older draft of the same form (warning: not read). File name: the region and
    period ("青石县2025年1-6月工会工作统计表.xlsx") unless ``file_name`` is given.
    """
    faults = _check_faults(faults, FORM_FAULTS)
    st = _style(FormStyle, style)
    cur = Period.of(year, month)
    book = _Book()
    _form_sheet(book, region, cur, indicators, values, st, faults, registry=registry)
    if hidden_sheet:
        _hidden_draft(book, region, cur, indicators)
    if not st.unit_line:
        book.notes.append("no 填报单位 line: the region is only in the file name")
    return _save(book, folder, file_name or _file_stem(region, cur), fmt, shape="form", period=cur,
                 encoding=encoding)


def _hidden_draft(book: _Book, region: str, cur: Period, indicators: Sequence[str]) -> None:
    """A hidden sheet with an older draft: different numbers that must not be read."""
    sh = book.sheet("Sheet2", hidden=True)
    sh.add("草稿（旧数，勿用）")
    sh.add("指标名称", "本期")
    for i in indicators[:5]:
        sh.add(CATALOG[i].name, fake_value(region + "草稿", i, cur))


def form_workbook(folder: Path, regions: Sequence[str] = ("青石县", "云溪县", "北塘区"), *, year: int = 2025,
                  month: int | None = 6, indicators: Sequence[str] = FORM_INDICATORS,
                  values: Mapping[tuple, float] | None = None, fmt: str = "xlsx", file_name: str | None = None,
                  **style: Any) -> Return:
    """Several regions' forms in one workbook, one sheet per region named after it (as a 市总 collects
    them by copying each county's sheet in), each with its own 填报单位 line. Same switches as the form."""
    st = _style(FormStyle, style)
    cur = Period.of(year, month)
    book = _Book()
    for region in regions:
        _form_sheet(book, region, cur, indicators, values, st, set(), sheet_name=region)
    stem = file_name or f"各县区{cur.year}年{'1-' + str(cur.month) + '月' if cur.as_of else '度'}统计表汇总"
    return _save(book, folder, stem, fmt, shape="form_workbook", period=cur)


# ----------------------------------------------------------------------------- 2. the consolidated sheet (横表)

SHEET_INDICATORS = ("new_unions", "new_members", "members", "unionised_workers", "membership_rate",
                    "cc_contracts", "cc_workers", "warmth_funds", "visited_households", "jinqiu_funds",
                    "two_cancer_screening")


@dataclass
class SheetStyle:
    """The switches of a consolidated sheet; the defaults are the 市总's own collection, as it looks.

    title            "示例市2025年1—6月各县(市)区工会工作统计表（示例数据）"
    issuer_line      a line 填报单位：示例市总工会 (with 金额单位 on its right when amount_unit_line)
    amount_unit      the unit of money columns: 万元 (the catalogue's) or 元 (values ×10000)
    amount_unit_line a line 金额单位：万元/元; money headers then carry no unit
    units_in_header  "新建基层工会(家)", "入会率(%)"; False: bare names (units from the catalogue)
    two_row_header   theme groups (组织建设 …) merged over their indicators, 序号/单位 merged over two rows
    column_numbers   a row 甲 乙 1 2 3 … under the header
    numbering        a 序号 column
    region_label     the header of the region column: 单位, 地区, 县(市)区 …
    region_style     name (青石县) | union_name (青石县总工会) | spaced (three-character names as "青 石 县")
    total            where the 合计 row is: bottom | top | None
    subtotals        一、县(市)区 … 县(市)区小计, 二、产业工会 … 产业工会小计 (when both groups are present)
    rate_style       number | text ("85.25%") | fraction (0.8525 formatted 0.00%) | mixed (text and number rows)
    text_numbers     one cell "3.84万", one "6万余", one amount "近140"
    thousands        one count typed "38,405"
    grouped_numbers  person counts stored as numbers formatted #,##0 (a CSV then shows "38,405")
    placeholders     "X", "—", "/" and one empty cell among the values
    footnotes        填报说明：…, 注：…, 制表：… 联系电话：… rows under the table
    trailing_empty_rows   formatted empty rows after everything
    """

    title: bool = True
    issuer_line: bool = True
    amount_unit: str = "万元"
    amount_unit_line: bool = True
    units_in_header: bool = True
    two_row_header: bool = True
    column_numbers: bool = False
    numbering: bool = True
    region_label: str = "单位"
    region_style: str = "name"
    total: str | None = "bottom"
    subtotals: bool = False
    rate_style: str = "mixed"
    text_numbers: bool = True
    thousands: bool = False
    grouped_numbers: bool = False
    placeholders: bool = True
    footnotes: bool = True
    trailing_empty_rows: int = 0
    labels: Mapping[str, str] = field(default_factory=dict)
    aliases: bool = False


def _region_cell(info: Region, style: str) -> str:
    if style == "union_name":
        return info.union_name
    if style == "spaced" and len(info.name) == 3:
        return " ".join(info.name)
    return info.name


def _sheet_title_period(p: Period) -> str:
    return period_words(p, "1—6月" if p.as_of else "年度")[0]


def _consolidated(book: _Book, sh: Sheet, regions: Sequence[Region], p: Period, indicators: Sequence[str],
                  values: Mapping | None, st: SheetStyle, faults: set[str], parent: str) -> None:
    indicators = by_theme(indicators)
    inds = [CATALOG[i] for i in indicators]
    ids = list(indicators)
    names = [r.name for r in regions]
    vals = {r.name: values_for(r.name, ids, p, values) for r in regions}
    extra = "unknown_indicator" in faults
    c0 = 2 if st.numbering else 1          # the region column
    cols = {i: c0 + k + 1 for k, i in enumerate(ids)}
    width = c0 + len(ids) + (1 if extra else 0)

    # --- roles on cells (region, indicator) and rows
    used: set = set()
    row_role: dict[str, str] = {}
    if "region_typo" in faults:
        row_role[_need(next((n for n in names if n in TYPOS), None), "region_typo")] = "typo"
    if "region_traditional" in faults:
        prefer = sorted(names, key=lambda n: n != "高新区")   # 高新區: the form shows 城關區
        row_role[_need(next((n for n in prefer if n not in row_role and n.translate(TRADITIONAL) != n), None),
                       "region_traditional")] = "traditional"
    if "duplicate_region" in faults:
        row_role[_need(next((n for n in names if n not in row_role), None), "duplicate_region")] = "duplicate"
    slots = [(n, i) for n in names if n not in row_role for i in ids]
    role: dict[tuple, str] = {}
    parts = {CATALOG[i].numerator for i in ids} | {CATALOG[i].denominator for i in ids}
    count = lambda s: is_count(CATALOG[s[1]])  # noqa: E731
    rate = lambda s: CATALOG[s[1]].kind == "rate"  # noqa: E731
    free_count = lambda s: count(s) and s[1] not in parts  # noqa: E731
    if "rate_disagrees" in faults:
        role[_need(_pick(slots, used, lambda s: rate(s) and CATALOG[s[1]].numerator in ids
                         and CATALOG[s[1]].denominator in ids), "rate_disagrees")] = "rate_disagrees"
    if "rate_over_100" in faults:
        role[_need(_pick(slots, used, rate), "rate_over_100")] = "rate_over_100"
    for f in ("negative_count", "date_in_value"):
        if f in faults:
            role[_need(_pick(slots, used, free_count), f)] = f
    if "bad_thousands" in faults:
        role[_need(_pick(slots, used, free_count), "bad_thousands")] = "bad_thousands_a"
        role[_need(_pick(slots, used, free_count), "bad_thousands")] = "bad_thousands_b"
    if st.text_numbers:
        for r, pred, best in (
                ("wan", lambda s: CATALOG[s[1]].unit in ("人", "人次") and vals[s[0]][s[1]] >= 10000,
                 lambda s: vals[s[0]][s[1]]),
                ("yu", lambda s: free_count(s) and vals[s[0]][s[1]] >= 1000, None),
                ("jin", lambda s: CATALOG[s[1]].unit == MONEY and st.amount_unit == "万元", None)):
            s = _pick(slots, used, pred, best)
            if s:
                role[s] = r
    if st.thousands:
        s = _pick(slots, used, lambda s: count(s) and vals[s[0]][s[1]] >= 1000)
        if s:
            role[s] = "thousands"
    if st.placeholders:   # on different regions and indicators, from the bottom right
        taken: set = set()
        for r in ("X", "—", "/", ""):
            s = _pick(list(reversed(slots)), used, lambda s: not rate(s) and s[1] not in parts
                      and s[0] not in taken and s[1] not in taken)
            if s:
                role[s] = r
                taken |= set(s)
    written: dict[tuple, _Written] = {}
    for s, r in role.items():
        n, i = s
        w = {"wan": _wan, "yu": _yu, "jin": _jin, "thousands": _grouped}.get(r)
        if w:
            written[s] = w(vals[n][i])
            vals[n][i] = written[s].value
    for n in names:
        _rates_from_parts(vals[n], ids, n, p, values or {})
    if "total_mismatch" in faults:
        mismatch_col = _need(next((i for i in ids if is_count(CATALOG[i]) and
                                   not any(s[1] == i for s in role)), None), "total_mismatch")
        if st.total is None:
            raise ValueError("total_mismatch needs a total row")

    def money_factor(ind: Indicator) -> float:
        return 1e-4 if ind.unit == MONEY and st.amount_unit == "元" else 1.0

    def header(ind: Indicator) -> str:
        label = _label(ind, st)
        if ind.unit == MONEY:
            return label if st.amount_unit_line else f"{label}({st.amount_unit})"
        return f"{label}({ind.unit})" if st.units_in_header else label

    # --- head
    if st.title:
        r = sh.add(f"{parent}{_sheet_title_period(p)}各县(市)区工会工作统计表（示例数据）")
        sh.merge(r, 1, r, width)
    if "period_conflict" in faults:
        r = sh.add(f"截至{p.as_of.month}月{p.as_of.day}日")
        book.fault(sh, r, 1, f"工作表名“{sh.name}”表示全年，表内却写“{sh.at(r, 1)}”：期别矛盾，本表不读入", "error",
                   "period_conflict")
    if st.issuer_line or st.amount_unit_line:
        r = sh.add(f"填报单位：{parent}总工会" if st.issuer_line else None)
        if st.amount_unit_line:
            sh.put(r, width, f"金额单位：{st.amount_unit}")
    lead = (["序号"] if st.numbering else []) + [st.region_label]
    heads = [header(ind) for ind in inds] + ([f"{UNKNOWN_INDICATOR[0]}({UNKNOWN_INDICATOR[1]})"] if extra else [])
    if st.two_row_header:
        h1 = sh.add(*lead)
        h2 = sh.add(*([None] * len(lead)), *heads)
        for c in range(1, len(lead) + 1):
            sh.merge(h1, c, h2, c)
        k = 0
        while k < len(inds):
            theme = inds[k].theme
            j = k
            while j + 1 < len(inds) and inds[j + 1].theme == theme:
                j += 1
            sh.put(h1, cols[inds[k].id], theme)
            sh.merge(h1, cols[inds[k].id], h1, cols[inds[j].id])
            k = j + 1
        if extra:
            sh.put(h1, width, "其他")
        head_row = h2
    else:
        head_row = sh.add(*lead, *heads)
    if extra:
        book.fault(sh, head_row, width, f"表头“{sh.at(head_row, width)}”不在指标目录中，这一列的数字不能读入",
                   "error", "unknown_indicator")
    if st.column_numbers:
        r = sh.add(*(["甲", "乙"] if st.numbering else ["甲"]), *range(1, width - c0 + 1))
        book.skip(sh, r, "栏次行")

    # --- body
    groups = [("县(市)区", [r for r in regions if r.group != "产业工会"]),
              ("产业工会", [r for r in regions if r.group == "产业工会"])]
    grouped = st.subtotals and all(g for _, g in groups)

    def total_row(label: str, members: Sequence[Region], why: str) -> None:
        r = sh.add(*([None] if st.numbering else []), label)
        for ind in inds:
            i = ind.id
            col = cols[i]
            if ind.kind == "rate":
                num, den = ind.numerator, ind.denominator
                if num in ids and den in ids:
                    n_sum = sum(vals[m.name][num] for m in members)
                    d_sum = sum(vals[m.name][den] for m in members)
                    sh.put(r, col, round(n_sum / d_sum * 100, 2) if d_sum else None)
                continue
            total = sum(vals[m.name][i] for m in members if role.get((m.name, i)) not in ("X", "—", "/", ""))
            total = round(total * (10000 if ind.unit == MONEY and st.amount_unit == "元" else 1), 1)
            if float(total).is_integer():
                total = int(total)
            if why == "合计行" and "total_mismatch" in faults and i == mismatch_col:
                wrong = total + 3
                sh.put(r, col, wrong)
                book.fault(sh, r, col, f"合计为 {wrong}，但各地区之和为 {total}，相差 3", "error", "total_mismatch")
            else:
                sh.put(r, col, total)
        book.skip(sh, r, why)

    if st.total == "top":
        total_row("合  计", regions, "合计行")
    seq = 0
    for g, (gname, members) in enumerate(groups):
        if not members:
            continue
        if grouped:
            r = sh.add(*([None] if st.numbering else []), f"{CHINESE_NUMERALS[g]}、{gname}")
            book.skip(sh, r, "分组行")
        for info in members:
            n = info.name
            seq += 1
            rr = row_role.get(n)
            label = _region_cell(info, st.region_style)
            if rr == "typo":
                label = _region_cell(Region(TYPOS[n], info.union_name.replace(n, TYPOS[n]), info.level, info.group),
                                     st.region_style)
            elif rr == "traditional":
                label = label.translate(TRADITIONAL)
            r = sh.add(*([seq] if st.numbering else []), label)
            for ind in inds:
                i = ind.id
                col, s, rl = cols[i], (n, i), role.get((n, i))
                v = vals[n][i]
                if rl in ("X", "—", "/", ""):
                    sh.put(r, col, rl or None)
                    book.blank(sh, r, col)
                    continue
                if rl == "rate_over_100":
                    sh.put(r, col, "1000%")
                    book.fault(sh, r, col, f"“{header(ind)}”为 1000%，超出 0–100%", "error", "rate_over_100")
                    continue
                if rl == "negative_count":
                    sh.put(r, col, -5)
                    book.fault(sh, r, col, f"“{header(ind)}”为负数（-5）", "error", "negative_count")
                    continue
                if rl == "date_in_value":
                    sh.put(r, col, dt.datetime(p.year, 3, 5), "m月d日")
                    book.fault(sh, r, col, "这一格是日期（3月5日），不是数字", "error", "date_in_value")
                    continue
                if rl in ("bad_thousands_a", "bad_thousands_b"):
                    bad = "38,35" if rl == "bad_thousands_a" else "2,0,1"
                    sh.put(r, col, bad)
                    book.fault(sh, r, col, f"“{bad}”的千分位逗号位置不对", "error", "bad_thousands")
                    continue
                if s in written:
                    w = written[s]
                elif ind.kind == "rate":
                    style = st.rate_style
                    if style == "mixed":
                        style = "text" if seq % 2 else "number"
                    if rl == "rate_disagrees":
                        stated = round(v + 5, 2) if v <= 95 else round(v - 5, 2)
                        book.fault(sh, r, col, f"“{header(ind)}”填报 {stated}%，按分子分母计算为 {v:.2f}%",
                                   "warning", "rate_disagrees")
                        v = stated
                    w = _plain(ind, v, rate_style=style)
                else:
                    w = _plain(ind, v, yuan=st.amount_unit == "元")
                    if st.grouped_numbers and ind.unit in ("人", "人次") and v >= 1000:
                        w.number_format = "#,##0"
                sh.put(r, col, w.content, w.number_format)
                book.figure(sh, r, col, n, p, i, w.value, w.approx, w.factor)
            if extra:
                sh.put(r, width, 20 + seq)
            if rr == "typo":
                book.fault(sh, r, c0, f"地区“{sh.at(r, c0)}”不在地区表中：是否为“{n}”？这一行不读入", "error",
                           "region_typo")
                book.drop_figures(sh, n)
            elif rr == "traditional":
                book.fault(sh, r, c0, f"地区“{sh.at(r, c0)}”是繁体写法，按“{n}”读入", "warning",
                           "region_traditional")
            elif rr == "duplicate":
                r2 = sh.add(*([None] if st.numbering else []), label)
                for ind in inds:
                    v = vals[n][ind.id]
                    v2 = v if ind.kind == "rate" else (round(v * 1.1, 1) if ind.unit == MONEY else int(v) + 7)
                    sh.put(r2, cols[ind.id], _plain(ind, v2, yuan=st.amount_unit == "元").content)
                book.fault(sh, r2, c0, f"地区“{n}”在本表中出现两次（第 {r} 行和第 {r2} 行），数字不同：两行都不读入",
                           "error", "duplicate_region")
                book.drop_figures(sh, n)
        if grouped:
            total_row(f"{gname}小计", members, "小计行")
    if st.total == "bottom":
        total_row("合  计", regions, "合计行")
    if st.footnotes:
        for text, why in ((f"填报说明：1.本表由各县(市)区总工会、产业工会填报；2.金额单位为{st.amount_unit}；3.比率保留两位小数。", "填报说明"),
                          ("注：“X”表示无此项，“—”表示未统计，“/”表示不适用。本表为示例数据。", "注"),
                          (f"制表：{parent}总工会组织部    联系电话：0000-0000000", "制表")):
            r = sh.add(text)
            sh.merge(r, 1, r, width)
            book.skip(sh, r, why)
    sh.empty_rows = st.trailing_empty_rows
    if "period_conflict" in faults:
        book.drop_figures(sh)


def consolidated_sheet(folder: Path, regions: Sequence[str | Region] = tuple(r.name for r in TEST_REGIONS), *,
                       periods: Sequence[tuple[int, int | None]] = ((2025, 6),),
                       indicators: Sequence[str] = SHEET_INDICATORS, values: Mapping[tuple, float] | None = None,
                       fmt: str = "xlsx", encoding: str = "utf-8", file_name: str | None = None,
                       sheet_names: Sequence[str] | None = None, parent: str = TEST_CITY,
                       faults: Iterable[str] = (), hidden_sheet: bool = False, **style: Any) -> Return:
    """The 市总's consolidated sheet (横表): one row per region, one column per indicator, one sheet per period
    (``periods``: (year, month or None)), with a title, 填报单位/金额单位 line, a two-row merged header with
    units, 合计 (and 小计) rows, footnotes — see :class:`SheetStyle` for every switch.

    Sheet names: "2024年" for a full year, "2025年1-6月" mid-year, unless ``sheet_names`` is given.
    ``faults`` (names from :data:`SHEET_FAULTS`) are written on the first sheet only; ``period_conflict``
    names that sheet "2025年" and puts 截至6月30日 under its title. ``hidden_sheet`` adds a hidden sheet
    "计算过程" (warning: not read).
    """
    faults = _check_faults(faults, SHEET_FAULTS)
    st = _style(SheetStyle, style)
    infos = [r if isinstance(r, Region) else region_info(r) for r in regions]
    book = _Book()
    ps = [Period.of(y, m) for y, m in periods]
    for k, p in enumerate(ps):
        name = sheet_names[k] if sheet_names else (f"{p.year}年1-{p.month}月" if p.as_of else f"{p.year}年")
        f = faults if k == 0 else set()
        if "period_conflict" in f:
            if p.as_of is None:
                raise ValueError("period_conflict needs a mid-year period")
            name = f"{p.year}年"
        sh = book.sheet(name)
        _consolidated(book, sh, infos, p, indicators, values, st, f, parent)
    if hidden_sheet:
        sh = book.sheet("计算过程", hidden=True)
        sh.add("辅助计算（勿删）")
        for info in infos[:3]:
            sh.add(info.name, fake_value(info.name + "辅助", indicators[0], ps[0]))
    stem = file_name or f"{parent}各县(市)区工会工作统计汇总表"
    return _save(book, folder, stem, fmt, shape="consolidated", period=ps[0], encoding=encoding)


# ----------------------------------------------------------------------------- 3. targets

TARGET_INDICATORS = ("new_unions", "new_members", "cc_contracts", "warmth_funds", "innovation_studios",
                     "wage_cb_rate", "membership_rate", "petitions")
# how a threshold target is written: indicator → (rule, wording); rule min: at least, max: at most
THRESHOLDS = {
    "wage_cb_rate": ("min", "{v}%以上"),
    "membership_rate": ("min", "不低于{v}%"),
    "union_formation_rate": ("min", "{v}%以上"),
    "wcc_rate": ("min", "不低于{v}%"),
    "dues_collection_rate": ("min", "{v}%以上"),
    "aid_station_coverage": ("min", "{v}%以上"),
    "innovation_studios": ("min", "{v}个以上"),
    "petitions": ("max", "控制在{v}件以内"),
}
RATE_TARGETS = {"wage_cb_rate": 95, "membership_rate": 90, "union_formation_rate": 90, "wcc_rate": 95,
                "dues_collection_rate": 95, "aid_station_coverage": 100}
ISSUER_NAMES = {"市总": "{parent}总工会", "省总": "省总工会"}


def fake_target(region: str, indicator: str, year: int) -> float | int:
    """A fictional target: rates a common threshold; counts and amounts a little above last year's figure."""
    if indicator in RATE_TARGETS:
        return RATE_TARGETS[indicator]
    v = fake_value(region, indicator, Period(year - 1))
    factor = 0.9 if indicator == "petitions" else 1.05
    if CATALOG[indicator].unit == MONEY:
        return round(v * factor, 1)
    return max(int(round(v * factor)), 1)


def _target_cell(ind: Indicator, v: float, thresholds: bool) -> tuple[Any, str, str | None]:
    """(what the cell says, target_type, bound)."""
    if thresholds and ind.id in THRESHOLDS:
        bound, words = THRESHOLDS[ind.id]
        return words.format(v=v), "threshold", bound
    if ind.kind == "rate":
        return v, "threshold", "min"
    return v, "absolute", None


def _target_table(book: _Book, sh: Sheet, regions: Sequence[Region], year: int, indicators: Sequence[str],
                  values: Mapping | None, *, issuer: str, parent: str, total_issuer: str, issuer_in: str,
                  thresholds: bool, over_allocated: bool, title: str | None, footnotes: bool, total: str | None,
                  units_in_header: bool) -> None:
    inds = [CATALOG[i] for i in indicators]
    issuer_name = ISSUER_NAMES.get(issuer, "{parent}" + issuer).format(parent=parent)
    width = 2 + len(inds) + (1 if issuer_in == "column" else 0)
    vals = {r.name: {i: (values or {}).get((r.name, i, year), fake_target(r.name, i, year)) for i in indicators}
            for r in regions}
    if title is None:
        title = (f"{issuer_name}{year}年度工会重点工作目标任务分解表（示例数据）" if issuer_in == "title"
                 else f"{year}年度工会重点工作目标任务分解表（示例数据）")
    if title:
        r = sh.add(title)
        sh.merge(r, 1, r, width)
    heads = []
    for ind in inds:
        unit = "%" if ind.kind == "rate" else ind.unit
        heads.append(f"{ind.name}({unit})" if units_in_header else ind.name)
    sh.add("序号", "单位", *heads, *(["下达单位"] if issuer_in == "column" else []))

    def parent_row() -> None:
        r = sh.add(None, "合  计")
        for k, ind in enumerate(inds):
            i = ind.id
            if ind.kind == "rate" or i in RATE_TARGETS:
                v = RATE_TARGETS.get(i, 90)
            else:
                v = sum(vals[m.name][i] for m in regions)
                if over_allocated:
                    v = v * 0.95
                v = round(v, 1) if ind.unit == MONEY else int(round(v))
            content, kind, bound = _target_cell(ind, v, thresholds)
            sh.put(r, 3 + k, content)
            book.target(sh, r, 3 + k, parent, year, i, v, kind, total_issuer, bound)
        if issuer_in == "column":
            sh.put(r, width, ISSUER_NAMES.get(total_issuer, total_issuer).format(parent=parent))

    if total == "top":
        parent_row()
    for seq, info in enumerate(regions, start=1):
        r = sh.add(seq, info.name)
        for k, ind in enumerate(inds):
            content, kind, bound = _target_cell(ind, vals[info.name][ind.id], thresholds)
            sh.put(r, 3 + k, content)
            book.target(sh, r, 3 + k, info.name, year, ind.id, vals[info.name][ind.id], kind, issuer, bound)
        if issuer_in == "column":
            sh.put(r, width, issuer_name)
    if total == "bottom":
        parent_row()
    if footnotes:
        for text, why in (("说明：1.以上为全年目标任务；2.带“以上”“不低于”的为最低要求，“以内”的为上限。", "说明"),
                          (f"制表：{parent}总工会办公室    本表为示例数据。", "制表")):
            r = sh.add(text)
            sh.merge(r, 1, r, width)
            book.skip(sh, r, why)


def target_breakdown(folder: Path, regions: Sequence[str | Region] = tuple(r.name for r in TEST_REGIONS), *,
                     year: int = 2025, indicators: Sequence[str] = TARGET_INDICATORS,
                     values: Mapping[tuple, float] | None = None, fmt: str = "xlsx", encoding: str = "utf-8",
                     file_name: str | None = None, sheet_name: str = "Sheet1", issuer: str = "市总",
                     issuer_in: str = "title", parent: str = TEST_CITY, total_issuer: str = "省总",
                     thresholds: bool = True, over_allocated: bool = False, total: str | None = "bottom",
                     units_in_header: bool = True, footnotes: bool = True) -> Return:
    """A 目标任务分解表 sent down at the start of the year: one row per region, one column per indicator.

    The issuer is in the title ("示例市总工会2025年度工会重点工作目标任务分解表", ``issuer_in="title"``) or in a
    下达单位 column (``issuer_in="column"``). Thresholds are written "95%以上", "不低于90%", "12个以上"
    (bound min) and "控制在120件以内" (bound max) when ``thresholds``; otherwise as plain numbers (rates
    are still thresholds). The 合计 row is the parent's own target (region ``parent``, issuer
    ``total_issuer``, 省总 by default): the sum of the regions', or 95% of it when ``over_allocated`` (the
    breakdown over-allocates; not a fault). ``values``: keyed (region, indicator, year).
    """
    infos = [r if isinstance(r, Region) else region_info(r) for r in regions]
    book = _Book()
    sh = book.sheet(sheet_name)
    _target_table(book, sh, infos, year, indicators, values, issuer=issuer, parent=parent, total_issuer=total_issuer,
                  issuer_in=issuer_in, thresholds=thresholds, over_allocated=over_allocated, title=None,
                  footnotes=footnotes, total=total, units_in_header=units_in_header)
    stem = file_name or f"{year}年度目标任务分解表"
    return _save(book, folder, stem, fmt, shape="target_breakdown", period=None, encoding=encoding)


def target_list(folder: Path, region: str = "青石县", *, year: int = 2025,
                indicators: Sequence[str] = TARGET_INDICATORS, values: Mapping[tuple, float] | None = None,
                fmt: str = "xlsx", encoding: str = "utf-8", file_name: str | None = None, issuer: str = "市总",
                parent: str = TEST_CITY, notes_column: bool = True) -> Return:
    """One region's targets as a list: title "2025年度青石县工会工作目标任务（示例市总工会下达）", then
    序号 | 指标 | 目标值 | 单位 | (备注); thresholds written as in the breakdown; a 说明 line under it."""
    book = _Book()
    sh = book.sheet("目标任务")
    issuer_name = ISSUER_NAMES.get(issuer, "{parent}" + issuer).format(parent=parent)
    width = 5 if notes_column else 4
    r = sh.add(f"{year}年度{region}工会工作目标任务（{issuer_name}下达，示例数据）")
    sh.merge(r, 1, r, width)
    sh.add("序号", "指标", "目标值", "单位", *(["备注"] if notes_column else []))
    for seq, i in enumerate(indicators, start=1):
        ind = CATALOG[i]
        v = (values or {}).get((region, i, year), fake_target(region, i, year))
        content, kind, bound = _target_cell(ind, v, True)
        r = sh.add(seq, ind.name, content, "%" if ind.kind == "rate" else ind.unit)
        if notes_column and kind == "threshold":
            sh.put(r, 5, "约束性指标" if bound == "max" else "底线要求")
        book.target(sh, r, 3, region, year, i, v, kind, issuer, bound)
    r = sh.add("说明：目标值为全年任务，年中按时间过半、任务过半掌握进度。")
    sh.merge(r, 1, r, width)
    book.skip(sh, r, "说明")
    return _save(book, folder, file_name or f"{region}{year}年度目标任务", fmt, shape="target_list", period=None,
                 encoding=encoding)


def targets_like_figures(folder: Path, regions: Sequence[str | Region] = tuple(r.name for r in TEST_REGIONS[:6]), *,
                         year: int = 2025, indicators: Sequence[str] = ("new_unions", "new_members", "cc_contracts",
                                                                         "warmth_funds"),
                         marker: str = "title", fmt: str = "xlsx", parent: str = TEST_CITY) -> Return:
    """A targets sheet that looks like figures: one row per region, plain numbers, a 合计 row, sheet named
    "2025年" — only the title ("2025年度各县(市)区工作目标任务", ``marker="title"``) or the sheet name ("2025年目标",
    ``marker="sheet_name"``) says these are targets.

    Read as figures it must be refused (error ``targets_as_figures``, at the title cell or on the sheet):
    a target is never an actual figure. ``targets`` holds what a targets reader must get (issuer 市总;
    the 合计 row is then the parent's target)."""
    if marker not in ("title", "sheet_name"):
        raise ValueError("marker: title or sheet_name")
    infos = [r if isinstance(r, Region) else region_info(r) for r in regions]
    book = _Book()
    sh = book.sheet(f"{year}年目标" if marker == "sheet_name" else f"{year}年")
    title = f"{year}年度各县(市)区工作目标任务（示例数据）" if marker == "title" else f"{year}年度各县(市)区工作情况（示例数据）"
    _target_table(book, sh, infos, year, indicators, None, issuer="市总", parent=parent, total_issuer="省总",
                  issuer_in="none", thresholds=False, over_allocated=False, title=title, footnotes=False,
                  total="bottom", units_in_header=True)
    if marker == "title":
        book.fault(sh, 1, 1, f"标题“{title}”表明这是目标任务表：目标不能作为完成数读入", "error", "targets_as_figures")
    else:
        book.fault(sh, None, None, f"工作表名“{sh.name}”表明这是目标：目标不能作为完成数读入", "error",
                   "targets_as_figures")
    return _save(book, folder, f"{year}年工作情况", fmt, shape="targets_like_figures", period=None)


# ----------------------------------------------------------------------------- the corpus: one case of everything

def _case(fn: Callable[..., Return], *args: Any, **kw: Any) -> Callable[[Path], Return]:
    def build(folder: Path) -> Return:
        return fn(folder, *args, **kw)
    build.__doc__ = f"{fn.__name__}({', '.join([*map(repr, args), *(f'{k}={v!r}' for k, v in kw.items())])})"
    return build


CASES: dict[str, Callable[[Path], Return]] = {
    # 1. per-region forms
    "form_midyear_xlsx": _case(per_region_form, "青石县"),
    "form_annual_xlsx": _case(per_region_form, "云溪县", year=2024, month=None, sheet_name="2024年",
                              period_style="年度", current_label="本年", previous_label="上年"),
    "form_two_row_header_code_yuan": _case(per_region_form, "北塘区", two_row_header=True, code_column=True,
                                           yuan=True, column_numbers=True, rate_style="number"),
    "form_no_unit_line": _case(per_region_form, "临江市", unit_line=False, period_style="1-6月"),
    "form_period_line_without_year": _case(per_region_form, "云溪县", period_style="月份"),
    "form_aliases_units_in_names": _case(per_region_form, "新华区", aliases=True, unit_in_name=True,
                                         period_style="上半年", current_label="本期数", previous_label="上年同期数",
                                         thousands=True, rate_style="fraction"),
    "form_plain_no_extras": _case(per_region_form, "高新区", sections=False, signatures=False, notes=False,
                                  change_column=False, text_numbers=False, placeholders=False, rate_style="number",
                                  period_line=False, period_style="1—6月"),
    "form_trailing_empty_rows": _case(per_region_form, "青石县", trailing_empty_rows=40),
    "form_workbook_sheets": _case(form_workbook, ("青石县", "云溪县", "北塘区")),
    "form_industry_union": _case(per_region_form, "市教育工会", indicators=FORM_INDICATORS[:12]),
    # 2. consolidated sheets
    "sheet_midyear_xlsx": _case(consolidated_sheet),
    "sheet_two_years_subtotals": _case(consolidated_sheet, periods=((2024, None), (2025, None)), subtotals=True,
                                       total="top", column_numbers=True, region_style="spaced"),
    "sheet_yuan_one_row_header": _case(consolidated_sheet, amount_unit="元", two_row_header=False,
                                       numbering=False, region_label="地区", rate_style="fraction",
                                       region_style="union_name", thousands=True),
    "sheet_no_units_no_line": _case(consolidated_sheet, units_in_header=False, amount_unit_line=False,
                                    issuer_line=False, rate_style="text", trailing_empty_rows=25),
    # 3. targets
    "targets_breakdown_title": _case(target_breakdown),
    "targets_breakdown_column_overallocated": _case(target_breakdown, issuer_in="column", over_allocated=True,
                                                    total="top"),
    "targets_list": _case(target_list, "云溪县"),
    "targets_like_figures_title": _case(targets_like_figures),
    "targets_like_figures_sheet_name": _case(targets_like_figures, marker="sheet_name"),
    # 4. file types
    "form_xls": _case(per_region_form, "青石县", fmt="xls"),
    "form_ods": _case(per_region_form, "云溪县", fmt="ods", two_row_header=True),
    "form_et_xls_bytes": _case(per_region_form, "北塘区", fmt="et"),
    "form_et_xlsx_bytes": _case(per_region_form, "北塘区", fmt="et-xlsx"),
    "form_csv_utf8": _case(per_region_form, "临江市", fmt="csv", encoding="utf-8"),
    "form_csv_utf8_bom": _case(per_region_form, "临江市", fmt="csv", encoding="utf-8-sig"),
    "form_csv_gb18030": _case(per_region_form, "临江市", fmt="csv", encoding="gb18030", rate_style="fraction"),
    "sheet_csv_gb18030": _case(consolidated_sheet, fmt="csv", encoding="gb18030", grouped_numbers=True),
    "sheet_xls": _case(consolidated_sheet, fmt="xls", periods=((2024, None), (2025, 6))),
    "sheet_ods": _case(consolidated_sheet, fmt="ods", subtotals=True),
    "csv_named_xlsx": _case(consolidated_sheet, fmt="csv-as-xlsx", encoding="gb18030"),
    "html_named_xls": _case(consolidated_sheet, fmt="html-as-xls"),
    "html_named_xls_gb18030": _case(per_region_form, "青石县", fmt="html-as-xls", encoding="gb18030"),
    "encrypted_xlsx": _case(per_region_form, "青石县", fmt="encrypted-xlsx"),
    "hidden_sheet_form": _case(per_region_form, "青石县", hidden_sheet=True),
    "hidden_sheet_xls": _case(consolidated_sheet, fmt="xls", hidden_sheet=True),
    "targets_breakdown_xls": _case(target_breakdown, fmt="xls"),
    "targets_list_csv_gb18030": _case(target_list, "北塘区", fmt="csv", encoding="gb18030"),
}
for _name in FORM_FAULTS:
    _region = "城关区" if _name in ("region_typo", "region_traditional") else "青石县"
    CASES[f"fault_form_{_name}"] = _case(per_region_form, _region, faults=[_name])
for _name in SHEET_FAULTS:
    CASES[f"fault_sheet_{_name}"] = _case(consolidated_sheet, faults=[_name])
CASES["fault_form_all_at_once"] = _case(per_region_form, "青石县", faults=[
    "rate_over_100", "negative_count", "date_in_value", "bad_thousands", "change_disagrees", "rate_disagrees",
    "unknown_indicator"])
CASES["fault_sheet_all_at_once_xls"] = _case(consolidated_sheet, fmt="xls", faults=[
    "rate_over_100", "negative_count", "date_in_value", "bad_thousands", "rate_disagrees", "unknown_indicator",
    "region_typo", "region_traditional", "duplicate_region"], total=None)
CASES["fault_form_traditional_csv_gb18030"] = _case(per_region_form, "城关区", fmt="csv", encoding="gb18030",
                                                    faults=["region_traditional"])


def build_corpus(folder: Path, names: Iterable[str] | None = None) -> dict[str, Return]:
    """Every case of :data:`CASES` (or those named), each in its own subfolder of ``folder``."""
    return {name: CASES[name](folder / name) for name in (names or CASES)}
