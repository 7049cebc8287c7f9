"""The meeting's 通报 as files: ``bulletin.html`` (one self-contained page) and ``bulletin.pdf`` (A4), written atomically."""

from __future__ import annotations

from html import escape

from .. import config
from ..present.bulletin import bulletin_body
from .files import staged_writes
from .html import pack_css


def meeting_css() -> str:
    """The stylesheet of the meeting's own documents (通报, the book's cover and contents, the one-page brief)."""
    return (config.TEMPLATES_DIR / "briefing" / "meeting.css").read_text(encoding="utf-8")


def bulletin_page(body: str, title: str, sample: bool) -> str:
    mark = '<p class="sample-mark">示例数据 · 数字均为虚构</p>' if sample else ""
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1.0"><title>{escape(title)}</title>'
            f"<style>{pack_css()}\n{meeting_css()}</style></head><body>"
            f'<main class="pack bulletin">{body.replace("</p>", "</p>" + mark, 1)}</main></body></html>')


def write_bulletin(batch, ds, metrics) -> dict:
    """Write the 通报 of ``batch``'s meeting (all its regions, not only those rendered now); its files."""
    from .pdf import html_to_pdf
    meeting = batch.meeting
    names = ([ds.regions.at[ds.region_code(r), "name"] for r in meeting.regions] if meeting.regions
             else list(ds.regions["name"]))
    html = bulletin_page(bulletin_body(metrics, ds.regions, meeting, names), f"{meeting.name} · 排名通报", ds.is_sample)
    files = {}
    with staged_writes() as stage:
        stage(batch.out_dir / config.BULLETIN_HTML, html)
        files["html"] = config.BULLETIN_HTML
        if "pdf" in meeting.formats:
            stage(batch.out_dir / config.BULLETIN_PDF, html_to_pdf(html))
            files["pdf"] = config.BULLETIN_PDF
    return {"files": files}
