"""The one-page brief (一页纸): headline cards, the three sentences that matter most, the completion chart.

``onepage_html`` lays one region's brief out at a given density (0 = roomiest); the printer
(``export.onepage``) tries each density in turn until the brief fits one A4 page. The three
sentences: the best results (targets exceeded by the widest margin), the largest shortfall,
and the rank among peers (for a region without peers, its overall completion).
"""

from __future__ import annotations

import re
from html import escape

from . import narrate
from .completion import narrate_completion
from .pack import Pack, show_headlines

# density → (headline cards at most, chart height in mm, drop the cards' second lines, rank items)
DENSITIES = ((9, 118, False, 3), (6, 100, False, 2), (6, 84, True, 2), (3, 64, True, 1), (3, 46, True, 1))


def three_points(pack: Pack, rank_items: int = 2) -> list[tuple[str, str]]:
    """(label, sentence) for the best results, the largest shortfall and the rank (or overall completion)."""
    m = pack.region_metrics
    best = narrate.narrate_highlights(m, limit=2)
    best_text = ("；".join(best) + "。") if best else "本期没有超额完成年度目标的主要指标。"   # not the 总体完成 line again
    problems = narrate.narrate_problems(m, limit=1)
    short = re.sub(r"^[一二三四五六七八九十]+是", "", problems[0]) if problems else narrate.no_problems(m)
    ranks = ""
    if pack.info["parent"]:
        ranks = narrate.narrate_ranks(m, pack.peer_area, pack.info["group"], limit=rank_items)
    if ranks:
        return [("成效突出", best_text), ("最大短板", short), ("同级排名", ranks)]
    return [("成效突出", best_text), ("最大短板", short), ("总体完成", narrate_completion(m, pack.scope))]


def _cards(pack: Pack, limit: int) -> str:
    """The pack's headline cards, the first ``limit`` of them."""
    markup = show_headlines(pack).markup
    tiles = re.findall(r'<div class="tile tile-[a-z]+">.*?</div>\s*</div>', markup, flags=re.S)
    if not tiles:   # the cards' markup changed: show them all rather than none
        return markup
    return '<div class="tiles">' + "".join(tiles[:limit]) + "</div>"


def onepage_html(pack: Pack, chart_svg: str, density: int = 0, version: str = "") -> str:
    """The brief's HTML page (styles inline, the chart as an SVG image) at ``density`` (see ``DENSITIES``)."""
    import base64
    from ..config import TEMPLATES_DIR
    cards, chart_mm, dense, rank_items = DENSITIES[min(density, len(DENSITIES) - 1)]
    css = "".join((TEMPLATES_DIR / "briefing" / name).read_text(encoding="utf-8") for name in ("pack.css", "meeting.css"))
    p = pack.params
    date = p.meeting_date or f"{pack.as_of:%Y-%m-%d}"
    y, mo, d = (int(x) for x in date.split("-"))
    sample = " · 示例数据，数字均为虚构" if pack.dataset.is_sample else ""
    meta = f"{p.meeting or '工会工作会议'} · {y}年{mo}月{d}日" + (f" · {version}" if version else "") + sample
    points = "".join(f"<li><b>{escape(label)}：</b>{escape(text)}</li>" for label, text in three_points(pack, rank_items))
    chart = ""
    if chart_svg:
        data = base64.b64encode(chart_svg.encode("utf-8")).decode("ascii")
        chart = (f'<figure class="chart"><img alt="" style="max-height:{chart_mm}mm" '
                 f'src="data:image/svg+xml;base64,{data}"></figure>')
    return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(pack.union_name)} · 一页纸</title>
<style>{css}
@page {{ size: A4; margin: 14mm 14mm 12mm 14mm; @top-center {{ content: none; }} @bottom-center {{ content: none; }} }}
</style></head><body><main class="pack onepage{' dense' if dense else ''}">
<p class="secret-mark">内部资料 注意保存</p>
<h1>{escape(pack.union_name)}{escape(pack.period)}工作一页纸</h1>
<p class="meta">{escape(meta)}</p>
{_cards(pack, cards)}
<ol class="points">{points}</ol>
{chart}
</main></body></html>"""
