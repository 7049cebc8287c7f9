"""What ``briefing render`` adds beyond one notebook per region: notes and versions per pack, the 通报 and the 汇编 per meeting.

Before the packs: the analysts' notes are read and checked against the theme (an error names
the file and line before anything is rendered), and each pack to render gets its notes and
its planned version. After the packs: the meeting's own files, the 通报 (bulletin) and the
meeting book, whose failure is reported without losing the packs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from pathlib import Path

import pandas as pd

from .. import config
from ..errors import BriefingError
from ..params import Meeting
from ..present.notes import check_places, load_notes, notes_blocks, theme_headings
from ..present.revision import shown_figures
from .versions import peer_indicators, plan_revision


@dataclasses.dataclass
class Additions:
    """Notes and version planning for the packs of one meeting render."""

    notes: dict
    peers: list
    metrics: pd.DataFrame
    regions: pd.DataFrame

    def notes_for(self, code: str) -> dict:
        return notes_blocks(self.notes, code)

    def fingerprint(self, code: str) -> str:
        """What the notes add to a pack's input fingerprint (changes with any note it shows)."""
        blocks = self.notes_for(code)
        if not blocks:
            return ""
        return hashlib.sha256(json.dumps(blocks, ensure_ascii=False, sort_keys=True).encode()).hexdigest()

    def for_job(self, code: str, folder: Path, data_fingerprint: str):
        """(notes, revision) for rendering one region's pack into ``folder``."""
        figures = shown_figures(self.metrics, code, self.regions, self.peers)
        return self.notes_for(code), plan_revision(folder, figures, data_fingerprint)


    def outdated(self, code: str, folder: Path) -> bool:
        """An earlier pack (not rendered in this run) whose figures, its peers' in its charts included, are not what
        the data gives now: a county corrected its return and only some packs were rendered again."""
        from .versions import read_record
        rec = read_record(folder)
        if rec is None or rec.get("kind"):    # no record, or a 数据缺失 page: nothing shown to compare
            return False
        return rec.get("figures") != shown_figures(self.metrics, code, self.regions, self.peers)


def prepare(meeting: Meeting, ds, metrics: pd.DataFrame) -> Additions:
    """Read and check the meeting's notes; find the indicators its theme compares among peers."""
    known = {**{c: c for c in ds.regions.index}, **{n: c for c, n in ds.regions["name"].items()}}
    notes = load_notes(meeting.notes_dir, known) if meeting.notes_dir else {}
    notebook = config.resolve(meeting.notebook)
    if notes:
        check_places(notes, theme_headings(notebook), meeting.notebook)
    return Additions(notes=notes, peers=peer_indicators(notebook), metrics=metrics, regions=ds.regions)


def write_meeting_files(batch, ds, metrics: pd.DataFrame, echo=print) -> dict:
    """The 通报 and the meeting book, each reported (time, pages, files) or its failure described."""
    from .book import write_book
    from .bulletin import write_bulletin
    out: dict = {}
    steps = [("bulletin", "通报", lambda: write_bulletin(batch, ds, metrics))]
    if "pdf" in batch.meeting.formats:
        steps.append(("book", "会议材料汇编", lambda: write_book(batch, ds)))
    for key, label, step in steps:
        t0 = time.perf_counter()
        try:
            info = step()
        except (BriefingError, OSError, ValueError) as exc:
            out[key] = {"error": str(exc)}
            echo(f"  {label}未能生成：{exc}")
            continue
        info["seconds"] = round(time.perf_counter() - t0, 2)
        out[key] = info
        if info.get("note"):
            echo(f"{label}：{info['note']}")
        elif info.get("skipped"):
            echo(f"{label}：{'、'.join(info['files'].values())}（未变化，已跳过）")
        elif info.get("files"):
            pages = f"，{info['pages']} 页" if info.get("pages") else ""
            echo(f"{label}：{'、'.join(info['files'].values())}（用时 {info['seconds']:.1f} 秒{pages}）")
    return out
