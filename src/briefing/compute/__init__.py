"""The arithmetic of a pack: values at a date, roll-up, year-over-year, completion, pacing, rank, quality flags.

Pure, vectorised functions over the tidy frames of a ``Dataset``; inputs are never
mutated. The one entry point ``compute_metrics`` returns a tidy frame with one row per
region and indicator for all regions at once; notebooks, charts and sentences all read it.

The rules, stated once (a statistician checks them by hand against the pack):

1. **Shown figures decide.** Every comparison a reader can check on the page (持平, met,
   超额, pace, 并列, a stated rate against its parts, a parent against its children) is
   made on the figures as shown: rounded half-up (四舍五入, ``formatting.half_up_scaled``)
   at the indicator's decimals, derived percentages at one decimal. Changes, gaps and
   completion are computed from the shown figures, so the page adds up by hand.
2. **Year-over-year** compares like with like: the same as-of date a year earlier
   (同期 when the date is inside the year, the full year otherwise). Amounts change by a
   percentage of the base; a zero base gives no percentage (新增), a missing one says
   无上年数据, never inf or NaN. Rates change in 百分点 and have no percentage change.
   持平 when the shown change is zero (or the percentage rounds to 0.0%).
3. **Completion** = actual ÷ target, for a positive absolute target of an amount where
   higher is better. A threshold ("95%以上", or "X以下" where lower is better), a target
   of a rate, and a ceiling where lower is better ("控制在X以内") are met or not, with the
   gap to the target. A target of zero is met by any value and has no completion ratio.
   超额 = completion shown above 100.0%. Each target is in one state, named by one word
   (``STATUS``) everywhere in a pack: 超额完成 / 已完成 / 未完成 for an amount, 已达标 /
   未达标 for a threshold or a rate, 控制在目标内 / 超出控制目标 for a ceiling; before the
   year ends, 进度超前 / 进度正常 / 进度滞后 for a paced target (rule 4) and 尚未完成 /
   尚未达标 for one due at year end that is not paced (rule 8).
4. **Pacing** (时间进度, see ``dates.year_elapsed`` and ``dates.pace_status``) applies to flows with a
   positive absolute target when the as-of date falls inside the year. 时间进度 is counted in
   months, on one basis for every date: months elapsed ÷ 12, the current month counted by
   its days elapsed (30 June → 6 ÷ 12 = 50.0%, 时间过半; 15 July → (6 + 15/31) ÷ 12 = 54.0%).
   The time left is 1 − 时间进度 on the same basis, and the speed the rest of the year needs
   is (target − actual) ÷ time left against actual ÷ time elapsed. With pace_gap =
   completion − 时间进度 (both as shown): 进度超前 when pace_gap ≥ ``Rules.ahead_margin_pp``;
   进度正常 when pace_gap ≥ −``Rules.pace_tolerance_pp``; otherwise 进度滞后, by −pace_gap
   百分点. A target already reached is 已完成 or 超额完成, whatever its pace.
5. **Roll-up**: a region without its own figure takes the sum of its children's flows
   and stocks (the children that have one; the parent is marked incomplete when a child
   lacks a figure its peers of the same group report). A rate is recomputed from
   numerator and denominator at every level; a parent's rate is Σ numerators ÷ Σ
   denominators over the children that report both, never a mean of rates. Where a
   parent reports its own figure, that figure is used and a difference from its complete
   children's sum is flagged. A roll-up missing some children (this year or last) states no change and
   no completion (yoy and status 汇总不全): an incomplete total is never compared with a complete one.
   A sum of approximate figures stays approximate (近 + 近 =
   近, 余/多/突破 = 余, a mix = 约); a rate from approximate parts is 约.
6. **Rank** among siblings (same parent and group: 县(市)区 with 县(市)区, 产业工会 with
   产业工会), best first by the indicator's direction, on the shown figures; equal shown
   figures share a rank (并列, the next rank skipped) as a 通报 does. rank_change =
   last year's rank − this year's (positive = moved up, 上升). A figure flagged as a likely
   typo (rule 7) takes no rank in either year and is not counted among the peers, so it
   neither ranks itself nor pushes its peers down.
7. **Quality flags** (``FLAGS``): a year-over-year jump beyond ``Rules`` (an amount ≥
   ``jump_factor`` times last year's or ≤ 1/``jump_factor`` of it, a rate moving more than
   ``rate_jump_pp`` 百分点: a likely typo); a negative amount; a rate over 100%; a stated rate
   that disagrees with its parts at the stated precision; a zero denominator; a missing
   value (where last year, a target or the region's peers have one); a parent's own
   figure that differs from its children's sum; a roll-up missing some children; an
   approximate figure. A likely typo (``DOUBT_FLAGS``) is ``doubtful``: a pack shows it as
   待核实 wherever it shows the figure, keeps it out of sentences of achievement and rank,
   and lists it first in its data note. A roll-up carries its children's likely-typo and
   zero-denominator flags (so a total over a doubtful figure is doubtful too);
   ``quality.quality_findings`` gives every flag to ``briefing validate`` with the region,
   indicator and cell.
8. **Year-end targets before the year ends.** A target that is not paced (a stock, a rate, a
   threshold, a ceiling) is due at year end: short of it at a mid-year date it is remaining
   work (尚未完成 / 尚未达标), not a failure. It is a problem (``at_risk``) only when its
   projection misses the target: for a flow, the amount so far ÷ 时间进度; for a stock or a
   rate, the level plus its change over the last twelve months × the time left (1 − 时间进度),
   so a level that fell or stood still while short of its target is at risk. A level without
   last year's figure is not judged. At year end a target not reached is 未完成 / 未达标.
"""

from ..periods import same_day_last_year, year_end
from .dates import as_of_date, months_elapsed, pace_status, year_elapsed
from .metrics import compute_metrics
from .quality import incomplete_data, quality_findings, regions_without_figures
from .rules import (AHEAD_MARGIN_PP, DEFAULT_RULES, DOUBT_FLAGS, DOUBTFUL, FLAGS, GOOD_STATUS, OPEN_STATUS,
                    PACE_TOLERANCE_PP, PROBLEM_STATUS, ROLLUP_SOURCE, STATUS, Rules)
from .values import compute_series, values_at

__all__ = ["AHEAD_MARGIN_PP", "DEFAULT_RULES", "DOUBTFUL", "DOUBT_FLAGS", "FLAGS", "GOOD_STATUS", "OPEN_STATUS",
           "PACE_TOLERANCE_PP", "PROBLEM_STATUS", "ROLLUP_SOURCE", "Rules", "STATUS", "as_of_date", "compute_metrics",
           "compute_series", "incomplete_data", "months_elapsed", "pace_status", "quality_findings",
           "regions_without_figures", "same_day_last_year", "values_at", "year_elapsed",
           "year_end"]
