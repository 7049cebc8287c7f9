"""The meeting's 通报 as files: ``bulletin.html`` (one self-contained page) and ``bulletin.pdf`` (A4), written atomically."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from html import escape

from .. import config
from ..present.bulletin import bulletin_body
from .files import staged_writes
from .html import pack_css


def meeting_css() -> str:
    """The stylesheet of the meeting's own documents (通报, the book's cover and contents, the one-page brief)."""
    return (config.TEMPLATES_DIR / "briefing" / "meeting.css").read_text(encoding="utf-8")


def standalone_page(body: str, title: str, sample: bool, *, kind: str = "bulletin", mark_after: str = "</p>",
                    meeting_styles: bool = True) -> str:
    """A self-contained page (its styles inline, no script) around ``body``: the 通报, a 数据缺失 pack. Sample data
    is marked after the first ``mark_after``."""
    mark = '<p class="sample-mark">示例数据 · 数字均为虚构</p>' if sample else ""
    styles = pack_css() + ("\n" + meeting_css() if meeting_styles else "")
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1.0"><title>{escape(title)}</title>'
            f"<style>{styles}</style></head><body>"
            f'<main class="pack {kind}">{body.replace(mark_after, mark_after + mark, 1)}</main></body></html>')


FINGERPRINT = ".bulletin.sha256"
MAX_PDF_REGIONS = 300   # beyond this the 通报 is a web page only (a PDF of it would take minutes and nobody prints it)


def _fingerprint(meeting, ds) -> str:
    """Changes with the data, the meeting file and the code: an unchanged meeting keeps its 通报 without printing it again."""
    h = hashlib.sha256(ds.fingerprint.encode())
    h.update(json.dumps(dataclasses.asdict(meeting), ensure_ascii=False, sort_keys=True, default=str).encode())
    h.update(config.VERSION.encode())
    for path in sorted(config.PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".css"):
            h.update(path.read_bytes())
    return h.hexdigest()


def write_bulletin(batch, ds, metrics) -> dict:
    """Write the 通报 of ``batch``'s meeting (all its regions, not only those rendered now); its files."""
    from .pdf import html_to_pdf
    meeting = batch.meeting
    names = ([ds.regions.at[ds.region_code(r), "name"] for r in meeting.regions] if meeting.regions
             else list(ds.regions["name"]))
    with_pdf = "pdf" in meeting.formats and len(names) <= MAX_PDF_REGIONS
    files = {"html": config.BULLETIN_HTML, **({"pdf": config.BULLETIN_PDF} if with_pdf else {})}
    stamp, marker = _fingerprint(meeting, ds), batch.out_dir / FINGERPRINT
    if marker.is_file() and marker.read_text().strip() == stamp and all((batch.out_dir / f).is_file() for f in files.values()):
        return {"files": files, "skipped": True}
    from .versions import notebook_topics
    topics = notebook_topics(config.resolve(meeting.notebook))   # a 专题会's 通报 ranks its theme's indicators
    html = standalone_page(bulletin_body(metrics, ds.regions, meeting, names, topics), f"{meeting.name} · 排名通报",
                           ds.is_sample)
    with staged_writes() as stage:
        stage(batch.out_dir / config.BULLETIN_HTML, html)
        if with_pdf:
            stage(batch.out_dir / config.BULLETIN_PDF, html_to_pdf(html))
        stage(marker, stamp)
    return {"files": files}
