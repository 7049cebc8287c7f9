"""Chinese sentences from the metrics, in the register of a 工会 work report.

Every number goes through ``formatting`` so a sentence, a table and a chart never
show the same figure two ways. Functions take one region's metrics rows and return
strings; they never change their inputs.
"""

from __future__ import annotations

import pandas as pd

from ..data.catalog import THEMES
from ..formatting import format_amount, format_percent, format_points, round_half_up

ORDINALS = "一二三四五六七八九十"


def scope_word(level: str, group: str = "") -> str:
    """How a work report names its own area: 全市, 全区, 全县, 全系统."""
    if level in ("产业工会",) or group == "产业工会":
        return "全系统"
    return {"市": "全市", "县级市": "全市", "区": "全区", "县": "全县"}.get(level, "全地区")


def _amount(row: pd.Series) -> str:
    return format_amount(row["value"], row["unit"], int(row["decimals"]), row["approx"] if row["approx"] != "约" else "约")


def format_goal(target: float, unit: str, decimals: int = 0, bound: str = "以上") -> str:
    """A threshold target as a report writes it: "95%以上", "100个以上", "120件以内" (no needless ".0")."""
    text = format_amount(target, unit, decimals)
    head = text[: len(text) - len(unit)] if unit and text.endswith(unit) else text
    if "." in head and set(head.split(".")[1]) <= {"0"}:
        text = head.split(".")[0] + text[len(head):]
    return text + (bound or "以上")


def phrase_yoy(row: pd.Series, *, same_period: bool = False) -> str:
    """"同比增长5.2%" / "较上年提高1.3个百分点" / "与上年持平" / "" when there is no base."""
    base = "同比" if not same_period else "较去年同期"
    if row["yoy"] == "汇总不全":   # compute rule 5: not compared; the narrative says why once, up front
        return ""
    if row["yoy"] == "无上年数据" or pd.isna(row["change"]):
        return ""
    if row["yoy"] == "新增":
        return "上年同期为零"
    if row["yoy"] == "持平":
        return f"{'与上年' if not same_period else '与去年同期'}持平"
    if row["kind"] == "rate":
        verb = "提高" if row["change"] > 0 else "下降"
        return f"{'较上年' if not same_period else '较去年同期'}{verb}{format_points(row['change'], 1)}"
    verb = "增长" if row["change"] > 0 else "下降"
    return f"{base}{verb}{format_percent(abs(row['change_pct']), 1)}"


def phrase_target(row: pd.Series) -> str:
    """"完成年度目标的103.5%" / "达到“90%以上”的目标要求" / "距“95%以上”的目标还差1.2个百分点"."""
    if pd.isna(row.get("target")) or pd.isna(row["value"]):
        return ""
    if row.get("status") == "汇总不全":   # compute rule 5: not judged; the narrative says why once, up front
        return ""
    bound = row.get("target_bound") or "以上"
    gap_text = (format_points(row["gap"], 1) if row["unit"] == "%"
                else format_amount(row["gap"], row["unit"], int(row["decimals"])))
    if row.get("status") in ("控制在目标内", "超出目标"):  # a ceiling: "控制在120件以内"
        goal = format_goal(row["target"], row["unit"], int(row["decimals"]), bound)
        if row["status"] == "控制在目标内":
            return f"控制在“{goal}”的目标之内"
        return f"超出“{goal}”的控制目标{gap_text}"
    if row["target_type"] == "threshold" or row["kind"] == "rate":
        goal = format_goal(row["target"], row["unit"], int(row["decimals"]), bound)
        if bool(row["met"]):
            return f"达到“{goal}”的目标要求"
        return f"距“{goal}”的目标还差{gap_text}"
    if pd.isna(row["completion"]):
        return ""
    done = format_percent(row["completion"], 1, approx=row.get("completion_approx", "") or "")
    text = f"完成年度目标的{done}"
    if row["pace"] == "滞后":
        text += f"，进度滞后时间进度{format_points(-row['pace_gap'], 1)}"
    elif bool(row.get("exceeded", False)):
        text = f"超额完成年度目标，完成率{done}"
    return text


def phrase_rank(row: pd.Series, area: str) -> str:
    """"居全市第3位，较上年上升2位" (ties: "并列第3位")."""
    if pd.isna(row.get("rank")):
        return ""
    tied = bool(row.get("tied", False)) if pd.notna(row.get("tied", False)) else False
    text = f"居{area}{'并列' if tied else ''}第{int(row['rank'])}位"
    if pd.notna(row.get("rank_change")) and row["rank_change"] != 0:
        move = "上升" if row["rank_change"] > 0 else "下降"
        text += f"，较上年{move}{abs(int(row['rank_change']))}位"
    return text


def _join(items: list[str]) -> str:
    """"甲、乙和丙" (a report's list)."""
    if len(items) <= 1:
        return "".join(items)
    return "、".join(items[:-1]) + "和" + items[-1]


def narrate_theme(metrics: pd.DataFrame, theme: str, scope: str, *, same_period: bool = False,
                  others: int = 4) -> str:
    """One paragraph for one theme, in the order a work report takes:
    the targeted amounts together ("…分别完成年度目标的A和B"), then the rates against their
    thresholds, then up to ``others`` further main indicators with their change.

    >>> narrate_theme(metrics_of_one_region, "组织建设", "全市")   # doctest: +SKIP
    '全市新建基层工会1038家、新发展会员42811人，分别完成年度目标的102.0%和106.1%，同比分别增长6.2%和10.1%；…'
    """
    rows = metrics[(metrics["theme"] == theme) & (metrics["tier"] <= 2) & metrics["value"].notna()]
    rows = rows.sort_values(["tier", "order"])
    if rows.empty:
        return ""
    parts: list[str] = []
    targeted = rows[(rows["target_type"] == "absolute") & rows["completion"].notna()].head(3)
    if len(targeted) >= 2:
        amounts = [f"{r['name']}{_amount(r)}" for _, r in targeted.iterrows()]
        done = [format_percent(c, 1) for c in targeted["completion"]]
        text = f"{'、'.join(amounts)}，分别完成年度目标的{_join(done)}"
        if (targeted["pace"] != "").any():
            lag = targeted[targeted["pace"] == "滞后"]
            text += "，均不低于时间进度" if lag.empty else f"，其中{_join(list(lag['name']))}低于时间进度"
        elif targeted["met"].fillna(False).astype(bool).all():
            text += "，均完成全年目标"
        changes = [phrase_yoy(r, same_period=same_period) for _, r in targeted.iterrows()]
        if all(changes):
            text += "；" + "，".join(f"{r['name']}{c}" for (_, r), c in zip(targeted.iterrows(), changes))
        parts.append(text)
    elif len(targeted) == 1:
        r = targeted.iloc[0]
        parts.append("，".join(b for b in (f"{r['name']}{_amount(r)}", phrase_yoy(r, same_period=same_period),
                                          phrase_target(r)) if b))
    rest = rows.drop(index=targeted.index)
    rates = rest[rest["kind"] == "rate"]
    for _, r in rates.iterrows():
        verb = "达到" if r["direction"] == "higher" else "为"
        bits = [f"{r['name']}{verb}{_amount(r)}"]
        bits += [b for b in (phrase_yoy(r, same_period=same_period), phrase_target(r)) if b]
        parts.append("，".join(bits))
    plain = rest[rest["kind"] != "rate"]
    plain = pd.concat([plain[plain["target"].notna()], plain[plain["target"].isna()]]).head(others)
    for _, r in plain.iterrows():
        bits = [f"{r['name']}{_amount(r)}"] + [b for b in (phrase_yoy(r, same_period=same_period), phrase_target(r)) if b]
        parts.append("，".join(bits))
    return f"{scope}" + "；".join(parts) + "。"


def narrate_ranks(metrics: pd.DataFrame, area: str, group: str = "同级单位", *, limit: int = 4) -> str:
    """Where the region stands among its peers on its key indicators
    ("在全市12个县(市)区中，新发展会员居第3位，较上年上升2位；…")."""
    rows = metrics[metrics["rank"].notna() & (metrics["tier"] == 1)].sort_values(["theme_order", "order"])
    if rows.empty or not area:
        return ""
    peers = int(rows["peers"].max())
    size = int(rows["peer_group_size"].max()) if "peer_group_size" in rows and rows["peer_group_size"].notna().any() else peers
    parts = [f"{r['name']}{phrase_rank(r, '')}" for _, r in rows.head(limit).iterrows()]
    best = rows[rows["rank"] <= max(1, peers // 4)]
    among = f"在{area}{peers}个{group}中" if size <= peers else f"在{area}已报数的{peers}个{group}中（共{size}个，{size - peers}个未报）"
    text = among + "，" + "；".join(parts) + "。"
    if len(best) >= 2:
        text += f"{_join(list(best['name']))}走在{area}前列。"
    return text


def narrate_completion(metrics: pd.DataFrame, scope: str) -> str:
    """"在有年度目标的12项指标中，已完成8项（其中超额完成6项），尚未完成4项。"."""
    t = metrics[metrics["target"].notna() & metrics["value"].notna()]
    unjudged = int((t["status"] == "汇总不全").sum())     # compute rule 5: neither completed nor not
    t = t[t["status"] != "汇总不全"]
    if t.empty:
        return (f"{scope}{unjudged}项量化指标因部分下级未报、汇总不全，暂不评价完成情况。" if unjudged
                else f"{scope}本年度没有下达量化目标的指标。")
    if unjudged:
        return narrate_completion(t, scope).rstrip("。") + f"；另有{unjudged}项因部分下级未报、汇总不全，暂不评价。"
    met = t["met"].fillna(False).astype(bool)
    over = met & (t["completion"] > 100)
    lagging = t["pace"] == "滞后"
    if (t["pace"] != "").any():
        on = int((~lagging & (t["pace"] != "")).sum())
        return (f"对照年度目标，{scope}{len(t)}项量化指标中，{int(met.sum())}项已达到全年目标，"
                f"按时间进度计{on}项进度正常，{int(lagging.sum())}项进度滞后。")
    text = f"对照年度目标，{scope}{len(t)}项量化指标中，已完成{int(met.sum())}项"
    if over.any():
        text += f"（其中超额完成{int(over.sum())}项）"
    if met.all():
        return text + "，全面完成全年的工作目标。"
    return text + f"，尚未完成{int((~met).sum())}项。"


def _shortfall(row: pd.Series) -> float:
    """How far an unmet target is from being met, as a share of the target (0.1 = 10% short)."""
    if pd.notna(row["completion"]):
        return max(0.0, 1 - row["completion"] / 100)
    if pd.notna(row.get("gap")) and row["target"]:
        return abs(row["gap"]) / abs(row["target"])
    return 0.0


def narrate_problems(metrics: pd.DataFrame, *, limit: int = 5) -> list[str]:
    """Items for 存在的问题, most serious first: lagging behind time, unmet targets (by relative
    shortfall), then key indicators that fell ("不增反降", with both years' values)."""
    items: list[tuple[int, float, str]] = []
    for _, row in metrics[metrics["value"].notna()].iterrows():
        if row["pace"] == "滞后":
            items.append((0, row["pace_gap"], f"{row['name']}完成年度目标的{format_percent(row['completion'], 1)}，"
                                              f"落后时间进度{format_points(-row['pace_gap'], 1)}，工作进度有待进一步加快"))
        elif row["pace"] == "" and pd.notna(row.get("target")) and pd.notna(row["met"]) and not bool(row["met"]):
            if pd.notna(row["completion"]):
                gap = format_amount(row["gap"], row["unit"], int(row["decimals"]))
                text = f"{row['name']}完成年度目标的{format_percent(row['completion'], 1)}，尚差{gap}，未完成年度目标"
            else:
                text = f"{row['name']}{phrase_target(row)}，未完成年度目标"
            items.append((1, -_shortfall(row), text))
        elif row["tier"] <= 1 and row["yoy"] == "下降" and row["direction"] == "higher":
            prev = format_amount(row["prev_value"], row["unit"], int(row["decimals"]), row["prev_approx"])
            drop = abs(row["change_pct"]) if pd.notna(row["change_pct"]) else abs(row["change"])
            items.append((2, -drop, f"{row['name']}由上年的{prev}降至{_amount(row)}，不增反降"))
    items.sort(key=lambda x: (x[0], x[1]))
    return [f"{ORDINALS[i]}是{text}。" for i, (_, _, text) in enumerate(items[:limit])]


def narrate_highlights(metrics: pd.DataFrame, *, limit: int = 3) -> list[str]:
    """The best results: targets exceeded by the widest margin."""
    t = metrics[metrics["completion"].notna() & (metrics["completion"] > 100)].sort_values("completion", ascending=False)
    return [f"{row['name']}{_amount(row)}，{phrase_target(row)}" for _, row in t.head(limit).iterrows()]


def theme_order(metrics: pd.DataFrame) -> list[str]:
    present = set(metrics["theme"])
    return [t for t in THEMES if t in present] + sorted(present - set(THEMES))


def rounded(value: float, decimals: int = 1) -> str:
    return str(round_half_up(value, decimals))
