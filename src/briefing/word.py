"""Word (.docx) copy of a pack: the exported pack HTML rebuilt as an editable, 公文-style document.

The .docx is made from the same HTML as the PDF, so both carry the same sentences, tables
and charts: section headings become Word headings (the contents list is a real TOC field),
the narrative editable paragraphs, ``table.data`` real Word tables whose header row repeats
on every page, and each chart a high-resolution PNG with its title as a numbered caption.
Typography follows the usual 党政机关公文 habits: A4, 仿宋 three-size body text on a 29 pt grid,
黑体 and 楷体 headings, a 小标宋 cover title, page numbers “— 1 —” at the outer edge. Every
Chinese font is named with its fallbacks in the document's font table, so Word and WPS find
a suitable font on machines that lack the first choice.
"""

from __future__ import annotations

import base64
import copy
import io
import math
import re
import unicodedata
import zipfile
from datetime import datetime, timezone

import lxml.etree as etree
import lxml.html
import vl_convert
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.image.image import Image
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor

from .errors import RenderError

# Font slots: (east-Asian name, Latin name). Latin text (digits, "%") in 公文 is usually Times New Roman.
BODY = ("仿宋", "Times New Roman")
HEADING = ("黑体", "黑体")
SUBHEADING = ("楷体", "Times New Roman")
TITLE = ("方正小标宋简体", "Times New Roman")
PAGE_NUMBER = ("宋体", "宋体")

# Declared in word/fontTable.xml: alternate names, tried in order when the first one is not
# installed (ISO/IEC 29500-1 §17.8.3.1), then the charset (86 = GB2312) guides substitution.
FONT_TABLE = {
    "仿宋": ("仿宋_GB2312,FangSong,FangSong_GB2312,STFangsong,华文仿宋,宋体,SimSun,Noto Serif CJK SC,Source Han Serif SC",
           "02010609060101010101", "modern", "fixed"),
    "黑体": ("SimHei,STHeiti,华文黑体,微软雅黑,Microsoft YaHei,Noto Sans CJK SC,Source Han Sans SC",
           "02010609060101010101", "modern", "fixed"),
    "楷体": ("楷体_GB2312,KaiTi,KaiTi_GB2312,STKaiti,华文楷体,仿宋,FangSong,Noto Serif CJK SC,Source Han Serif SC",
           "02010609060101010101", "modern", "fixed"),
    "宋体": ("SimSun,NSimSun,新宋体,STSong,华文宋体,Noto Serif CJK SC,Source Han Serif SC",
           "02010600030101010101", "auto", "variable"),
    "方正小标宋简体": ("方正小标宋_GBK,FZXiaoBiaoSong-B05S,华文中宋,STZhongsong,宋体,SimSun,Noto Serif CJK SC",
                "02000000000000000000", "auto", "variable"),
}

# Sizes by their Chinese names: 二号 22 pt, 三号 16 pt, 四号 14 pt, 小四 12 pt, 五号 10.5 pt, 小五 9 pt.
SIZE_TITLE, SIZE_BODY, SIZE_SMALL, SIZE_NOTE, SIZE_TABLE, SIZE_TABLE_SMALL = 22, 16, 14, 12, 10.5, 9
LINE_PITCH = 29            # points: 22 lines on the 225 mm type area of GB/T 9704
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TEXT_WIDTH_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]     # 156 mm
MAX_FIGURE_HEIGHT_MM = 185  # a chart and its caption fit on one page
FIGURE_DPI = 300
INK, MUTED, RED = (0x26, 0x26, 0x26), (0x6F, 0x6F, 0x6F), (0x9E, 0x1B, 0x1B)

# SVG names that an HTML parser folds to lower case; rasterisers want them as written.
_SVG_NAMES = {n.lower(): n for n in (
    "viewBox", "preserveAspectRatio", "gradientUnits", "gradientTransform", "patternUnits",
    "patternContentUnits", "patternTransform", "clipPathUnits", "maskUnits", "maskContentUnits",
    "markerWidth", "markerHeight", "markerUnits", "refX", "refY", "textLength", "lengthAdjust",
    "startOffset", "spreadMethod", "clipPath", "linearGradient", "radialGradient", "textPath",
    "foreignObject")}
_SPACE = re.compile(r"\s+")
_HEADING_TAGS = {"h1": 1, "h2": 1, "h3": 2, "h4": 3, "h5": 3, "h6": 3}
_LATIN_RUN = re.compile(r"[^\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\s]+")
_NARROW = {**dict.fromkeys("0123456789", 0.5), **dict.fromkeys(".,:;'|!", 0.25), "/": 0.28, "%": 0.83,
           "+": 0.56, "-": 0.33, " ": 0.25}
_PT_MM = 25.4 / 72
_CELL_PAD_MM = 4.2                       # Table Grid's left and right cell margins, and a little air
_CN_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def html_to_docx(html: str) -> bytes:
    """The .docx bytes of a pack, from the pack HTML that ``export_html`` returns.

    Pure: HTML text in, document bytes out; nothing is read from or written to disk.

    >>> from docx import Document
    >>> data = html_to_docx('<main class="pack"><div class="md"><h2 id="sec-1">一、主要指标</h2></div>'
    ...                     '<div class="narrative"><p>全区新建基层工会68家。</p></div></main>')
    >>> [(p.style.name, p.text) for p in Document(io.BytesIO(data)).paragraphs]
    [('Heading 1', '一、主要指标'), ('Body Text', '全区新建基层工会68家。')]
    """
    root = lxml.html.document_fromstring(html)
    writer = _Writer(root)
    main = root.find(".//main") if root.find(".//main") is not None else root.find("body")
    writer.blocks(main if main is not None else root, "body")
    out = io.BytesIO()
    writer.doc.save(out)
    return _with_font_table(out.getvalue())


# ------------------------------------------------------------------ text helpers

def _classes(el) -> set[str]:
    return set((el.get("class") or "").split())


def _text(el) -> str:
    """An element's text as a reader sees it: runs of white space shown as one space."""
    return _SPACE.sub(" ", el.text_content()).strip()


def _ems(text: str) -> float:
    """Printed width in ems, roughly: a Chinese character is one, a digit half (Times New Roman)."""
    wide = [unicodedata.east_asian_width(c) in "WF" for c in text]
    switches = sum(1 for a, b in zip(wide, wide[1:]) if a != b)   # Word and WPS add a little space there
    return sum(1.0 if w else _NARROW.get(c, 0.55) for c, w in zip(text, wide)) + 0.25 * switches


def _is_element(node) -> bool:
    return isinstance(node.tag, str)


# ------------------------------------------------------------------ the writer

class _Writer:
    """Builds one Document while walking the pack HTML from top to bottom."""

    def __init__(self, root):
        self.doc = Document()
        self.figures = 0
        self.break_before = False
        self._style_ids: dict[str, str | None] = {}
        self._set_up_styles()
        head = root.find_class("running-head")
        title = root.find(".//title")
        self._set_up_page(_text(head[0]) if head else "")
        props = self.doc.core_properties
        props.title = _text(title) if title is not None else ""
        props.subject = _text(head[0]) if head else ""
        props.author = props.last_modified_by = props.comments = ""
        props.language = "zh-CN"
        props.revision = 1
        dates = [_CN_DATE.search(_text(e)) for e in root.find_class("cover-date")]
        if dates and dates[0]:
            when = datetime(*map(int, dates[0].groups()), tzinfo=timezone.utc)
            props.created = props.modified = when

    # ---- document set-up

    def _set_up_styles(self) -> None:
        styles = self.doc.styles
        defaults = styles.element.find(qn("w:docDefaults"))
        default_rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        _set_fonts(default_rpr, *BODY)
        lang = default_rpr.find(qn("w:lang"))
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")

        normal = styles["Normal"]
        self._style(normal, BODY, SIZE_BODY)
        fmt = normal.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_PITCH)
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.widow_control = True

        body = styles["Body Text"]
        self._style(body, BODY, SIZE_BODY)
        body.paragraph_format.first_line_indent = Pt(2 * SIZE_BODY)     # 首行缩进两字
        body.paragraph_format.space_after = Pt(0)

        # 公文 habit: 一级标题 黑体, 二级 楷体, 三级 仿宋 bold; all in 三号, indented two characters like the text.
        for name, fonts in (("Heading 1", HEADING), ("Heading 2", SUBHEADING), ("Heading 3", BODY)):
            style = styles[name]
            self._style(style, fonts, SIZE_BODY, bold=name == "Heading 3")
            pf = style.paragraph_format
            pf.first_line_indent = Pt(2 * SIZE_BODY)
            pf.space_before = Pt(LINE_PITCH / 2 if name == "Heading 1" else 0)
            pf.space_after = Pt(0)
            pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            pf.line_spacing = Pt(LINE_PITCH)
            pf.keep_with_next = True
            pf.alignment = WD_ALIGN_PARAGRAPH.LEFT

        caption = styles["Caption"]
        self._style(caption, HEADING, SIZE_NOTE, bold=False)
        caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption.paragraph_format.space_before = Pt(0)
        caption.paragraph_format.space_after = Pt(LINE_PITCH / 2)
        caption.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE

        names = {s.name for s in styles}
        for name, style_id, size, spacing in (("表格文字", "BriefingTableText", SIZE_TABLE, None),
                                              ("表格文字（小）", "BriefingTableTextSmall", SIZE_TABLE_SMALL, None),
                                              ("图片", "BriefingFigure", SIZE_NOTE, None),
                                              ("数据说明", "BriefingDataNote", SIZE_NOTE, Pt(22))):
            style = styles[name] if name in names else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.style_id = style_id     # ASCII ids, as Word writes them; the Chinese name is what editors see
            style.base_style = normal
            style.quick_style = True
            self._style(style, BODY, size)
            pf = style.paragraph_format
            pf.first_line_indent = Pt(2 * size) if name == "数据说明" else None
            if spacing is None:
                pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
            else:
                pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, spacing
            pf.alignment = WD_ALIGN_PARAGRAPH.CENTER if name == "图片" else None
        styles["图片"].paragraph_format.keep_with_next = True
        styles["图片"].paragraph_format.space_before = Pt(LINE_PITCH / 2)

        for name in ("Header", "Footer"):
            self._style(styles[name], PAGE_NUMBER if name == "Footer" else HEADING,
                        SIZE_SMALL if name == "Footer" else 9)
            styles[name].paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            styles[name].paragraph_format.first_line_indent = None

    @staticmethod
    def _style(style, fonts: tuple[str, str], size: float, bold: bool = False) -> None:
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        _set_fonts(style.element.get_or_add_rPr(), *fonts)

    def _set_up_page(self, running_head: str) -> None:
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        section.header_distance, section.footer_distance = Mm(15), Mm(18)
        # The cover carries no header or page number; odd pages number at the right, even at the left.
        section.different_first_page_header_footer = True
        section.first_page_header.is_linked_to_previous = False     # defined, and empty
        section.first_page_footer.is_linked_to_previous = False
        self.doc.settings.odd_and_even_pages_header_footer = True
        for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                              (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
            p = footer.paragraphs[0]
            p.alignment = align
            indent = Pt(SIZE_SMALL)       # 空一字
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                p.paragraph_format.right_indent = indent
            else:
                p.paragraph_format.left_indent = indent
            p.add_run("— ")
            _add_field(p, "PAGE", "1")
            p.add_run(" —")
        for header in (section.header, section.even_page_header):
            p = header.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if running_head:
                run = p.add_run(running_head)
                run.font.color.rgb = RGBColor(*MUTED)

    # ---- paragraphs

    def paragraph(self, style: str = "Body Text", text: str = ""):
        p = self.doc.add_paragraph(text)
        self.use_style(p, style)
        if self.break_before:
            p.paragraph_format.page_break_before = True
            self.break_before = False
        return p

    def use_style(self, p, name: str) -> None:
        """Give paragraph ``p`` the style called ``name`` (looked up once: python-docx's lookup is slow)."""
        if name not in self._style_ids:
            style = self.doc.styles[name]
            self._style_ids[name] = None if style == self.doc.styles.default(style.type) else style.style_id
        p._p.style = self._style_ids[name]

    def inline(self, p, el, *, bold: bool = False, italic: bool = False, colour=None) -> None:
        """The text and inline markup (b, i, br, code, sub, sup, links) of ``el`` into paragraph ``p``."""
        self._run(p, el.text, bold, italic, colour)
        for child in el:
            tail = child.tail
            if _is_element(child):
                tag = child.tag
                if tag == "br":
                    p.add_run().add_break()
                    tail = tail.lstrip() if tail else tail     # the source's line break after <br> is not text
                elif tag in ("svg", "img", "script", "style"):
                    pass
                else:
                    run_bold = bold or tag in ("b", "strong", "th")
                    run_italic = italic or tag in ("i", "em")
                    start = len(p.runs)
                    self.inline(p, child, bold=run_bold, italic=run_italic, colour=colour)
                    for run in p.runs[start:]:
                        if tag in ("sub", "sup"):
                            run.font.subscript, run.font.superscript = tag == "sub", tag == "sup"
                        elif tag == "code":
                            run.font.name = "Courier New"
            self._run(p, tail, bold, italic, colour)

    @staticmethod
    def _run(p, text: str | None, bold: bool, italic: bool, colour) -> None:
        if not text:
            return
        text = _SPACE.sub(" ", text)
        if not p.runs:
            text = text.lstrip()
        if not text:
            return
        run = p.add_run(text)
        if bold:
            run.bold = True
        if italic:
            run.italic = True
        if colour:
            run.font.color.rgb = RGBColor(*colour)

    def text_paragraph(self, el, style: str = "Body Text", **kw):
        p = self.paragraph(style)
        self.inline(p, el, **kw)
        _strip_trailing_space(p)
        return p

    # ---- blocks

    def blocks(self, el, ctx: str) -> None:
        if el.text and el.text.strip():
            self.paragraph("Body Text", _SPACE.sub(" ", el.text).strip())
        for child in el:
            if _is_element(child):
                self.block(child, ctx)
            if child.tail and child.tail.strip():
                self.paragraph("Body Text", _SPACE.sub(" ", child.tail).strip())

    def block(self, el, ctx: str) -> None:
        tag, cls = el.tag, _classes(el)
        if tag in ("script", "style", "title", "head", "hr") or "running-head" in cls:
            return
        if tag == "section" and "cover" in cls:
            self.cover(el)
        elif tag == "nav" and "toc" in cls:
            self.contents(el)
        elif tag in _HEADING_TAGS:
            self.text_paragraph(el, f"Heading {_HEADING_TAGS[tag]}")
        elif tag == "p":
            self.text_paragraph(el, "数据说明" if ctx == "note" else "Body Text")
        elif tag == "div" and "tiles" in cls:
            self.tiles(el)
        elif tag == "table":
            self.table(el)
        elif tag == "figure":
            self.figure(el)
        elif tag in ("svg", "img"):
            self.picture(el, caption="")
        elif tag in ("ul", "ol"):
            self.items(el, ctx, numbered=tag == "ol")
        elif tag == "pre":
            self.preformatted(el)
        elif "render-error" in cls:
            self.text_paragraph(el, colour=RED)
        elif "data-note" in cls:
            self.blocks(el, "note")
        elif "narrative" in cls:
            self.blocks(el, "narrative")
        else:   # div, section, main, blockquote …: their content, in order
            self.blocks(el, ctx)

    def items(self, el, ctx: str, numbered: bool) -> None:
        style = "数据说明" if ctx == "note" else ("List Number" if numbered else "List Bullet")
        for li in el:
            if not _is_element(li) or li.tag != "li":
                continue
            nested = [c for c in li if _is_element(c) and c.tag in ("ul", "ol", "p", "table", "figure")]
            if nested:   # a list item holding blocks: its own text first, then its blocks
                head = copy.copy(li)
                for c in list(head):
                    if _is_element(c) and c.tag in ("ul", "ol", "p", "table", "figure"):
                        head.remove(c)
                if _text(head):
                    self.text_paragraph(head, style)
                for c in nested:
                    self.block(c, ctx)
            else:
                self.text_paragraph(li, style)

    def preformatted(self, el) -> None:
        p = self.paragraph("表格文字")
        p.alignment = None
        for i, line in enumerate(el.text_content().rstrip("\n").split("\n")):
            if i:
                p.add_run().add_break()
            run = p.add_run(line)
            run.font.name = "Courier New"
            run.font.size = Pt(9)

    # ---- cover and contents

    def cover(self, el) -> None:
        looks = {  # class: (fonts, size, align, space before, colour)
            "secret-mark": (HEADING, SIZE_BODY, WD_ALIGN_PARAGRAPH.LEFT, 0, None),
            "cover-meeting": (SUBHEADING, SIZE_BODY, WD_ALIGN_PARAGRAPH.CENTER, 110, None),
            "cover-title": (TITLE, SIZE_TITLE, WD_ALIGN_PARAGRAPH.CENTER, 24, RED),
            "cover-sub": (BODY, SIZE_SMALL, WD_ALIGN_PARAGRAPH.CENTER, 12, MUTED),
            "sample-mark": (HEADING, SIZE_SMALL, WD_ALIGN_PARAGRAPH.CENTER, 36, RED),
            "cover-date": (BODY, SIZE_BODY, WD_ALIGN_PARAGRAPH.CENTER, 150, None),
        }
        for child in el.iter():
            if not _is_element(child) or child.tag not in ("p", "h1", "h2", "h3", "div") or not _text(child):
                continue
            if child.tag == "div" and any(_is_element(c) for c in child):
                continue
            kind = next((k for k in looks if k in _classes(child)), "")
            fonts, size, align, before, colour = looks.get(kind, (BODY, SIZE_BODY, WD_ALIGN_PARAGRAPH.CENTER, 12, None))
            p = self.paragraph("Normal")
            self.inline(p, child)
            _strip_trailing_space(p)
            p.alignment = align
            fmt = p.paragraph_format
            fmt.space_before = Pt(before)
            if size > LINE_PITCH * 0.6:     # the 二号 title needs more than the text's 29 pt line
                fmt.line_spacing = Pt(size * 1.6)
            for run in p.runs:
                run.font.size = Pt(size)
                _set_fonts(run._r.get_or_add_rPr(), *fonts)
                if colour:
                    run.font.color.rgb = RGBColor(*colour)
                if kind in ("secret-mark", "sample-mark"):
                    run.bold = True
        self.break_before = True

    def contents(self, el) -> None:
        """The contents list as a TOC field: shows the section names now, page numbers after 更新域 in Word/WPS."""
        title = el.find(".//h2")
        p = self.paragraph("Normal", _text(title) if title is not None else "目录")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for run in p.runs:
            _set_fonts(run._r.get_or_add_rPr(), *HEADING)
        entries = [_text(li) for li in el.iter("li")]
        if entries:
            paragraphs = [self.paragraph("Normal") for _ in entries]
            _begin_field(paragraphs[0], 'TOC \\o "1-1" \\h \\z \\u')
            for para, text in zip(paragraphs, entries):
                para.alignment = WD_ALIGN_PARAGRAPH.LEFT
                para.add_run(text)
            _end_field(paragraphs[-1])
        self.break_before = True

    # ---- tables

    def tiles(self, el) -> None:
        """The headline tiles as a three-column grid table: name, value, change, target per cell."""
        tiles = [t for t in el if _is_element(t) and "tile" in _classes(t)]
        if not tiles:
            return
        cols = min(3, len(tiles))
        table = self._new_table(math.ceil(len(tiles) / cols), cols)
        for i, tile in enumerate(tiles):
            cell = table.rows[i // cols].cells[i % cols]
            first = True
            for part in tile:
                if not _is_element(part) or not _text(part):
                    continue
                p = cell.paragraphs[0] if first else cell.add_paragraph()
                first = False
                self.use_style(p, "表格文字")
                self.inline(p, part)
                _strip_trailing_space(p)
                kind = _classes(part)
                for run in p.runs:
                    if "tile-value" in kind:
                        run.font.size, run.bold = Pt(SIZE_SMALL), True
                        _set_fonts(run._r.get_or_add_rPr(), *HEADING)
                    elif "tile-name" in kind:
                        _set_fonts(run._r.get_or_add_rPr(), *HEADING)
                        run.font.color.rgb = RGBColor(*MUTED)
        self._set_widths(table, [TEXT_WIDTH_MM / cols] * cols)
        self._after_table()

    def table(self, el) -> None:
        """An HTML table as a Word table: header rows repeat on each page, rows never split, columns
        sized to their content (a wide table drops to 小五 rather than wrap its figures)."""
        rows = []   # (cells, in_head, classes); cells: (element, colspan)
        for tr in el.iter("tr"):
            cells = [(c, int(c.get("colspan")) if (c.get("colspan") or "").isdigit() and int(c.get("colspan")) > 1 else 1)
                     for c in tr if _is_element(c) and c.tag in ("td", "th")]
            if cells:
                in_head = tr.getparent().tag == "thead" or all(c.tag == "th" for c, _ in cells)
                rows.append((cells, in_head, _classes(tr)))
        if not rows:
            return
        ncols = max(sum(span for _, span in cells) for cells, _, _ in rows)
        full, data = "full" in _classes(el), "data" in _classes(el)
        sizes = [[0.0] * ncols for _ in range(3)]      # natural, soft minimum, hard minimum (ems) per column
        for cells, in_head, _ in rows:
            col = 0
            for cell_el, span in cells:
                if span == 1:
                    header = in_head or cell_el.tag == "th"
                    figures = data and not header and col >= 2 and not (full and col == ncols - 1)
                    for i, value in enumerate(_cell_ems(_text(cell_el), header, figures)):
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
            _row_property(row, "w:cantSplit")
            if in_head:
                _row_property(row, "w:tblHeader")
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
                _strip_trailing_space(p)
                # As pack.css: figures from the third column on are right-aligned.
                figures = data and not header and col >= 2 and not (full and col == ncols - 1)
                if header or "theme-row" in tr_cls:
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if header else WD_ALIGN_PARAGRAPH.LEFT
                    for run in p.runs:
                        run.bold = True
                        _set_fonts(run._r.get_or_add_rPr(), *HEADING)
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
            for tc, width in zip(row._tr.tc_lst, _grid_widths(row._tr.tc_lst, widths)):
                tc.width = width

    def _after_table(self) -> None:
        p = self.paragraph("表格文字")     # Word needs a paragraph between tables; also the gap below
        p.paragraph_format.space_after = Pt(LINE_PITCH / 4)

    # ---- charts

    def figure(self, el) -> None:
        caption_el = el.find(".//figcaption")
        caption = _text(caption_el) if caption_el is not None else ""
        for node in el.iter():
            if _is_element(node) and node.tag in ("svg", "img"):
                self.picture(node, caption or _svg_title(node))
                return
        if caption:
            self.paragraph("Caption", caption)

    def picture(self, el, caption: str) -> None:
        if el.tag == "svg":
            png, (w_px, h_px) = _svg_png(el)
        else:
            found = _data_uri_image(el.get("src") or "")
            if found is None:    # an image the pack does not carry inside itself: nothing to show
                return
            png, (w_px, h_px) = found
        width_mm = min(TEXT_WIDTH_MM, MAX_FIGURE_HEIGHT_MM * w_px / h_px) if h_px else TEXT_WIDTH_MM
        p = self.paragraph("图片")
        p.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))
        self.figures += 1
        cap = self.paragraph("Caption")
        cap.add_run("图")
        _add_field(cap, "SEQ 图 \\* ARABIC", str(self.figures))
        if caption:
            cap.add_run("\u3000" + caption)


# ------------------------------------------------------------------ charts as pictures

def _svg_title(svg) -> str:
    """The chart's own title: Vega's most prominent title text (largest, then outermost). A source
    line set as a bottom title and facet headers are titles too, but smaller."""
    best = None
    for node in svg.iter():
        if _is_element(node) and "role-title-text" in _classes(node):
            label = node if node.tag == "text" else next(node.iter("text"), node)
            size = re.match(r"\s*([\d.]+)", label.get("font-size") or "")
            key = (-float(size.group(1)) if size else 0.0, sum(1 for _ in node.iterancestors()))
            if _text(node) and (best is None or key < best[0]):
                best = (key, _text(node))
    return best[1] if best else ""


def _svg_png(svg) -> tuple[bytes, tuple[float, float]]:
    """The chart as a PNG sharp enough to print at ``FIGURE_DPI`` across the full text width."""
    node = copy.deepcopy(svg)
    for el in node.iter():
        if not _is_element(el):
            continue
        el.tag = _SVG_NAMES.get(el.tag, el.tag)
        for name in [n for n in el.attrib if n in _SVG_NAMES]:
            el.attrib[_SVG_NAMES[name]] = el.attrib.pop(name)
    node.set("xmlns", "http://www.w3.org/2000/svg")
    w_px, h_px = _svg_size(node)
    target = TEXT_WIDTH_MM / 25.4 * FIGURE_DPI
    scale = max(1.0, target / w_px) if w_px else 3.0
    markup = etree.tostring(node, encoding="unicode", method="xml")
    try:
        return vl_convert.svg_to_png(markup, scale=scale), (w_px, h_px)
    except Exception as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]   # the first line, not the backtrace
        raise RenderError(f"图表“{_svg_title(svg) or '（无标题）'}”无法转为 Word 文稿中的图片（{reason}）。"
                          "请检查该图表在 HTML 简报中能否正常显示，修正生成它的笔记本单元格后重新生成。") from exc


def _svg_size(svg) -> tuple[float, float]:
    def number(value: str | None) -> float:
        match = re.match(r"\s*([\d.]+)\s*(px)?\s*$", value or "")
        return float(match.group(1)) if match else 0.0

    w, h = number(svg.get("width")), number(svg.get("height"))
    if (not w or not h) and svg.get("viewBox"):
        parts = svg.get("viewBox").replace(",", " ").split()
        if len(parts) == 4:
            w, h = float(parts[2]), float(parts[3])
    return w, h


def _data_uri_image(src: str) -> tuple[bytes, tuple[float, float]] | None:
    match = re.match(r"data:image/(png|jpeg|jpg|gif);base64,(.*)$", src.strip(), re.S)
    if not match:
        return None
    data = base64.b64decode(match.group(2))
    image = Image.from_blob(data)
    return data, (float(image.px_width), float(image.px_height))


# ------------------------------------------------------------------ the few elements python-docx does not expose

def _set_fonts(rpr, east_asia: str, latin: str) -> None:
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


def _begin_field(p, instruction: str) -> None:
    _field_run(p, "begin")
    _field_run(p, "instr", f" {instruction} ")
    _field_run(p, "separate")


def _end_field(p) -> None:
    _field_run(p, "end")


def _add_field(p, instruction: str, shown: str) -> None:
    """A Word field (PAGE, SEQ …) with the value shown until the application updates it."""
    _begin_field(p, instruction)
    p.add_run(shown)
    _end_field(p)


_TR_PR_ORDER = ("w:cantSplit", "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins",
                "w:del", "w:trPrChange")


def _row_property(row, tag: str) -> None:
    """Set a table-row flag: w:tblHeader (repeat as header row on each page), w:cantSplit."""
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn(tag)) is None:
        tr_pr.insert_element_before(OxmlElement(tag), *_TR_PR_ORDER[_TR_PR_ORDER.index(tag) + 1:])


def _cell_ems(text: str, header: bool, figures: bool) -> tuple[float, float, float]:
    """How wide a cell's text is (ems): natural, the least it should get, the least it can live with.

    Figures never wrap (at a pinch they break before “（”); names wrap after six characters, or two at a
    pinch; headers after two; a Latin run (12351, 2026) is never broken."""
    natural = _ems(text)
    latin = max(map(_ems, _LATIN_RUN.findall(text)), default=0.0)
    if figures:
        return natural, natural, max(map(_ems, re.split(r"(?=（)", text)))
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


def _grid_widths(tcs, widths: list) -> list[Emu]:
    """Each cell's width: the sum of the grid columns it spans."""
    out, col = [], 0
    for tc in tcs:
        out.append(Emu(sum(widths[col:col + tc.grid_span])))
        col += tc.grid_span
    return out


def _strip_trailing_space(p) -> None:
    if p.runs and p.runs[-1].text != p.runs[-1].text.rstrip():
        p.runs[-1].text = p.runs[-1].text.rstrip()


def _with_font_table(docx: bytes) -> bytes:
    """The document with its Chinese fonts declared in word/fontTable.xml, each with its fallbacks."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    src = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/fontTable.xml":
                table = etree.fromstring(data)
                for name, (alt, panose, family, pitch) in FONT_TABLE.items():
                    font = etree.SubElement(table, f"{{{w}}}font", {f"{{{w}}}name": name})
                    for tag, value in (("altName", alt), ("panose1", panose), ("charset", "86"),
                                       ("family", family), ("pitch", pitch)):
                        etree.SubElement(font, f"{{{w}}}{tag}", {f"{{{w}}}val": value})
                data = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(info, data)
    return out.getvalue()
