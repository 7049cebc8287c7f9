"""The words a form is written in (填报单位, 制表人, 联系电话, 其中 …) as compared: spacing and traditional characters set aside.

"填 報 單 位（蓋章）：" reads as "填报单位(盖章):" (NFKC, no spaces, simplified character by character),
so a label is recognised however it was typed; a name taken from such a line (the 填报单位) is
kept as written (its traditional spelling is the regions' business, with its own warning) and
loses only its seal remark: "青石县总工会（盖章）" names 青石县总工会.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from ..catalog import parse_unit
from ..names import simplified
from .header import FOOTER_PATTERN

# 填报单位, its seal remark, a colon: "填报单位（盖章）：", "报送单位(公章):", "单位名称："
UNIT_LABEL = re.compile(r"(?:填报单位|报送单位|填表单位|单位名称|^单位)(?:名称)?(?:\([^()]{0,8}\))?[:：]")
SEAL = re.compile(r"\((?:单位|加|请)?[加盖签]*(?:公|印|签|骑缝)?章(?:处)?\)|\(签[字名]\)|\((?:单位)?公章\)"
                  r"|(?:加?盖(?:公|印)?章|公章)$")
# a signature or contact line under a table, in whichever cell: "制表人：王五", "联系电话：", "报送日期：…"
SIGNATURE = re.compile(r"^(?:单位|统计|部门|分管)?(?:负责人|领导)(?:签字|签名)?[:：]|"
                       r"^(?:制表|填表|填报|审核|复核|统计|经办|联系)人?(?:签字|签名)?[:：]|"
                       r"^(?:联系)?(?:电话|手机)(?:号码)?[:：]|^(?:报送|填报|填表|制表|审核)(?:日期|时间)[:：]|"
                       r"^(?:签发|签字|盖章)[:：]")
SIGNATURE_WORDS = {"制表人", "填表人", "填报人", "审核人", "复核人", "负责人", "单位负责人", "统计负责人", "联系人",
                   "联系电话", "电话", "报送日期", "填报日期", "填表日期", "制表日期", "签发", "签字", "盖章"}
PART_OF = re.compile(r"^其中(?:[:：,，、]|(?=\D))")   # "其中：女职工", "其中女职工"


@functools.lru_cache(maxsize=8192)
def _simple(ch: str) -> str:
    if not ("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"):
        return ch        # not a Chinese character: nothing to simplify (and no converter to load for a dash)
    out = simplified(ch)
    return out if len(out) == 1 else ch


def _indexed(text: str) -> tuple[str, str, list[int]]:
    """(NFKC text, its plain form, the position in the NFKC text of each plain character)."""
    n = unicodedata.normalize("NFKC", str(text or ""))
    pos = [i for i, ch in enumerate(n) if not ch.isspace()]
    return n, "".join(_simple(n[i]) for i in pos), pos


def plain(text) -> str:
    """A label as compared: NFKC, without spaces, in simplified characters.

    >>> plain("填 報 單 位（蓋章）：")
    '填报单位(盖章):'
    """
    return _indexed(text)[1]


def is_signature(text) -> bool:
    """A cell of a signature or contact line: "单位负责人：张三", "製表人:", "联系电话", "报送日期：2025年7月5日"."""
    p = plain(text)
    return bool(p) and (bool(SIGNATURE.match(p)) or p.rstrip(":：") in SIGNATURE_WORDS)


def footer_label(label) -> bool:
    """A label cell that opens a footnote or signature line: 注：, 填报说明, 制表, 審核人 …"""
    return bool(FOOTER_PATTERN.match(plain(label)))


def signature_in(texts) -> str:
    """The first cell of ``texts`` that is a signature or contact label ("" when none)."""
    return next((t for t in texts if t and is_signature(t)), "")


def is_part_row(label) -> bool:
    """A 其中 row ("其中：女职工"): a part of the row above, not a row of its own."""
    return bool(PART_OF.match(plain(label)))


def without_seal(text: str) -> str:
    """``text`` without its seal remarks ("（盖章）", "(公章)", a trailing "盖章"), spacing kept.

    >>> without_seal("青石县总工会  （盖章）").strip()
    '青石县总工会'
    """
    n, p, pos = _indexed(text)
    drop = set()
    for m in SEAL.finditer(p):
        if m.end() > m.start():
            drop.update(range(pos[m.start()], pos[m.end() - 1] + 1))
    return "".join(" " if i in drop else ch for i, ch in enumerate(n))


def unit_line(text: str) -> str | None:
    """The 填报单位 a line names, as written but without its seal remark; "" when the label has no name after it
    (the name is in the next cell); None when the line is not a 填报单位 line.

    >>> unit_line("填报单位(公章): 青石县总工会  （盖章）")
    '青石县总工会'
    >>> unit_line("填 報 單 位：")
    ''
    """
    n, p, pos = _indexed(text)
    m = UNIT_LABEL.search(p)
    if not m:
        return None
    rest = n[pos[m.end()]:] if m.end() < len(pos) else ""
    name = next(iter(without_seal(rest).split()), "")
    if name and parse_unit(name) is not None:   # "单位：万元" says the unit, not the union
        return None
    return name
