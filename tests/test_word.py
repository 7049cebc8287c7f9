"""The Word copy of a pack: the .docx, opened again with python-docx, says exactly what the HTML pack says."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
import zipfile

import lxml.html
import nbformat
import pytest
import vl_convert
from docx import Document
from docx.image.image import Image
from docx.oxml.ns import qn
from docx.shared import Mm

from briefing.errors import RenderError
from briefing.export.html import export_html
from briefing.export.word import html_to_docx

SPACE = re.compile(r"\s+")


def title_group(text: str, size: int) -> str:
    return (f'<g class="mark-group role-title"><g><g class="mark-text role-title-text">'
            f'<text font-size="{size}px">{text}</text></g></g></g>')


def chart_svg(title: str, facets: tuple[str, ...] = ()) -> str:
    """An SVG shaped like Vega's: the chart's title (14px) inside a wrapper whose outermost title is the
    source line (10px, at the bottom), facet headers (11px) nested deeper."""
    heads = "".join(f'<g class="mark-group role-scope"><g>{title_group(f, 11)}</g></g>' for f in facets)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="marks" width="400" height="200" viewBox="0 0 400 200">'
            f'<rect width="400" height="200" fill="white"/><g class="mark-group role-frame root"><g>'
            f'<g class="mark-group role-scope"><g>{heads}'
            f'<rect x="20" y="40" width="{150 + 40 * len(facets)}" height="20" fill="#9e1b1b"/>'
            f'<text x="20" y="120">入会率（%）</text></g>{title_group(title, 14)}</g>'
            f'{title_group("数据来源：测试；数据截至2025年12月31日", 10)}</g></g></svg>')


COVER = """<section class="cover" data-region="A1">
<p class="secret-mark">内部资料 注意保存</p>
<p class="cover-meeting" id="meeting-name">测试市总工会全委（扩大）会议</p>
<h1 class="cover-title">东区总工会<br>
  2025年工作简报材料</h1>
<p class="sample-mark">示例数据 · 数字均为虚构</p>
<p class="cover-date">2026年1月20日</p>
</section>"""
TILES = """<div class="tiles"><div class="tile tile-good"><div class="tile-name">新建基层工会</div>
<div class="tile-value">12家</div><div class="tile-yoy">同比增长20.0%</div>
<div class="tile-target">超额完成年度目标，完成率120.0%</div></div><div class="tile tile-plain">
<div class="tile-name">入会率</div><div class="tile-value">95.0%</div><div class="tile-yoy">与上年持平</div>
<div class="tile-target">达到“95.0%以上”的目标要求</div></div></div>"""
NARRATIVE = """<div class="narrative"><p>对照年度目标，全区2项量化指标中，已完成2项。</p><h3>组织建设</h3>
<p>全区新建基层工会12家，同比增长20.0%，超额完成年度目标，完成率120.0%；入会率为95.0%，与上年持平。</p>
<h3>帮扶与送温暖</h3><p>全区送温暖资金110.0万元，同比增长10.0%。</p></div>"""
TABLE = """<table class="data full"><thead><tr><th>指标</th><th>单位</th><th>2025年</th><th>上年同期</th><th>同比</th>
<th>备注</th></tr></thead><tbody><tr class="theme-row"><td colspan="6">组织建设</td></tr>
<tr><td>新建基层工会</td><td>家</td><td>12</td><td>10</td><td>+20.0%</td><td></td></tr>
<tr><td>入会率</td><td>%</td><td>95.0</td><td>95.0</td><td>0.0个百分点</td><td>比率超过100%</td></tr>
<tr class="theme-row"><td colspan="6">帮扶与送温暖</td></tr>
<tr><td>送温暖资金</td><td>万元</td><td>110.0</td><td>100.0</td><td>+10.0%</td><td></td></tr></tbody></table>"""
NOTE = """<div class="data-note"><ul><li>数据截至：2025年12月31日（全年数据）</li><li>数据来源：测试 &amp; 核对</li>
</ul></div>"""


def html_output(markup: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", {"text/html": markup, "text/plain": "x"})


def pack_notebook() -> nbformat.NotebookNode:
    """A hand-made executed notebook with every kind of block a theme notebook shows."""
    nb = nbformat.v4.new_notebook()
    cells = [("md", "<!-- 编辑说明：不出现在简报中 -->"), ("out", [html_output(COVER)]),
             ("md", "## 一、主要指标概览"), ("out", [html_output(TILES)]),
             ("md", "## 二、上年工作回顾"), ("out", [html_output(NARRATIVE)]),
             ("out", [nbformat.v4.new_output("display_data", {"image/svg+xml": chart_svg("年度目标完成情况"),
                                                               "text/plain": "chart"})]),
             ("out", [nbformat.v4.new_output("display_data", {
                 "image/svg+xml": chart_svg("主要指标近年走势", facets=("新建基层工会（家）", "入会率（%）")),
                 "text/plain": "chart"})]),
             ("md", "## 三、存在的问题 <b>&</b> 不足\n\n- 一是**建会率**未达标\n- 二是帮扶覆盖不全"),
             ("md", "## 附表：主要指标完成情况"), ("out", [html_output(TABLE)]),
             ("md", "## 数据说明"), ("out", [html_output(NOTE)])]
    for kind, content in cells:
        if kind == "md":
            nb.cells.append(nbformat.v4.new_markdown_cell(content))
        else:
            cell = nbformat.v4.new_code_cell("briefing.show(pack)")
            cell.outputs = content
            nb.cells.append(cell)
    return nb


@pytest.fixture(scope="module")
def small():
    html = export_html(pack_notebook(), title="测试会议 · 东区", running_head="测试会议 · 东区 · 内部资料")
    data = html_to_docx(html)
    return html, data, Document(io.BytesIO(data))


# ------------------------------------------------------------------ what the HTML says, and what the .docx says

def text(el) -> str:
    return SPACE.sub(" ", el.text_content()).strip()


def html_parts(html: str) -> dict:
    root = lxml.html.document_fromstring(html)
    main = root.find(".//main")
    tables = []
    for table in main.find_class("data"):
        tables.append([[text(c) for c in tr if c.tag in ("td", "th")] for tr in table.iter("tr")])
    return {
        "h1": [text(h) for h in main.iter("h2") if "toc-title" not in (h.get("class") or "")],
        "h2": [text(h) for h in main.iter("h3")],
        "narrative": [text(p) for div in main.find_class("narrative") for p in div.iter("p")],
        "tables": tables,
        "tiles": [[text(part) for part in tile] for tile in main.find_class("tile")],
        "charts": len(main.find_class("chart")),
        "note": [text(li) for div in main.find_class("data-note") for li in div.iter("li")],
    }


def row_texts(row) -> list[str]:
    """A row's cells as the reader sees them: a merged cell once."""
    out, seen = [], None
    for cell in row.cells:
        if cell._tc is not seen:
            out.append(cell.text)
        seen = cell._tc
    return out


def is_header(row) -> bool:
    pr = row._tr.trPr
    return pr is not None and pr.find(qn("w:tblHeader")) is not None


def docx_parts(doc) -> dict:
    paras = doc.paragraphs
    data_tables = [t for t in doc.tables if is_header(t.rows[0])]
    return {
        "h1": [p.text for p in paras if p.style.name == "Heading 1"],
        "h2": [p.text for p in paras if p.style.name == "Heading 2"],
        "body": [p.text for p in paras if p.style.name == "Body Text"],
        "tables": [[row_texts(r) for r in t.rows] for t in data_tables],
        "captions": [p.text for p in paras if p.style.name == "Caption"],
        "note": [p.text for p in paras if p.style.name == "数据说明"],
    }


def east_asian_font(style) -> str:
    return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def assert_same_content(html: str, doc) -> None:
    want, got = html_parts(html), docx_parts(doc)
    assert got["h1"] == want["h1"]
    assert got["h2"] == want["h2"]
    body = got["body"]
    positions = [body.index(sentence) for sentence in want["narrative"]]   # every sentence, verbatim …
    assert positions == sorted(positions)                                 # … and in the same order
    assert got["tables"] == want["tables"]
    assert len(doc.inline_shapes) == want["charts"] and len(got["captions"]) == want["charts"]
    assert got["note"] == want["note"]
    tiles = doc.tables[0]
    assert [[p.text for p in cell.paragraphs] for row in tiles.rows for cell in row.cells][:len(want["tiles"])] \
        == want["tiles"]


# ------------------------------------------------------------------ the small pack

def test_docx_says_what_the_html_says(small):
    html, _, doc = small
    assert_same_content(html, doc)
    parts = docx_parts(doc)
    assert parts["h1"][2] == "三、存在的问题 & 不足"      # escaped markup arrives as text
    assert "编辑说明" not in "\n".join(p.text for p in doc.paragraphs)


def test_cover_contents_and_data_note_in_reading_order(small):
    _, _, doc = small
    texts = [p.text for p in doc.paragraphs if p.text]
    assert texts[0] == "内部资料 注意保存"
    assert texts[2] == "东区总工会\n2025年工作简报材料"          # the <br> is a line break, not lost text
    toc = texts.index("目录")
    assert texts[toc + 1:toc + 6] == ["一、主要指标概览", "二、上年工作回顾", "三、存在的问题 & 不足",
                                      "附表：主要指标完成情况", "数据说明"]
    body = doc.element.body
    assert 'TOC \\o "1-1"' in "".join(t.text for t in body.iter(qn("w:instrText")))
    first_heading = next(p for p in doc.paragraphs if p.style.name == "Heading 1")
    assert first_heading.paragraph_format.page_break_before     # contents on a page of their own
    assert texts[-2:] == ["数据截至：2025年12月31日（全年数据）", "数据来源：测试 & 核对"]


def test_tables_are_real_word_tables_with_repeating_header(small):
    _, _, doc = small
    table = [t for t in doc.tables if is_header(t.rows[0])][0]
    assert row_texts(table.rows[1]) == ["组织建设"]             # the theme row spans the table
    assert not any(is_header(r) for r in table.rows[1:])
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in table.rows)
    assert table.rows[2].cells[2].paragraphs[0].alignment == 2   # figures right-aligned, as in the HTML
    assert abs(sum(c.width for c in table.columns) - Mm(156)) < Mm(1)
    name_width = Mm(len("送温暖资金") * 10.5 * 25.4 / 72)      # 五号 characters; the table fits, so no name wraps
    assert table.columns[0].width > name_width


def test_charts_are_sharp_pictures_captioned_with_their_own_title(small):
    _, data, doc = small
    assert docx_parts(doc)["captions"] == ["图1\u3000年度目标完成情况", "图2\u3000主要指标近年走势"]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        pngs = [z.read(n) for n in z.namelist() if n.startswith("word/media/") and n.endswith(".png")]
    assert len(pngs) == 2
    for png in pngs:
        image = Image.from_blob(png)
        shown_inches = Mm(156).inches
        assert image.px_width / shown_inches >= 290              # about 300 dpi across the text width
    assert all(abs(s.width - Mm(156)) < Mm(1) for s in doc.inline_shapes)
    instr = "".join(t.text for t in doc.element.body.iter(qn("w:instrText")))
    assert instr.count("SEQ 图") == 2                             # real Word captions, numbered by a field


def test_official_document_typography(small):
    _, data, doc = small
    section = doc.sections[0]
    def mm(length) -> float:
        return round(length.mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert [mm(section.top_margin), mm(section.bottom_margin), mm(section.left_margin), mm(section.right_margin)] \
        == [37, 35, 28, 26]
    assert east_asian_font(doc.styles["Normal"]) == "仿宋" and doc.styles["Normal"].font.size.pt == 16
    assert east_asian_font(doc.styles["Heading 1"]) == "黑体"
    assert east_asian_font(doc.styles["Heading 2"]) == "楷体"
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:asciiTheme")) is None                  # theme fonts would override the names
    for footer in (section.footer, section.even_page_footer):
        instr = "".join(t.text for t in footer._element.iter(qn("w:instrText")))
        assert instr.strip() == "PAGE" and footer.paragraphs[0].text == "— 1 —"
    assert section.different_first_page_header_footer and section.first_page_footer.paragraphs[0].text == ""
    assert section.header.paragraphs[0].text == "测试会议 · 东区 · 内部资料"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        table = lxml.etree.fromstring(z.read("word/fontTable.xml"))
    alt = {f.get(qn("w:name")): f.find(qn("w:altName")).get(qn("w:val")) for f in table
           if f.find(qn("w:altName")) is not None}
    assert "宋体" in alt["仿宋"].split(",") and "SimHei" in alt["黑体"].split(",")
    props = doc.core_properties
    assert props.title == "测试会议 · 东区" and props.author == "" and props.language == "zh-CN"
    assert props.created.year == 2026


def test_inline_markup_and_lists(small):
    _, _, doc = small
    items = [p for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert [p.text for p in items] == ["一是建会率未达标", "二是帮扶覆盖不全"]
    assert [r.text for r in items[0].runs if r.bold] == ["建会率"]


def test_a_wide_table_drops_to_a_smaller_size_instead_of_breaking_its_figures():
    head = "".join(f"<th>指标{i}</th>" for i in range(9))
    row = "".join("<td>+20.0%</td>" for _ in range(9))
    html = (f'<main class="pack"><table class="data"><thead><tr><th>指标</th>{head}</tr></thead>'
            f"<tbody><tr><td>劳模和技能人才创新工作室</td>{row}</tr></tbody></table></main>")
    doc = Document(io.BytesIO(html_to_docx(html)))
    table = doc.tables[0]
    assert {p.style.name for row in table.rows for cell in row.cells for p in cell.paragraphs} == {"表格文字（小）"}
    assert abs(sum(c.width for c in table.columns) - Mm(156)) < Mm(1)
    widths = [c.width for c in table.columns]
    assert len(set(widths[2:])) == 1 and widths[0] > widths[2]    # figures alike, the name gets the rest


def test_png_outputs_become_pictures_too():
    png = vl_convert.svg_to_png(chart_svg("图"), scale=1)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("chart")
    cell.outputs = [nbformat.v4.new_output("display_data", {"image/png": base64.b64encode(png).decode(),
                                                            "text/plain": "chart"})]
    nb.cells = [cell]
    doc = Document(io.BytesIO(html_to_docx(export_html(nb, title="t", running_head="r"))))
    assert len(doc.inline_shapes) == 1 and docx_parts(doc)["captions"] == ["图1"]


def test_same_html_gives_the_same_document():
    html = export_html(pack_notebook(), title="t", running_head="r")
    first, second = html_to_docx(html), html_to_docx(html)
    with zipfile.ZipFile(io.BytesIO(first)) as a, zipfile.ZipFile(io.BytesIO(second)) as b:
        assert a.namelist() == b.namelist()
        assert all(a.read(n) == b.read(n) for n in a.namelist())


def test_a_chart_that_cannot_be_drawn_names_itself():
    broken = chart_svg("坏图表").replace('width="400" height="200" viewBox="0 0 400 200"', 'width="0" height="0"')
    with pytest.raises(RenderError, match="坏图表.*无法转为 Word 文稿中的图片"):
        html_to_docx(f'<main class="pack"><figure class="chart">{broken}</figure></main>')


def test_bare_fragment_without_pack_template():
    doc = Document(io.BytesIO(html_to_docx("<p>只有一句话。</p>")))
    assert [p.text for p in doc.paragraphs] == ["只有一句话。"]


# ------------------------------------------------------------------ a real pack, and LibreOffice

@pytest.fixture(scope="module")
def real_pack(sample_pack, tmp_path_factory):
    """The session's real pack (城关区 of the sample meeting) as HTML and as the .docx made from it."""
    html = (sample_pack / "briefing.html").read_text(encoding="utf-8")
    docx = tmp_path_factory.mktemp("pack") / "briefing.docx"
    docx.write_bytes(html_to_docx(html))
    return html, docx


@pytest.mark.slow
def test_real_pack_docx_matches_its_html(real_pack):
    html, docx = real_pack
    doc = Document(str(docx))
    assert_same_content(html, doc)
    parts = html_parts(html)
    assert parts["charts"] >= 4 and len(parts["narrative"]) >= 5 and len(parts["tables"]) >= 2
    assert docx_parts(doc)["captions"][0] == "图1\u3000年度目标完成情况"


@pytest.mark.slow
def test_libreoffice_opens_the_docx_and_prints_it(real_pack, tmp_path):
    _, docx = real_pack
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "需要 LibreOffice（soffice）：运行 scripts/setup.sh --test 安装 libreoffice-writer-nogui"
    profile = (tmp_path / "lo-profile").as_uri()     # a fresh profile: no clash with a LibreOffice already open
    run = subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                          "--outdir", str(tmp_path), str(docx)], capture_output=True, text=True, timeout=300)
    pdf = tmp_path / "briefing.pdf"
    assert run.returncode == 0 and pdf.exists(), run.stderr
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = SPACE.sub("", text)
    assert "城关区" in flat and "内部资料" in flat and "对照年度目标" in flat
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in pages
