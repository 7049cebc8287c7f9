"""The pack's PDF: WeasyPrint prints the pack HTML (A4 and page numbers from the same stylesheet, real Chinese text)."""

from __future__ import annotations

import contextlib
import gc

from .. import config
from .html import charts_as_images, without_narrow_charts


def html_to_pdf(html: str) -> bytes:
    """An A4 PDF of the pack (print styles from the same stylesheet), with real Chinese text. The charts' narrow
    drawings, which print never shows, are left out of what WeasyPrint reads."""
    from weasyprint import HTML
    document = HTML(string=charts_as_images(without_narrow_charts(html)), base_url=str(config.project_root()))
    with _collector_paused():
        return document.write_pdf()


@contextlib.contextmanager
def _collector_paused():
    """No cyclic garbage collection while WeasyPrint lays out and draws a pack: it allocates a few million
    short-lived objects, and the collector kept walking the growing box tree (0.09 s of CPU a pack, with
    the heap frozen after the first pack). The document's reference cycles are collected afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect(0)
