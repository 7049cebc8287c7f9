"""The few Word elements python-docx does not expose: east-Asian font names, fields (PAGE, SEQ, TOC), row flags."""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu


def set_fonts(rpr, east_asia: str, latin: str) -> None:
    """Name the fonts of a run or style, the east-Asian one included (w:eastAsia), and drop theme fonts,
    which would otherwise win over the names."""
    fonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for slot, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        fonts.set(qn(slot), name)
    fonts.set(qn("w:hint"), "eastAsia")


def _field_run(p, kind: str, text: str = ""):
    run = p.add_run()
    if kind == "instr":
        el = OxmlElement("w:instrText")
        el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        el.text = text
    else:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
    run._r.append(el)
    return run


def begin_field(p, instruction: str) -> None:
    _field_run(p, "begin")
    _field_run(p, "instr", f" {instruction} ")
    _field_run(p, "separate")


def end_field(p) -> None:
    _field_run(p, "end")


def add_field(p, instruction: str, shown: str) -> None:
    """A Word field (PAGE, SEQ …) with the value shown until the application updates it."""
    begin_field(p, instruction)
    p.add_run(shown)
    end_field(p)


_TR_PR_ORDER = ("w:cantSplit", "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins",
                "w:del", "w:trPrChange")


def row_property(row, tag: str) -> None:
    """Set a table-row flag: w:tblHeader (repeat as header row on each page), w:cantSplit."""
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn(tag)) is None:
        tr_pr.insert_element_before(OxmlElement(tag), *_TR_PR_ORDER[_TR_PR_ORDER.index(tag) + 1:])



def grid_widths(tcs, widths: list) -> list[Emu]:
    """Each cell's width: the sum of the grid columns it spans."""
    out, col = [], 0
    for tc in tcs:
        out.append(Emu(sum(widths[col:col + tc.grid_span])))
        col += tc.grid_span
    return out


def strip_trailing_space(p) -> None:
    if p.runs and p.runs[-1].text != p.runs[-1].text.rstrip():
        p.runs[-1].text = p.runs[-1].text.rstrip()

