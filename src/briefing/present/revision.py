"""What changed between two versions of a pack: the figures a pack shows, their differences, and the 修订说明 block.

A pack's *shown figures* are the strings a reader sees for each of the region's indicators
(this year, last year, the change, the target, the completion, the rank, the data hints)
and, for the indicators a theme compares among peers, the figure of each peer. Two versions
differ exactly where these strings differ; nothing else is a revision. Pure functions: they
take frames and dicts and return new ones.
"""

from __future__ import annotations

import re
from html import escape, unescape

import pandas as pd

from ..formatting import format_amount, format_change, format_figure, format_percent, format_value

# (key, label shown in the 修订说明), in the order of the pack's table
FIELDS = (("value", "本年数"), ("prev", "上年数"), ("change", "同比"), ("target", "年度目标"),
          ("done", "完成情况"), ("rank", "同级排名"), ("flags", "数据提示"))
PEERS_PREFIX = "peers:"
MISSING_KIND = "data_missing"   # a version that was a 数据缺失 page (export/missing), with no figures


def _done(r: pd.Series) -> str:
    """Completion as the pack's table shows it: "104.2%（滞后）", "达到", "—"."""
    if pd.isna(r["target"]):
        return ""
    if pd.isna(r["completion"]):
        return r.get("status") or ("—" if pd.isna(r["met"]) else ("达标" if bool(r["met"]) else "未达标"))
    return format_percent(r["completion"], 1, approx=r.get("completion_approx", "") or "") + (f"（{r['pace']}）" if r["pace"] else "")


def _target(r: pd.Series) -> str:
    if pd.isna(r["target"]):
        return ""
    return format_value(r["target"], r["unit"], int(r["decimals"])) + (r.get("target_bound") or "")


def _rank(r: pd.Series) -> str:
    if pd.isna(r["rank"]):
        return ""
    tied = "（并列）" if bool(r["tied"]) else ""
    return f"{int(r['rank'])}/{int(r['peers'])}{tied}"


def shown_figures(metrics: pd.DataFrame, region: str, regions: pd.DataFrame, peer_indicators=()) -> dict:
    """The figures one region's pack shows, as strings, keyed by indicator id (JSON-ready, deterministic).

    ``metrics`` is ``compute_metrics`` for all regions; ``peer_indicators`` the indicators the theme
    charts among the region's peers (each peer's figure is then part of this pack too).

    >>> figs = shown_figures(metrics, "SL01", ds.regions, ["new_members"])   # doctest: +SKIP
    >>> figs["indicators"]["new_members"]["value"], figs["peers"]["new_members"]["新华区"]   # doctest: +SKIP
    ('2,397', '2107')
    """
    mine = metrics[metrics["region"] == region].sort_values(["theme_order", "order"])
    out: dict = {}
    for _, r in mine.iterrows():
        dec = int(r["decimals"])
        out[r["indicator"]] = {
            "name": r["name"], "unit": r["unit"],
            "value": format_value(r["value"], r["unit"], dec, r["approx"]),
            "sentence": format_amount(r["value"], r["unit"], dec, r["approx"]),
            "prev": format_value(r["prev_value"], r["unit"], dec, r["prev_approx"]),
            "change": format_change(r["change"], r["change_pct"], r["kind"], r["yoy"]),
            "target": _target(r), "done": _done(r), "rank": _rank(r), "flags": r["flags"] or "",
        }
    return {"indicators": out, "peers": _peer_figures(metrics, region, regions, peer_indicators)}


def _peer_figures(metrics: pd.DataFrame, region: str, regions: pd.DataFrame, indicators) -> dict:
    """Each peer's figure as the peer chart labels it (``present.charts.chart_peers`` picks the same peers)."""
    if region not in regions.index or not len(indicators):
        return {}
    parent, group = regions.at[region, "parent"], regions.at[region, "group"]
    if not parent:
        siblings = regions.index[regions["parent"] == region]
        if len(siblings):
            siblings = siblings[regions.loc[siblings, "group"] == regions.loc[siblings, "group"].mode().iloc[0]]
    else:
        siblings = regions.index[(regions["parent"] == parent) & (regions["group"] == group)]
    out = {}
    for ind in sorted(set(indicators)):
        rows = metrics[metrics["region"].isin(siblings) & (metrics["indicator"] == ind) & metrics["value"].notna()]
        out[ind] = {regions.at[c, "name"]: format_figure(v, u, int(d), a, style="chart")
                    for c, v, u, d, a in sorted(zip(rows["region"], rows["value"], rows["unit"], rows["decimals"],
                                                    rows["approx"]))}
    return out


def diff_figures(old: dict, new: dict) -> list[dict]:
    """Every shown figure that differs between two snapshots, in the pack's order.

    Each change: indicator, name, unit, fields [(label, old, new)], and the figure as a sentence
    writes it before and after (to find it in the text).

    >>> a = {"indicators": {"x": {"name": "甲", "unit": "家", "value": "10", "sentence": "10家", "prev": "9"}}}
    >>> b = {"indicators": {"x": {"name": "甲", "unit": "家", "value": "12", "sentence": "12家", "prev": "9"}}}
    >>> diff_figures(a, b)[0]["fields"]
    [['本年数', '10', '12']]
    """
    changes = []
    old_ind, new_ind = old.get("indicators", {}), new.get("indicators", {})
    for ind in list(new_ind) + [i for i in old_ind if i not in new_ind]:
        a, b = old_ind.get(ind, {}), new_ind.get(ind, {})
        fields = [[label, a.get(key) or "—", b.get(key) or "—"] for key, label in FIELDS
                  if (a.get(key) or "") != (b.get(key) or "")]
        if fields:
            info = b or a
            changes.append({"indicator": ind, "name": info.get("name", ind), "unit": info.get("unit", ""),
                            "fields": fields, "old_figure": a.get("sentence", ""), "new_figure": b.get("sentence", "")})
    old_peers, new_peers = old.get("peers", {}), new.get("peers", {})
    for ind in sorted(set(old_peers) | set(new_peers)):
        a, b = old_peers.get(ind, {}), new_peers.get(ind, {})
        fields = [[name, a.get(name, "—"), b.get(name, "—")] for name in sorted(set(a) | set(b))
                  if a.get(name) != b.get(name)]
        if fields:
            name = (new_ind.get(ind) or old_ind.get(ind) or {}).get("name", ind)
            changes.append({"indicator": PEERS_PREFIX + ind, "name": f"{name}（同级比较图）", "unit": "",
                            "fields": fields, "old_figure": "", "new_figure": ""})
    return changes


_PARA = re.compile(r"<(p|li)(?:\s[^>]*)?>(.*?)</(?:p|li)>", re.S)
_TAG = re.compile(r"<[^>]+>")
_SENTENCE_END = re.compile(r"(?<=[。；])")
_REVISION = re.compile(r'<section class="revision".*?</section>', re.S)


def pack_sentences(html: str) -> list[str]:
    """The sentences of a pack's text (paragraphs and list items after the cover, not the 修订说明), for quoting."""
    start = html.find("</section>")
    body = _REVISION.sub("", html[start:] if start >= 0 else html)
    out = []
    for _, inner in _PARA.findall(body):
        text = unescape(_TAG.sub("", inner)).strip()
        out += [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
    return out


def find_sentence(sentences: list[str], name: str, figure: str) -> str:
    """The first sentence naming the indicator and showing ``figure`` right after it (else anywhere in it)."""
    if not figure:
        return ""
    pattern = re.compile(re.escape(name) + r"[^，。；0-9]{0,8}" + re.escape(figure) + r"(?![0-9.])")
    for s in sentences:
        if pattern.search(s):
            return s
    return ""


def _quote(sentence: str, figure: str) -> str:
    """The sentence, escaped, with the figure in bold."""
    if not sentence:
        return ""
    i = sentence.find(figure) if figure else -1
    if i < 0:
        return escape(sentence)
    return escape(sentence[:i]) + f"<b>{escape(figure)}</b>" + escape(sentence[i + len(figure):])


def revision_block(version: int, date: str, previous: dict, changes: list[dict]) -> str:
    """The 修订说明: which version this is, which it replaces, every changed figure (old → new) and its sentence.

    ``changes`` as from ``diff_figures``, each with ``old_sentence`` and ``new_sentence`` where found.
    """
    y, m, d = (int(x) for x in date.split("-"))
    prev = previous or {}
    replaces = f"替换{_cn_date(prev['date'])}的第{prev['version']}版" if prev.get("version") else "替换此前印发的版本"
    if prev.get("kind") == MISSING_KIND:   # the return arrived after a 数据缺失 page: nothing to compare with
        lead = (f"本简报为第{version}版（{y}年{m}月{d}日修订），{replaces}。上一版印发时本单位本期数据尚未报送，"
                "只列了目标和上年数字（数据缺失）；本版依据补报的本期数据生成，文中本期数字、同比、目标完成和"
                "同级比较均为首次印发，请以本版为准。")
        return (f'<section class="revision" id="revision"><h2 id="sec-revision">修订说明</h2><p>{escape(lead)}</p>'
                '</section>')
    lead = (f"本简报为第{version}版（{y}年{m}月{d}日修订），{replaces}。因有关单位更正报送数据，"
            f"下列{len(changes)}项数字有变化，其余数字未变，请以本版为准。")
    rows = []
    for c in changes:
        moves = "；".join(f"{escape(label)}：{escape(old)} → {escape(new)}" for label, old, new in c["fields"])
        said = ""
        if c.get("new_sentence"):
            said = f"现为：“{_quote(c['new_sentence'], c['new_figure'])}”"
            if c.get("old_sentence") and c["old_sentence"] != c["new_sentence"]:
                said = f"原为：“{_quote(c['old_sentence'], c['old_figure'])}”<br>" + said
        elif c["indicator"].startswith(PEERS_PREFIX):
            said = "见同级比较图"
        else:
            said = "见附表"
        rows.append(f"<tr><td>{escape(c['name'])}</td><td>{moves}</td><td>{said}</td></tr>")
    return (f'<section class="revision" id="revision"><h2 id="sec-revision">修订说明</h2><p>{escape(lead)}</p>'
            '<table class="revision-table"><thead><tr><th>指标</th><th>原数 → 现数</th><th>文中表述</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></section>')


def _cn_date(date: str) -> str:
    """'2026-01-19' → '2026年1月19日'.

    >>> _cn_date("2026-01-09")
    '2026年1月9日'
    """
    y, m, d = (int(x) for x in date[:10].split("-"))
    return f"{y}年{m}月{d}日"


def version_label(version: int, date: str) -> str:
    """'第2版（2026年1月19日修订）'."""
    return f"第{version}版（{_cn_date(date)}修订）"
