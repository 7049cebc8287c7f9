"""What every sheet reader shares: the import's context, the report of one sheet, findings, the period, regions.

A reader (``table`` for one row per region, ``form`` for one row per indicator, ``targets`` for target
tables) reads one ``Sheet`` into ``Context.rows`` (figures) or ``Context.target_rows`` and adds a
finding for everything it refuses or remarks on, naming file, sheet, cell, row and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from ...errors import Finding
from ..catalog import unit_factor
from .grid import Sheet, column_index, letter, shown
from .period import SENT_LINE, PeriodStatement, period_statement, reconcile_period, row_statements
from .regions import RegionNames
from .words import unit_line, without_seal

# Lines above or below a table that date the form itself, not its figures.
NOT_A_PERIOD = SENT_LINE
NOTE_LINE = re.compile(r"^(填报说明|说明|注|备注|附注)[:：\d、.]")


@dataclass
class SheetReport:
    """What was read from one sheet: for the import summary and the review sheet."""

    name: str
    file: str = ""
    shape: str = ""             # 横表 | 纵表 | 目标分解表 | 目标清单
    year: int | None = None
    as_of: pd.Timestamp | None = None
    header_rows: tuple[int, int] | None = None
    regions: list[str] = field(default_factory=list)
    region_from: str = ""       # where a form's region came from (填报单位 line, file name, sheet name)
    columns: list = field(default_factory=list)
    read: int = 0
    indicators: set = field(default_factory=set)    # of the figures read (before any is counted once elsewhere)
    targets: int = 0
    converted: int = 0          # text turned into numbers, or units converted
    conversions: list = field(default_factory=list)   # "E24 861000元 → 86.1万元"
    approximate: int = 0
    approximations: list = field(default_factory=list)
    formulas: int = 0
    blank: list[str] = field(default_factory=list)
    blank_regions: list = field(default_factory=list)  # (cell, region, text as written) for the review sheet
    refused: int = 0
    totals: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)   # hidden rows and columns read ("第 5 行", "C 列")
    note: str = ""


@dataclass
class Context:
    """One import: the catalogue and regions it checks against, and everything read so far."""

    file: str
    catalog: pd.DataFrame
    labels: dict
    names: RegionNames
    findings: list = field(default_factory=list)
    rows: list = field(default_factory=list)          # tidy figure rows (dicts)
    target_rows: list = field(default_factory=list)   # tidy target rows (dicts)
    default_year: int | None = None
    kinds: dict = field(default_factory=dict)         # sheet name → "figures" | "targets", as the analyst said
    include_hidden: bool = False
    file_stem: str = ""

    @property
    def regions(self):
        return self.names.regions


class Reader:
    """Base of the sheet readers: the sheet, its report, and how a finding is added."""

    shape = ""

    def __init__(self, sheet: Sheet, ctx: Context):
        self.sheet, self.ctx, self.name = sheet, ctx, sheet.name
        self.report = SheetReport(name=sheet.name, file=ctx.file, shape=self.shape)
        self.catalog = ctx.catalog

    def refuse(self, message, *, row=None, col=None, value="", level="error", column="", region="", indicator=""):
        cell = f"{letter(col)}{row}" if row and col else ""
        self.ctx.findings.append(Finding(level, message, file=self.ctx.file, sheet=self.name, cell=cell, row=row,
                                         column=column, value=str(value), region=region or "", indicator=indicator))

    # -- the period, from everything the sheet says

    def period_statements(self, first_header_row: int) -> list[PeriodStatement]:
        """Statements of the sheet's name, the lines above its header (a label cell and its date cell read as
        one), and its 填报说明/注 lines below (only words that clearly state a period)."""
        sheet = self.sheet
        said = [period_statement(self.name, "工作表名称", sheet_name=True)]
        for r in range(1, max(first_header_row, 1)):
            said += row_statements([(f"{letter(c)}{r}", sheet.value_text(r, c)) for c in range(1, sheet.max_col + 1)])
        for r in range(first_header_row + 1, sheet.max_row + 1):
            for c in range(1, min(sheet.max_col, 3) + 1):
                text = sheet.value_text(r, c)
                if text and NOTE_LINE.match(text) and not NOT_A_PERIOD.search(text):
                    said.append(period_statement(text, f"{letter(c)}{r}", note=True))
        return [s for s in said if s is not None]

    def resolve_period(self, first_header_row: int, extra: list[PeriodStatement] = ()) -> bool:
        """Set ``year`` and ``as_of`` from every statement; refuse the sheet when they disagree or say no year."""
        statements = self.period_statements(first_header_row) + list(extra)
        year, as_of, problem, conflict = reconcile_period(statements, self.ctx.default_year)
        if problem == "没有年份":
            self.refuse("看不出这张表是哪一年的数据：工作表名称、标题和说明中都没有年份。请把工作表改名为年份"
                        "（如“2024”或“2025年1-6月”），或在标题中写明年份，或导入时用 --year 指明。", value=self.name)
            return False
        if problem in ("年份不一致", "时期不一致"):
            a, b = conflict
            self.refuse(f"这张表的{problem[:2]}前后矛盾：{_where(a)}写的是“{a.text}”，{_where(b)}写的却是“{b.text}”。"
                        "本工具不替您选择：请改正其中写错的一处（例如把工作表名称改为“2025年1-6月”），然后重新导入。",
                        row=_row(b), col=_col(b), value=b.text)
            return False
        if problem:
            place = conflict[0] if conflict else None
            self.refuse(problem, value=place.text if place else self.name,
                        row=_row(place) if place else None, col=_col(place) if place else None)
            return False
        self.year, self.as_of = year, as_of
        self.report.year, self.report.as_of = year, as_of
        return True

    # -- values

    def take_value(self, *, region: str, indicator: str, year: int, as_of, row: int, col: int, parsed, value: float,
                   formula: bool, text: bool, column_unit: str, note: str = "", previous: bool = False) -> None:
        """A figure read from cell (row, col): into ``ctx.rows``, counted, its conversion and mark listed."""
        report, cell = self.report, f"{letter(col)}{row}"
        cat_unit = self.catalog.at[indicator, "unit"]
        report.read += 1
        report.indicators.add(indicator)
        report.formulas += formula
        converted_unit = unit_factor(column_unit, cat_unit) != 1 or bool(parsed.unit)
        if text or converted_unit:
            report.converted += 1
            written = shown(self.sheet, row, col)
            unit = parsed.unit and (parsed.unit if parsed.multiplier == 1 else "") or column_unit
            report.conversions.append(f"{cell}“{written}”{'（' + unit + '）' if converted_unit else ''} → "
                                      f"{value:g}{cat_unit}")
        if parsed.approx:
            report.approximate += 1
            report.approximations.append(f"{cell}“{shown(self.sheet, row, col)}”（{parsed.approx}）")
        self.ctx.rows.append({"file": self.ctx.file, "region": region, "year": year, "as_of": as_of,
                              "indicator": indicator, "value": value, "approx": parsed.approx,
                              "source": f"{self.ctx.file}（{self.name}）", "note": note, "sheet": self.name,
                              "cell": cell, "file_row": row, "origin": f"{self.name}!{cell}",
                              "previous": previous})

    # -- regions

    def form_region(self, first: int) -> str | None:
        """The region of the form: the 填报单位 line, else the sheet's name, else the file's name (said so)."""
        sheet = self.sheet
        for r in range(1, first):
            for c in range(1, sheet.max_col + 1):
                text = sheet.value_text(r, c)
                name = unit_line(text) if text else None
                if name is None:
                    continue
                if not name:   # "填报单位（盖章）：" | "青石县总工会": the name in the next cell of the line
                    c, name = next(((k, without_seal(sheet.value_text(r, k)).strip()) for k in range(c + 1, sheet.max_col + 1)
                                    if without_seal(sheet.value_text(r, k)).strip()), (c, ""))
                    text = f"{text}…{name}"
                if name:
                    self.report.region_from = f"{letter(c)}{r}“{text}”"
                    return self.region(name.split()[0], r, c)
        for where, text in (("工作表名称", self.name), ("文件名", self.ctx.file_stem)):
            name = self.name_in(text)
            if name:
                self.report.region_from = f"{where}“{text}”"
                self.refuse(f"表中没有“填报单位：”一行，地区按{where}读作“{name}”。请核对；今后请在表头上方写明填报单位。",
                            level="warning", value=text)
                return self.region(name, first, 1)
        self.refuse("看不出这张表是哪个地区的：表头上方没有“填报单位：××县总工会”一行，工作表名称和文件名中也没有地区名称。"
                    "请在标题下加一行“填报单位：××县总工会”后重新导入。", value=self.name)
        return None

    def name_in(self, text: str) -> str:
        """A region named in a sheet or file name: a known name it contains, or (no regions table) its leading name."""
        text = re.sub(r"\s+", "", text or "")
        if self.ctx.regions is not None:
            names = sorted((str(n) for n in self.ctx.regions["name"]), key=len, reverse=True)
            hits = [n for n in names if n in text]
            if not hits:   # "（松岭）" for 松岭县: a known name without its 县/区/市/旗, when only one fits
                hits = [n for n in names if len(n) >= 3 and n[-1] in "县区市旗" and n[:-1] in text]
                hits = hits if len(hits) == 1 else []
            return hits[0] if hits else ""
        m = re.match(r"^([\u4e00-\u9fff]{2,12}?(?:总工会|工会|自治县|自治旗|县|区|市|旗))", re.sub(r"^\d+[_\-.、]?", "", text))
        return m[1] if m else ""


    def region(self, label: str, row: int, col: int) -> str | None:
        """The region a label names (a code, or a new name without a regions table); None when refused."""
        code, level, message = self.ctx.names.resolve(label, (self.ctx.file, f"工作表“{self.name}”{letter(col)}{row}"))
        if message:
            self.refuse(message, row=row, col=col, value=label, level=level, region=code or "")
        return code


class RowReader(Reader):
    """A sheet with one row per indicator (a form, a target list): its header rows and each column's role."""

    def __init__(self, sheet: Sheet, ctx: Context, header: tuple[int, int, dict[int, str]]):
        super().__init__(sheet, ctx)
        self.first, self.last, self.roles = header
        self.report.header_rows = (self.first, self.last)


def _where(s: PeriodStatement) -> str:
    return "工作表名称" if s.place == "工作表名称" else f"单元格 {s.place} "


def _row(s: PeriodStatement | None) -> int | None:
    return int(re.sub(r"\D", "", s.place)) if s and s.place != "工作表名称" else None


def _col(s: PeriodStatement | None) -> int | None:
    if not s or s.place == "工作表名称":
        return None
    return column_index(s.place)
