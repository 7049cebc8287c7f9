"""Place words of a pack: how a report names its own area (全市, 全县, 全系统) and its peers' (在全市12个县(市)区中).

A word comes from the region's level (regions.csv); where the level is missing or a placeholder
(上级, 其他 — what ``briefing import --parent`` writes), from the suffix of the region's name. An
internal placeholder is never printed: with nothing to go on, a pack names the region itself or
says 同级.
"""

from __future__ import annotations

# Levels that say nothing about the kind of place.
PLACEHOLDER_LEVELS = frozenset({"", "上级", "下级", "其他", "其它", "未知", "—", "-", "nan", "None"})
# Suffix of a level or a name → the place word after 全 (longest first: 自治区 before 区, 地区 before 区).
SUFFIXES = (("产业工会", "系统"), ("工会", "系统"), ("特别行政区", "区"), ("自治区", "区"), ("地区", "地区"),
            ("街道", "街道"), ("自治州", "州"), ("自治县", "县"), ("自治旗", "旗"), ("省", "省"), ("市", "市"),
            ("州", "州"), ("盟", "盟"), ("县", "县"), ("旗", "旗"), ("区", "区"), ("乡", "乡"), ("镇", "镇"))
PEER_FALLBACK = "同级"
GROUP_FALLBACK = "同级单位"


def _by_suffix(text: str) -> str:
    text = (text or "").strip()
    if text.endswith("总工会"):       # 示例市总工会 → 示例市
        text = text[: -len("总工会")]
    return next((word for suffix, word in SUFFIXES if text.endswith(suffix)), "")


def place_word(level: str, name: str = "", group: str = "") -> str:
    """The kind of place a region is, as written after 全: 市, 县, 区, 州, 盟, 旗, 省, 系统 …; "" if unknown.

    >>> place_word("县级市", "临江市"), place_word("上级", "示例市"), place_word("其他", "阿拉善盟")
    ('市', '市', '盟')
    >>> place_word("", "市教育工会", "产业工会"), place_word("上级", "全市"), place_word("上级", "示例单位")
    ('系统', '市', '')
    """
    if group == "产业工会":
        return "系统"
    level = "" if level is None else str(level).strip()
    if level not in PLACEHOLDER_LEVELS:
        word = _by_suffix(level)
        if word:
            return word
    return _by_suffix(name)


def area_word(level: str, name: str = "", group: str = "") -> str:
    """"全市", "全县", "全系统" …, or "" when neither level nor name says what kind of place it is.

    >>> area_word("地级市", "示例市"), area_word("上级", "云岭州"), area_word("上级", "XX")
    ('全市', '全州', '')
    """
    word = place_word(level, name, group)
    return f"全{word}" if word else ""


def group_word(group: str) -> str:
    """The peers' kind as counted in a sentence ("12个县(市)区"); a placeholder group is 同级单位.

    >>> group_word("县(市)区"), group_word("其他"), group_word("上级")
    ('县(市)区', '同级单位', '同级单位')
    """
    group = "" if group is None else str(group).strip()
    return GROUP_FALLBACK if group in PLACEHOLDER_LEVELS else group


def rollup_source(child_groups) -> str:
    """Whose figures a roll-up adds up: "由各县(市)区、产业工会数据汇总".

    >>> rollup_source(["县(市)区", "产业工会", "县(市)区"]), rollup_source(["其他"])
    ('由各县(市)区、产业工会数据汇总', '由各下级单位数据汇总')
    """
    words = []
    for g in child_groups:
        g = "" if g is None else str(g).strip()
        if g and g not in PLACEHOLDER_LEVELS and g not in words:
            words.append(g)
    return f"由各{'、'.join(words)}数据汇总" if words else "由各下级单位数据汇总"
