"""Theme sections beyond the standard pack: pacing, work remaining to each target, next year's tasks, one theme in depth.

Each ``show_*`` function takes an opened ``Pack`` and returns an ``Html`` block, like
those in ``pack``; text is escaped and every number goes through ``formatting``. The
``topic_*`` helpers pick one theme's (专题) rows for the chart functions.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from . import narrate
from .completion import narrate_completion
from .blocks import Html, cell, header_cell, parts
from ..compute import DOUBTFUL, STATUS, months_elapsed, year_elapsed
from ..errors import BriefingError
from ..formatting import (format_amount, format_change, format_date, format_figure, format_percent, format_points,
                          format_value)
from .pack import Pack
from .remaining import _goal, _remaining_row, _remaining_sentences, remaining_work  # noqa: F401 (sections.remaining_work)

# A lagging indicator needs "X倍" the pace so far; below this the sentence says "保持现有进度".
TOPIC_CHART_LIMIT = 9
NEXT_YEAR_LIMIT = 6      # more targets than this: the sentences tell the tier-1 ones, the table all of them


# ---------------------------------------------------------------- time words

def _month_end(date: pd.Timestamp) -> bool:
    return (date + pd.Timedelta(days=1)).day == 1


def period_words(as_of: pd.Timestamp) -> tuple[str, str]:
    """How a report names the time done and the time left at ``as_of``.

    >>> period_words(pd.Timestamp("2026-06-30"))
    ('上半年', '下半年')
    >>> period_words(pd.Timestamp("2026-09-30")), period_words(pd.Timestamp("2026-12-31"))
    (('1—9月', '10—12月'), ('全年', ''))
    """
    m, d = as_of.month, as_of.day
    if m == 12 and d == 31:
        return "全年", ""
    if not _month_end(as_of):
        return f"1月1日至{m}月{d}日", "年底前"
    if m == 6:
        return "上半年", "下半年"
    done = "1月" if m == 1 else f"1—{m}月"
    rest = "12月" if m == 11 else f"{m + 1}—12月"
    return done, rest


def months_left_text(as_of: pd.Timestamp) -> str:
    """The time left in the year on the basis of 时间进度 (months; rule 4 of ``compute``).

    >>> months_left_text(pd.Timestamp("2026-06-30")), months_left_text(pd.Timestamp("2026-07-15"))
    ('6个月', '5.5个月')
    """
    return format_figure(12 - months_elapsed(as_of), "个月", 1, style="sentence")


def _table(head: list[str], rows: list[list[str]], css: str = "data") -> str:
    """A table in its own box (a narrow screen scrolls the box, not the page)."""
    thead = "".join(header_cell(h) for h in head)
    body = "".join("<tr>" + "".join(cell(c) for c in cells) + "</tr>" for cells in rows)
    return f'<div class="table-box"><table class="{css}"><thead><tr>{thead}</tr></thead><tbody>{body}</tbody></table></div>'


def show_remaining(pack: Pack, topic: str = "") -> Html:
    """下半年工作安排: for each of this year's targets, what remains at the as-of date and the pace it needs.

    ``topic`` limits it to one theme (as in indicators.csv), e.g. "帮扶与送温暖".

    >>> briefing.show_remaining(pack)                     # doctest: +SKIP
    """
    metrics = _rows(pack, topic)
    as_of = pack.as_of
    done_word, rest_word = period_words(as_of)
    rest = remaining_work(metrics, as_of)
    if rest.empty:
        return Html(f'<p class="muted">{pack.params.year}年没有下达量化目标{_of_topic(topic)}。</p>', "剩余任务")
    if rest_word:
        intro = (f"截至{format_date(as_of, year=False)}，时间进度为{format_percent(year_elapsed(as_of) * 100, 1)}，"
                 f"距年底还有{months_left_text(as_of)}。")
    else:
        intro = f"{pack.params.year}年已结束，以下为各项年度目标的最终完成情况和差距。"
    paras = [intro] + _remaining_sentences(rest, pack.scope, done_word, rest_word)
    head = ["指标", "情况", "年度目标", f"{done_word}完成" if rest_word else "全年完成", "完成率",
            "尚需完成" if rest_word else "差距"]
    if rest_word:
        head.append(f"{rest_word}所需进度")
    table = _table(head, [_remaining_row(r, done_word, rest_word) for _, r in rest.iterrows()])
    note = ""
    if rest_word:
        note = (f'<p class="muted">所需进度：{escape(rest_word)}每月需完成的量（尚需完成 ÷ 剩余月数）与'
                f'{escape(done_word)}每月完成的量（已完成 ÷ 已过月数）之比，月数与时间进度同一口径；'
                "大于1倍即需加快进度。</p>")
    text = '<div class="narrative">' + "".join(f"<p>{escape(p)}</p>" for p in paras) + "</div>"
    return Html(text + table + note, "剩余任务")


# ---------------------------------------------------------------- pacing

def show_pacing(pack: Pack, topic: str = "") -> Html:
    """时间过半、任务过半: each yearly flow with an absolute target against the share of the year elapsed.

    >>> briefing.show_pacing(pack)                        # doctest: +SKIP
    """
    metrics = _rows(pack, topic)
    as_of = pack.as_of
    paced = metrics[metrics["pace"] != ""].sort_values(["pace_gap", "theme_order", "order"])
    if not pack.mid_year:
        return Html(f'<p class="muted">本简报为{pack.params.year}年全年数据，不按时间进度衡量；'
                    "完成情况见目标完成情况图表。</p>", "时间进度")
    elapsed = format_percent(year_elapsed(as_of) * 100, 1)
    day = format_date(as_of, year=False)
    if paced.empty:
        return Html(f'<p class="muted">截至{day}，时间进度为{escape(elapsed)}；'
                    f"没有可按时间进度衡量的年度累计目标{_of_topic(topic)}。</p>", "时间进度")
    status = narrate.credible(paced)["status"]
    lag = int((status == STATUS["behind"]).sum())
    ahead = int((status == STATUS["ahead"]).sum())
    on = int(status.isin([STATUS["on_pace"], STATUS["ahead"]]).sum())
    done = int(status.isin([STATUS["done"], STATUS["exceeded"]]).sum())
    intro = (f"截至{day}，时间进度为{elapsed}。按时间进度衡量的{len(status)}项年度累计指标中，"
             + (f"{done}项已完成全年目标，" if done else "")
             + f"{on}项进度正常" + (f"（其中{ahead}项进度超前）" if ahead else "") + f"，{lag}项进度滞后。")
    if lag == 0:
        intro += "实现了“时间过半、任务过半”。" if year_elapsed(as_of) == 0.5 else "各项指标均不低于时间进度。"
    head = ["指标", "情况", "年度目标", "已完成", "完成率", "时间进度", "进度差"]
    rows = []
    for _, r in paced.iterrows():
        dec = int(r["decimals"])
        doubt = bool(r.get("doubtful", False))
        rows.append([r["name"], DOUBTFUL if doubt else r["status"], _goal(r),
                     format_amount(r["value"], r["unit"], dec, r["approx"]),
                     DOUBTFUL if doubt else format_percent(r["completion"], 1, approx=r.get("completion_approx", "") or ""),
                     format_percent(r["time_progress"], 1),
                     DOUBTFUL if doubt else format_points(r["pace_gap"], 1, signed=True)])
    return Html(f'<div class="narrative"><p>{escape(intro)}</p></div>{_table(head, rows)}', "时间进度")


# ---------------------------------------------------------------- next year

def show_next_targets(pack: Pack) -> Html:
    """Next year's targets issued for this region, as a table (for 新一年主要任务).

    Nothing when none were issued: ``show_next_year_tasks`` says so, once.
    """
    ds, year = pack.dataset, pack.params.year + 1
    t = ds.targets[(ds.targets["region"] == pack.region) & (ds.targets["year"] == year)].copy()
    if t.empty:
        return Html("", "")
    cat = ds.catalog
    t["order"] = t["indicator"].map(cat["order"])
    cur = pack.region_metrics.set_index("indicator")
    rows = []
    for _, r in t.sort_values("order").iterrows():
        ind = cat.loc[r["indicator"]]
        lower = ind["direction"] == "lower"
        bound = ("以内" if lower and ind["kind"] == "flow" else "以下") if lower else "以上"  # compute rule 3's words
        goal = (narrate.format_goal(r["target"], ind["unit"], int(ind["decimals"]), bound)
                if r["target_type"] == "threshold" or (lower and ind["kind"] != "rate")
                else format_amount(r["target"], ind["unit"], int(ind["decimals"])))
        now = cur["value"].get(r["indicator"])
        now_text = format_amount(now, ind["unit"], int(ind["decimals"])) if now is not None and pd.notna(now) else "—"
        now_text += f"（{DOUBTFUL}）" if now_text != "—" and bool(cur["doubtful"].get(r["indicator"], False)) else ""
        rows.append(f"<tr><td>{escape(ind['name'])}</td><td>{escape(goal)}</td><td>{escape(now_text)}</td>"
                    f"<td>{escape(r['issuer'] or '—')}</td></tr>")
    head = "".join(header_cell(h) for h in ("指标", f"{year}年目标", f"{pack.params.year}年实绩", "下达单位"))
    return Html(f'<div class="table-box"><table class="data"><thead><tr>{head}</tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table></div>', f"{year}年目标")


def show_next_year_tasks(pack: Pack) -> Html:
    """新一年主要任务 as sentences: next year's targets by issuer, each beside this year's result.

    >>> briefing.show_next_year_tasks(pack)               # doctest: +SKIP
    """
    ds, year = pack.dataset, pack.params.year
    nxt = year + 1
    t = ds.targets[(ds.targets["region"] == pack.region) & (ds.targets["year"] == nxt)].copy()
    if t.empty:
        return Html(f'<p class="muted">{nxt}年目标尚未下达。</p>', f"{nxt}年目标")
    cat = ds.catalog
    t["order"] = t["indicator"].map(cat["order"])
    t["theme_order"] = t["indicator"].map(cat["theme_order"])
    mine = pack.region_metrics.set_index("indicator")
    now, now_approx = mine["value"], mine["approx"]
    t = t.sort_values(["theme_order", "order"])
    many = len(t) > NEXT_YEAR_LIMIT
    told = t[t["indicator"].map(cat["tier"]) == 1] if many else t
    paras = []
    for issuer, group in told.groupby("issuer", sort=False):
        clauses = []
        for _, r in group.iterrows():
            ind = cat.loc[r["indicator"]]
            dec = int(ind["decimals"])
            goal = format_amount(r["target"], ind["unit"], dec)
            current = now.get(r["indicator"])
            check = f"，{DOUBTFUL}" if bool(mine["doubtful"].get(r["indicator"], False)) else ""   # a likely typo
            was = (f"（{year}年为{format_amount(current, ind['unit'], dec, now_approx.get(r['indicator'], ''))}{check}）"
                   if current is not None and pd.notna(current) else "")
            if ind["direction"] == "lower" and (ind["kind"] == "flow" or r["target_type"] != "threshold"):
                text = f"{ind['name']}控制在{goal}以内{was}"      # a ceiling on the year ("控制在55件以内")
            elif r["target_type"] == "threshold":
                bound = "以下" if ind["direction"] == "lower" else "以上"
                text = f"{ind['name']}达到{narrate.format_goal(r['target'], ind['unit'], dec, bound)}{was}"
            else:
                text = f"{ind['name']}{goal}{was}"
            clauses.append((text, 1 + bool(was)))     # the target and this year's figure (a year is no figure)
        who = issuer or "上级"
        paras.append(narrate.pack_sentences(clauses, lead=f"{nxt}年，{who}下达{pack.scope}的主要目标任务是："))
    if many:
        paras.append(f"以上为主要指标，全部{len(t)}项目标任务见下表。")
    return Html('<div class="narrative">' + "".join(f"<p>{escape(p)}</p>" for p in paras) + "</div>", f"{nxt}年目标")


# ---------------------------------------------------------------- one theme in depth (专题)

def _themes(pack: Pack) -> list[str]:
    return narrate.theme_order(pack.dataset.catalog)


def _rows(pack: Pack, topic: str = "") -> pd.DataFrame:
    rows = pack.region_metrics
    if not topic:
        return rows
    themes = _themes(pack)
    if topic not in themes:
        raise BriefingError(f"专题“{topic}”不是指标目录（indicators.csv 的 theme 列）中的主题。"
                            f"可用的主题：{'、'.join(themes)}。请改正笔记本中的专题名称。")
    return rows[rows["theme"] == topic]


def _of_topic(topic: str) -> str:
    return f"（{topic}）" if topic else ""


def topic_metrics(pack: Pack, topic: str) -> pd.DataFrame:
    """This region's metrics rows of one theme, for ``chart_completion`` and ``chart_yoy``.

    >>> briefing.chart_completion(briefing.topic_metrics(pack, "帮扶与送温暖"), note=pack.note)  # doctest: +SKIP
    """
    return _rows(pack, topic).copy()


def topic_indicators(pack: Pack, topic: str, limit: int = TOPIC_CHART_LIMIT) -> list[str]:
    """The theme's main indicators that have a value (tier 1 and 2, catalogue order), for ``chart_trend``.

    >>> briefing.chart_trend(pack.series, pack.region, briefing.topic_indicators(pack, "帮扶与送温暖"),
    ...                      pack.dataset.catalog, note=pack.note)  # doctest: +SKIP
    """
    rows = _rows(pack, topic)
    rows = rows[(rows["tier"] <= 2) & rows["value"].notna()].sort_values(["tier", "order"])
    return rows["indicator"].head(limit).tolist()


def show_topic_overview(pack: Pack, topic: str) -> Html:
    """A theme in depth, as sentences: results and change, targets, standing among peers, highlights."""
    rows = _rows(pack, topic)
    paras = []
    text = narrate.narrate_theme(rows, topic, pack.scope, same_period=pack.mid_year)
    paras.append(text or f"{pack.scope}{pack.period}没有{topic}方面的数据。")
    if rows["target"].notna().any():
        paras.append(narrate_completion(rows, pack.scope).replace("对照年度目标，", f"对照{topic}年度目标，", 1))
    ranked = narrate.credible(rows)
    ranked = ranked[(ranked["tier"] <= 2) & ranked["rank"].notna()].sort_values(["tier", "order"])
    if not ranked.empty and pack.peer_area:
        # indicators at the same place are told together: "甲、乙和丙均居全市第1位"
        groups: dict[str, list[str]] = {}
        for _, r in ranked.iterrows():
            groups.setdefault(narrate.phrase_rank(r, pack.peer_area), []).append(r["name"])
        clauses = [(f"{narrate._join(names)}{'均' if len(names) > 1 else ''}{phrase}",
                    narrate.count_figures(phrase)) for phrase, names in groups.items()]
        paras.append(narrate.pack_sentences(clauses, lead="从同级比较看，"))
    highlights = narrate.narrate_highlights(rows)
    if highlights:
        paras.append("亮点方面，" + "；".join(highlights) + "。")
    return Html('<div class="narrative">' + "".join(f"<p>{escape(p)}</p>" for p in paras) + "</div>",
                f"{topic}概况")


def show_topic_problems(pack: Pack, topic: str) -> Html:
    """存在的问题 for one theme: lagging, unmet, then declining indicators, most serious first."""
    items = narrate.narrate_problems(_rows(pack, topic))
    if not items:
        return Html(f'<div class="narrative"><p>{escape(narrate.no_problems(_rows(pack, topic), topic))}</p></div>',
                    "存在的问题")
    return Html('<div class="narrative problems">' + "".join(f"<p>{escape(t)}</p>" for t in items) + "</div>",
                "存在的问题")


def show_topic_table(pack: Pack, topic: str) -> Html:
    """Every indicator of one theme over recent years (same day of year), with change, target and rank."""
    rows = _rows(pack, topic).sort_values(["order"])
    s = pack.series
    s = s[(s["region"] == pack.region) & s["indicator"].isin(rows["indicator"])]
    years = sorted(int(y) for y in s.loc[s["value"].notna(), "year"].unique())
    values = s.set_index(["indicator", "year"])
    ranked = rows["rank"].notna().any()
    head = (["指标", "单位"] + [f"{y}年" for y in years] + ["比上年同期" if pack.mid_year else "比上年", "完成情况"]
            + (["同级排名"] if ranked else []))
    body = []
    for _, r in rows.iterrows():
        doubt = bool(r.get("doubtful", False)) and pd.notna(r["value"])
        dec = int(r["decimals"])
        cells = [r["name"], r["unit"]]
        for y in years:
            v = values["value"].get((r["indicator"], y))
            a = values["approx"].get((r["indicator"], y), "")
            cells.append(format_value(v, r["unit"], dec, a if isinstance(a, str) else ""))
        change = format_change(r["change"], r["change_pct"], r["kind"], r["yoy"])
        cells.append("无上年同期数据" if pack.mid_year and change == "无上年数据" else change)
        if pd.isna(r["target"]):
            done = "—"
        elif pd.isna(r["value"]):
            done = "—"
        else:
            done = (parts(format_percent(r["completion"], 1, approx=r.get("completion_approx", "") or ""),
                          f"（{r['status']}）") if pd.notna(r["completion"])
                    else r["status"])
        cells.append(done)
        if ranked:
            cells.append(f"{int(r['rank'])}/{int(r['peers'])}" if pd.notna(r["rank"]) else "—")
        if doubt:
            cells[-2 - ranked:] = [DOUBTFUL] * (2 + ranked)
        body.append(cells)
    caption = ""
    if pack.mid_year:
        caption = f'<p class="muted">各年数字均为截至{format_date(pack.as_of, year=False)}的同期数。</p>'
    return Html(_table(head, body) + caption,
                f"{topic}指标表")
