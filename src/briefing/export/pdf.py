"""The pack's PDF: WeasyPrint prints the pack HTML (A4 and page numbers from the same stylesheet, real Chinese text)."""

from __future__ import annotations

from .. import config
from .html import charts_as_images


def html_to_pdf(html: str) -> bytes:
    """An A4 PDF of the pack (print styles from the same stylesheet), with real Chinese text."""
    from weasyprint import HTML
    return HTML(string=charts_as_images(html), base_url=str(config.project_root())).write_pdf()

