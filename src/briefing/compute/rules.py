"""The tunable bounds of the rules (``Rules``), the quality flags a pack can show, and approximation marks as bits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# The source of a rolled-up figure; a pack names whose figures were summed (present.places.rollup_source).
ROLLUP_SOURCE = "由下级汇总"


@dataclass(frozen=True)
class Rules:
    """The tunable bounds of the rules (``briefing.compute``); ``DEFAULT_RULES`` is what packs use.

    >>> Rules(jump_factor=10).jump_factor
    10
    """

    pace_tolerance_pp: float = 0.0   # behind 时间进度 by no more than this is still 同步
    ahead_margin_pp: float = 10.0    # ahead of 时间进度 by at least this is 超前
    jump_factor: float = 5.0         # an amount ≥ this many times last year's, or ≤ 1/this, is a likely typo
    jump_min_value: float = 10.0     # ... when the larger of the two is at least this (small counts vary a lot)
    rate_jump_pp: float = 20.0       # a rate moving more than this many 百分点 in a year is a likely typo


DEFAULT_RULES = Rules()
# Kept for callers of the first version; the values live in ``Rules``.
PACE_TOLERANCE_PP = DEFAULT_RULES.pace_tolerance_pp
AHEAD_MARGIN_PP = DEFAULT_RULES.ahead_margin_pp

# Quality flags: code -> text shown in the pack, in the order they are listed. A likely typo comes
# first: its figure is shown as 待核实 and kept out of the sentences that praise or rank (rule 7).
FLAGS = {
    "yoy_jump": "同比变动异常，疑为录入错误",
    "rate_jump": "同比变动过大，疑为录入错误",
    "negative": "数值为负",
    "rate_over_100": "比率超过100%",
    "stated_mismatch": "填报比率与分子分母不符",
    "zero_denominator": "分母为零，无法计算比率",
    "missing": "缺少本期数据",
    "children_mismatch": "与下级汇总数不一致",
    "children_incomplete": "部分下级缺数，汇总不全",
    "approx": "约数",
}
# The flags that make a figure doubtful (待核实): a likely typo, never an achievement.
DOUBT_FLAGS = ("yoy_jump", "rate_jump")
DOUBTFUL = "待核实"

# The state of a target, one word each (rules 3, 4 and 8): every table, chart, card and sentence of a
# pack shows these words and no others. Code -> word.
STATUS = {
    "exceeded": "超额完成",      # an amount's target, completion shown above 100.0%
    "done": "已完成",            # an amount's target reached (100.0%)
    "ahead": "进度超前",         # before year end, a paced target: 时间进度 passed by ≥ Rules.ahead_margin_pp
    "on_pace": "进度正常",       # ... completion not behind 时间进度 (within Rules.pace_tolerance_pp)
    "behind": "进度滞后",        # ... completion behind 时间进度
    "open": "尚未完成",          # before year end, an amount's target that is not paced, not yet reached
    "unmet": "未完成",           # at year end, an amount's target not reached
    "met": "已达标",             # a threshold ("95%以上") or a rate's target reached
    "open_short": "尚未达标",    # before year end, a threshold not yet reached
    "short": "未达标",           # at year end, a threshold not reached
    "within": "控制在目标内",    # a ceiling ("控制在X以内") kept
    "over": "超出控制目标",      # a ceiling exceeded
    "incomplete": "汇总不全",    # a roll-up missing some children: neither met nor missed (rule 5)
}
# States that are a problem by themselves; an open state is one only when ``at_risk`` (rule 8).
PROBLEM_STATUS = (STATUS["behind"], STATUS["unmet"], STATUS["short"], STATUS["over"])
GOOD_STATUS = (STATUS["exceeded"], STATUS["done"], STATUS["ahead"], STATUS["on_pace"], STATUS["met"], STATUS["within"])
OPEN_STATUS = (STATUS["open"], STATUS["open_short"])
FLAG_BIT = {code: 1 << i for i, code in enumerate(FLAGS)}

# Approximation marks as bits, so that a sum can combine the marks of its parts.
MARK_BITS = {"近": 1, "余": 2, "多": 4, "突破": 8, "约": 16}
MORE = 2 | 4 | 8
MARK_OF_BITS = np.array([""] * 32, dtype=object)
for _bits in range(1, 32):
    if _bits in (1, 2, 4, 8, 16):
        MARK_OF_BITS[_bits] = next(m for m, b in MARK_BITS.items() if b == _bits)
    elif _bits & ~MORE == 0:
        MARK_OF_BITS[_bits] = "余"
    else:
        MARK_OF_BITS[_bits] = "约"
ABOUT = 16
