"""Which region a row, a 填报单位 line or a file name names: never a guess, never a new region by accident.

With a regions table, a name is taken as written (code, name or union name, after NFKC and without
spaces); a traditional-character spelling that converts to a known name is read as it, with a
warning; a name one edit away from a known one is refused with the likely match. Without a
regions table the rows make new regions, each listed for confirmation, and a name that converts to
another (traditional → simplified) or is one edit away from another of the same import is refused.
"""

from __future__ import annotations

import difflib

from ..names import one_edit_apart, region_key, simplified, without_union

class RegionNames:
    """Resolves the region names of one import, known ones from a regions table and new ones as they come."""

    def __init__(self, regions=None, parent_name: str = ""):
        self.regions, self.parent_name = regions, parent_name
        self.keys: dict[str, list[str]] = {}
        self.new: dict[str, tuple[str, str]] = {}   # name → (file, place) where first seen
        if regions is not None:
            for code, name, union in zip(regions.index, regions["name"], regions["union_name"]):
                for k in dict.fromkeys(region_key(x) for x in (code, name, union, without_union(str(union))) if x):
                    self.keys.setdefault(k, []).append(code)

    def resolve(self, label: str, where: tuple[str, str]) -> tuple[str | None, str, str]:
        """(region code or new name, level, message): level "" when read as written, "warning" when read with a
        remark, "error" when refused (code None). ``where`` is (file, place) for the list of new names."""
        key = region_key(label)
        if self.regions is None:
            return self._new(label, key, where)
        hits = self.keys.get(key) or self.keys.get(region_key(without_union(key)))
        if hits and len(set(hits)) == 1:
            return hits[0], "", ""
        if hits:
            return None, "error", f"地区名称对应地区表中的多个地区（代码 {'、'.join(dict.fromkeys(hits))}）。请在表中写全称或地区代码。"
        simple = region_key(simplified(key))
        hits = self.keys.get(simple) or self.keys.get(region_key(without_union(simple)))
        if hits and len(set(hits)) == 1:
            name = self.regions.at[hits[0], "name"]
            return hits[0], "warning", f"地区名称用了繁体字，已按地区表中的“{name}”读入。请核对，并请填报单位今后用简体。"
        names = [str(n) for n in self.regions["name"]]
        close = [n for n in names if one_edit_apart(region_key(without_union(key)), region_key(n))]
        close = close or difflib.get_close_matches(without_union(key), names, n=3, cutoff=0.5)
        near = f"是否为“{'”或“'.join(close)}”？" if close else ""
        return None, "error", (f"地区不在地区表 regions.csv 中。{near}请把名称改为地区表中的写法，"
                               "或先在 regions.csv 中增加该地区。")

    def _new(self, label: str, key: str, where: tuple[str, str]) -> tuple[str | None, str, str]:
        name = without_union(key)
        simple = region_key(simplified(name))
        if simple != name:
            return None, "error", (f"地区名称用了繁体字，简体为“{simple}”。同一地区须始终写同一个名称（否则它的各年数字"
                                   f"对不上），请改为“{simple}”后重新导入；或先建立 regions.csv 列出全部地区。")
        if name in self.new:
            return name, "", ""
        close = [n for n in self.new if one_edit_apart(name, n)]
        if close:
            file, place = self.new[close[0]]
            return None, "error", (f"与本次导入中的“{close[0]}”（{file} {place}）只差一个字，疑为录入错误。请改为同一写法；"
                                   "如果确是两个地区，请先建立 regions.csv 列出全部地区后重新导入。")
        self.new[name] = where
        return name, "", ""
