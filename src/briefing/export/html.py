"""The pack's HTML: nbconvert with the briefing template (no code, no scripts, inline SVG charts) and a contents list."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

import nbformat

from .. import config

_CSS = None
_EXPORTER = None
_H2 = re.compile(r"<h2(?:\s[^>]*)?>(.*?)</h2>", re.S)
_TAG = re.compile(r"<[^>]+>")
_ANCHOR = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)


def pack_css() -> str:
    global _CSS
    if _CSS is None:
        _CSS = (config.TEMPLATES_DIR / "briefing" / "pack.css").read_text(encoding="utf-8")
    return _CSS


def _exporter():
    global _EXPORTER
    if _EXPORTER is None:
        from nbconvert import HTMLExporter
        from nbconvert.exporters.templateexporter import TemplateExporter
        from nbconvert.filters.highlight import Highlight2HTML
        from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

        class PackExporter(HTMLExporter):
            """nbconvert's HTML exporter without its final BeautifulSoup pass: that pass re-parses the whole page
            (about 0.04 s a pack) only to add alt texts and tabindex to JupyterLab classes this template does
            not use, and it lower-cases SVG attributes (viewBox becomes viewbox), so the charts were no longer
            valid SVG outside an HTML parser."""

            def from_notebook_node(self, nb, resources=None, **kw):
                langinfo = nb.metadata.get("language_info", {})
                lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
                self.register_filter("highlight_code",
                                     self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
                resources = self._init_resources(resources)
                self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                    notebook_metadata=self._nb_metadata, parent=self, resources=resources))
                return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

        _EXPORTER = PackExporter(template_name="briefing", extra_template_basedirs=[str(config.TEMPLATES_DIR)],
                                 exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                                 exclude_anchor_links=True)
    return _EXPORTER


def export_html(nb: nbformat.NotebookNode, *, title: str, running_head: str) -> str:
    """The pack's HTML from an executed notebook: no code, a contents list after the cover."""
    resources = {"briefing_css": pack_css(), "briefing_title": title, "briefing_running_head": running_head}
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return add_contents(_ANCHOR.sub("", body))


def add_contents(html: str) -> str:
    """Number the section headings (h2) and put a contents list (目录) after the cover."""
    entries = []

    def number(match: re.Match) -> str:
        anchor = f"sec-{len(entries) + 1}"
        text = _TAG.sub("", match.group(1)).strip()
        entries.append((anchor, text))
        return f'<h2 id="{anchor}">{match.group(1)}</h2>'

    html = _H2.sub(number, html)
    if not entries:
        return html
    items = "".join(f'<li><a href="#{a}">{t}</a></li>' for a, t in entries)  # t is already escaped markup text
    toc = f'<nav class="toc"><h2 class="toc-title">目录</h2><ol>{items}</ol></nav>'
    cover_end = html.find("</section>")
    if cover_end == -1:
        return html.replace('<main class="pack">', '<main class="pack">' + toc, 1)
    cut = html.find("</div>", cover_end) + len("</div>")  # end of the cover's output block
    cut = html.find("</div>", cut) + len("</div>")        # end of its cell
    return html[:cut] + toc + html[cut:]



_CHART_SVG = re.compile(r'(<figure class="chart[^"]*">)(<svg\b.*?</svg>)(</figure>)', re.S)


def charts_as_images(html: str) -> str:
    """The page with each inline SVG chart given as an SVG image (``<img src="data:image/svg+xml;…">``).

    WeasyPrint draws both the same way, as vector graphics with real text, but an inline chart's
    hundreds of elements also go through its HTML parser and CSS cascade: as images, a 4-chart
    pack prints in about 11% less time. A chart that is not well-formed XML stays inline.

    >>> charts_as_images('<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg"></svg></figure>')[:65]
    '<figure class="chart"><img alt="" src="data:image/svg+xml;base64,'
    """
    def image(match: re.Match) -> str:
        svg = match.group(2)
        try:
            root = ET.fromstring(svg)
        except ET.ParseError:
            return match.group(0)
        if root.tag != "{http://www.w3.org/2000/svg}svg":
            return match.group(0)
        data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        return f'{match.group(1)}<img alt="" src="data:image/svg+xml;base64,{data}">{match.group(3)}'
    return _CHART_SVG.sub(image, html)


_NARROW_CHART = re.compile(r'(<div class="chart-narrow screen-only">)<svg\b.*?</svg>(</div>)', re.S)


def without_narrow_charts(html: str) -> str:
    """The page for print: each chart's narrow drawing (for phones, ``display: none`` except on a narrow screen)
    taken out of its box, the empty box left in place.

    Print never shows these drawings, but WeasyPrint would still parse them and compute a style for each of their
    elements (a third of a pack's elements); the pages come out the same without them.

    >>> without_narrow_charts('<figure class="chart">A</figure><div class="chart-narrow screen-only"><svg>B</svg></div>')
    '<figure class="chart">A</figure><div class="chart-narrow screen-only"></div>'
    """
    return _NARROW_CHART.sub(r"\1\2", html)
