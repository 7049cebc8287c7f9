"""Tables in a Word pack: the headline tiles as a grid, data tables whose header rows repeat and columns fit their content."""

from __future__ import annotations

import math
import re

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt, RGBColor

from .markup import classes, ems, is_element, text_of
from .ooxml import grid_widths, row_property, set_fonts, strip_trailing_space
from .styles import HEADING, LINE_PITCH, MUTED, SIZE_SMALL, SIZE_TABLE, SIZE_TABLE_SMALL, TEXT_WIDTH_MM

_LATIN_RUN = re.compile(r"[^\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\s]+")
_PT_MM = 25.4 / 72
_CELL_PAD_MM = 4.2                       # Table Grid's left and right cell margins, and a little air


class TablesMixin:
    """The table parts of the document writer (``document.Writer``)."""

    def tiles(self, el) -> None:
        """The headline tiles as a three-column grid table: name, value, change, target per cell."""
        tiles = [t for t in el if is_element(t) and "tile" in classes(t)]
        if not tiles:
            return
        cols = min(3, len(tiles))
        table = self._new_table(math.ceil(len(tiles) / cols), cols)
        for i, tile in enumerate(tiles):
            cell = table.rows[i // cols].cells[i % cols]
            first = True
            for part in tile:
                if not is_element(part) or not text_of(part):
                    continue
                p = cell.paragraphs[0] if first else cell.add_paragraph()
                first = False
                self.use_style(p, "表格文字")
                self.inline(p, part)
                strip_trailing_space(p)
                kind = classes(part)
                for run in p.runs:
                    if "tile-value" in kind:
                        run.font.size, run.bold = Pt(SIZE_SMALL), True
                        set_fonts(run._r.get_or_add_rPr(), *HEADING)
                    elif "tile-name" in kind:
                        set_fonts(run._r.get_or_add_rPr(), *HEADING)
                        run.font.color.rgb = RGBColor(*MUTED)
        self._set_widths(table, [TEXT_WIDTH_MM / cols] * cols)
        self._after_table()

    def table(self, el) -> None:
        """An HTML table as a Word table: header rows repeat on each page, rows never split, columns
        sized to their content (a wide table drops to 小五 rather than wrap its figures)."""
        rows = []   # (cells, in_head, classes); cells: (element, colspan)
        for tr in el.iter("tr"):
            cells = [(c, int(c.get("colspan")) if (c.get("colspan") or "").isdigit() and int(c.get("colspan")) > 1 else 1)
                     for c in tr if is_element(c) and c.tag in ("td", "th")]
            if cells:
                in_head = tr.getparent().tag == "thead" or all(c.tag == "th" for c, _ in cells)
                rows.append((cells, in_head, classes(tr)))
        if not rows:
            return
        ncols = max(sum(span for _, span in cells) for cells, _, _ in rows)
        full, data = "full" in classes(el), "data" in classes(el)
        sizes = [[0.0] * ncols for _ in range(3)]      # natural, soft minimum, hard minimum (ems) per column
        for cells, in_head, _ in rows:
            col = 0
            for cell_el, span in cells:
                if span == 1:
                    header = in_head or cell_el.tag == "th"
                    figures = data and not header and col >= 2 and not (full and col == ncols - 1)
                    for i, value in enumerate(_cell_ems(text_of(cell_el), header, figures)):
                        sizes[i][col] = max(sizes[i][col], value)
                col += span
        style = "表格文字"
        widths = _fit_widths(*sizes, em_mm=SIZE_TABLE * _PT_MM)
        if widths is None:
            style = "表格文字（小）"
            widths = _fit_widths(*sizes, em_mm=SIZE_TABLE_SMALL * _PT_MM, squeeze=True)

        table = self._new_table(len(rows), ncols)
        for r, (cells, in_head, tr_cls) in enumerate(rows):
            row = table.rows[r]
            row_property(row, "w:cantSplit")
            if in_head:
                row_property(row, "w:tblHeader")
            col = 0
            row_cells = row.cells     # fetched once: table.cell() rescans the whole table
            for cell_el, span in cells:
                cell = row_cells[col]
                if span > 1:
                    cell = cell.merge(row_cells[min(ncols, col + span) - 1])
                p = cell.paragraphs[0]
                self.use_style(p, style)
                header = in_head or cell_el.tag == "th"
                self.inline(p, cell_el, bold=header)
                strip_trailing_space(p)
                # As pack.css: figures from the third column on are right-aligned.
                figures = data and not header and col >= 2 and not (full and col == ncols - 1)
                if header or "theme-row" in tr_cls:
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if header else WD_ALIGN_PARAGRAPH.LEFT
                    for run in p.runs:
                        run.bold = True
                        set_fonts(run._r.get_or_add_rPr(), *HEADING)
                else:
                    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if figures else WD_ALIGN_PARAGRAPH.LEFT
                col += span
        self._set_widths(table, widths)
        self._after_table()

    def _new_table(self, rows: int, cols: int):
        if self.break_before:     # a table cannot start a page by itself: an empty paragraph does
            self.paragraph("表格文字")
        table = self.doc.add_table(rows=rows, cols=cols)
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for row in table.rows:
            for cell in row.cells:
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        return table

    @staticmethod
    def _set_widths(table, widths_mm: list[float]) -> None:
        widths = [Mm(w) for w in widths_mm]
        for column, width in zip(table.columns, widths):
            column.width = width
        for row in table.rows:
            for tc, width in zip(row._tr.tc_lst, grid_widths(row._tr.tc_lst, widths)):
                tc.width = width

    def _after_table(self) -> None:
        p = self.paragraph("表格文字")     # Word needs a paragraph between tables; also the gap below
        p.paragraph_format.space_after = Pt(LINE_PITCH / 4)


def _cell_ems(text: str, header: bool, figures: bool) -> tuple[float, float, float]:
    """How wide a cell's text is (ems): natural, the least it should get, the least it can live with.

    Figures never wrap (at a pinch they break before “（”); names wrap after six characters, or two at a
    pinch; headers after two; a Latin run (12351, 2026) is never broken."""
    natural = ems(text)
    latin = max(map(ems, _LATIN_RUN.findall(text)), default=0.0)
    if figures:
        return natural, natural, max(map(ems, re.split(r"(?=（)", text)))
    soft = max(latin, min(natural, 2 if header else 6))
    return natural, soft, max(latin, min(natural, 2))


def _fit_widths(natural: list[float], soft: list[float], hard: list[float], *, em_mm: float,
                squeeze: bool = False) -> list[float] | None:
    """Column widths (mm) that fill the text width: every column as wide as its content if all fit; else
    each column its soft minimum and the rest shared by need. None if even that does not fit, unless
    ``squeeze``: then the hard minimums likewise, and at the very last those scaled down."""
    def mm(values: list[float]) -> list[float]:
        return [v * em_mm + _CELL_PAD_MM for v in values]

    want = mm(natural)
    if sum(want) <= TEXT_WIDTH_MM:
        return [w * TEXT_WIDTH_MM / sum(want) for w in want]
    for floor, ceiling in ((mm(soft), want), (mm(hard), mm(soft)))[:2 if squeeze else 1]:
        if sum(floor) <= TEXT_WIDTH_MM:   # the ceiling does not fit (checked before), so all spare is shared
            spare, extra = TEXT_WIDTH_MM - sum(floor), [c - f for c, f in zip(ceiling, floor)]
            return [f + spare * e / sum(extra) for f, e in zip(floor, extra)]
    if not squeeze:
        return None
    floor = mm(hard)
    return [f * TEXT_WIDTH_MM / sum(floor) for f in floor]

