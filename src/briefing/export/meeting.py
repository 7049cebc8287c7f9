"""The meeting's own files: the index page (every region, its completion, links, the heat-table) and manifest.json."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import sys
import time
from html import escape
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from .. import config
from ..formatting import format_percent
from .files import safe_name, write_atomic
from .html import pack_css
from .scrub import scrub_text
from .versions import version_cell, version_info


def _href(folder: str) -> str:
    """A folder name as a relative link: characters that change a URL's meaning (% # ? spaces) are encoded.

    >>> _href("临江市%2e%2e#1")
    '临江市%252e%252e%231'
    """
    return re.sub(r"[%#?\s]", lambda m: quote(m.group()), folder)


def _hash_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else ""


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version
    out = {"briefing": config.VERSION, "python": sys.version.split()[0]}
    for pkg in ("pandas", "altair", "vl-convert-python", "papermill", "nbconvert", "weasyprint"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = ""
    return out


def write_manifest(batch, ds, warnings) -> Path:
    """manifest.json: the meeting's parameters, data fingerprint, versions, and each pack's status, times and hashes."""
    m = batch.meeting
    packs = []
    for r in batch.packs:
        entry = dataclasses.asdict(r)
        entry["hashes"] = {k: _hash_file(config.resolve(v)) for k, v in r.files.items()}
        entry["parameters"] = m.params_for(r.region).to_papermill()
        entry.update(version_info(batch.out_dir / safe_name(r.region)))  # version, its date, the history
        packs.append(entry)
    manifest = {
        "meeting": m.name, "meeting_file": m.source, "notebook": m.notebook, "year": m.year,
        "meeting_date": m.meeting_date, "as_of": m.as_of, "data_dir": m.data_dir, "formats": list(m.formats),
        "data_fingerprint": ds.fingerprint, "sample_data": ds.is_sample, "versions": _versions(),
        "rendered_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "seconds": round(batch.seconds, 2),
        "warnings": [w.text() for w in warnings], "packs": packs,
        "meeting_files": getattr(batch, "extras", {}),   # 通报 and 汇编: files, pages, seconds
    }
    path = batch.out_dir / "manifest.json"
    write_atomic(path, scrub_text(json.dumps(manifest, ensure_ascii=False, indent=2), [m.data_dir]))  # no machine paths
    return path


HEAT_MAX_REGIONS = 60  # beyond this a heat-table is unreadable; the table below still lists every region


def _heat_svg(batch, ds, metrics: pd.DataFrame) -> str:
    """The completion heat-table (regions × indicators) as inline SVG, for meetings small enough to read it."""
    names = [r.region for r in batch.packs]
    if not names or len(names) > HEAT_MAX_REGIONS:
        return ""
    from ..present.chart_cache import chart_svg
    from ..present.charts import chart_heat
    codes = [ds.region_code(n) for n in names]
    note = f"数据来源：{ds.source_words}"
    chart = chart_heat(metrics[metrics["region"].isin(codes)], ds.regions.loc[codes], note=note)
    return f'<figure class="chart heat">{chart_svg(chart.to_dict())}</figure>'


def write_index(batch, ds, metrics: pd.DataFrame) -> Path:
    """The meeting's index page: every region, its headline completion, links, and failures."""
    rows = []
    for r in batch.packs:
        code = ds.region_code(r.region)
        m = metrics[(metrics["region"] == code) & metrics["target"].notna() & metrics["value"].notna()
                    & (metrics["status"] != "汇总不全")]   # an incomplete total is neither met nor missed
        doubt = m["doubtful"].fillna(False).astype(bool) if "doubtful" in m else pd.Series(False, index=m.index)
        m = m[~doubt]                                      # a likely typo is neither met, nor in the median
        met = int(m["met"].fillna(False).astype(bool).sum())
        completion = f"{met}/{len(m)} 项达到目标" if len(m) else "—"
        avg = m["completion"].dropna()
        lag = int((m["pace"] == "滞后").sum())
        extra = (f"，{lag} 项进度滞后" if lag else "") + (f"，另有 {int(doubt.sum())} 项待核实" if doubt.any() else "")
        why = getattr(batch, "incomplete", {}).get(r.region)
        extra += f"；数据不全：{why}" if why else ""
        extra += "；已过时：数据改过后未重新生成，简报中的数字与现有数据不符" if r.outdated else ""
        folder = batch.out_dir / safe_name(r.region)
        if r.status == "failed":
            links = f'<span class="bad">生成失败：{escape(r.error)}</span>'
        else:
            links = " ".join(f'<a href="{escape(_href(safe_name(r.region)))}/{name}">{label}</a>'
                             for key, name, label in (("html", config.PACK_HTML, "网页版"), ("pdf", config.PACK_PDF, "PDF"),
                                                      ("docx", config.PACK_DOCX, "Word 文字稿"),
                                                      ("onepage", config.PACK_ONEPAGE, "一页纸"))
                             if (folder / name).is_file())
        rows.append(f"<tr><td>{escape(r.region)}</td><td>{escape(ds.regions.at[code, 'level'])}</td>"
                    f"<td>{escape(completion + extra)}</td>"
                    f"<td>{escape(format_percent(avg.median(), 1)) if len(avg) else '—'}</td><td>{links}</td>"
                    f"<td>{version_cell(folder, _href(safe_name(r.region)))}</td></tr>")
    sample = '<p class="sample-mark">示例数据 · 数字均为虚构</p>' if ds.is_sample else ""
    heat = _heat_svg(batch, ds, metrics)
    m = batch.meeting
    html = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0"><title>{escape(m.name)} · 简报索引</title>
<style>{pack_css()}</style></head><body><main class="pack">
<p class="secret-mark">内部资料 注意保存</p><h1>{escape(m.name)}</h1>{sample}
<p>{m.year}年{'（数据截至' + escape(m.as_of) + '）' if m.as_of else ''}各地区简报材料，共 {len(batch.packs)} 份。</p>
{_meeting_links(batch)}{heat}
<table class="data"><thead><tr><th>地区</th><th>类别</th><th>目标完成</th><th>完成率中位数</th><th>简报</th><th>版本</th></tr></thead>
<tbody>{''.join(rows)}</tbody></table>
<p class="muted">数据指纹 {escape(ds.fingerprint)}；生成记录见 manifest.json。</p></main></body></html>"""
    path = batch.out_dir / "index.html"
    write_atomic(path, html)
    return path


def _meeting_links(batch) -> str:
    """Links to the meeting's own files (通报, 汇编) when they were made."""
    items = [(config.BULLETIN_HTML, "排名通报（网页版）"), (config.BULLETIN_PDF, "排名通报（PDF）"),
             (config.BOOK_PDF, "会议材料汇编（PDF，全部简报合订）")]
    links = [f'<a href="{name}">{label}</a>' for name, label in items if (batch.out_dir / name).is_file()]
    return f'<p class="meeting-files">{" · ".join(links)}</p>' if links else ""
