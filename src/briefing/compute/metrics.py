"""The metrics of a pack: year-over-year, target completion, pacing, rank among peers and quality flags (rules 2–7)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..data.dataset import Dataset
from ..formatting import PERCENT_DECIMALS, half_up_scaled
from ..periods import same_day_last_year, year_end
from .dates import as_of_date, pace_status, year_elapsed
from .rules import DEFAULT_RULES, DOUBT_FLAGS, FLAG_BIT, FLAGS, MARK_OF_BITS, ROLLUP_SOURCE, STATUS, Rules
from .values import CatalogArrays, RegionTree, catalog_arrays, output_order, region_tree, value_arrays


def _targets(ds: Dataset, tree: RegionTree, cat: CatalogArrays, year: int):
    n_r, n_i = len(tree.codes), len(cat.ids)
    target = np.full(n_r * n_i, np.nan)
    threshold = np.zeros(n_r * n_i, dtype=bool)
    issuer = np.full(n_r * n_i, "", dtype=object)
    t = ds.targets
    t = t[(t["year"].to_numpy() == year) & t["target"].notna().to_numpy()]
    if len(t):
        key = tree.index.get_indexer(t["region"].to_numpy()) * n_i + cat.index.get_indexer(t["indicator"].to_numpy())
        ok = np.flatnonzero((tree.index.get_indexer(t["region"].to_numpy()) >= 0)
                            & (cat.index.get_indexer(t["indicator"].to_numpy()) >= 0))
        _, last_rev = np.unique(key[ok][::-1], return_index=True)   # the last row of a duplicate wins
        take = ok[::-1][last_rev]
        target[key[take]] = t["target"].to_numpy(dtype=float)[take]
        threshold[key[take]] = t["target_type"].fillna("absolute").to_numpy()[take] == "threshold"
        issuer[key[take]] = t["issuer"].fillna("").astype(str).to_numpy()[take]
    shape = (n_r, n_i)
    return target.reshape(shape), threshold.reshape(shape), issuer.reshape(shape)


def _rank(tree: RegionTree, cat: CatalogArrays, shown: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Competition rank (1, 2, 2, 4) among peers per indicator, on shown values (rule 6)."""
    n_r, n_i = shown.shape
    rank = np.full(shown.shape, np.nan)
    peers = np.full(shown.shape, np.nan)
    tied = np.zeros(shown.shape, dtype=bool)
    group = np.broadcast_to(tree.peer_group[:, None], shown.shape)
    ok = (group >= 0) & ~np.isnan(shown)
    if not ok.any():
        return rank, peers, tied
    r, i = np.nonzero(ok)
    g = group[r, i].astype(np.int64) * n_i + i
    key = np.where(cat.lower[i], shown[r, i], -shown[r, i])
    order = np.lexsort((key, g))
    gs, ks = g[order], key[order]
    pos = np.arange(len(gs))
    new_group = np.r_[True, gs[1:] != gs[:-1]]
    new_run = new_group | np.r_[True, ks[1:] != ks[:-1]]
    group_first = np.maximum.accumulate(np.where(new_group, pos, 0))
    run_first = np.maximum.accumulate(np.where(new_run, pos, 0))
    run_id = np.cumsum(new_run) - 1
    group_id = np.cumsum(new_group) - 1
    sorted_rank = run_first - group_first + 1
    rank[r[order], i[order]] = sorted_rank
    peers[r[order], i[order]] = np.bincount(group_id)[group_id]
    tied[r[order], i[order]] = np.bincount(run_id)[run_id] > 1
    return rank, peers, tied


def _flag_text(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flag masks → ("；"-joined texts, tuples of codes), built once per distinct mask."""
    unique, inverse = np.unique(mask, return_inverse=True)
    texts = np.empty(len(unique), dtype=object)
    codes = np.empty(len(unique), dtype=object)
    for n, m in enumerate(unique):
        names = tuple(code for code, bit in FLAG_BIT.items() if m & bit)
        codes[n] = names
        texts[n] = "；".join(FLAGS[c] for c in names)
    return texts[inverse.ravel()], codes[inverse.ravel()]


def compute_metrics(ds: Dataset, year: int, as_of: str | dt.date | None = None, *,
                    rules: Rules = DEFAULT_RULES) -> pd.DataFrame:
    """One row per region and indicator for ``year`` at ``as_of``: the whole pack's numbers.

    Rows: every region and indicator with a value, last year's value, a target, or peers
    that report it. Columns (percent columns are in percent units, NaN where undefined):

    - catalogue: region, indicator, name, unit, kind, theme, direction, decimals, tier, order, theme_order;
    - value, approx, source, basis, children_sum, stated (see ``values_at``);
    - year-over-year: prev_value, prev_approx, change (in the unit; 百分点 for rates),
      change_pct, change_approx, yoy (增长/下降/持平/新增/无上年数据/无本期数据),
      period_label (上年同期 at a mid-year date, 上年 otherwise);
    - targets: target, target_type (absolute/threshold/""), target_bound (以上/以下/以内/""),
      issuer, completion, completion_approx, met (boolean, NA without target or value),
      exceeded (超额), gap (to the target, ≥ 0, in the unit), status (the state word of
      ``STATUS``, rules 3, 4, 5 and 8; "" without target or value);
    - pacing: time_progress, pace_gap, pace (codes 超前/同步/滞后/""), projection (the year-end
      figure at the present speed, before year end, for a target that is not paced), at_risk (rule 8);
    - rank, rank_prev, rank_change (positive = moved up), peers (how many ranked), peer_group_size (how many
      the group has: more than peers when some did not report), tied (并列);
    - flags ("；"-joined texts), flag_codes (tuple of ``FLAGS`` keys), doubtful (a likely typo, or a total
      over one: shown as 待核实), year, as_of.

    >>> m = compute_metrics(load_dataset("data/sample"), 2025, "2025-06-30")   # doctest: +SKIP
    >>> m.loc[m["pace"] == "滞后", ["region", "name", "completion", "pace_gap"]]  # doctest: +SKIP
    """
    date = as_of_date(year, as_of)
    tree, cat = region_tree(ds), catalog_arrays(ds)
    cur = value_arrays(ds, tree, cat, year, date)
    prev = value_arrays(ds, tree, cat, year - 1, same_day_last_year(date))
    target, threshold, issuer = _targets(ds, tree, cat, year)
    mid_year = date < year_end(year)

    dec = cat.decimals[None, :]
    scale = 10.0 ** dec
    has, had = ~np.isnan(cur.value), ~np.isnan(prev.value)
    k, kp = half_up_scaled(cur.value, dec), half_up_scaled(prev.value, dec)   # shown figures × 10^decimals
    yoy = _year_over_year(k, kp, has, had, cat.is_rate[None, :], scale)                     # rule 2
    done = _completion(k / scale, target, threshold, has, cat.is_rate[None, :], cat.lower[None, :],  # rule 3
                       cat.is_flow[None, :])
    incomplete = has & (cur.incomplete | (had & prev.incomplete))
    _no_claims_on_incomplete(yoy, done, incomplete)                                          # rule 5

    paced, progress, pace_gap, pace, projection, at_risk, status = _pacing(
        k / scale, kp / scale, had, target, done, cat, date, rules)                          # rules 3, 4, 8
    status = np.where(incomplete & done["has_target"], STATUS["incomplete"], status).astype(object)
    at_risk = at_risk & ~incomplete

    mask = _quality_flags(cur, k, kp, cat, yoy, wanted=had | done["has_target"] | cur.expected, rules=rules)  # rule 7
    mask = _inherit_flags(mask, tree, rolled=cur.source == ROLLUP_SOURCE)
    doubtful = (mask & sum(FLAG_BIT[c] for c in DOUBT_FLAGS)) != 0

    # rank (rule 6): a likely typo takes no rank, this year or last, and is not counted among the peers
    rank, peers, tied = _rank(tree, cat, np.where(has & ~doubtful, k, np.nan))
    rank_prev, _, _ = _rank(tree, cat, np.where(had & ~doubtful, kp, np.nan))

    # the tidy frame, in the order of a work report
    ro, io = output_order(tree, ds)
    grid = np.ix_(ro, io)
    keep = (has | had | done["has_target"] | ~np.isnan(cur.stated) | cur.expected | (mask != 0))[grid].ravel()
    flat_r = np.repeat(ro, len(io))[keep]
    flat_i = np.tile(io, len(ro))[keep]

    def col(a):
        return np.broadcast_to(a, cur.value.shape)[grid].ravel()[keep]

    flags, flag_codes = _flag_text(col(mask))
    approx, prev_approx = MARK_OF_BITS[col(cur.bits)], MARK_OF_BITS[col(prev.bits)]
    out = {"region": tree.codes[flat_r], "indicator": cat.ids[flat_i]}
    for name in ("name", "unit", "kind", "theme", "direction", "decimals", "tier", "order", "theme_order"):
        out[name] = ds.catalog[name].to_numpy()[flat_i]
    change_shown = col(np.where(has & had, yoy["change"], np.nan))
    change_marked = ((approx != "") | (prev_approx != "")) & ~np.isnan(change_shown)   # the change of a 约数 is one too
    completion = col(done["completion"])
    out.update({
        "value": col(cur.value), "approx": approx, "source": col(cur.source), "basis": col(cur.basis),
        "children_sum": col(cur.children_sum), "stated": col(cur.stated),
        "prev_value": col(prev.value), "prev_approx": prev_approx,
        "change": np.round(change_shown, 10),   # a difference of two shown decimals, without float dust
        "change_pct": col(yoy["change_pct"]), "change_approx": np.where(change_marked, "约", ""),
        "yoy": col(yoy["yoy"]), "period_label": np.full(len(flat_r), "上年同期" if mid_year else "上年", dtype=object),
        "target": col(target), "target_type": col(done["target_type"]), "target_bound": col(done["bound"]),
        "issuer": col(issuer), "completion": completion,
        "completion_approx": np.where((approx != "") & ~np.isnan(completion), "约", ""),
        "met": pd.array(np.where(col(done["judged"]), col(done["met"]), None), dtype="boolean"),
        "exceeded": col(done["exceeded"]), "gap": col(done["gap"]), "status": col(status),
        "time_progress": col(np.where(paced, progress, np.nan)), "pace_gap": col(pace_gap), "pace": col(pace),
        "projection": col(projection), "at_risk": col(at_risk),
        "rank": col(rank), "rank_prev": col(rank_prev), "rank_change": col(rank_prev - rank),
        "peers": col(peers), "tied": col(tied),
        # how many the region's peer group has: more than ``peers`` when some did not report (ranked among fewer)
        "peer_group_size": col(np.where(np.isnan(rank), np.nan,
                                        np.where(tree.peer_group >= 0, tree.group_size[np.maximum(tree.peer_group, 0)],
                                                 np.nan)[:, None])),
        "flags": flags, "flag_codes": flag_codes, "doubtful": col(doubtful),
        "year": np.full(len(flat_r), year), "as_of": np.full(len(flat_r), date),
    })
    return pd.DataFrame(out)


def _no_claims_on_incomplete(yoy: dict, done: dict, incomplete: np.ndarray) -> None:
    """Rule 5: a roll-up missing some children (this year or last) states no change and no completion: an incomplete
    total against a complete one reads as a fall that did not happen. Its state word says why (``STATUS``)."""
    if not incomplete.any():
        return
    for key in ("change", "change_pct"):
        yoy[key] = np.where(incomplete, np.nan, yoy[key])
    yoy["pct_ok"] = yoy["pct_ok"] & ~incomplete
    yoy["yoy"] = np.where(incomplete, STATUS["incomplete"], yoy["yoy"]).astype(object)
    done["judged"] = done["judged"] & ~incomplete
    for key in ("completion", "gap"):
        done[key] = np.where(incomplete, np.nan, done[key])
    done["exceeded"] = done["exceeded"] & ~incomplete


def _pacing(shown, prev_shown, had, target, done: dict, cat: CatalogArrays, date: pd.Timestamp, rules: Rules):
    """Rule 4 (pace against 时间进度), rule 8 (year-end targets before year end) and the state word of each target."""
    mid_year = date < year_end(date.year)
    paced = mid_year & cat.is_flow[None, :] & done["ratio_kind"] & ~np.isnan(done["completion"])
    elapsed = year_elapsed(date)
    progress = elapsed * 100.0
    pace_gap, pace = pace_status(np.where(paced, done["completion"], np.nan), progress, rules)
    projection, at_risk = _year_end_risk(shown, prev_shown, had, target, done, cat, paced, mid_year, elapsed)
    return paced, progress, pace_gap, pace, projection, at_risk, _status(done, paced, pace, mid_year)


def _year_over_year(k, kp, has, had, is_rate, scale) -> dict:
    """Rule 2 on shown figures (``k``, ``kp`` scaled to integers): change, change_pct, pct_ok, yoy word."""
    with np.errstate(divide="ignore", invalid="ignore"):
        change = (k - kp) / scale
        pct_ok = has & had & ~is_rate & (kp > 0)
        change_pct = np.where(pct_ok, (k - kp) / kp * 100.0, np.nan)
    flat = has & had & ((k == kp) | (pct_ok & (half_up_scaled(change_pct, PERCENT_DECIMALS) == 0)))
    yoy = np.select([~has, ~had, ~is_rate & (kp == 0) & (k > 0), flat, k > kp],
                    ["无本期数据", "无上年数据", "新增", "持平", "增长"], default="下降").astype(object)
    return {"change": change, "pct_ok": pct_ok, "change_pct": change_pct, "yoy": yoy}


def _completion(shown, target, threshold, has, is_rate, lower, is_flow) -> dict:
    """Rule 3: completion, met, gap, 超额 and the status word of each target, on shown figures. A threshold on a
    flow where lower is better ("控制在55件以内", "55件以下" of 信访 for the year) caps the year's total: a ceiling."""
    has_target = ~np.isnan(target)
    judged = has_target & has
    absolute = has_target & ~threshold
    ceiling = (absolute & lower) | (has_target & threshold & lower & is_flow & ~is_rate)
    ratio_kind = absolute & ~is_rate & ~lower
    with np.errstate(divide="ignore", invalid="ignore"):
        completion = np.where(judged & ratio_kind & (target > 0), shown / target * 100.0, np.nan)
        met = np.where(lower, shown <= target, shown >= target)
        gap = np.where(judged, np.maximum(np.where(lower, shown - target, target - shown), 0.0), np.nan)
    gap = np.round(gap, 10)  # the difference of two decimals, without float dust
    exceeded = judged & (half_up_scaled(completion, PERCENT_DECIMALS) > 100 * 10 ** PERCENT_DECIMALS)
    bound = np.select([ceiling & ~(absolute & is_rate), has_target & (threshold | (absolute & is_rate)) & ~lower,
                       has_target & (threshold | (absolute & is_rate)) & lower],
                      ["以内", "以上", "以下"], default="").astype(object)
    target_type = np.where(has_target, np.where(threshold, "threshold", "absolute"), "").astype(object)
    return {"has_target": has_target, "judged": judged, "ratio_kind": ratio_kind, "completion": completion,
            "met": met, "gap": gap, "exceeded": exceeded, "bound": bound, "target_type": target_type,
            "ceiling": ceiling}


def _status(done: dict, paced, pace, mid_year: bool) -> np.ndarray:
    """The one state word of each target (``STATUS``): rules 3 and 4, and before year end rule 8."""
    judged, met, ratio_kind, ceiling = done["judged"], done["met"], done["ratio_kind"], done["ceiling"]
    pace_word = np.select([pace == "超前", pace == "同步"], [STATUS["ahead"], STATUS["on_pace"]], default=STATUS["behind"])
    conditions = [~judged, ceiling & met, ceiling, ratio_kind & done["exceeded"], ratio_kind & met,
                  ratio_kind & paced, ratio_kind, met]
    words = ["", STATUS["within"], STATUS["over"], STATUS["exceeded"], STATUS["done"],
             pace_word, STATUS["open"] if mid_year else STATUS["unmet"], STATUS["met"]]
    short = STATUS["open_short"] if mid_year else STATUS["short"]
    return np.select(conditions, words, default=short).astype(object)


def _year_end_risk(shown, prev_shown, had, target, done: dict, cat: CatalogArrays, paced, mid_year: bool,
                   elapsed: float) -> tuple[np.ndarray, np.ndarray]:
    """Rule 8: (projection, at_risk) of the targets due at year end that are not paced against time.

    The projection is the year-end figure at the present speed: a flow's amount so far ÷ 时间进度;
    a stock's or a rate's level plus its change over the last twelve months (同期 a year earlier to
    now) × the time left (1 − 时间进度). At risk: the projection falls short of the target (for a
    ceiling: passes it). A level without last year's figure is not judged.
    """
    shape = shown.shape
    if not mid_year or elapsed <= 0:
        return np.full(shape, np.nan), np.zeros(shape, dtype=bool)
    flow = np.broadcast_to(cat.is_flow[None, :], shape)
    lower = np.broadcast_to(cat.lower[None, :], shape)
    with np.errstate(invalid="ignore"):
        level = np.where(had, shown + (shown - prev_shown) * (1 - elapsed), np.nan)
    projection = np.where(flow, shown / elapsed, level)
    judged = done["judged"] & ~paced & ~np.isnan(projection) & ~np.isnan(target)
    open_target = judged & (~done["met"] | done["ceiling"])
    with np.errstate(invalid="ignore"):
        falls_short = np.where(lower, projection > target, projection < target)
    at_risk = open_target & falls_short & ~(done["ceiling"] & ~done["met"])  # an exceeded ceiling is 超出 already
    return np.where(judged, projection, np.nan), at_risk


def _quality_flags(cur, k, kp, cat: CatalogArrays, yoy: dict, *, wanted, rules: Rules) -> np.ndarray:
    """Rule 7: the quality flags of every value as a bit mask (``FLAG_BIT``)."""
    dec = cat.decimals[None, :]
    scale = 10.0 ** dec
    is_rate = cat.is_rate[None, :]
    has, had = ~np.isnan(cur.value), ~np.isnan(kp)
    big = np.maximum(np.abs(k / scale), np.abs(kp / scale)) >= rules.jump_min_value
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = k / kp
    checks = {
        "negative": has & ~is_rate & (cur.value < 0),
        "rate_over_100": (has & is_rate & (cur.value > 100.0 + 1e-9)) | (cur.stated > 100.0 + 1e-9),
        "stated_mismatch": ~np.isnan(cur.stated) & ~np.isnan(cur.parts)
                           & (half_up_scaled(cur.parts, cur.stated_decimals) != half_up_scaled(cur.stated, cur.stated_decimals)),
        "zero_denominator": cur.zero_denominator,
        "missing": ~has & ~cur.zero_denominator & wanted,
        "children_mismatch": ~is_rate & ~np.isnan(cur.children_sum) & cur.children_complete
                             & (half_up_scaled(cur.children_sum, dec) != k),
        "children_incomplete": has & cur.incomplete,
        "yoy_jump": yoy["pct_ok"] & (k > 0) & big & ((growth >= rules.jump_factor) | (growth <= 1 / rules.jump_factor)),
        "rate_jump": has & had & is_rate & (np.abs(yoy["change"]) > rules.rate_jump_pp),
        "approx": has & (cur.bits != 0),
    }
    mask = np.zeros(cur.value.shape, dtype=np.int64)
    for code, hit in checks.items():
        mask |= np.where(hit, FLAG_BIT[code], 0)
    return mask


INHERITED = ("yoy_jump", "rate_jump", "zero_denominator")


def _inherit_flags(mask: np.ndarray, tree: RegionTree, rolled: np.ndarray) -> np.ndarray:
    """Rule 7: a roll-up carries its children's likely-typo and zero-denominator flags (bottom-up, level by level),
    so a parent's total never reads confidently over a child's suspect figure."""
    bits = sum(FLAG_BIT[c] for c in INHERITED)
    mask = mask.copy()
    for kids in tree.levels:
        parents = tree.parent[kids]
        carried = np.zeros_like(mask)
        np.bitwise_or.at(carried, parents, mask[kids] & bits)
        mask |= np.where(rolled, carried, 0)
    return mask
