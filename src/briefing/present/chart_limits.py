"""Label limits a chart's labels can never reach are given as 0: the same drawing, measured half as often.

Vega measures a label once more whenever it may have to shorten it to a limit (an axis's ``labelLimit``,
a legend's ``labelLimit`` and ``titleLimit``): it truncates before measuring the label's bounds, and again
when drawing it, and each measurement is a text layout in vl-convert. When every label is provably
narrower than the limit with one em to spare, nothing would be shortened, and a limit of 0 (never
shorten) draws the same labels at the same places. A label that might reach the limit keeps it
(bench/perf-notes.md, cut 2; tests/test_chart_measuring.py).
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

LEGEND_LABEL_LIMIT, LEGEND_TITLE_LIMIT = 160, 180   # Vega's defaults for a legend's labels and title

# Characters that are at most one em wide in CJK fonts (checked for Noto Sans CJK SC Regular and
# Bold): CJK radicals, symbols and punctuation, kana, bopomofo, ideographs, hangul, fullwidth forms.
_ONE_EM = ((0x2E80, 0x2FDF), (0x3000, 0x30FF), (0x3100, 0x31BF), (0x31F0, 0x33FF), (0x3400, 0x4DBF),
           (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF01, 0xFF60),
           (0xFFE0, 0xFFE6))


def ems(text: str) -> float | None:
    """An upper bound of ``text``'s width in em, or None when a character's width is not known to be bounded.

    >>> ems("入会率（%）"), ems("\\u202e")
    (6.2, None)
    """
    total = 0.0
    for ch in str(text):
        code = ord(ch)
        if 0x20 <= code < 0x7F:
            total += 1.2      # printable ASCII: at most 1.01 em in Noto Sans CJK, Liberation Sans, DejaVu Sans
        elif any(lo <= code <= hi for lo, hi in _ONE_EM):
            total += 1.0
        else:
            return None
    return total


def labels_fit(labels, limit: float, size: float = 11) -> bool:
    """Whether every label is narrower than ``limit`` pixels at ``size``, with one em to spare.

    >>> labels_fit(["城关区", "2025"], 220), labels_fit(["很" * 19], 220)
    (True, False)
    """
    for label in labels:
        width = ems(label)
        if width is None or (width + 1) * size >= limit:
            return False
    return True


def ticks_fit(values, limit: float, size: float = 11, zero: bool = True) -> bool:
    """Whether every tick label of a linear axis over ``values`` is narrower than ``limit`` pixels.

    Vega formats linear ticks with d3's ",.Nf": a sign, digits with thousands commas and N decimals, where
    N comes from the tick step (at most ``2 - floor(log10(span / 50))``; 6 when all values are equal). Each
    of these characters is at most 0.6 em wide in the chart fonts; 0.7 is counted. ``zero``: the scale
    includes 0 (Vega-Lite's default for bars).

    >>> ticks_fit([12.5, -30.2, 4], 112), ticks_fit([1e20, 2e20], 220)
    (True, False)
    """
    numbers = [float(v) for v in values if v is not None and not pd.isna(v)]
    if not numbers or not all(math.isfinite(v) for v in numbers):
        return False
    if zero:
        numbers.append(0.0)
    span = max(numbers) - min(numbers)
    biggest = max(abs(v) for v in numbers) + 2 * span    # nice() rounds outwards by one step, at most 1.6 x span
    digits = len(str(int(biggest))) + 1
    decimals = 6 if span == 0 else max(0, 2 - math.floor(math.log10(span / 50)))
    chars = 1 + digits + digits // 3 + decimals + 1
    return (chars * 0.7 + 1) * size < limit


def axis(**properties):
    """An axis with the given properties, leaving out Undefined ones (Undefined when none is left)."""
    properties = {k: v for k, v in properties.items() if v is not alt.Undefined}
    return alt.Axis(**properties) if properties else alt.Undefined


def legend(labels, title: str):
    """A legend whose labels and title are never shortened when none can reach Vega's limits (else as Vega's)."""
    label_limit = 0 if labels_fit(labels, LEGEND_LABEL_LIMIT) else alt.Undefined
    title_limit = 0 if labels_fit([title], LEGEND_TITLE_LIMIT) else alt.Undefined
    if label_limit is alt.Undefined and title_limit is alt.Undefined:
        return alt.Undefined
    return alt.Legend(labelLimit=label_limit, titleLimit=title_limit)
