"""The 通报 of a meeting: for each tier-1 indicator, the 县(市)区 and the 产业工会 ranked, in the register of a 通报.

Ranks are compute's (``compute_metrics``: rank, rank_prev, rank_change, tied, peers; rule 6),
never a second ranking: a table lists a group of peers by that rank, writes 并列 as a 通报
does, and marks the units lagging behind their target (or, at a mid-year date, behind time).
Pure: takes the metrics frame and the regions, returns HTML; all text is escaped.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from ..formatting import format_change, format_points, format_value
from ..params import Meeting
from ..periods import period_label
from ..compute import DOUBTFUL, OPEN_STATUS, PROBLEM_STATUS, STATUS
from .narrate import ORDINALS, scope_word

GROUP_TITLES = {"县(市)区": "县(市)区总工会", "产业工会": "产业工会"}


def _is_lagging(r: pd.Series) -> bool:
    """A unit marked ▲: behind time (a paced flow), a target missed at year end or a ceiling passed, or, before
    year end, a target due at year end that its present speed will not reach (compute rules 4 and 8). A rate or a
    stock short of its year-end target at mid-year is remaining work, not lagging."""
    return r.get("status") in PROBLEM_STATUS or _heading_to_miss(r)


def _heading_to_miss(r: pd.Series) -> bool:
    status = r.get("status")
    at_risk = r.get("at_risk", False)
    return (status in OPEN_STATUS or status == STATUS["within"]) and pd.notna(at_risk) and bool(at_risk)


def _lag_note(r: pd.Series) -> str:
    status = r.get("status")
    if status == STATUS["behind"]:
        return f"进度滞后{format_points(-r['pace_gap'], 1)}"
    if status == STATUS["over"]:
        return "超出控制目标"
    if _heading_to_miss(r):
        return "按目前速度全年将超出控制目标" if status == STATUS["within"] else "按目前速度年底前难以达到目标"
    if status == STATUS["unmet"]:
        return "未完成年度目标"
    return "未达到目标要求"


def rank_text(rank, tied) -> str:
    """'3' or '3（并列）' (a 通报's way of writing a shared rank); '—' without a rank.

    >>> rank_text(3.0, True), rank_text(1.0, False), rank_text(float("nan"), False)
    ('3（并列）', '1', '—')
    """
    if pd.isna(rank):
        return "—"
    return f"{int(rank)}（并列）" if bool(tied) else str(int(rank))


def rank_move(change) -> str:
    """'上升2位' / '下降1位' / '持平' / '—'."""
    if pd.isna(change):
        return "—"
    if change == 0:
        return "持平"
    return f"{'上升' if change > 0 else '下降'}{abs(int(change))}位"


def _done(r: pd.Series) -> str:
    if pd.isna(r["target"]):
        return "—"
    if pd.notna(r["completion"]):
        return format_value(r["completion"], "%", 1) + "%"
    return r.get("status") or "—"


def _target(r: pd.Series) -> str:
    if pd.isna(r["target"]):
        return "—"
    return format_value(r["target"], r["unit"], int(r["decimals"])) + (r.get("target_bound") or "")


def _names(items: list[str]) -> str:
    return "、".join(items[:-1]) + "和" + items[-1] if len(items) > 1 else "".join(items)


def _top_sentence(rows: pd.DataFrame) -> str:
    """'排在前三位的是：城关区（第1位），新华区、湖滨区（并列第2位）。'"""
    top = rows[rows["rank"].notna() & (rows["rank"] <= 3)]
    if top.empty:
        return ""
    parts = []
    for rank, same in top.groupby("rank", sort=True):
        names = "、".join(same["label"])
        parts.append(f"{names}（{'并列' if len(same) > 1 else ''}第{int(rank)}位）")
    lead = "排在前三位的是：" if len(rows) > 3 else "名次依次是："   # two or three units: all of them, not "前三"
    return lead + "，".join(parts) + "。"


def indicator_section(rows: pd.DataFrame, heading: str, mid_year: bool) -> str:
    """One indicator for one group of peers: a sentence and the ranked table.

    ``rows``: the metrics rows of one indicator for the peers of one group, with a ``label`` column.
    """
    rows = rows.assign(_r=rows["rank"].fillna(1e9)).sort_values(["_r", "order_region"])
    first = rows.iloc[0]
    unit, period = first["unit"], ("本期" if mid_year else "本年")
    last = "上年同期" if mid_year else "上年"
    shown = rows[rows["value"].notna()]
    shown = shown[~shown["doubtful"].fillna(False).astype(bool)] if "doubtful" in shown else shown
    behind = [r["label"] for _, r in shown.iterrows() if _is_lagging(r) and not _heading_to_miss(r)]
    risky = [r["label"] for _, r in shown.iterrows() if _heading_to_miss(r)]
    text = _top_sentence(rows)
    if behind:
        text += f"{_names(behind)}{'进度滞后于时间进度' if mid_year else '未完成年度目标'}，需加大工作力度。"
    if risky:
        text += f"{_names(risky)}按目前速度年底前难以达到目标要求，需加大工作力度。"
    body = []
    for _, r in rows.iterrows():
        dec = int(r["decimals"])
        doubt = pd.notna(r["value"]) and bool(r.get("doubtful", False))   # a likely typo: no change, completion, ▲
        lag = pd.notna(r["value"]) and _is_lagging(r) and not doubt
        cells = [rank_text(r["rank"], r["tied"]), r["label"], format_value(r["value"], unit, dec, r["approx"]),
                 format_value(r["prev_value"], unit, dec, r["prev_approx"]),
                 DOUBTFUL if doubt else format_change(r["change"], r["change_pct"], r["kind"], r["yoy"]), _target(r),
                 DOUBTFUL if doubt and pd.notna(r["target"]) else _done(r), rank_move(r["rank_change"]),
                 f"{DOUBTFUL}：同比变动异常，疑为录入错误，未参加排名" if doubt else ("▲" + _lag_note(r)) if lag else ""]
        attrs = (f' data-region="{escape(r["region"])}" data-indicator="{escape(r["indicator"])}"'
                 f' data-rank="{"" if pd.isna(r["rank"]) else int(r["rank"])}"')
        body.append(f'<tr class="{"lag" if lag else ""}"{attrs}>'
                    + "".join(f"<td>{escape(str(c))}</td>" for c in cells) + "</tr>")
    unit_head = f"（{unit}）" if unit else ""
    head = ["名次", "单位", f"{period}{unit_head}", f"{last}{unit_head}", "同比", "年度目标", "完成情况",
            "名次变化", "备注"]
    return (f'<section class="indicator"><h3>{escape(heading)}</h3><p>{escape(text)}</p>'
            '<table class="bulletin-table"><thead><tr>' + "".join(f"<th>{escape(h)}</th>" for h in head)
            + f'</tr></thead><tbody>{"".join(body)}</tbody></table></section>')


def _period(meeting: Meeting, as_of: pd.Timestamp) -> str:
    return period_label(meeting.year, as_of)


def bulletin_body(metrics: pd.DataFrame, regions: pd.DataFrame, meeting: Meeting, names: list[str],
                  topics: list[str] | None = None) -> str:
    """The 通报's HTML body (title, lead, one part per group of peers, closing) for the regions ``names``: the key
    (tier-1) indicators of every theme, or for a 专题会 (``topics``) the main indicators of its themes."""
    as_of = pd.Timestamp(metrics["as_of"].iloc[0]) if len(metrics) else pd.Timestamp(meeting.year, 12, 31)
    mid_year = not (as_of.month == 12 and as_of.day == 31)
    period = _period(meeting, as_of)
    codes = [c for c in regions.index if regions.at[c, "name"] in set(names)]
    chosen = metrics["theme"].isin(topics) & (metrics["tier"] <= 2) if topics else metrics["tier"] == 1
    tier1 = metrics[chosen].drop_duplicates("indicator").sort_values(["theme_order", "order"])
    groups = []   # (parent code, group, peer codes in regions.csv order)
    alone = []    # (group, name): a unit with no peer to be ranked against, said rather than dropped
    parents = [p for p in dict.fromkeys(regions.loc[codes].sort_values(["depth", "order"])["parent"]) if p]
    for parent in parents:
        kids = regions[(regions["parent"] == parent) & regions.index.isin(codes)].sort_values("order")
        for group in dict.fromkeys(kids["group"]):
            peers = list(kids.index[kids["group"] == group])
            if len(peers) >= 2:
                groups.append((parent, group, peers))
            else:
                alone.append((group, regions.at[peers[0], "name"]))
    if not groups:
        return '<p>本次会议的地区中没有可以相互比较的同级单位，不作排名通报。</p>'
    top = groups[0][0]
    top_name = regions.at[top, "union_name"] if top else ""
    scope = scope_word(regions.at[top, "level"], regions.at[top, "group"], regions.at[top, "name"]) if top else "全地区"
    addressees = "，".join(f"各{GROUP_TITLES.get(g, g)}" for g in dict.fromkeys(g for _, g, _ in groups))
    parts, lagging_units, clean_units = [], {}, []
    for n, (parent, group, peers) in enumerate(groups):
        rows = metrics[metrics["region"].isin(peers)].copy()
        rows["label"] = rows["region"].map(regions["name"])
        rows["order_region"] = rows["region"].map(regions["order"])
        title = GROUP_TITLES.get(group, group)
        if len(groups) > 2 or len({p for p, _, _ in groups}) > 1:
            title = f"{regions.at[parent, 'name']}{title}" if parent else title
        sections = []
        for k, (_, ind) in enumerate(tier1.iterrows()):
            one = rows[rows["indicator"] == ind["indicator"]]
            if one["value"].notna().sum() < 2:
                continue
            sections.append(indicator_section(one, f"（{ORDINALS[k % 10] if k < 10 else k + 1}）{ind['name']}", mid_year))
        for code in peers:
            mine = rows[(rows["region"] == code) & rows["indicator"].isin(tier1["indicator"]) & rows["value"].notna()]
            lag = [r["name"] for _, r in mine.iterrows() if _is_lagging(r) and not bool(r.get("doubtful", False))]
            if lag:
                lagging_units[regions.at[code, "name"]] = lag
            elif mine["target"].notna().any():
                clean_units.append(regions.at[code, "name"])
        number = ORDINALS[n] if n < 10 else str(n + 1)
        size = rows["peer_group_size"].max() if "peer_group_size" in rows and rows["peer_group_size"].notna().any() \
            else rows["peers"].max()
        all_peers = int(size) if pd.notna(size) else len(peers)
        silent = [regions.at[c, "name"] for c in peers if rows.loc[rows["region"] == c, "value"].isna().all()]
        count = f"共{all_peers}个单位" + (f"，列出本次会议的{len(peers)}个" if all_peers > len(peers) else "") \
            + (f"，{'、'.join(silent)}本期未报" if silent else "")
        if not sections:   # fewer than two units with figures: a heading over nothing would claim a ranking
            sections = ["<p>本组报了本期数字的单位不足两个，不作排名。</p>"]
        parts.append(f'<section class="group"><h2>{number}、{escape(title)}（{escape(count)}）</h2>'
                     + "".join(sections) + "</section>")
    lead = (f"为全面掌握{period}各单位重点工作进展情况，推动年度目标任务落实，"
            f"{top_name or '本级工会'}对{len(tier1)}项主要工作指标的完成情况进行了统计排名。现将有关情况通报如下。")
    overall = "从完成情况看，"
    if clean_units:
        overall += f"{_names(clean_units[:6])}{'等' if len(clean_units) > 6 else ''}{len(clean_units)}个单位主要指标全部" \
                   f"{'达到时间进度要求' if mid_year else '完成年度目标'}；"
    if lagging_units:
        names_lag = list(lagging_units)
        overall += (f"{_names(names_lag[:6])}{'等' if len(names_lag) > 6 else ''}{len(names_lag)}个单位有指标"
                    + ("进度滞后，工作进度有待进一步加快。" if mid_year else "未完成年度目标，需认真分析原因、补齐短板。"))
    else:
        overall += "各单位主要指标均已达到要求。"
    closing = ("希望排名靠前的单位再接再厉，持续巩固工作成效；排名靠后、指标滞后的单位要认真分析原因，查找差距，"
               + ("采取有力措施，确保完成全年目标任务。" if mid_year else "在新的一年迎头赶上，确保各项目标任务落到实处。"))
    date = meeting.meeting_date or f"{as_of:%Y-%m-%d}"
    y, m, d = (int(x) for x in date.split("-"))
    return (f'<p class="secret-mark">内部资料 注意保存</p>'
            f'<h1>关于{escape(period)}{escape(scope)}{escape("、".join(topics or []))}'
            f'{"工作主要指标" if topics else "工会主要工作指标"}完成情况的通报</h1>'
            f'<p class="addressee">{escape(addressees)}：</p><p class="lead">{escape(lead)}</p>'
            f'<p class="lead">{escape(overall)}</p>' + "".join(parts)
            + "".join(f'<p class="lead">{escape(name)}是本次通报中唯一的{escape(GROUP_TITLES.get(group, group))}，'
                      '没有同级单位可以比较，不列入排名。</p>' for group, name in alone)
            + f'<p class="lead">{escape(closing)}</p>'
            + '<p class="note">说明：名次按各指标本期数值在同级单位中排列（比率类按比率高低，“受理来信来访”等以少为好的指标按由少到多），'
              '数值相同的并列同一名次，下一名次顺延；名次变化与上年同期名次比较；比率的同比变化以百分点表示；▲为未完成目标或进度滞后；'
              f'“{DOUBTFUL}”为同比变动异常、疑为录入错误的数字，不参加排名，请核实后再引用。</p>'
            + f'<p class="signature">{escape(top_name)}<br>{y}年{m}月{d}日</p>')
