"""The indicator catalogue: what each indicator is called, its unit, kind, theme and direction.

The catalogue is data (``indicators.csv``), not code: adding an indicator is an edit
to that file alone. This module reads it and refuses a catalogue that would make the
arithmetic wrong (a rate without its numerator and denominator, an unknown kind).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .errors import DataError

KINDS = {"flow": "年度累计量", "stock": "年末存量", "rate": "比率"}
DIRECTIONS = {"higher", "lower"}
# Theme order as a work report walks through them.
THEMES = ["组织建设", "维权与集体协商", "劳动竞赛与建功立业", "帮扶与送温暖", "女职工", "职工文化", "经费与干部"]
COLUMNS = ["id", "name", "unit", "kind", "theme", "direction", "decimals",
           "numerator", "denominator", "tier", "aliases", "description"]
REQUIRED = ["id", "name", "unit", "kind", "theme", "direction", "decimals"]


def load_catalog(path: str | Path) -> pd.DataFrame:
    """Read and check an indicator catalogue CSV; return it indexed by indicator id.

    >>> cat = load_catalog("data/sample/indicators.csv")   # doctest: +SKIP
    >>> cat.loc["membership_rate", ["name", "unit", "numerator"]].tolist()  # doctest: +SKIP
    ['入会率', '%', 'members']
    """
    path = Path(path)
    name = path.name
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise DataError("找不到指标目录文件。请确认数据目录中有 indicators.csv。", file=str(name)) from None
    except UnicodeDecodeError:
        raise DataError("文件不是 UTF-8 编码。请在 Excel 中另存为“CSV UTF-8”格式。", file=name) from None
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise DataError(f"缺少列 {'、'.join(missing)}。指标目录须包含列：{'、'.join(COLUMNS)}。", file=name)
    for col in COLUMNS:
        if col not in raw.columns:
            raw[col] = ""
    cat = raw[COLUMNS].apply(lambda s: s.str.strip())
    for i, row in cat.iterrows():
        line = i + 2  # header is line 1
        if not row["id"]:
            raise DataError("指标编号（id）为空。每个指标都需要唯一的英文编号。", file=name, row=line, column="id")
        if row["kind"] not in KINDS:
            raise DataError(f"指标类型“{row['kind']}”无效，应为 flow（年度累计）、stock（年末存量）或 rate（比率）。",
                            file=name, row=line, column="kind", value=row["kind"])
        if row["direction"] not in DIRECTIONS:
            raise DataError(f"方向“{row['direction']}”无效，应为 higher（越高越好）或 lower（越低越好）。",
                            file=name, row=line, column="direction", value=row["direction"])
        if not row["decimals"].isdigit():
            raise DataError(f"小数位数“{row['decimals']}”不是非负整数。", file=name, row=line, column="decimals")
        if row["kind"] == "rate":
            for col in ("numerator", "denominator"):
                if not row[col]:
                    raise DataError(f"比率指标“{row['name']}”须填写{'分子' if col == 'numerator' else '分母'}指标编号。",
                                    file=name, row=line, column=col)
    dup = cat["id"][cat["id"].duplicated()]
    if not dup.empty:
        line = int(dup.index[0]) + 2
        raise DataError(f"指标编号“{dup.iloc[0]}”重复。每个编号只能出现一次。", file=name, row=line, column="id")
    ids = set(cat["id"])
    for i, row in cat[cat["kind"] == "rate"].iterrows():
        for col in ("numerator", "denominator"):
            if row[col] not in ids:
                raise DataError(f"比率指标“{row['name']}”引用的指标“{row[col]}”不在目录中。",
                                file=name, row=i + 2, column=col, value=row[col])
    cat["decimals"] = cat["decimals"].astype(int)
    cat["tier"] = pd.to_numeric(cat["tier"].replace("", "2"), errors="coerce").fillna(2).astype(int)
    cat["order"] = range(len(cat))
    theme_rank = {t: i for i, t in enumerate(THEMES)}
    cat["theme_order"] = cat["theme"].map(lambda t: theme_rank.get(t, len(THEMES)))
    return cat.set_index("id", drop=False)
