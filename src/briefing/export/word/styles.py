"""The 公文 look of a Word pack: fonts with their fallbacks, sizes, the type grid, page set-up, running head and page numbers."""

from __future__ import annotations

import io
import zipfile

import lxml.etree as etree
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .ooxml import add_field, set_fonts

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


def set_up_styles(doc) -> None:
    """Body, heading, caption, table and note styles of ``doc`` in the 公文 habit."""
    styles = doc.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    default_rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    set_fonts(default_rpr, *BODY)
    lang = default_rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")

    normal = styles["Normal"]
    _style(normal, BODY, SIZE_BODY)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PITCH)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.widow_control = True

    body = styles["Body Text"]
    _style(body, BODY, SIZE_BODY)
    body.paragraph_format.first_line_indent = Pt(2 * SIZE_BODY)     # 首行缩进两字
    body.paragraph_format.space_after = Pt(0)

    # 公文 habit: 一级标题 黑体, 二级 楷体, 三级 仿宋 bold; all in 三号, indented two characters like the text.
    for name, fonts in (("Heading 1", HEADING), ("Heading 2", SUBHEADING), ("Heading 3", BODY)):
        style = styles[name]
        _style(style, fonts, SIZE_BODY, bold=name == "Heading 3")
        pf = style.paragraph_format
        pf.first_line_indent = Pt(2 * SIZE_BODY)
        pf.space_before = Pt(LINE_PITCH / 2 if name == "Heading 1" else 0)
        pf.space_after = Pt(0)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(LINE_PITCH)
        pf.keep_with_next = True
        pf.alignment = WD_ALIGN_PARAGRAPH.LEFT

    caption = styles["Caption"]
    _style(caption, HEADING, SIZE_NOTE, bold=False)
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
        _style(style, BODY, size)
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
        _style(styles[name], PAGE_NUMBER if name == "Footer" else HEADING,
                    SIZE_SMALL if name == "Footer" else 9)
        styles[name].paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        styles[name].paragraph_format.first_line_indent = None

def _style(style, fonts: tuple[str, str], size: float, bold: bool = False) -> None:
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(style.element.get_or_add_rPr(), *fonts)

def set_up_page(doc, running_head: str) -> None:
    """A4, 公文 margins, no header or number on the cover, page numbers “— 1 —” at the outer edge."""
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance, section.footer_distance = Mm(15), Mm(18)
    # The cover carries no header or page number; odd pages number at the right, even at the left.
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False     # defined, and empty
    section.first_page_footer.is_linked_to_previous = False
    doc.settings.odd_and_even_pages_header_footer = True
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
        add_field(p, "PAGE", "1")
        p.add_run(" —")
    for header in (section.header, section.even_page_header):
        p = header.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if running_head:
            run = p.add_run(running_head)
            run.font.color.rgb = RGBColor(*MUTED)


def with_font_table(docx: bytes) -> bytes:
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
