"""Vectorised helpers over the columns of a table as read: text as categoricals, numbers, capped findings.

A lookup runs once per distinct value of a column, never per row, so a national data set
of ~1.9 M figures is checked in seconds; Python loops run only over the cells that are wrong.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..errors import Finding
from .cells import plain_number
from .dataset import LISTED_PER_CHECK


def as_category(s: pd.Series) -> pd.Series:
    """A text column as a categorical with stripped categories (missing → "")."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = pd.Index(s.cat.categories.astype(str))
        clean = cats.str.strip()
        codes = s.cat.codes.to_numpy()
        if clean.equals(cats) and (codes >= 0).all():
            return s
        new_codes, uniques = pd.factorize(clean)
        if (codes < 0).any():
            uniques = uniques.append(pd.Index([""])) if "" not in uniques else uniques
            empty = uniques.get_loc("")
            mapped = np.where(codes >= 0, new_codes[codes], empty)
        else:
            mapped = new_codes[codes]
        return pd.Series(pd.Categorical.from_codes(mapped, categories=pd.Index(uniques)), index=s.index)
    text = s.astype(object).where(s.notna(), "").astype(str).str.strip()
    return text.astype("category")


def map_text(s: pd.Series, func: Callable[[str], str | None]) -> pd.Categorical:
    """``func`` applied once per distinct text of ``s``, laid out row by row as a categorical
    (missing where ``func`` gives None): a lookup per distinct value, never per row."""
    s = as_category(s)
    results = pd.Series([func(c) for c in s.cat.categories], dtype=object)
    codes, uniques = pd.factorize(results, use_na_sentinel=True)
    row_codes = codes[s.cat.codes.to_numpy()] if len(codes) else np.full(len(s), -1)
    return pd.Categorical.from_codes(row_codes, categories=pd.Index(uniques, dtype=object))


def text_column(s: pd.Series) -> pd.Series:
    """A text column as plain strings (stripped)."""
    return as_category(s).astype("str")


def raw_text(s: pd.Series, label) -> str:
    value = s.at[label]
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value).strip()


def numbers(s: pd.Series, integer: bool = False) -> np.ndarray:
    """A column as float numbers; NaN where a cell is blank or not a number by ``cells.plain_number`` (the one
    rule for every file: wrong thousands separators such as "38,35" are not read), or not whole if asked."""
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        values = s.to_numpy(dtype=float, na_value=np.nan)
    else:
        s = as_category(s)
        parsed = np.array([plain_number(c)[0] if c else np.nan for c in s.cat.categories.astype(str)], dtype=float)
        codes = s.cat.codes.to_numpy()
        values = parsed[codes] if len(parsed) else np.full(len(s), np.nan)
    values = np.where(np.isfinite(values), values, np.nan)
    if integer:
        values = np.where(values == np.round(values), values, np.nan)
    return values


class Collector:
    """Findings of one check, listing at most ``LISTED_PER_CHECK`` and counting the rest."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings

    def rows(self, labels, make: Callable[[object], Finding], what: str, file: str) -> None:
        labels = list(labels)
        for label in labels[:LISTED_PER_CHECK]:
            self.findings.append(make(label))
        if len(labels) > LISTED_PER_CHECK:
            rest = labels[LISTED_PER_CHECK:]
            self.findings.append(Finding("error", f"同类问题（{what}）另有 {len(rest)} 处未逐条列出，例如第 "
                                                  f"{'、'.join(map(str, rest[:10]))} 行。请按上面的说明一并改正。",
                                         file=file))

