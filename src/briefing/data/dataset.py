"""The Dataset: the four tidy tables a pack is computed from, their columns, and the tables as read (no I/O here).

Every reader (``folder``, ``excel``, ``sql``) ends in ``assemble.assemble_dataset``, which
checks the tables as read and builds a ``Dataset``; so a data set checks alike whatever
shape it arrived in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .. import config
from ..errors import DataError
from .names import near_names, region_key

APPROX_MARKS = ("", "近", "余", "多", "突破", "约")
TARGET_TYPES = {"absolute": "绝对数", "threshold": "以上（门槛）"}
REGION_COLUMNS = ["code", "name", "union_name", "level", "group", "parent", "order"]
FIGURE_COLUMNS = ["region", "year", "as_of", "indicator", "value", "approx", "source", "note"]
TARGET_COLUMNS = ["region", "year", "indicator", "target", "target_type", "issuer", "note"]
# Optional columns: ``unit`` (the unit the value is written in, converted on load) and
# ``origin`` (where an imported figure came from, e.g. the Excel cell; shown in messages).
FIGURE_OPTIONAL = ["unit", "origin"]
TARGET_OPTIONAL = ["unit"]
REQUIRED = {"regions": ["code", "name", "level", "parent"],
            "figures": ["region", "year", "indicator", "value"],
            "targets": ["region", "year", "indicator", "target"]}
# A check that finds more bad cells than this lists these and counts the rest.
LISTED_PER_CHECK = 1000


@dataclass(frozen=True)
class Dataset:
    """The tidy frames a pack is computed from, plus where they came from.

    ``regions`` (indexed by code): code, name, union_name, level, group, parent, order, depth.
    ``catalog`` (indexed by id): see ``catalog.COLUMNS`` plus order, theme_order.
    ``figures``: region (code), year, as_of (Timestamp), indicator, value (in the catalogue's
    unit), approx, source, note, file_row, origin.
    ``targets``: region, year, indicator, target, target_type, issuer, note, file_row.
    ``files`` names the place each table was read from, as messages show it.
    ``load_warnings`` are findings of the reader that are not errors (``check_dataset`` includes them).
    """

    regions: pd.DataFrame
    catalog: pd.DataFrame
    figures: pd.DataFrame
    targets: pd.DataFrame
    meta: dict = field(default_factory=dict)
    fingerprint: str = ""
    location: str = ""
    files: dict = field(default_factory=dict)
    load_warnings: tuple = ()  # warnings found while reading (an Excel 合计 row …); check_dataset repeats them

    @property
    def is_sample(self) -> bool:
        return bool(self.meta.get("sample"))

    @property
    def source_words(self) -> str:
        """The 数据来源 a pack prints: the data set's own words, else its folder's name; never a database URL
        (it may name a user, a host or a machine's path)."""
        if self.is_sample:
            return "示例数据（虚构）"
        return self.meta.get("source") or ("统计数据库" if "://" in self.location else self.location)

    def file(self, key: str) -> str:
        """How messages name the table ``key`` (indicators, regions, figures, targets)."""
        return self.files.get(key, config.DATASET_FILES[key])

    def region_code(self, name_or_code: str) -> str:
        """The region code for a name or code as an analyst writes it (compared after NFKC, without spaces); a near
        miss (a typo, traditional characters) is refused with the name it probably means."""
        key = str(name_or_code).strip()
        if key in self.regions.index:
            return key
        regions = self.regions
        wanted = region_key(key)
        hits = regions.index[(regions["name"] == key) | (regions["union_name"] == key)
                             | (regions["name"].map(region_key) == wanted) | (regions["union_name"].map(region_key) == wanted)
                             | (regions.index.map(region_key) == wanted)]
        hits = list(dict.fromkeys(hits))
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise DataError(f"地区名称“{key}”对应多个地区（代码 {'、'.join(hits)}）。请改用地区代码。",
                            file=self.file("regions"))
        near = near_names(key, [str(n) for n in regions["name"]])
        if near:
            raise DataError(f"找不到地区“{key}”。是否为“{'”或“'.join(near)}”？请改为地区表中的写法。",
                            file=self.file("regions"))
        names = "、".join(regions.sort_values("order")["name"].head(60))
        raise DataError(f"找不到地区“{key}”。可用的地区有：{names}。请检查参数 region 的拼写。",
                        file=self.file("regions"))


@dataclass(frozen=True)
class Tables:
    """The four tables as read, before any check.

    Text columns hold text (str or categorical); ``year``, ``value`` and ``target`` may hold
    text or numbers (a database gives numbers). Each frame's index is the row number that
    messages show (the line in a CSV file, the row id in a database table).
    """

    indicators: pd.DataFrame
    regions: pd.DataFrame
    figures: pd.DataFrame
    targets: pd.DataFrame
    files: dict
