"""Reading the pack HTML: an element's classes and text as a reader sees it, and how wide a text prints."""

from __future__ import annotations

import re
import unicodedata

SPACE = re.compile(r"\s+")
_NARROW = {**dict.fromkeys("0123456789", 0.5), **dict.fromkeys(".,:;'|!", 0.25), "/": 0.28, "%": 0.83,
           "+": 0.56, "-": 0.33, " ": 0.25}


def classes(el) -> set[str]:
    return set((el.get("class") or "").split())


def text_of(el) -> str:
    """An element's text as a reader sees it: runs of white space shown as one space."""
    return SPACE.sub(" ", el.text_content()).strip()


def ems(text: str) -> float:
    """Printed width in ems, roughly: a Chinese character is one, a digit half (Times New Roman)."""
    wide = [unicodedata.east_asian_width(c) in "WF" for c in text]
    switches = sum(1 for a, b in zip(wide, wide[1:]) if a != b)   # Word and WPS add a little space there
    return sum(1.0 if w else _NARROW.get(c, 0.55) for c, w in zip(text, wide)) + 0.25 * switches


def is_element(node) -> bool:
    return isinstance(node.tag, str)

