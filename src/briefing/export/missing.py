"""A 数据缺失 pack as files: the region's ``briefing.html`` and ``briefing.pdf``, written atomically in this process.

Used by ``briefing render`` for a region that reported nothing for the period and that the meeting
file lists under ``data_missing`` (present/missing says what the pack shows). No kernel is needed:
there is nothing to compute, so the pack is written beside the others in well under a second.
"""

from __future__ import annotations

import time
from pathlib import Path

from .. import config
from ..present.missing import MISSING_WORD, missing_body
from .files import staged_writes
from .bulletin import standalone_page
from .render import PackResult
from .versions import plan_missing, stage_version


def write_missing_pack(meeting, ds, metrics, code: str, folder: Path, fingerprint: str) -> PackResult:
    """Write the 数据缺失 pack of region ``code`` into ``folder`` (html, and pdf when the meeting asks for it)."""
    from .pdf import html_to_pdf
    t0 = time.perf_counter()
    name = ds.regions.at[code, "name"]
    source = ds.source_words
    html = standalone_page(missing_body(metrics, ds.regions, code, meeting, source), f"{name} · {MISSING_WORD}",
                           ds.is_sample, kind="missing-pack", mark_after="</h1>", meeting_styles=False)
    folder.mkdir(parents=True, exist_ok=True)
    files = {"html": config.display_path(folder / config.PACK_HTML)}
    revision = plan_missing(folder)   # a version of its own: the county's first real pack will be the next
    with staged_writes() as stage:
        stage_version(stage, folder, revision)   # first: an earlier real pack's files are kept in v<N>/
        stage(folder / config.PACK_HTML, html)
        if "pdf" in meeting.formats:
            stage(folder / config.PACK_PDF, html_to_pdf(html))
            files["pdf"] = config.display_path(folder / config.PACK_PDF)
        stage(folder / config.PACK_FINGERPRINT, fingerprint)
    for stale in (config.PACK_NOTEBOOK, config.PACK_DOCX, config.PACK_ONEPAGE):   # an earlier pack's, now wrong
        (folder / stale).unlink(missing_ok=True)
    return PackResult(region=name, folder=config.display_path(folder), files=files,
                      seconds={"export": round(time.perf_counter() - t0, 3)})
