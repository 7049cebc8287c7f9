"""Versions of a pack: the version it replaces, the 修订说明 put into it, the previous version kept, the history.

Beside each pack, ``briefing.figures.json`` records the figures the pack shows
(``present.revision.shown_figures``), its version, the version's date and data fingerprint,
what changed and the history. A render whose shown figures equal the record's keeps the
version and its words (the HTML comes out byte-identical); a render with any shown figure
changed is the next version: 第N版 on the cover and in the running head, a 修订说明 after the
contents, and the previous version's files kept in ``v<N-1>/`` under the region's folder.

A 数据缺失 page (export/missing) is a version too (its record's ``kind`` says so, its figures are none):
when the county's return arrives, its first real pack is the next version, whose 修订说明 says that
it replaces the 数据缺失 page and that its figures are printed for the first time; the page is kept.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from html import escape
from pathlib import Path

from .. import config
from ..periods import today
from ..present.revision import (MISSING_KIND, diff_figures, find_sentence, pack_sentences, revision_block,
                                version_label)

RECORD = "briefing.figures.json"
KEPT = (config.PACK_HTML, config.PACK_PDF, config.PACK_DOCX, config.PACK_ONEPAGE)


@dataclasses.dataclass
class Revision:
    """One pack's version as planned before it is rendered (and recorded once it is)."""

    version: int
    date: str                       # YYYY-MM-DD this version was made
    time: str                       # ISO time this version was made
    data_fingerprint: str
    figures: dict
    changes: list = dataclasses.field(default_factory=list)    # against the previous version
    previous: dict = dataclasses.field(default_factory=dict)   # {"version", "date", "folder"}
    history: list = dataclasses.field(default_factory=list)    # every version: version, time, data_fingerprint, changes
    bumped: bool = False            # a new version in this run: keep the previous files
    kind: str = ""                  # MISSING_KIND: a 数据缺失 page, not a pack with figures

    def record(self) -> str:
        data = dataclasses.asdict(self)
        data.pop("bumped")
        if not data["kind"]:
            data.pop("kind")
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)


def read_record(folder: Path) -> dict | None:
    """The version record beside a pack, or None (no pack yet, or one from before versions were kept)."""
    try:
        data = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("version"), int) else None


def plan_revision(folder: Path, figures: dict, data_fingerprint: str, now: dt.datetime | None = None) -> Revision:
    """This render's version: the same as the record's when the shown figures are the same, else the next one."""
    return _plan(folder, figures, data_fingerprint, "", now)


def plan_missing(folder: Path, now: dt.datetime | None = None) -> Revision:
    """The version of a 数据缺失 page: the record's when it is one already, else the next (or the first)."""
    return _plan(folder, {}, "", MISSING_KIND, now)


def _plan(folder: Path, figures: dict, data_fingerprint: str, kind: str, now: dt.datetime | None) -> Revision:
    # the version's day is the day the pack says it was made (its 生成日期: the meeting's render_date when set), so
    # that "第2版（…修订）" and the data note never disagree; the stamp keeps the clock, for the order of versions
    day = now.date().isoformat() if now else today().isoformat()
    now = now or dt.datetime.now().astimezone()
    stamp = now.isoformat(timespec="seconds")
    rec = read_record(folder)
    entry = {"version": 1, "time": stamp, "data_fingerprint": data_fingerprint, "changes": []}
    if kind:
        entry["kind"] = kind
    if rec is None:
        return Revision(1, day, stamp, data_fingerprint, figures, history=[entry], kind=kind)
    fields = {f.name for f in dataclasses.fields(Revision)} - {"bumped"}
    kept = Revision(**{k: v for k, v in rec.items() if k in fields})
    if kept.kind == kind and rec.get("figures") == figures:
        return kept
    # figures after figures: what changed; after a 数据缺失 page (or before one): no figure to compare with
    changes = diff_figures(rec.get("figures") or {}, figures) if not kind and not kept.kind else []
    previous = {"version": kept.version, "date": kept.date, "folder": f"v{kept.version}"}
    if kept.kind:
        previous["kind"] = kept.kind
    summary = [{"indicator": c["indicator"], "name": c["name"], "fields": c["fields"]} for c in changes]
    entry.update(version=kept.version + 1, changes=summary)
    return Revision(kept.version + 1, day, stamp, data_fingerprint, figures, changes, previous,
                    list(kept.history) + [entry], bumped=True, kind=kind)


_RUNNING_HEAD = re.compile(r'(<div class="running-head">)(.*?)(</div>)', re.S)
_SECRET = re.compile(r'(<p class="secret-mark">.*?</p>)', re.S)


def apply_revision(html: str, rev: Revision, old_html: str = "") -> str:
    """The pack HTML with its version marked: nothing for a first version; else 第N版 on the cover and in
    the running head, and the 修订说明 (old → new, and the sentences that say it) after the contents.

    ``old_html`` is the previous version's page, read when the version is new: its sentences are kept in
    the record, so a later re-render of this version writes the same words.
    """
    if rev.version <= 1:
        return html
    new_sentences = pack_sentences(html)
    old_sentences = pack_sentences(old_html) if rev.bumped and old_html else []
    for c in rev.changes:
        c["new_sentence"] = find_sentence(new_sentences, c["name"], c["new_figure"])
        if rev.bumped:
            c["old_sentence"] = find_sentence(old_sentences, c["name"], c["old_figure"])
    label = version_label(rev.version, rev.date)
    html = _SECRET.sub(lambda m: m.group(1) + f'<p class="version-mark">{escape(label)}</p>', html, count=1)
    html = _RUNNING_HEAD.sub(lambda m: f"{m.group(1)}{m.group(2)} · {escape(label)}{m.group(3)}", html, count=1)
    block = revision_block(rev.version, rev.date, rev.previous, rev.changes)
    toc = html.find('<nav class="toc">')
    if toc >= 0:
        first = html.find("<ol>", toc) + len("<ol>")
        if first >= len("<ol>"):
            html = html[:first] + '<li><a href="#sec-revision">修订说明</a></li>' + html[first:]
        end = html.find("</nav>", toc) + len("</nav>")
        return html[:end] + block + html[end:]
    return html.replace('<main class="pack">', '<main class="pack">' + block, 1)


def stage_version(stage, folder: Path, rev: Revision) -> None:
    """Inside a pack's staged writes: keep the previous version's files (when this one is new) and the record."""
    if rev.bumped and rev.previous:
        keep = folder / rev.previous["folder"]
        for name in (*KEPT, RECORD):
            if (folder / name).is_file():
                stage(keep / name, (folder / name).read_bytes())
    stage(folder / RECORD, rev.record())


def peer_indicators(notebook: Path) -> list[str]:
    """The indicator ids a theme notebook compares among peers (``chart_peers(…, "new_members", …)`` calls).

    >>> peer_indicators(config.resolve("notebooks/annual_plenary.ipynb"))   # doctest: +SKIP
    ['new_members']
    """
    found = []
    for source in _code_cells(notebook):
        for call in re.findall(r"chart_peers\((.*?)\)\s*$", source, flags=re.M | re.S):
            found += re.findall(r"""["']([A-Za-z_][A-Za-z0-9_]*)["']""", call)
    return sorted(set(found))


def _code_cells(notebook: Path) -> list[str]:
    """The source of each code cell of a notebook; [] when it cannot be read (the caller finds nothing)."""
    try:
        cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return []
    return ["".join(cell.get("source", [])) for cell in cells if cell.get("cell_type") == "code"]


def notebook_topics(notebook: Path) -> list[str]:
    """The themes a 专题 notebook is about: its ``topic = "帮扶与送温暖"`` line and the themes named in its
    ``show_topic_*``/``topic_*`` calls; [] for a notebook of every theme (全委会, 常委会).

    >>> notebook_topics(config.resolve("notebooks/topic_warmth.ipynb")), notebook_topics(config.resolve("notebooks/annual_plenary.ipynb"))
    (['帮扶与送温暖'], [])
    """
    found = []
    for source in _code_cells(notebook):
        found += re.findall(r"""^topic\s*=\s*["']([^"']+)["']""", source, flags=re.M)
        found += re.findall(r"""(?:show_topic_\w+|topic_\w+)\(\s*pack\s*,\s*["']([^"']+)["']""", source)
    return sorted(set(found))


# ---------------------------------------------------------------- the meeting's own files

def version_info(folder: Path) -> dict:
    """What manifest.json keeps of a pack's versions: version, its date, the history."""
    rec = read_record(folder)
    if rec is None:
        return {}
    return {"version": rec["version"], "version_date": rec.get("date", ""), "versions": rec.get("history", [])}


def version_cell(folder: Path, href: str) -> str:
    """The index page's 版本 cell: '第1版', or '第2版（…修订）' with links to the previous version kept."""
    rec = read_record(folder)
    if rec is None:
        return "—"
    if rec["version"] <= 1:
        return "第1版"
    prev = rec.get("previous") or {}
    links = " ".join(f'<a href="{escape(href)}/{escape(prev["folder"])}/{name}">{label}</a>'
                     for name, label in ((config.PACK_HTML, "网页版"), (config.PACK_PDF, "PDF"))
                     if prev.get("folder") and (folder / prev["folder"] / name).is_file())
    changed = f'{len(rec.get("changes") or [])}项数字有变化'
    if rec.get("kind") == MISSING_KIND:
        changed = "本期数据缺失"
    elif prev.get("kind") == MISSING_KIND:
        changed = "补报本期数字（上一版为数据缺失页）"
    head = f'<b class="revised">{escape(version_label(rec["version"], rec["date"]))}</b>，{changed}'
    return head + (f'<br>上一版（第{prev["version"]}版）：{links}' if links else "")
