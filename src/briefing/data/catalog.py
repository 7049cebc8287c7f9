"""The indicator catalogue: names, units, kinds, themes and directions, and how header labels and units map onto it.

The catalogue is data (``indicators.csv``), not code: adding an indicator, or a new way a
return spells its name (the ``aliases`` column, separated by ``|``), is an edit to that
file alone. This module reads it, refuses a catalogue that would make the arithmetic or
the header matching wrong, and converts between units of one kind (元/万元/亿元, 人/万人).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from pathlib import Path

import pandas as pd

from ..errors import DataError, Finding, ValidationError

KINDS = {"flow": "年度累计量", "stock": "年末存量", "rate": "比率"}
DIRECTIONS = {"higher", "lower"}
# Theme order as a work report walks through them.
THEMES = ["组织建设", "维权与集体协商", "劳动竞赛与建功立业", "帮扶与送温暖", "女职工", "职工文化", "经费与干部"]
COLUMNS = ["id", "name", "unit", "kind", "theme", "direction", "decimals",
           "numerator", "denominator", "tier", "aliases", "description"]
REQUIRED = ["id", "name", "unit", "kind", "theme", "direction", "decimals"]
ALIAS_SEPARATOR = "|"

# Units: a multiplier prefix on a base unit ("万元" = 10 000 元). Any base the catalogue uses
# converts to itself; the bases below are also recognised when they appear in a header's
# parentheses ("资金(万元)"), which is how a unit is told apart from part of a name ("乡镇（街道）").
MULTIPLIERS = {"千": 1e3, "万": 1e4, "十万": 1e5, "百万": 1e6, "千万": 1e7, "亿": 1e8}
BASE_UNITS = {"元", "人", "人次", "户", "户次", "家", "个", "件", "份", "条", "起", "项", "场", "场次", "期",
              "班", "班次", "次", "所", "座", "本", "册", "%"}
# Two names for the same count: a head is a head, an organisation counted 个 or 家 is one
# organisation, a 场 of performances is a 场次, a 班 of training a 班次.
UNIT_SYNONYMS = {"名": "人", "个": "家", "场": "场次", "班": "班次", "％": "%", "百分比": "%"}


def normalise_label(text: object) -> str:
    """A header, name or unit as compared: full-width folded, no spaces or quotes, brackets as ().

    >>> normalise_label(" 女职工“两癌”检查（人） ")
    '女职工两癌检查(人)'
    """
    t = unicodedata.normalize("NFKC", str(text))
    t = re.sub(r"\s+", "", t)
    t = t.translate(_LABEL_TABLE)
    return t.lower()


_LABEL_TABLE = str.maketrans({"“": "", "”": "", '"': "", "‘": "", "’": "", "'": "", "「": "", "」": "",
                              "《": "", "》": "", "【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")"})


def parse_unit(text: object) -> tuple[str, float] | None:
    """A unit as (base, multiplier), or None when ``text`` is not a recognised unit.

    A bare multiplier ("万") has an empty base: it scales whatever unit the column has.

    >>> parse_unit("万元"), parse_unit("亿元"), parse_unit("万"), parse_unit("名"), parse_unit("街道")
    (('元', 10000.0), ('元', 100000000.0), ('', 10000.0), ('人', 1.0), None)
    """
    t = normalise_label(text)
    if not t:
        return None
    t = UNIT_SYNONYMS.get(t, t)
    if t in BASE_UNITS:
        return t, 1.0
    for prefix in sorted(MULTIPLIERS, key=len, reverse=True):
        if t.startswith(prefix):
            rest = UNIT_SYNONYMS.get(t[len(prefix):], t[len(prefix):])
            if rest == "" or rest in BASE_UNITS:
                return rest, MULTIPLIERS[prefix]
    return None


def unit_factor(given: str, target: str) -> float | None:
    """The factor that turns a value written in ``given`` into the catalogue unit ``target``.

    None when the two measure different things (人 and 元) or ``given`` is not a unit.

    >>> unit_factor("元", "万元"), unit_factor("万人", "人"), unit_factor("人", "万元")
    (0.0001, 10000.0, None)
    """
    g, t = normalise_label(given), normalise_label(target)
    if g == t:
        return 1.0
    pt = parse_unit(t)
    if pt is None:  # a unit the catalogue brought itself ("驿站"): only its own multiples convert
        return next((mult for prefix, mult in MULTIPLIERS.items() if g == prefix + t), None)
    pg = parse_unit(g)
    if pg is None or pg[0] != pt[0] or pg[0] == "":
        return None
    return pg[1] / pt[1]


def check_catalog(raw: pd.DataFrame, file: str) -> tuple[pd.DataFrame, list[Finding]]:
    """Check a catalogue table as read (text cells); return it indexed by id, and every problem found.

    ``raw``'s index is the row number shown in messages (the line in the CSV file).
    """
    findings: list[Finding] = []
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise DataError(f"缺少列 {'、'.join(missing)}。指标目录须包含列：{'、'.join(COLUMNS)}。", file=file)
    cat = raw.copy()
    for col in COLUMNS:
        if col not in cat.columns:
            cat[col] = ""
    cat = cat[COLUMNS].apply(lambda s: s.fillna("").astype(str).str.strip())

    def bad(line, column, message, value=""):
        findings.append(Finding("error", message, file=file, row=int(line), column=column, value=str(value)))

    for line, row in cat.iterrows():  # a catalogue has tens of rows: clarity over speed
        if not row["id"]:
            bad(line, "id", "指标编号（id）为空。每个指标都需要唯一的英文编号，如 new_unions。")
        elif re.search(r"[\s|,]", row["id"]):
            bad(line, "id", "指标编号不能含空格、逗号或“|”。请改用英文字母、数字和下划线。", row["id"])
        if not row["name"]:
            bad(line, "name", "指标中文名（name）为空。请填写简报中显示的名称，如“新建基层工会”。")
        if not row["unit"]:
            bad(line, "unit", "单位（unit）为空。请填写单位，如 家、人、万元、%。")
        if row["kind"] not in KINDS:
            bad(line, "kind", "指标类型无效，应为 flow（年度累计）、stock（年末存量）或 rate（比率）。", row["kind"])
        if row["direction"] not in DIRECTIONS:
            bad(line, "direction", "方向无效，应为 higher（越高越好）或 lower（越低越好）。", row["direction"])
        if not (row["decimals"].isdigit() and int(row["decimals"]) <= 6):
            bad(line, "decimals", "小数位数应为 0 到 6 的整数。", row["decimals"])
        if row["tier"] and row["tier"] not in {"1", "2", "3"}:
            bad(line, "tier", "层级（tier）应为 1（要点）、2（一般）或 3（辅助），或留空（按 2）。", row["tier"])
        if row["kind"] == "rate":
            if row["unit"] != "%":
                bad(line, "unit", f"比率指标“{row['name']}”的单位须为 %（比率按 分子÷分母×100 计算）。", row["unit"])
            for col, word in (("numerator", "分子"), ("denominator", "分母")):
                if not row[col]:
                    bad(line, col, f"比率指标“{row['name']}”须填写{word}指标的编号。")
        elif row["numerator"] or row["denominator"]:
            bad(line, "numerator" if row["numerator"] else "denominator",
                f"“{row['name']}”不是比率（kind 为 {row['kind']}），却填写了分子或分母。"
                "请把 kind 改为 rate，或清空 numerator 和 denominator。", row["numerator"] or row["denominator"])
    for column, what in (("id", "指标编号"), ("name", "指标中文名")):
        values = cat[column][cat[column] != ""]
        for line, value in values[values.duplicated()].items():
            first = int(values.index[values == value][0])
            bad(line, column, f"{what}“{value}”与第 {first} 行重复。每个{what}只能出现一次。", value)
    kinds = dict(zip(cat["id"], cat["kind"]))
    for line, row in cat[cat["kind"] == "rate"].iterrows():
        for col in ("numerator", "denominator"):
            ref = row[col]
            if ref and ref not in kinds:
                bad(line, col, f"比率指标“{row['name']}”引用的指标编号不在目录中。请改为目录中已有的编号。", ref)
            elif ref and kinds[ref] == "rate":
                bad(line, col, f"比率指标“{row['name']}”的分子、分母须是计数或金额，不能是另一个比率。", ref)
        if row["numerator"] and row["numerator"] == row["denominator"]:
            bad(line, "denominator", f"比率指标“{row['name']}”的分子和分母是同一个指标。", row["denominator"])
    findings += _label_clashes(cat, file)
    if any(f.level == "error" for f in findings):
        return cat.set_index("id", drop=False), findings
    cat["decimals"] = cat["decimals"].astype(int)
    cat["tier"] = cat["tier"].replace("", "2").astype(int)
    cat["order"] = range(len(cat))
    theme_rank = {t: i for i, t in enumerate(THEMES)}
    cat["theme_order"] = cat["theme"].map(lambda t: theme_rank.get(t, len(THEMES)))
    return cat.set_index("id", drop=False), findings


def _label_clashes(cat: pd.DataFrame, file: str) -> list[Finding]:
    """A name or alias that points at two indicators would make header matching a guess: refuse it."""
    seen: dict[str, tuple[str, int]] = {}
    out = []
    for line, row in cat.iterrows():
        labels = [row["id"], row["name"], *[a for a in row["aliases"].split(ALIAS_SEPARATOR) if a.strip()]]
        for label in dict.fromkeys(normalise_label(x) for x in labels if x):
            owner = seen.get(label)
            if owner and owner[0] != row["id"]:
                out.append(Finding("error", f"名称或别名“{label}”同时指向“{owner[0]}”（第 {owner[1]} 行）和“{row['id']}”。"
                                            "表头按名称和别名对应指标，同一个名称只能属于一个指标。请删去其中一处。",
                                   file=file, row=int(line), column="aliases", value=label))
            elif not owner:
                seen[label] = (row["id"], int(line))
    return out


def catalog_labels(catalog: pd.DataFrame) -> dict[str, str]:
    """Every way of writing an indicator (id, 中文名, aliases), normalised, mapped to its id.

    >>> labels = catalog_labels(load_catalog("data/sample/indicators.csv"))  # doctest: +SKIP
    >>> labels[normalise_label("新建工会")]                                 # doctest: +SKIP
    'new_unions'
    """
    out: dict[str, str] = {}
    for rid, name, aliases in zip(catalog["id"], catalog["name"], catalog["aliases"]):
        for label in (rid, name, *aliases.split(ALIAS_SEPARATOR)):
            if label.strip():
                out.setdefault(normalise_label(label), rid)
    return out


def suggest_indicators(label: str, catalog: pd.DataFrame, n: int = 3) -> list[str]:
    """The catalogue names closest to an unmatched header, to put in the message (never used to match)."""
    names = {}
    for name, aliases in zip(catalog["name"], catalog["aliases"]):
        for x in (name, *aliases.split(ALIAS_SEPARATOR)):
            if x.strip():
                names.setdefault(normalise_label(x), name)
    close = difflib.get_close_matches(normalise_label(label), list(names), n=n * 3, cutoff=0.5)
    return list(dict.fromkeys(names[c] for c in close))[:n]


def read_catalog_table(path: str | Path) -> pd.DataFrame:
    """The catalogue CSV as text cells, indexed by line number."""
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError("找不到指标目录文件。请确认数据目录中有 indicators.csv（可从 data/sample 复制）。",
                        file=path.name) from None
    except UnicodeDecodeError:
        raise DataError("文件不是 UTF-8 编码。请在 Excel 中另存为“CSV UTF-8（逗号分隔）”格式。", file=path.name) from None
    except pd.errors.ParserError as exc:
        raise DataError(f"文件无法按 CSV 读取（{exc}）。请检查是否有多余的逗号或引号。", file=path.name) from None
    raw.columns = [str(c).strip() for c in raw.columns]
    raw.index = pd.RangeIndex(2, len(raw) + 2)
    return raw


def load_catalog(path: str | Path) -> pd.DataFrame:
    """Read and check an indicator catalogue CSV; return it indexed by indicator id.

    Raises ``ValidationError`` listing every problem (file, row, column, value).

    >>> cat = load_catalog("data/sample/indicators.csv")   # doctest: +SKIP
    >>> cat.loc["membership_rate", ["name", "unit", "numerator"]].tolist()  # doctest: +SKIP
    ['入会率', '%', 'members']
    """
    path = Path(path)
    cat, findings = check_catalog(read_catalog_table(path), path.name)
    errors = [f for f in findings if f.level == "error"]
    if errors:
        raise ValidationError(errors)
    return cat
