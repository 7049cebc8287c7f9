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
   超额 = completion shown above 100.0%.
4. **Pacing** (时间进度, see ``dates.year_elapsed`` and ``dates.pace_status``) applies to flows with a
   positive absolute target when the as-of date falls inside the year. 时间进度 at a month
   end is months elapsed ÷ 12 (30 June → 50.0%, 时间过半), on any other day the days
   elapsed ÷ days in the year. With pace_gap = completion − 时间进度 (both as shown):
   超前 when pace_gap ≥ ``Rules.ahead_margin_pp``; 同步 when pace_gap ≥
   −``Rules.pace_tolerance_pp``; otherwise 滞后, by −pace_gap 百分点.
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
   last year's rank − this year's (positive = moved up, 上升).
7. **Quality flags** (``FLAGS``): a negative amount; a rate over 100%; a stated rate
   that disagrees with its parts at the stated precision; a zero denominator; a missing
   value (where last year, a target or the region's peers have one); a parent's own
   figure that differs from its children's sum; a roll-up missing some children; a
   year-over-year jump beyond ``Rules`` (a likely typo); an approximate figure. A roll-up carries its
   children's likely-typo and zero-denominator flags. ``quality.quality_findings`` gives every flag to
   ``briefing validate`` with the region, indicator and cell.
"""

from ..periods import same_day_last_year, year_end
from .dates import as_of_date, pace_status, year_elapsed
from .metrics import compute_metrics
from .quality import incomplete_data, quality_findings, regions_without_figures
from .rules import AHEAD_MARGIN_PP, DEFAULT_RULES, FLAGS, PACE_TOLERANCE_PP, ROLLUP_SOURCE, Rules
from .values import compute_series, values_at

__all__ = ["AHEAD_MARGIN_PP", "DEFAULT_RULES", "FLAGS", "PACE_TOLERANCE_PP", "ROLLUP_SOURCE", "Rules", "as_of_date",
           "compute_metrics", "compute_series", "incomplete_data", "quality_findings", "regions_without_figures", "pace_status", "same_day_last_year", "values_at", "year_elapsed",
           "year_end"]
