"""Export and PDF without a kernel: a hand-made executed notebook goes through the pack template."""

import re
import subprocess

import nbformat
import pytest

from briefing import config
from briefing.export.html import add_contents, charts_as_images, export_html
from briefing.export.pdf import html_to_pdf
from briefing.export.files import safe_name, write_atomic

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40" viewBox="0 0 100 40">'
       '<rect x="60" y="5" width="30" height="30" fill="#9e1b1b"/><text x="5" y="20">入会率（%）</text></svg>')


def executed_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cover = nbformat.v4.new_code_cell("show_cover(pack)")
    cover.outputs = [nbformat.v4.new_output("execute_result", {
        "text/html": '<section class="cover"><h1>东区总工会</h1></section>', "text/plain": "cover"}, execution_count=1)]
    chart = nbformat.v4.new_code_cell("chart(pack)")
    chart.outputs = [nbformat.v4.new_output("display_data", {"image/svg+xml": SVG, "text/plain": "chart"})]
    noisy = nbformat.v4.new_code_cell("print('debug')\nsecret = 1")
    noisy.outputs = [nbformat.v4.new_output("stream", name="stdout", text="debug\n")]
    nb.cells = [cover, nbformat.v4.new_markdown_cell("## 一、主要指标"), chart,
                nbformat.v4.new_markdown_cell("## 二、存在的问题 <b>&</b>"), noisy]
    return nb


def test_export_hides_code_and_loads_nothing_from_outside():
    html = export_html(executed_notebook(), title="测试 <会议>", running_head="测试会议 · 东区")
    assert "show_cover" not in html and "secret = 1" not in html and "debug" not in html
    assert "<script" not in html.lower()
    refs = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)', html, flags=re.I) + re.findall(r"url\(([^)]+)\)", html)
    assert [r for r in refs if not r.startswith("#") and not r.startswith("data:")] == []
    assert "<title>测试 &lt;会议&gt;</title>" in html
    assert "入会率（%）</text>" in html      # the chart is inline SVG: text, not an image


def test_contents_list_follows_the_cover_and_links_every_section():
    html = export_html(executed_notebook(), title="t", running_head="r")
    toc = html.index('<nav class="toc">')
    assert html.index("</section>") < toc < html.index('id="sec-1"')
    assert '<a href="#sec-1">一、主要指标</a>' in html and 'href="#sec-2"' in html


def test_add_contents_without_headings_is_a_no_op():
    assert add_contents("<main class=\"pack\"><p>x</p></main>") == "<main class=\"pack\"><p>x</p></main>"


@pytest.mark.parametrize("name", ["../../etc", "a/b", "..", "名\u202e称", "x" * 300, ""])
def test_folder_names_cannot_escape(name):
    cleaned = safe_name(name)
    assert "/" not in cleaned and "\\" not in cleaned and cleaned not in ("", ".", "..") and len(cleaned) <= 80


def test_write_atomic_replaces_whole_file(tmp_path):
    target = tmp_path / "a" / "pack.html"
    write_atomic(target, "旧")
    write_atomic(target, "新")
    assert target.read_text(encoding="utf-8") == "新"
    assert [p.name for p in target.parent.iterdir()] == ["pack.html"]


def test_pdf_is_a4_with_searchable_chinese(tmp_path):
    html = export_html(executed_notebook(), title="t", running_head="测试会议")
    pdf = tmp_path / "p.pdf"
    pdf.write_bytes(html_to_pdf(html))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "东区总工会" in text and "一、主要指标" in text and "入会率（%）" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info


def test_chart_svg_keeps_its_attribute_case():
    html = export_html(executed_notebook(), title="t", running_head="r")
    assert 'viewBox="0 0 100 40"' in html   # SVG is case-sensitive outside an HTML parser


def test_pdf_charts_as_images_print_exactly_as_inline_svg(tmp_path):
    """html_to_pdf hands WeasyPrint each chart as an SVG image (faster); the printed pages must not change."""
    from weasyprint import HTML
    html = export_html(executed_notebook(), title="t", running_head="测试会议")
    assert charts_as_images(html).count("data:image/svg+xml;base64,") == 1
    inline, images = tmp_path / "inline.pdf", tmp_path / "images.pdf"
    inline.write_bytes(HTML(string=html, base_url=str(config.project_root())).write_pdf())
    images.write_bytes(html_to_pdf(html))
    texts = [subprocess.run(["pdftotext", str(p), "-"], capture_output=True, text=True, check=True).stdout
             for p in (inline, images)]
    assert texts[0] == texts[1] and "入会率（%）" in texts[1]
    pages = []
    for p in (inline, images):
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(p), str(p.with_suffix(""))], check=True)
        pages.append(sorted(tmp_path.glob(p.stem + "-*.png")))
    assert len(pages[0]) == len(pages[1]) > 0
    assert [a.read_bytes() for a in pages[0]] == [b.read_bytes() for b in pages[1]]


def test_pdf_leaves_out_the_narrow_drawings_print_never_shows(tmp_path):
    """A chart's narrow drawing (for phones) is display: none in print: html_to_pdf leaves it out of what
    WeasyPrint reads, and the pages are those of the whole page printed as it is."""
    from weasyprint import HTML
    from briefing.export.html import without_narrow_charts
    from briefing.present.charts import NARROW_MIME
    nb = executed_notebook()
    nb.cells[2].outputs[0]["data"][NARROW_MIME] = SVG.replace("入会率（%）", "手机图")
    html = export_html(nb, title="t", running_head="测试会议")
    assert html.count('<div class="chart-narrow screen-only"><svg') == 1
    assert "手机图" not in without_narrow_charts(html) and "chart-narrow" in without_narrow_charts(html)
    whole, printed = tmp_path / "whole.pdf", tmp_path / "printed.pdf"
    whole.write_bytes(HTML(string=html, base_url=str(config.project_root())).write_pdf())
    printed.write_bytes(html_to_pdf(html))
    texts = [subprocess.run(["pdftotext", str(p), "-"], capture_output=True, text=True, check=True).stdout
             for p in (whole, printed)]
    assert texts[0] == texts[1] and "入会率（%）" in texts[1] and "手机图" not in texts[0]
    pages = []
    for p in (whole, printed):
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(p), str(p.with_suffix(""))], check=True)
        pages.append(sorted(tmp_path.glob(p.stem + "-*.png")))
    assert len(pages[0]) == len(pages[1]) > 0
    assert [a.read_bytes() for a in pages[0]] == [b.read_bytes() for b in pages[1]]


def test_a_chart_that_is_not_plain_svg_stays_inline():
    odd = '<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg"><text>&nbsp;</text></svg></figure>'
    assert charts_as_images(odd) == odd                     # not well-formed XML
    other = '<figure class="chart"><svg><text>x</text></svg></figure>'
    assert charts_as_images(other) == other                 # no SVG namespace: not an SVG document
