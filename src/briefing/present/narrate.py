"""Chinese sentences from the metrics, in the register of a 工会 work report.

Every number goes through ``formatting`` so a sentence, a table and a chart never
show the same figure two ways; every state of a target is named by its word in
``compute.STATUS``. A sentence carries at most ``MAX_FIGURES`` figures (a leader reads the
narrative in two minutes; the rest is in the tables). A figure flagged as a likely typo
(``doubtful``) is never praised, ranked or called a problem here: the data note lists it.
Functions take one region's metrics rows and return strings; they never change their inputs.
"""

from __future__ import annotations

import re

import pandas as pd

from ..compute import GOOD_STATUS, STATUS
from ..data.catalog import THEMES
from ..formatting import format_amount, format_percent, format_points, round_half_up
from .places import PEER_FALLBACK, area_word

ORDINALS = "一二三四五六七八九十"
MAX_FIGURES = 4          # figures in one sentence
NOTABLE_PCT = 20.0       # a tier-2 amount changing by at least this percentage is worth a sentence
NOTABLE_PP = 2.0         # ... a tier-2 rate by at least this many 百分点
NOTABLE_LIMIT = 2        # tier-2 indicators told per theme, besides those with a problem
PROBLEM_SHARE = (3, 2, 1)  # 存在的问题: at most this many lags, misses or risks, and declines before the rest
REACHED = (STATUS["exceeded"], STATUS["done"], STATUS["met"], STATUS["within"])
_MISSED = (STATUS["behind"], STATUS["over"], STATUS["unmet"], STATUS["short"])


def scope_word(level: str, group: str = "", name: str = "") -> str:
    """How a work report names its own area: 全市, 全区, 全县, 全州, 全系统 …; the region's name if unknown.

    >>> scope_word("区"), scope_word("县级市"), scope_word("产业工会", "产业工会"), scope_word("上级", "上级", "示例市")
    ('全区', '全市', '全系统', '全市')
    >>> scope_word("其他", "其他", "示例单位")
    '示例单位'
    """
    return area_word(level, name, group) or name or "本地区"


def unreported(metrics: pd.DataFrame) -> pd.Series:
    """Rows whose figure was not sent though a target, last year or the peers say it should have been (compute's
    ``missing`` flag): said where the figure would be, never left out in silence."""
    if "flag_codes" not in metrics:
        return pd.Series(False, index=metrics.index)
    return metrics["value"].isna() & metrics["flag_codes"].map(lambda codes: "missing" in codes)


def credible(metrics: pd.DataFrame) -> pd.DataFrame:
    """The rows whose figure is not a likely typo (``doubtful``): the only ones sentences may praise or rank."""
    if "doubtful" not in metrics:
        return metrics
    return metrics[~metrics["doubtful"].fillna(False).astype(bool)]


def _amount(row: pd.Series) -> str:
    return format_amount(row["value"], row["unit"], int(row["decimals"]), row["approx"] if row["approx"] != "约" else "约")


def format_goal(target: float, unit: str, decimals: int = 0, bound: str = "以上") -> str:
    """A threshold target as a report writes it: "95%以上", "100个以上", "120件以内" (no needless ".0")."""
    text = format_amount(target, unit, decimals)
    head = text[: len(text) - len(unit)] if unit and text.endswith(unit) else text
    if "." in head and set(head.split(".")[1]) <= {"0"}:
        text = head.split(".")[0] + text[len(head):]
    return text + (bound or "以上")


def _gap_text(row: pd.Series, value=None) -> str:
    value = row["gap"] if value is None else value
    if row["unit"] == "%":
        return format_points(value, 1)
    return format_amount(value, row["unit"], int(row["decimals"]))


def phrase_yoy(row: pd.Series, *, same_period: bool = False) -> str:
    """"同比增长5.2%" / "较上年提高1.3个百分点" / "与上年持平" / "" when there is no base."""
    base = "同比" if not same_period else "较去年同期"
    if row["yoy"] == STATUS["incomplete"]:   # compute rule 5: not compared; the narrative says why once, up front
        return ""
    if row["yoy"] == "无上年数据" or pd.isna(row["change"]):
        return ""
    if row["yoy"] == "新增":
        return "上年同期为零" if same_period else "上年为零"
    if row["yoy"] == "持平":
        return f"{'与上年' if not same_period else '与去年同期'}持平"
    if row["kind"] == "rate":
        verb = "提高" if row["change"] > 0 else "下降"
        return f"{'较上年' if not same_period else '较去年同期'}{verb}{format_points(row['change'], 1)}"
    verb = "增长" if row["change"] > 0 else "下降"   # from an approximate figure (近140万元), an approximate change
    rough = "约" if (row.get("approx") or "") or (row.get("prev_approx") or "") else ""
    return f"{base}{verb}{format_percent(abs(row['change_pct']), 1, approx=rough)}"


def phrase_target(row: pd.Series) -> str:
    """"完成年度目标的103.5%" / "达到“90%以上”的目标要求" / "距“95%以上”的目标还差1.2个百分点"."""
    if pd.isna(row.get("target")) or pd.isna(row["value"]):
        return ""
    if row.get("status") == STATUS["incomplete"]:   # compute rule 5: not judged; the narrative says why once, up front
        return ""
    bound = row.get("target_bound") or "以上"
    status = row.get("status", "")
    goal = format_goal(row["target"], row["unit"], int(row["decimals"]), bound)
    if status in (STATUS["within"], STATUS["over"]):  # a ceiling: "控制在120件以内"
        if status == STATUS["over"]:
            return f"超出“{goal}”的控制目标{_gap_text(row)}"
        if not _mid_year(row.get("as_of")):   # before year end a ceiling on the year is kept so far (rule 8)
            return f"控制在“{goal}”的目标之内"
        at = format_amount(row["projection"], row["unit"], int(row["decimals"])) if row.get("at_risk") == True else ""  # noqa: E712
        return f"目前在“{goal}”的控制目标之内" + (f"，但按目前速度全年将达到{at}左右，超出控制目标" if at else "")
    if row["target_type"] == "threshold" or row["kind"] == "rate":
        if bool(row["met"]):
            return f"达到“{goal}”的目标要求"
        return f"距“{goal}”的目标还差{_gap_text(row)}"
    if pd.isna(row["completion"]):
        return ""
    done = format_percent(row["completion"], 1, approx=row.get("completion_approx", "") or "")
    if status == STATUS["exceeded"]:
        return f"超额完成年度目标，完成率{done}"
    text = f"完成年度目标的{done}"
    if status == STATUS["behind"]:
        text += f"，落后时间进度{format_points(-row['pace_gap'], 1)}"
    elif status in (STATUS["open"], STATUS["unmet"]):
        text += f"，尚差{_gap_text(row)}"
    return text


def phrase_rank(row: pd.Series, area: str) -> str:
    """"居全市第3位，较上年上升2位" (ties: "并列全市第3位")."""
    if pd.isna(row.get("rank")):
        return ""
    tied = bool(row.get("tied", False)) if pd.notna(row.get("tied", False)) else False
    text = f"{'并列' if tied else '居'}{area}第{int(row['rank'])}位"
    if pd.notna(row.get("rank_change")) and row["rank_change"] != 0:
        move = "上升" if row["rank_change"] > 0 else "下降"
        text += f"，较上年{move}{abs(int(row['rank_change']))}位"
    return text


def _join(items: list[str]) -> str:
    """"甲、乙和丙" (a report's list)."""
    if len(items) <= 1:
        return "".join(items)
    return "、".join(items[:-1]) + "和" + items[-1]


def pack_sentences(clauses: list[tuple[str, int]], *, lead: str = "", limit: int = MAX_FIGURES) -> str:
    """Clauses (text, number of figures) joined into sentences of at most ``limit`` figures, in order.

    Clauses of one sentence are joined by "；"; ``lead`` starts the first sentence.

    >>> pack_sentences([("甲3家", 1), ("乙4家，增长5%", 2), ("丙6家，增长7%", 2)], lead="全区")
    '全区甲3家；乙4家，增长5%。丙6家，增长7%。'
    """
    sentences, current, count = [], [], 0
    for text, n in clauses:
        if not text:
            continue
        if current and count + n > limit:
            sentences.append("；".join(current) + "。")
            current, count = [], 0
        current.append(text)
        count += n
    if current:
        sentences.append("；".join(current) + "。")
    return (lead + "".join(sentences)) if sentences else ""


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def count_figures(text: str, *names: str) -> int:
    """How many figures a phrase carries, not counting digits inside indicator names ("12351热线受理").

    >>> count_figures("12351热线受理757条，同比增长32.6%", "12351热线受理")
    2
    """
    for name in names:
        text = text.replace(name, "")
    return len(_NUMBER.findall(text))


def _notable(row: pd.Series) -> bool:
    """A tier-2 indicator earns a sentence: its target's state is a problem or a success, or it changed a lot."""
    if row.get("status") in _MISSED + (STATUS["exceeded"],):
        return True
    if bool(row.get("at_risk", False)):
        return True
    if row["kind"] == "rate":
        return pd.notna(row["change"]) and abs(row["change"]) >= NOTABLE_PP
    return pd.notna(row["change_pct"]) and abs(row["change_pct"]) >= NOTABLE_PCT


def _told_rows(metrics: pd.DataFrame, theme: str) -> pd.DataFrame:
    """The rows a theme paragraph tells: tier 1, then at most ``NOTABLE_LIMIT`` notable tier-2 rows."""
    rows = credible(metrics)
    rows = rows[(rows["theme"] == theme) & (rows["tier"] <= 2) & rows["value"].notna()]
    main = rows[rows["tier"] == 1]
    second = rows[rows["tier"] == 2]
    second = second[[_notable(r) for _, r in second.iterrows()]] if len(second) else second
    if len(second) > NOTABLE_LIMIT:   # a target's state first (a miss, then a success), then the largest change
        size = second["change_pct"].abs().fillna(second["change"].abs() * 10).fillna(0.0)
        state = second["status"].map(lambda w: 0 if w in _MISSED else (1 if w == STATUS["exceeded"] else 2))
        state = state.where(~second.get("at_risk", pd.Series(False, index=second.index)).fillna(False).astype(bool), 0)
        ranked = pd.DataFrame({"state": state, "size": -size}).sort_values(["state", "size"], kind="stable")
        second = second.loc[ranked.index[:NOTABLE_LIMIT]]
    return pd.concat([main, second]).sort_values(["tier", "order"])


def _targeted_clauses(targeted: pd.DataFrame, same_period: bool) -> list[tuple[str, int]]:
    """Amounts with a completion ratio, two to a clause: "甲X、乙Y，分别完成年度目标的A和B，…"."""
    clauses = []
    for start in range(0, len(targeted), 2):
        pair = targeted.iloc[start:start + 2]
        if len(pair) == 1:
            r = pair.iloc[0]
            text = "，".join(b for b in (f"{r['name']}{_amount(r)}", phrase_yoy(r, same_period=same_period),
                                        phrase_target(r)) if b)
            clauses.append((text, count_figures(text, r["name"])))
            continue
        else:
            amounts = [f"{r['name']}{_amount(r)}" for _, r in pair.iterrows()]
            done = [format_percent(r["completion"], 1, approx=r.get("completion_approx", "") or "")
                    for _, r in pair.iterrows()]
            text = f"{'、'.join(amounts)}，分别完成年度目标的{_join(done)}"
            statuses = set(pair["status"])
            if statuses & {STATUS["behind"], STATUS["on_pace"], STATUS["ahead"]}:
                lag = pair[pair["status"] == STATUS["behind"]]
                if lag.empty:
                    text += "，均不低于时间进度"
                else:
                    text += "，均低于时间进度" if len(lag) == len(pair) else f"，其中{_join(list(lag['name']))}低于时间进度"
            elif statuses <= set(REACHED):
                text += "，均完成全年目标"
            elif statuses == {STATUS["unmet"]}:
                text += "，均未完成全年目标"
            elif STATUS["unmet"] in statuses:
                text += f"，其中{_join(list(pair.loc[pair['status'] == STATUS['unmet'], 'name']))}未完成全年目标"
            clauses.append((text, count_figures(text, *pair["name"])))
            changes = [(r, phrase_yoy(r, same_period=same_period)) for _, r in pair.iterrows()]
        told = [f"{r['name']}{c}" for r, c in changes if c]
        if told:
            clauses.append(("，".join(told), count_figures("".join(told), *pair["name"])))
    return clauses


def narrate_theme(metrics: pd.DataFrame, theme: str, scope: str, *, same_period: bool = False) -> str:
    """One paragraph for one theme, in the order a work report takes, at most ``MAX_FIGURES`` figures a
    sentence: the targeted amounts two by two ("…分别完成年度目标的A和B"), their change, then the
    rates against their thresholds, then the other tier-1 and notable tier-2 indicators.

    >>> narrate_theme(metrics_of_one_region, "组织建设", "全市")   # doctest: +SKIP
    '全市新建基层工会1038家、新发展会员42811人，分别完成年度目标的102.0%和106.1%，均完成全年目标。…'
    """
    rows = _told_rows(metrics, theme)
    gone = metrics[(metrics["theme"] == theme) & (metrics["tier"] == 1) & unreported(metrics)]
    if rows.empty and gone.empty:
        return ""
    targeted = rows[(rows["target_type"] == "absolute") & rows["completion"].notna()]
    clauses = _targeted_clauses(targeted, same_period)
    rest = rows.drop(index=targeted.index)
    rest = pd.concat([rest[rest["kind"] == "rate"], rest[rest["kind"] != "rate"]])
    for _, r in rest.iterrows():
        verb = "达到" if r["kind"] == "rate" and r["direction"] == "higher" else ("为" if r["kind"] == "rate" else "")
        yoy, target = phrase_yoy(r, same_period=same_period), phrase_target(r)
        partial = "（已报单位合计，汇总不全）" if "children_incomplete" in r.get("flag_codes", ()) else ""   # rule 5
        text = "，".join(b for b in (f"{r['name']}{partial}{verb}{_amount(r)}", yoy, target) if b)
        clauses.append((text, count_figures(text, r["name"])))
    clauses += [(f"{r['name']}本期数字未报送", 0) for _, r in gone.iterrows()]   # said where it would be told
    return pack_sentences(clauses, lead=scope)


def narrate_ranks(metrics: pd.DataFrame, area: str, group: str = "同级单位", *, limit: int = 4) -> str:
    """Where the region stands among its peers on its key indicators ("在全市12个县(市)区中，新发展会员居第3位，
    较上年上升2位。…"); likely typos take no part, nor a rank among one; 走在前列 only in a whole group of four or more."""
    rows = credible(metrics)
    rows = rows[rows["rank"].notna() & (rows["tier"] == 1) & (rows["peers"] >= 2)].sort_values(["theme_order", "order"])
    if rows.empty:
        return ""
    area = area or PEER_FALLBACK
    peers = int(rows["peers"].max())
    size = int(rows["peer_group_size"].max()) if "peer_group_size" in rows and rows["peer_group_size"].notna().any() else peers
    # ranked among fewer than the group has (some reported nothing): said, never silent, indicator by indicator
    among = f"在{area}{peers}个{group}中" if size <= peers else f"在{area}已报数的{peers}个{group}中（共{size}个，{size - peers}个未报）"
    clauses = []
    for i, (_, r) in enumerate(rows.head(limit).iterrows()):
        fewer = f"（该项只有{int(r['peers'])}个单位报数）" if int(r["peers"]) < peers else ""
        text = (f"{among}，" if i == 0 else "") + f"{r['name']}{phrase_rank(r, '')}{fewer}"
        clauses.append((text, count_figures(text, r["name"])))
    text = pack_sentences(clauses)
    best = rows[(rows["rank"] <= (rows["peers"] // 4).clip(lower=1)) & (rows["peers"] >= max(4, size))]
    return text + (f"{_join(list(best['name']))}走在{area}前列。" if len(best) >= 2 else "")


def _mid_year(as_of) -> bool:
    return as_of is not None and pd.notna(as_of) and pd.Timestamp(as_of).strftime("%m-%d") != "12-31"


def _shortfall(row: pd.Series) -> float:
    """How far an unmet target is from being met, as a share of the target (0.1 = 10% short)."""
    if pd.notna(row["completion"]):
        return max(0.0, 1 - row["completion"] / 100)
    if pd.notna(row.get("gap")) and row["target"]:
        return abs(row["gap"]) / abs(row["target"])
    return 0.0


def _risk_text(row: pd.Series) -> str:
    """Why a target due at year end is at risk (rule 8 of ``compute``), with the figures a reader can check."""
    if row["kind"] == "flow":
        projected = _gap_text(row, row["projection"]) if row["unit"] != "%" else format_percent(row["projection"], 1)
        if row.get("status") == STATUS["within"]:
            return f"{row['name']}为{_amount(row)}，按目前进度全年约{projected}，将超出控制目标"
        return f"{row['name']}为{_amount(row)}，{phrase_target(row)}，按目前进度全年约{projected}，难以完成目标"
    head = f"{row['name']}为{_amount(row)}，{phrase_target(row)}"
    if pd.isna(row["change"]) or row["yoy"] == "持平":
        return f"{head}，与去年同期持平，按此速度年底前难以达到目标"
    up = row["change"] > 0
    if up != (row["direction"] == "higher"):
        return f"{head}，较去年同期不增反降，年底前难以达到目标"
    verb = ("提高" if up else "下降") if row["kind"] == "rate" else ("增加" if up else "减少")
    return f"{head}，近一年{verb}{_gap_text(row, abs(row['change']))}，按此速度年底前难以达到目标"


def narrate_problems(metrics: pd.DataFrame, *, limit: int = 5) -> list[str]:
    """Items for 存在的问题, most serious first: lagging behind time, targets missed (at year end) or out of
    reach at the present speed (before it, rule 8 of ``compute``), by relative shortfall, then key
    indicators that fell ("不增反降", with both years' values). A target due at year end that is merely
    not yet reached is remaining work (``sections.show_remaining``), not a problem; a likely typo is neither."""
    items: list[tuple[int, float, str]] = []
    for _, row in credible(metrics)[lambda m: m["value"].notna()].iterrows():
        status = row.get("status", "")
        fell = row["tier"] <= 1 and row["yoy"] == "下降" and row["direction"] == "higher"   # stated plainly, both years
        prev = format_amount(row["prev_value"], row["unit"], int(row["decimals"]), row["prev_approx"]) if fell else ""
        also = f"，且由上年的{prev}降至{_amount(row)}，不增反降" if fell else ""
        if status == STATUS["behind"]:
            items.append((0, row["pace_gap"], f"{row['name']}完成年度目标的{format_percent(row['completion'], 1)}，"
                                              f"落后时间进度{format_points(-row['pace_gap'], 1)}{also}，工作进度有待进一步加快"))
        elif status in (STATUS["unmet"], STATUS["short"], STATUS["over"]):
            verb = "超出控制目标" if status == STATUS["over"] else "未完成年度目标"
            text = (f"{row['name']}完成年度目标的{format_percent(row['completion'], 1)}，尚差{_gap_text(row)}，{verb}"
                    if pd.notna(row["completion"]) else f"{row['name']}{phrase_target(row)}" +
                    ("" if status == STATUS["over"] else f"，{verb}"))
            items.append((1, -_shortfall(row), text + also))
        elif bool(row.get("at_risk", False)):
            items.append((1, -_shortfall(row), _risk_text(row) + ("" if "不增反降" in _risk_text(row) else also)))
        elif fell:
            drop = abs(row["change_pct"]) if pd.notna(row["change_pct"]) else abs(row["change"])
            items.append((2, -drop, f"{row['name']}由上年的{prev}降至{_amount(row)}，不增反降"))
    items.sort(key=lambda x: (x[0], x[1]))
    return [f"{ORDINALS[i]}是{text}。" for i, (_, _, text) in enumerate(_representative(items, limit))]


def _representative(items: list, limit: int) -> list:
    """The ``limit`` most serious items, each kind (lag, miss or risk, decline) kept in if it has any:
    up to ``PROBLEM_SHARE`` of a kind first, then the rest by seriousness; in the order of the kinds."""
    chosen = []
    for kind, share in enumerate(PROBLEM_SHARE):
        chosen += [i for i in items if i[0] == kind][:share]
    chosen += [i for i in items if i not in chosen][: max(0, limit - len(chosen))]
    return sorted(chosen[:limit], key=lambda x: (x[0], x[1]))


def narrate_highlights(metrics: pd.DataFrame, *, limit: int = 2) -> list[str]:
    """The best results: targets exceeded by the widest margin (never a likely typo)."""
    t = credible(metrics)
    t = t[t["completion"].notna() & (t["status"] == STATUS["exceeded"])].sort_values("completion", ascending=False)
    return [f"{row['name']}{_amount(row)}，{phrase_target(row)}" for _, row in t.head(limit).iterrows()]


def no_problems(metrics: pd.DataFrame, subject: str = "") -> str:
    """What 存在的问题 says when ``narrate_problems`` finds none: never "no shortcomings" over targets it could not
    judge (a total some children did not report, a figure not sent)."""
    t = metrics[metrics["target"].notna()]
    unjudged = int(((t["status"] == STATUS["incomplete"]) | unreported(t)).sum())
    if not unjudged:
        return f"{subject}各项主要指标均已完成或进度正常，未发现明显短板。"
    if len(t) == unjudged:
        return f"{subject}{unjudged}项有目标的指标因部分数字未报、汇总不全，暂不评价；数字报齐后再作分析。"
    return f"{subject}已评价的各项主要指标均已完成或进度正常；另有{unjudged}项因部分数字未报、汇总不全，暂不评价。"


def theme_order(metrics: pd.DataFrame) -> list[str]:
    present = set(metrics["theme"])
    return [t for t in THEMES if t in present] + sorted(present - set(THEMES))


def rounded(value: float, decimals: int = 1) -> str:
    return str(round_half_up(value, decimals))


__all__ = ["GOOD_STATUS", "MAX_FIGURES", "credible", "format_goal", "narrate_highlights",
           "narrate_problems", "narrate_ranks", "narrate_theme", "pack_sentences", "phrase_rank", "phrase_target",
           "phrase_yoy", "scope_word", "theme_order"]
