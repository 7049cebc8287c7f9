"""Open a return whatever it arrived as (.xlsx, .xls, .et, .ods, CSV in UTF-8 or GB18030, an HTML table) into ``Sheet``s.

The file's content decides how it is read: a file whose content does not match its name (a CSV
saved as .xlsx, a web page saved as .xls) is refused with both named and what to do, never guessed. An encrypted workbook and a
file that is none of these are refused with what to do. Formulas are never evaluated: a
formula cell carries the result saved with the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

from ...errors import DataError, Finding
from .grid import Cell, Sheet

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
KIND_NAMES = {"xlsx": "Excel 工作簿（.xlsx）", "xls": "旧版 Excel 工作簿（.xls）", "ods": "OpenDocument 表格（.ods）",
              "xlsb": "Excel 二进制工作簿（.xlsb）", "csv": "CSV 文本", "html": "网页表格（HTML）"}
EXPECTED = {".xlsx": {"xlsx"}, ".xlsm": {"xlsx"}, ".xls": {"xls"}, ".et": {"xls", "xlsx"}, ".ods": {"ods"},
            ".xlsb": {"xlsb"}, ".csv": {"csv"}, ".txt": {"csv"}, ".htm": {"html"}, ".html": {"html"}}
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8（带 BOM）", "gb18030": "GB18030/GBK（中文 Windows“另存为 CSV”的编码）"}
SAVE_AS = "请在 Excel 或 WPS 中打开后“另存为”“Excel 工作簿(*.xlsx)”再导入。"


@dataclass
class Workbook:
    """The sheets of one file, how it was read (``kind``, ``encoding``) and what was said about it."""

    name: str
    kind: str
    sheets: list[Sheet]
    encoding: str = ""
    findings: list[Finding] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)      # chart sheets (nothing to read)

    def describe(self) -> str:
        what = KIND_NAMES[self.kind]
        return f"{what}，编码 {ENCODING_NAMES.get(self.encoding, self.encoding)}" if self.encoding else what


def open_workbook(data: bytes, name: str) -> Workbook:
    """The sheets of a return file (its bytes and the name messages use); ``DataError`` when it cannot be read.

    >>> wb = open_workbook("序号,地区,新建基层工会\\n1,城关区,12\\n".encode("gb18030"), "县区.csv")
    >>> wb.kind, wb.encoding, wb.sheets[0].value_text(2, 2)
    ('csv', 'gb18030', '城关区')
    """
    kind, encoding = sniff(data, name)
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    findings = []
    if suffix in EXPECTED and kind not in EXPECTED[suffix]:
        fix = ("请把文件改名为 .csv 后重新导入" if kind == "csv" else
               "这常是网上系统导出的“Excel”：请在 Excel 或 WPS 中打开，另存为“Excel 工作簿(*.xlsx)”后重新导入"
               if kind == "html" else "请把扩展名改为与内容一致后重新导入，或在 Excel 中打开后另存为 .xlsx")
        raise DataError(f"文件名是 {suffix}，内容却是{KIND_NAMES[kind]}，两者不符，未读入（不按猜测读取）。{fix}。", file=name)
    reader = {"xlsx": _xlsx, "xls": _xls, "ods": _ods, "xlsb": _calamine, "csv": _csv, "html": _html}[kind]
    try:
        sheets, charts = reader(data, encoding) if kind in ("csv", "html") else reader(data)
    except DataError as exc:
        raise DataError(str(exc), file=name) from None
    except Exception as exc:  # noqa: BLE001 - a damaged file of a known kind: one plain answer
        raise DataError(f"无法作为{KIND_NAMES[kind]}读取（{type(exc).__name__}）。文件可能已损坏。" + SAVE_AS,
                        file=name) from None
    return Workbook(name=name, kind=kind, sheets=sheets, encoding=encoding, findings=findings, charts=charts)


def sniff(data: bytes, name: str = "") -> tuple[str, str]:
    """(kind, text encoding) of a file from its first bytes; ``DataError`` for encrypted or unknown content."""
    if not data.strip():
        raise DataError("文件是空的。请确认导出或保存成功后重新导入。", file=name)
    if data[:4] == b"PK\x03\x04":
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            raise DataError("文件像是 .xlsx，但已损坏（压缩包不完整）。" + SAVE_AS, file=name) from None
        if "xl/workbook.xml" in names:
            return "xlsx", ""
        if "xl/workbook.bin" in names:
            return "xlsb", ""
        if "mimetype" in names and b"opendocument.spreadsheet" in zipfile.ZipFile(io.BytesIO(data)).read("mimetype"):
            return "ods", ""
        raise DataError("这是一个压缩包或 Word/PPT 文件，不是表格。请导入 Excel、WPS 表格或 CSV 文件。", file=name)
    if data[:4] == OLE2[:4] and (len(data) < 512 or data[:8] != OLE2):
        raise DataError("文件像是旧版 Excel 工作簿（.xls），但已损坏或不完整。请重新导出或在 Excel 中打开后另存为 .xlsx 再导入。",
                        file=name)
    if data[:8] == OLE2:
        if "EncryptedPackage".encode("utf-16-le") in data[:1 << 20] or b"E\x00n\x00c\x00r\x00y\x00p\x00t" in data[:1 << 20]:
            raise DataError("文件已加密（设置了打开密码），无法读取。请在 Excel 中打开，点“文件→信息→保护工作簿→"
                            "用密码进行加密”，清空密码后保存，再导入。", file=name)
        if "Workbook".encode("utf-16-le") in data[:1 << 20] or "Book".encode("utf-16-le") in data[:1 << 20]:
            return "xls", ""
        raise DataError("这是一个旧版 Office 文件，但不是 Excel 工作簿（可能是 Word 文档）。请导入表格文件。", file=name)
    if b"\x00" in data[:4096]:
        raise DataError("文件内容不是表格，也不是文本（可能已损坏，或是其他软件的专用格式）。" + SAVE_AS, file=name)
    text, encoding = decode_text(data, name)
    head = text.lstrip()[:2000].lower()
    if head.startswith("<") and ("<table" in head or "<html" in head):
        return "html", encoding
    return "csv", encoding


def decode_text(data: bytes, name: str = "") -> tuple[str, str]:
    """Text of a CSV or HTML file in UTF-8 (with or without BOM) or GB18030; ``DataError`` when it is neither."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as error:
            line = data[:error.start].count(b"\n") + 1
            raise DataError(f"文件开头标明是 UTF-8 编码（带 BOM），但第 {line} 行起的内容不是 UTF-8（可能是 GBK/GB18030，"
                            "两种编码混在了一个文件里），无法确定每个字是什么，所以不读。请在 Excel 中打开后另存为"
                            "“CSV UTF-8（逗号分隔）”或“Excel 工作簿(*.xlsx)”再导入。", file=name) from None
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise DataError("文件既不是 UTF-8 也不是 GB18030/GBK 编码的文本，无法读取。请在 Excel 中打开后另存为"
                    "“CSV UTF-8（逗号分隔）”或“Excel 工作簿(*.xlsx)”再导入。", file=name)


# ----------------------------------------------------------------------------- one reader per kind

def _xlsx(data: bytes) -> tuple[list[Sheet], list[str]]:
    from openpyxl import load_workbook  # only when a workbook is read: importing it costs 0.2 s

    wb = load_workbook(io.BytesIO(data), data_only=False)
    has_formulas = any(c.data_type == "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)
    saved = load_workbook(io.BytesIO(data), data_only=True) if has_formulas else None
    sheets = []
    for ws in wb.worksheets:
        values = saved[ws.title] if saved is not None else None
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                if c.data_type == "f":
                    result = values.cell(row=c.row, column=c.column).value if values is not None else None
                    text = c.value if isinstance(c.value, str) else "公式"
                    cells[(c.row, c.column)] = Cell(result, formula=text, error=_is_error(result),
                                                    percent="%" in (c.number_format or ""))
                else:
                    cells[(c.row, c.column)] = Cell(c.value, error=c.data_type == "e",
                                                    percent="%" in (c.number_format or ""))
        merged = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges]
        sheets.append(Sheet(ws.title, cells, merged, hidden=ws.sheet_state != "visible",
                            hidden_rows=[r for r, dim in ws.row_dimensions.items() if dim.hidden],
                            hidden_cols=_hidden_columns(ws)))
    return sheets, [cs.title for cs in getattr(wb, "chartsheets", [])]


def _hidden_columns(ws) -> set[int]:
    """The hidden columns of an openpyxl worksheet (a dimension may cover a range of columns: min…max)."""
    from openpyxl.utils import column_index_from_string

    out = set()
    for key, dim in ws.column_dimensions.items():
        if dim.hidden:
            low = dim.min or column_index_from_string(key)
            out.update(range(low, min(dim.max or low, low + 16384) + 1))
    return out


def _is_error(value) -> bool:
    return isinstance(value, str) and value.startswith("#") and value.endswith(("!", "?", "A"))


def _xls(data: bytes) -> tuple[list[Sheet], list[str]]:
    """Excel 97–2003 (.xls, and WPS .et saved in that format) through xlrd, which keeps number formats and merges."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except xlrd.XLRDError:
        return _calamine(data)   # a variant xlrd does not know (some WPS files): calamine reads more of them
    percent_xf = set()
    for i, xf in enumerate(book.xf_list):
        fmt = book.format_map.get(xf.format_key)
        if fmt is not None and "%" in fmt.format_str:
            percent_xf.add(i)
    sheets = []
    for index in range(book.nsheets):
        sh = book.sheet_by_index(index)
        cells = {}
        for r in range(sh.nrows):
            for c in range(sh.ncols):
                kind, value = sh.cell_type(r, c), sh.cell_value(r, c)
                if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) or value == "":
                    continue
                if kind == xlrd.XL_CELL_DATE:
                    value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
                elif kind == xlrd.XL_CELL_BOOLEAN:
                    value = bool(value)
                elif kind == xlrd.XL_CELL_ERROR:
                    cells[(r + 1, c + 1)] = Cell(xlrd.error_text_from_code.get(value, "#错误"), error=True)
                    continue
                cells[(r + 1, c + 1)] = Cell(value, percent=sh.cell_xf_index(r, c) in percent_xf)
        merged = [(rlo + 1, clo + 1, rhi, chi) for rlo, rhi, clo, chi in sh.merged_cells]
        sheets.append(Sheet(sh.name, cells, merged, hidden=sh.visibility != 0,
                            hidden_rows=[r + 1 for r, info in sh.rowinfo_map.items() if info.hidden],
                            hidden_cols=[c + 1 for c, info in sh.colinfo_map.items() if info.hidden]))
    return sheets, []


def _ods(data: bytes) -> tuple[list[Sheet], list[str]]:
    """.ods: values through python-calamine, which gives no formats; percentages from the file's own cell types."""
    return _calamine(data, _ods_percent_cells(data))


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_VALUE_TYPE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}value-type"


def _ods_percent_cells(data: bytes) -> dict[str, set[tuple[int, int]]]:
    """{sheet: {(row, col)}} of the cells an .ods stores as percentages (``office:value-type="percentage"``, the
    value 0.8525 shown as 85.25%), found in its content.xml, repeated rows and columns counted."""
    import lxml.etree as etree

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read("content.xml"), etree.XMLParser(resolve_entities=False, huge_tree=True))
    found: dict[str, set[tuple[int, int]]] = {}
    for table in root.iter(f"{_TABLE}table"):
        cells = found.setdefault(table.get(f"{_TABLE}name", ""), set())
        r = 1
        for row in table.iter(f"{_TABLE}table-row"):
            rows = int(row.get(f"{_TABLE}number-rows-repeated", "1"))
            c = 1
            for cell in row:
                cols = int(cell.get(f"{_TABLE}number-columns-repeated", "1"))
                if cell.get(_VALUE_TYPE) == "percentage":   # a repeated block: bounded, real forms are small
                    cells.update((r + i, c + j) for i in range(min(rows, 5000)) for j in range(min(cols, 1000)))
                c += cols
            r += rows
    return found


def _calamine(data: bytes, percent: dict[str, set[tuple[int, int]]] | None = None) -> tuple[list[Sheet], list[str]]:
    """.ods and .xlsb (and .xls variants xlrd refuses) through python-calamine: values as saved; formats only as
    ``percent`` gives them ({sheet: {(row, col)}}, from the .ods itself)."""
    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets, charts = [], []
    for meta in wb.sheets_metadata:
        if not str(meta.typ).endswith("WorkSheet"):
            charts.append(meta.name)
            continue
        sh = wb.get_sheet_by_name(meta.name)
        pct = (percent or {}).get(meta.name, set())
        cells = {}
        for r, row in enumerate(sh.to_python(skip_empty_area=False), start=1):
            for c, value in enumerate(row, start=1):
                if value == "" or value is None:
                    continue
                if isinstance(value, (dt.time, dt.timedelta)):
                    value = str(value)
                cells[(r, c)] = Cell(value, error=_is_error(value), percent=(r, c) in pct and isinstance(value, (int, float)))
        merged = [(a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1) for a, b in (sh.merged_cell_ranges or [])]
        sheets.append(Sheet(meta.name, cells, merged, hidden=not str(meta.visible).endswith("Visible")))
    return sheets, charts


def _csv(data: bytes, encoding: str) -> tuple[list[Sheet], list[str]]:
    text = data.decode(encoding)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    cells = {}
    for r, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
        for c, value in enumerate(row, start=1):
            if value.strip():
                cells[(r, c)] = Cell(value)
    return [Sheet("CSV", cells)], []


def _html(data: bytes, encoding: str) -> tuple[list[Sheet], list[str]]:
    """An HTML table (what web systems save as "Excel"): one sheet per table, colspan/rowspan as merges."""
    import lxml.html

    root = lxml.html.document_fromstring(data.decode(encoding))
    sheets = []
    for n, table in enumerate(root.iter("table"), start=1):
        cells, merged, taken = {}, [], set()
        for r, tr in enumerate(table.iter("tr"), start=1):
            c = 1
            for td in tr:
                if td.tag not in ("td", "th"):
                    continue
                while (r, c) in taken:
                    c += 1
                rows, cols = _span(td.get("rowspan")), _span(td.get("colspan"))
                text = " ".join(td.text_content().split())
                if text:
                    cells[(r, c)] = Cell(text)
                if rows > 1 or cols > 1:
                    merged.append((r, c, r + rows - 1, c + cols - 1))
                taken |= {(r + i, c + j) for i in range(rows) for j in range(cols)}
                c += cols
        sheets.append(Sheet(f"表{n}" if n > 1 else "网页表格", cells, merged))
    if not sheets:
        raise DataError("网页文件中没有表格（<table>）。请导入 Excel、WPS 表格或 CSV 文件。")
    return sheets, []


def _span(text) -> int:
    return int(text) if text and str(text).isdigit() and 0 < int(text) < 1000 else 1
