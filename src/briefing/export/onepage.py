"""The one-page brief as a PDF: laid out at growing density until it fits one A4 page, never two."""

from __future__ import annotations

from .. import config


def render_onepage(params, revision=None) -> bytes:
    """One region's 一页纸 (``present.onepage``) printed on exactly one A4 page."""
    from weasyprint import HTML
    from ..present.chart_cache import chart_svg
    from ..present.charts import chart_completion
    from ..present.onepage import DENSITIES, onepage_html
    from ..present.pack import open_pack
    from ..present.revision import version_label
    pack = open_pack(params)
    rows = pack.region_metrics
    svg = chart_svg(chart_completion(rows, note=pack.note).to_dict()) if rows["completion"].notna().any() else ""
    version = version_label(revision.version, revision.date) if revision is not None and revision.version > 1 else ""
    doc = None
    for density in range(len(DENSITIES)):
        doc = HTML(string=onepage_html(pack, svg, density, version), base_url=str(config.project_root())).render()
        if len(doc.pages) == 1:
            return doc.write_pdf()
    return doc.copy(doc.pages[:1]).write_pdf()   # never reached with the sample; a brief is one page, whatever it holds
