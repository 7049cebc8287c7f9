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

import copy
import re
from datetime import datetime, timezone

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from .figures import FiguresMixin
from .markup import SPACE, classes, is_element, text_of
from .ooxml import begin_field, end_field, set_fonts, strip_trailing_space
from .styles import (BODY, HEADING, LINE_PITCH, MUTED, RED, SIZE_BODY, SIZE_SMALL, SIZE_TITLE, SUBHEADING, TITLE,
                     set_up_page, set_up_styles)
from .tables import TablesMixin

_HEADING_TAGS = {"h1": 1, "h2": 1, "h3": 2, "h4": 3, "h5": 3, "h6": 3}
_CN_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


class Writer(TablesMixin, FiguresMixin):
    """Builds one Document while walking the pack HTML from top to bottom (tables and charts in their mixins)."""

    def __init__(self, root):
        self.doc = Document()
        self.figures = 0
        self.break_before = False
        self._style_ids: dict[str, str | None] = {}
        set_up_styles(self.doc)
        head = root.find_class("running-head")
        title = root.find(".//title")
        set_up_page(self.doc, text_of(head[0]) if head else "")
        props = self.doc.core_properties
        props.title = text_of(title) if title is not None else ""
        props.subject = text_of(head[0]) if head else ""
        props.author = props.last_modified_by = props.comments = ""
        props.language = "zh-CN"
        props.revision = 1
        dates = [_CN_DATE.search(text_of(e)) for e in root.find_class("cover-date")]
        if dates and dates[0]:
            when = datetime(*map(int, dates[0].groups()), tzinfo=timezone.utc)
            props.created = props.modified = when

    # ---- document set-up
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
            if is_element(child):
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
        text = SPACE.sub(" ", text)
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
        strip_trailing_space(p)
        return p

    # ---- blocks

    def blocks(self, el, ctx: str) -> None:
        if el.text and el.text.strip():
            self.paragraph("Body Text", SPACE.sub(" ", el.text).strip())
        for child in el:
            if is_element(child):
                self.block(child, ctx)
            if child.tail and child.tail.strip():
                self.paragraph("Body Text", SPACE.sub(" ", child.tail).strip())

    def block(self, el, ctx: str) -> None:
        tag, cls = el.tag, classes(el)
        if tag in ("script", "style", "title", "head", "hr") or "running-head" in cls or "screen-only" in cls:
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
            if not is_element(li) or li.tag != "li":
                continue
            nested = [c for c in li if is_element(c) and c.tag in ("ul", "ol", "p", "table", "figure")]
            if nested:   # a list item holding blocks: its own text first, then its blocks
                head = copy.copy(li)
                for c in list(head):
                    if is_element(c) and c.tag in ("ul", "ol", "p", "table", "figure"):
                        head.remove(c)
                if text_of(head):
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
            if not is_element(child) or child.tag not in ("p", "h1", "h2", "h3", "div") or not text_of(child):
                continue
            if child.tag == "div" and any(is_element(c) for c in child):
                continue
            kind = next((k for k in looks if k in classes(child)), "")
            fonts, size, align, before, colour = looks.get(kind, (BODY, SIZE_BODY, WD_ALIGN_PARAGRAPH.CENTER, 12, None))
            p = self.paragraph("Normal")
            self.inline(p, child)
            strip_trailing_space(p)
            p.alignment = align
            fmt = p.paragraph_format
            fmt.space_before = Pt(before)
            if size > LINE_PITCH * 0.6:     # the 二号 title needs more than the text's 29 pt line
                fmt.line_spacing = Pt(size * 1.6)
            for run in p.runs:
                run.font.size = Pt(size)
                set_fonts(run._r.get_or_add_rPr(), *fonts)
                if colour:
                    run.font.color.rgb = RGBColor(*colour)
                if kind in ("secret-mark", "sample-mark"):
                    run.bold = True
        self.break_before = True

    def contents(self, el) -> None:
        """The contents list as a TOC field: shows the section names now, page numbers after 更新域 in Word/WPS."""
        title = el.find(".//h2")
        p = self.paragraph("Normal", text_of(title) if title is not None else "目录")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for run in p.runs:
            set_fonts(run._r.get_or_add_rPr(), *HEADING)
        entries = [text_of(li) for li in el.iter("li")]
        if entries:
            paragraphs = [self.paragraph("Normal") for _ in entries]
            begin_field(paragraphs[0], 'TOC \\o "1-1" \\h \\z \\u')
            for para, text in zip(paragraphs, entries):
                para.alignment = WD_ALIGN_PARAGRAPH.LEFT
                para.add_run(text)
            end_field(paragraphs[-1])
        self.break_before = True
