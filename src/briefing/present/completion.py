"""How a pack counts its targets in one sentence: "对照年度目标，全市12项量化指标中，已完成8项…".

At year end: completed (超额), not completed; before it: reached, on pace, behind, and the targets due at year
end still open (compute rule 8), those heading to miss them, and the ones a total or a return leaves unjudged.
"""

from __future__ import annotations

import pandas as pd

from ..compute import OPEN_STATUS, STATUS
from .narrate import REACHED, _mid_year, credible, unreported


def _counts(t: pd.DataFrame) -> dict:
    """How many targets are in each state; before year end a ceiling kept so far is still open (rule 8)."""
    status = t["status"]
    kept_so_far = (status == STATUS["within"]) & (len(t) > 0 and "as_of" in t and _mid_year(t["as_of"].iloc[0]))
    open_ = status.isin(OPEN_STATUS) | kept_so_far
    return {"reached": int((status.isin(REACHED) & ~kept_so_far).sum()),
            "exceeded": int((status == STATUS["exceeded"]).sum()),
            "on": int(status.isin([STATUS["on_pace"], STATUS["ahead"]]).sum()),
            "behind": int((status == STATUS["behind"]).sum()), "open": int(open_.sum()),
            "risk": int((open_ & t.get("at_risk", False)).sum()),
            "failed": int(status.isin([STATUS["unmet"], STATUS["short"], STATUS["over"]]).sum())}


def narrate_completion(metrics: pd.DataFrame, scope: str) -> str:
    """"对照年度目标，全市12项量化指标中，已完成8项（其中超额完成6项），未完成4项。" (at year end);
    before year end, by the states of ``STATUS``: reached, on pace, behind, and due at year end. A target whose
    figure the region did not report is counted and named, never left out of the count in silence."""
    gone = metrics[metrics["target"].notna() & unreported(metrics)]
    if gone.empty:
        return _completion(metrics, scope, whole=True)
    names = "、".join(gone["name"].head(3)) + ("等" if len(gone) > 3 else "")
    told = _completion(metrics.drop(index=gone.index), scope, whole=False)
    return told + f"{'另有' if told else f'{scope}'}{len(gone)}项（{names}）本期未报数字，暂不评价完成情况。"


def _completion(metrics: pd.DataFrame, scope: str, whole: bool) -> str:
    t = metrics[metrics["target"].notna() & metrics["value"].notna()]
    unjudged = int((t["status"] == STATUS["incomplete"]).sum())   # compute rule 5: neither completed nor not
    t = t[t["status"] != STATUS["incomplete"]]
    if t.empty:
        return (f"{scope}{unjudged}项量化指标因部分下级未报、汇总不全，暂不评价完成情况。" if unjudged
                else f"{scope}本年度没有下达量化目标的指标。" if whole else "")
    if unjudged:
        return _completion(t, scope, whole) + f"另有{unjudged}项因部分下级未报、汇总不全，暂不评价。"
    doubtful = credible(t)
    n_doubtful = len(t) - len(doubtful)
    t = doubtful
    c = _counts(t)
    check = f"另有{n_doubtful}项数据待核实，未计入。" if n_doubtful else ""
    if (t["pace"] != "").any() or c["open"]:
        parts = ([f"{c['reached']}项已完成或达标"] if c["reached"] else []) \
            + ([f"{c['on']}项进度正常", f"{c['behind']}项进度滞后"] if c["on"] or c["behind"] else [])
        text = f"对照年度目标，{scope}{len(t)}项量化指标中，" + ("，".join(parts) + "。" if parts else "")
        if c["open"]:
            text += f"{'另有' if parts else ''}{c['open']}项为年末考核的目标，尚在推进"
            text += f"，其中{c['risk']}项按目前速度年底前难以完成。" if c["risk"] else "。"
        over = int((t["status"] == STATUS["over"]).sum())
        if over:
            text += f"{over}项超出控制目标。"
        return text + check
    text = f"对照年度目标，{scope}{len(t)}项量化指标中，已完成{c['reached']}项"
    if c["exceeded"]:
        text += f"（其中超额完成{c['exceeded']}项）"
    if c["failed"] == 0:   # "全面完成" only when every target has its figure
        return text + ("，全面完成全年的工作目标。" if whole else "。") + check
    return text + f"，未完成{c['failed']}项。" + check
