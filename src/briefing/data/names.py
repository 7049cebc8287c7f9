"""How region names are compared: NFKC (full/half-width), no spaces, simplified characters, one edit apart.

Shared by every place a name is looked up (a return's rows, figures.csv, a meeting file, --regions), so
县（市）区 and 县(市)区, 城關區 and 城关区 are the same wherever they are written.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata

from .catalog import normalise_label

UNION_SUFFIXES = ("总工会", "工会委员会", "工会联合会", "工会")


@functools.lru_cache(maxsize=1)
def _t2s():
    try:
        import opencc
    except ImportError:  # the converter is a dependency; without it only the exact spellings match
        return None
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """``text`` in simplified characters (高新區 → 高新区); unchanged when the converter is not installed.

    Text that GB2312 (simplified characters only) can encode is simplified already: the converter,
    which takes seconds to load, is asked only about the rest.
    """
    try:
        text.encode("gb2312")
        return text
    except UnicodeEncodeError:
        pass
    converter = _t2s()
    return converter.convert(text) if converter is not None else text


def region_key(text: str) -> str:
    """How names are compared: NFKC (full/half-width brackets), no spaces, no leading 1. / (1) numbering."""
    key = normalise_label(unicodedata.normalize("NFKC", str(text)))
    return re.sub(r"^(\d+[.、]|[(（]\d+[)）])(?=\D)", "", key)


def without_union(name: str) -> str:
    """A 填报单位 as the region it is: "青石县总工会" → "青石县"; "示例市教育工会" stays (that is its name)."""
    for suffix in UNION_SUFFIXES[:3]:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def one_edit_apart(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one character changed, added or dropped (城官区 / 城关区)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def near_names(name: str, names: list[str], n: int = 3) -> list[str]:
    """Known names a misspelt ``name`` may mean: the same in simplified characters, one edit apart, or close."""
    key = region_key(without_union(name))
    simple = region_key(simplified(key))
    exact = [x for x in names if region_key(x) in (key, simple) or region_key(without_union(x)) in (key, simple)]
    if exact:
        return exact[:n]
    close = [x for x in names if one_edit_apart(key, region_key(x)) or one_edit_apart(simple, region_key(x))]
    return (close or difflib.get_close_matches(key, names, n=n, cutoff=0.5))[:n]
