"""What is left of this year's targets at a date: the frame behind the remaining-work table and its sentences.

Pure functions over one region's metrics rows (``compute_metrics``); ``sections.show_remaining`` lays them out.
"""

from __future__ import annotations

import pandas as pd

from . import narrate
from ..compute import DOUBTFUL, STATUS, year_elapsed
from ..formatting import format_amount, format_percent, format_points, round_half_up


def _ratio_text(ratio: float) -> str:
    return f"{round_half_up(ratio, 1)}倍"


# ---------------------------------------------------------------- remaining work

def remaining_work(metrics: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """What is left to reach each of this year's targets at ``as_of`` (one region's metrics rows).

    Columns: indicator, name, unit, decimals, kind, target_type, target, value, completion,
    remaining (amount still to do for an absolute target; the gap for an unmet threshold),
    speed_ratio (for a flow: the pace needed for the rest of the year ÷ the pace so far, with time
    measured as 时间进度 the way ``compute.year_elapsed`` reckons it: 30 June is half the year),
    status (the state word of ``compute.STATUS``; 无数据 without a figure), at_risk, doubtful.
    Inputs are not changed.

    >>> rows = pd.DataFrame([{"indicator": "x", "name": "新建基层工会", "unit": "家", "decimals": 0,
    ...     "kind": "flow", "direction": "higher", "target_type": "absolute", "target": 70.0,
    ...     "value": 36.0, "completion": 51.4, "met": False, "gap": 34.0, "status": "进度正常",
    ...     "theme_order": 0, "order": 0}])
    >>> r = remaining_work(rows, pd.Timestamp("2026-06-30")).iloc[0]
    >>> float(r["remaining"]), round(float(r["speed_ratio"]), 2), r["status"]
    (34.0, 0.94, '进度正常')
    """
    elapsed = year_elapsed(as_of)
    inside = elapsed < 1
    out = []
    rows = metrics[metrics["target"].notna()].sort_values(["theme_order", "order"])
    for _, r in rows.iterrows():
        item = {k: r[k] for k in ("indicator", "name", "unit", "decimals", "kind", "target_type", "target", "value",
                                  "completion")}
        item["target_bound"], item["projection"] = r.get("target_bound", "") or "", r.get("projection", float("nan"))
        item["approx"], item["completion_approx"] = r.get("approx", "") or "", r.get("completion_approx", "") or ""
        item["remaining"], item["speed_ratio"] = float("nan"), float("nan")
        item["at_risk"], item["doubtful"] = bool(r.get("at_risk", False)), bool(r.get("doubtful", False))
        met = r["met"] is not pd.NA and bool(r["met"])
        item["status"] = r["status"] if pd.notna(r["value"]) else "无数据"
        if pd.isna(r["value"]) or r["status"] == STATUS["incomplete"]:   # rule 5: an incomplete total, not judged
            pass
        elif r["target_type"] == "threshold":
            item["remaining"] = 0.0 if met else float(r["gap"])
        elif r["direction"] == "lower":
            item["remaining"] = 0.0 if met else float(r["value"] - r["target"])
        else:
            remaining = max(float(r["target"] - r["value"]), 0.0)
            item["remaining"] = remaining
            if remaining > 0 and inside and r["kind"] == "flow" and r["value"] > 0:
                item["speed_ratio"] = (remaining / (1 - elapsed)) / (float(r["value"]) / elapsed)
        out.append(item)
    columns = ["indicator", "name", "unit", "decimals", "kind", "target_type", "target", "target_bound", "value",
               "completion", "remaining", "speed_ratio", "status", "at_risk", "doubtful", "projection", "approx", "completion_approx"]
    return pd.DataFrame(out, columns=columns)


def _goal(row: pd.Series) -> str:
    bound = row.get("target_bound", "") or ""
    if row["target_type"] == "threshold" or bound == "以内":
        return narrate.format_goal(row["target"], row["unit"], int(row["decimals"]), bound or "以上")
    return format_amount(row["target"], row["unit"], int(row["decimals"]))


def _gap(row: pd.Series) -> str:
    if row["unit"] == "%":
        return format_points(row["remaining"], 1)
    return format_amount(row["remaining"], row["unit"], int(row["decimals"]))


_AMOUNT_OPEN = (STATUS["behind"], STATUS["on_pace"], STATUS["ahead"], STATUS["open"], STATUS["unmet"])


def _remaining_sentences(rest: pd.DataFrame, scope: str, done_word: str, rest_word: str) -> list[str]:
    """Sentences for the speech writer, at most ``narrate.MAX_FIGURES`` figures each; the table has every item.
    ``rest_word`` is "" once the year is over."""
    paras = []
    rest = rest[~rest["doubtful"].astype(bool)] if "doubtful" in rest else rest
    todo = rest[rest["target_type"].eq("absolute") & rest["status"].isin(_AMOUNT_OPEN)]
    if not todo.empty and rest_word:
        paras.append(f"{rest_word}，{scope}还需完成{len(todo)}项年度目标任务的剩余部分，各项尚需完成的数量见下表。")
    elif not todo.empty:
        worst = todo.loc[todo["completion"].idxmin()] if todo["completion"].notna().any() else todo.iloc[0]
        paras.append(f"对照全年目标，{scope}有{len(todo)}项年度目标任务未完成，各项差距见下表；差距最大的是"
                     f"{worst['name']}，完成{format_percent(worst['completion'], 1, approx=worst.get('completion_approx', ''))}，差{_gap(worst)}。")
    lagging = todo[todo["status"].eq(STATUS["behind"]) & todo["speed_ratio"].notna()]
    if not lagging.empty and rest_word:
        names = "、".join(lagging["name"].head(3))
        lo, hi = lagging["speed_ratio"].min(), lagging["speed_ratio"].max()
        need = _ratio_text(hi) if round_half_up(lo, 1) == round_half_up(hi, 1) else f"{_ratio_text(lo)}至{_ratio_text(hi)}"
        subject = names if len(lagging) == 1 else f"{names}{'等' if len(lagging) > 3 else ''}{len(lagging)}项指标"
        paras.append(f"其中，{subject}进度滞后，{rest_word}的推进速度需达到{done_word}的{need}，工作进度有待进一步加快。")
    short = rest[rest["status"].isin([STATUS["open_short"], STATUS["short"]])]
    if not short.empty:
        clauses = [(f"{r['name']}为{format_amount(r['value'], r['unit'], int(r['decimals']))}，"
                    f"距“{_goal(r)}”的目标还差{_gap(r)}" + ("，按目前速度年底前难以达到" if r["at_risk"] else ""), 3)
                   for _, r in short.iterrows()]
        tail = "以上指标年底前要达到目标要求。" if rest_word else "以上指标未达到年度目标要求。"
        paras.append(narrate.pack_sentences(clauses) + tail)
    # a ceiling passed, or before year end heading past it at the present speed (rule 8)
    over = rest[rest["status"].eq(STATUS["over"]) | (rest["status"].eq(STATUS["within"]) & rest["at_risk"].astype(bool))]
    if not over.empty:
        items = "；".join(f"{r['name']}为{format_amount(r['value'], r['unit'], int(r['decimals']))}，" + (
            f"超出控制目标{_gap(r)}" if r["status"] == STATUS["over"] else f"按目前速度全年将达到"
            f"{format_amount(r['projection'], r['unit'], int(r['decimals']))}左右，超出“{_goal(r)}”的控制目标")
            for _, r in over.iterrows())
        paras.append(f"{items}，需加强源头治理。")
    done = rest[rest["status"].isin([STATUS["done"], STATUS["exceeded"]])]
    if not done.empty:
        paras.append(f"{'、'.join(done['name'])}" + ("已提前完成全年目标任务，要巩固成果、持续推进。" if rest_word
                                                  else "完成了全年目标任务。"))
    return [p for p in paras if p]


def _remaining_row(r: pd.Series, done_word: str, rest_word: str) -> list[str]:
    dec = int(r["decimals"])
    value = format_amount(r["value"], r["unit"], dec, r.get("approx", "") or "") if pd.notna(r["value"]) else "—"
    remaining = _gap(r) if pd.notna(r["remaining"]) and r["remaining"] > 0 else "—"
    if r["target_type"] == "threshold" or r["status"] in (STATUS["within"], STATUS["over"]) or r["kind"] == "rate":
        remaining = ("差" + remaining) if remaining != "—" else "—"
    status = DOUBTFUL if r["doubtful"] else r["status"]
    cells = [r["name"], status, _goal(r), value,
             format_percent(r["completion"], 1, approx=r.get("completion_approx", "") or "") if pd.notna(r["completion"])
             else "—", remaining]
    if rest_word:
        cells.append(f"为{done_word}的{_ratio_text(r['speed_ratio'])}" if pd.notna(r["speed_ratio"]) else "—")
    if r["doubtful"] and pd.notna(r["value"]):   # a likely typo: nothing derived from it, as everywhere else
        cells[4:] = [DOUBTFUL] + ["—"] * (len(cells) - 5)
    return cells
