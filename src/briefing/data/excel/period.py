"""The period a sheet states: year and as-of date from its name, title, period lines and column headers.

"2025年1-6月", "截至2025年9月30日", "截至6月底" under a title "2025年……统计表", a date cell after
"截至"/"统计截止日期", "二〇二五年六月三十日" — every form a return writes its period in. Lines that date the
form itself (报送日期, 填报日期, 填表日期) never state its period. Words that name a part of the year not
counted from January (二季度, 下半年) or a 截至 without its month are refused, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")

# ----------------------------------------------------------------------------- period words as one plain text

_TIME = re.compile(r"(?<=\d)(?:\s*|T)(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?\s*$")   # "2025-06-30 00:00:00"
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "o": 0, "0": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_YEAR = re.compile(r"[〇○零Oo一二三四五六七八九\d]{4}(?=年)")
_CN_MONTH_DAY = re.compile(r"[一二三四五六七八九十]{1,3}(?=[月日号])")
_FIRST_TO = re.compile(r"(?<!\d)1月[-—–~～至到]+(\d{1,2})月")        # "1月至6月" → "1-6月"


def shown_period(text) -> str:
    """A period as messages quote it: a date cell without its time.

    >>> shown_period("2025-06-30 00:00:00"), shown_period(" 截至2025年6月30日 ")
    ('2025-06-30', '截至2025年6月30日')
    """
    return _TIME.sub("", unicodedata.normalize("NFKC", str(text)).strip())


def plain_period(text) -> str:
    """Period words to read: no spaces, colons or time, dates in Chinese numerals as digits, "1月至6月" as "1-6月".

    >>> plain_period("截至：二〇二五年六月三十日"), plain_period("二○二五年十二月底"), plain_period("1月份至6月份")
    ('截至2025年6月30日', '2025年12月底', '1-6月')
    """
    t = re.sub(r"[\s:：]+", "", shown_period(text)).replace("月份", "月")
    t = _CN_YEAR.sub(lambda m: "".join(str(_CN_DIGITS.get(ch, ch)) for ch in m[0]), t)
    t = _CN_MONTH_DAY.sub(lambda m: str(_cn_number(m[0])), t)
    t = re.sub(r"(\d月\d{1,2})号", r"\1日", t)
    return _FIRST_TO.sub(r"1-\1月", t)


def _cn_number(s: str) -> int:
    """一 … 三十一 as a number (months and days)."""
    if "十" not in s:
        return int("".join(str(_CN_DIGITS[ch]) for ch in s))
    tens, _, ones = s.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


# Lines that date the form, not its figures; a period line's label, whose date may sit in the next cell.
SENT_LINE = re.compile(r"(报送|填报|填表|制表|打印|审核|上报)(日期|时间)|(?<!截止)(?<!截至)(?<!统计)日期[:：]|联系电话|电话[:：]")
_SENT_LABEL = re.compile(r"^((报送|填报|填表|制表|打印|审核|上报)(日期|时间)|日期)$")


def read_period(text: str) -> tuple[int | None, pd.Timestamp | None, str]:
    """Year and as-of date a sheet name or title states; a problem text when the period is unclear.

    >>> read_period("二〇二五年六月三十日")[1].date(), read_period("2025年第二季度")[2][:20]
    (datetime.date(2025, 6, 30), '“2025年第二季度”只写了“第二季度”')
    """
    shown, t = shown_period(text), plain_period(text)
    years = YEAR.findall(t)
    if not years:
        return None, None, ""
    year = int(years[0])
    date = (re.search(r"(?:19|20)\d{2}年(\d{1,2})月(\d{1,2})日", t)
            or re.search(r"(?:19|20)\d{2}([-./])(\d{1,2})\1(\d{1,2})(?!\d)", t))
    if date:
        month, day = (date[1], date[2]) if date.re.groups == 2 else (date[2], date[3])
        try:
            return year, pd.Timestamp(year=year, month=int(month), day=int(day)), ""
        except ValueError:
            return year, None, f"“{shown}”中的日期无效。请改正为真实的日期，如“截至{year}年6月30日”。"
    months = re.search(r"(?:^|[^\d])1[-—–~～至到]\s*(\d{1,2})月", t)
    if months and 1 <= int(months[1]) <= 12:
        return year, _month_end_date(year, int(months[1])), ""
    if "上半年" in t or "半年" in t and "下半年" not in t:
        return year, pd.Timestamp(year=year, month=6, day=30), ""
    quarters = _QUARTERS_FROM_JANUARY.search(t)
    if "前三季度" in t or quarters:
        return year, _month_end_date(year, 3 * _QUARTER.get(quarters[1], 3) if quarters else 9), ""
    if re.search(r"(第?一|(?<!\d)1)季度", t) and "前" not in t:
        return year, pd.Timestamp(year=year, month=3, day=31), ""
    end = re.search(r"(?:截至|截止|至)(\d{1,2})月(?:底|末)?|(\d{1,2})月(?:底|末)", t)
    if end:
        month = int(end[1] or end[2])
        if 1 <= month <= 12:
            return year, _month_end_date(year, month), ""
    part = _not_from_january(t, shown, year)
    if part:
        return year, None, part
    if re.search(r"\d{1,2}月", t.replace(years[0], "", 1)):
        return year, None, (f"“{shown}”写了月份，但看不出是 1 月至该月的累计数。请把工作表改名为“{year}年1-6月”"
                            f"或“截至{year}年6月30日”这样的写法。")
    return year, pd.Timestamp(year=year, month=12, day=31), ""


_QUARTER = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}
_QUARTERS_FROM_JANUARY = re.compile(r"(?:1|一)[-—–~～至到]([1-4一二三四])季度")       # "1-3季度", "一至三季度"
_PART_OF_YEAR = re.compile(r"(?<![前\-—–~～至到\d一])(第?[二三四2-4]季度)|下半年")


def _not_from_january(t: str, shown: str, year: int | None) -> str:
    """A problem when the words name a part of the year that does not start in January (二季度, 下半年): its
    figures may be that quarter's or the sum since January, and the import does not guess which."""
    part = _PART_OF_YEAR.search(t)
    if not part:
        return ""
    word = part[0]
    month = 12 if word == "下半年" else 3 * _QUARTER[word[-3]]
    y = year or 2025
    said = f"“{shown}”" if shown == word else f"“{shown}”只写了“{word}”，"
    return (f"{said}看不出是 1 月至 {month} 月底的累计数，还是{word}本身的数。本工具不猜："
            f"累计数请写成“{y}年1—{month}月”或“截至{y}年{month}月{_month_end(month)}日”；"
            "只有这一段时间的数，请拆成累计数后再导入。")


def _month_end_date(year: int, month: int) -> pd.Timestamp:
    return pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthEnd(0)


# ----------------------------------------------------------------------------- the period from all of a sheet's words

@dataclass(frozen=True)
class PeriodStatement:
    """What one place of a sheet says about its period: a year, an end (month, day), or that it is the full year."""

    place: str                     # "工作表名称" or a cell ("A2")
    text: str                      # as messages quote it (a date cell without its time)
    year: int | None = None
    end: tuple[int, int] | None = None
    full_year: bool = False        # "2025年度", a sheet named only "2025年", 12月31日
    problem: str = ""
    blank: bool = False            # a period label ("统计截止日期：") whose date was left empty
    vague: bool = False            # 二季度, 下半年, 截至上半年: a problem unless another place states the end


_ONLY_YEAR = re.compile(r"^((?:19|20)\d{2})年?度?$")
_MONTH_SPAN = re.compile(r"(?<!\d)1\s*[-—–~～至到]\s*(\d{1,2})\s*月")
_MONTH_DAY = re.compile(r"(?<!\d)(\d{1,2})月(\d{1,2})日")
_UP_TO = re.compile(r"截至|截止")
_UP_TO_MONTH = re.compile(r"(?:截至|截止)到?(\d{1,2})月(?:底|末)?")
_PERIOD_WORDS = re.compile(r"截至|截止|年度|上半年|季度|[-—–~～至到]\s*\d{1,2}\s*月|\d{1,2}月\d{1,2}日|月(底|末)")


def period_statement(text: str, place: str, *, sheet_name: bool = False, note: bool = False) -> PeriodStatement | None:
    """What ``text`` says about the period, or None when it says nothing.

    A ``note`` (填报说明/注 under the table) states a period only in words that are clearly one ("截至6月30日",
    "2025年1-6月"); "注：本季度数据为快报数" says nothing, and an unclear note is never a problem.

    >>> period_statement("2025年", "工作表名称", sheet_name=True).full_year
    True
    >>> s = period_statement("本表统计截至6月30日的累计数", "A35"); (s.year, s.end, s.full_year)
    (None, (6, 30), False)
    >>> period_statement("2025年1—6月基层工会工作统计表", "A1").end, period_statement("截至六月底", "A2").end
    ((6, 30), (6, 30))
    >>> "没有写截至几月几日" in period_statement("截至：上半年", "A3").problem
    True
    """
    shown, t = shown_period(text), plain_period(text)
    if sheet_name and _ONLY_YEAR.match(t):
        return PeriodStatement(place, shown, year=int(_ONLY_YEAR.match(t)[1]), full_year=True)
    years = YEAR.findall(t)
    if years:
        year, as_of, problem = read_period(text)
        if problem:
            return None if note else PeriodStatement(place, shown, year=year, problem=problem,
                                                     end=_vague_end(t), vague=bool(_PART_OF_YEAR.search(t)))
        said_end = bool(_PERIOD_WORDS.search(t.replace(years[0], "", 1)))
        if as_of is not None and (said_end or "年度" in t or as_of.month != 12):
            full = as_of.month == 12 and as_of.day == 31
            return PeriodStatement(place, shown, year=year, end=(as_of.month, as_of.day), full_year=full)
        return PeriodStatement(place, shown, year=year)   # a year and nothing about the months
    if note and not _UP_TO.search(t):
        return None
    end = _yearless_end(t, shown)
    if isinstance(end, str):
        return None if note else PeriodStatement(place, shown, problem=end, end=_vague_end(t), vague=True)
    if end is None:
        return None
    return PeriodStatement(place, shown, end=end, full_year=end == (12, 31))


def _yearless_end(t: str, shown: str) -> tuple[int, int] | str | None:
    """(month, day) period words without a year run to; a problem text when they are a period line that
    cannot be read (二季度, a 截至 without its month); None when they say nothing about the period."""
    problem = _not_from_january(t, shown, None)
    if problem:
        return problem
    span = _MONTH_SPAN.search(t)
    if span and 1 <= int(span[1]) <= 12:
        return int(span[1]), _month_end(int(span[1]))
    day = _MONTH_DAY.search(t)
    if day and re.search(r"截至|截止|至", t) and 1 <= int(day[1]) <= 12:
        return int(day[1]), int(day[2])
    month = _UP_TO_MONTH.search(t)
    if month and 1 <= int(month[1]) <= 12:
        return int(month[1]), _month_end(int(month[1]))
    quarters = _QUARTERS_FROM_JANUARY.search(t)
    if "前三季度" in t or quarters:
        month = 3 * _QUARTER.get(quarters[1], 3) if quarters else 9
        return month, _month_end(month)
    up_to = _UP_TO.search(t)
    if up_to and re.search(r"年(底|末)", t):
        return 12, 31
    if up_to:
        return (f"“{shown}”没有写截至几月几日，看不出这张表的数字累计到哪一天。本工具不猜：请写成"
                "“截至2025年6月30日”“截至6月底”或“2025年1—6月”这样的写法（写明月份；没有年份时取标题中的年份）。")
    if "上半年" in t:
        return 6, 30
    if re.search(r"(第?一|(?<!\d)1)季度", t) and "前" not in t:
        return 3, 31
    return None


def _vague_end(t: str) -> tuple[int, int] | None:
    """The end vague words would have if they were a sum since January (二季度 → 6月30日), to compare with a
    clear statement of the same sheet; None when they name no end (截至目前)."""
    part = _PART_OF_YEAR.search(t)
    month = (12 if part[0] == "下半年" else 3 * _QUARTER[part[0][-3]]) if part else 6 if "上半年" in t else None
    return (month, _month_end(month)) if month else None


def _month_end(month: int) -> int:
    return (pd.Timestamp(year=2001, month=month, day=1) + pd.offsets.MonthEnd(0)).day


_LABEL_AT_END = re.compile(r"((?:统计)?(?:截至|截止)(?:日期|时间|日)?|(?:统计|报告)?(?:时期|期间|时段|时间段)|(?:统计|报告)期|"
                           r"统计(?:日期|时间))$")


def row_statements(cells: list[tuple[str, str]]) -> list[PeriodStatement]:
    """What one line above a table says about its period, from its cells (place, text) left to right.

    A period label ("截至", "统计截止日期：") gives its words to the next filled cell, where a date cell usually
    holds the date; after a form's own date label (报送日期, 填表日期) the next cell is that date, never the
    period; a period label whose date cell is empty is a ``blank`` statement.

    >>> [(s.place, s.text, s.end) for s in row_statements([("A3", "截至"), ("B3", "2025-06-30 00:00:00")])]
    [('B3', '截至:2025-06-30', (6, 30))]
    >>> row_statements([("A3", "报送日期："), ("B3", "2025-07-05 00:00:00")])
    []
    """
    out: list[PeriodStatement] = []
    pending = None                 # (kind "period" | "sent", label, place) waiting for its value in the next cell
    for place, text in cells:
        shown = shown_period(text)
        words = re.sub(r"[\s:：]+", "", shown)
        if not words:
            continue
        if pending is not None:
            kind, label, _ = pending
            pending = None
            if kind == "period":
                said = period_statement(f"{label}：{shown}", place)
                out += [said] if said else []
            continue
        if _SENT_LABEL.match(words):
            pending = ("sent", shown, place)
            continue
        sent = SENT_LINE.search(shown)
        if sent:   # "截至2025年6月30日  报送日期：2025年7月5日": the words before the form's own date
            if not re.sub(r"[\s:：]+", "", shown[sent.end():]):
                pending = ("sent", shown, place)
            shown = shown[:sent.start()]
            words = re.sub(r"[\s:：]+", "", shown)
        label = _LABEL_AT_END.search(words)
        if label and not YEAR.search(words):   # "统计截止日期：" with its date in the next cell
            pending = pending or ("period", label[1], place)
            head = words[:label.start()]
            said = period_statement(head, place) if head else None
        else:
            said = period_statement(shown, place) if words else None
        out += [said] if said else []
    if pending is not None and pending[0] == "period":
        out.append(PeriodStatement(pending[2], pending[1], blank=True))
    return out


def column_statement(parts: list[tuple[str, str]]) -> PeriodStatement | None:
    """What a form's value column says of its period in its header parts (place, text), top to bottom.

    "2025年1-6月", "本期(2025年1—6月)"; on a form a header "2025年6月" is the 本期 of that month, counted
    from January to its end (the 本期 of a county's statistical form is the sum since January).

    >>> column_statement([("E4", "本期"), ("E5", "2025年6月")]).end
    (6, 30)
    """
    for place, text in parts:
        t = plain_period(text)
        if not YEAR.search(t):
            continue
        month = re.search(r"((?:19|20)\d{2})年(\d{1,2})月(?![\d底末])", t)
        if month and 1 <= int(month[2]) <= 12 and not _MONTH_SPAN.search(t):
            m = int(month[2])
            return PeriodStatement(place, shown_period(text), year=int(month[1]), end=(m, _month_end(m)),
                                   full_year=m == 12)
        return period_statement(text, place)
    return None


_PREVIOUS_WORDS = re.compile(r"上年|去年|上期|同期|往年")
_CURRENT_WORDS = re.compile(r"本期|本年|今年|当期|本月|累计|实际|完成")


def column_periods(headers: dict[int, list[tuple[str, str]]]) -> tuple[dict[int, str], list[PeriodStatement],
                                                                         dict[int, tuple[PeriodStatement, bool]]]:
    """A form's value columns by the periods their headers name: (role of each column, the 本期 columns'
    statements of the sheet's period, the 上年 columns' statements to check once the period is known, each
    with whether its header says 同期: "上年同期" over "2024年" is 2024's same period, "上年" over "2024年" the year).

    A header with 上年/去年/同期 is 上年 and one with 本期/本年 is 本期, whatever date it adds; a header that is
    only a period is 本期 when it names the newest year of the form, 上年 when it names the year before.
    """
    stated = {c: column_statement(parts) for c, parts in headers.items()}
    stated = {c: s for c, s in stated.items() if s is not None and s.year is not None}
    roles: dict[int, str] = {}
    same_period = set()
    for c, parts in headers.items():
        words = "".join(YEAR.sub("", plain_period(text)) for _, text in parts)
        if "同期" in words:
            same_period.add(c)
        if _PREVIOUS_WORDS.search(words):
            roles[c] = "previous"
        elif _CURRENT_WORDS.search(words):
            roles[c] = "current"
    said_current = [stated[c].year for c in stated if roles.get(c) == "current"]
    dated = [c for c in stated if c not in roles]
    newest = said_current[0] if said_current else max((stated[c].year for c in dated), default=None)
    for c in dated:
        roles[c] = "previous" if stated[c].year == newest - 1 else "current"
    current = [stated[c] for c in stated if roles[c] == "current"]
    previous = {c: (stated[c], c in same_period) for c in stated if roles[c] == "previous"}
    return roles, current, previous


def previous_problem(s: PeriodStatement, year: int, as_of: pd.Timestamp, same_period: bool = False) -> str:
    """Why a 上年 column's header does not name the same period a year before this one ("" when it does);
    with ``same_period`` (the header says 同期) a header that names only the year is that year's same period."""
    if same_period and s.end is None and not s.full_year:
        month, day = as_of.month, as_of.day
    else:
        month, day = _end(s) if (s.end or s.full_year) else (12, 31)
    same = (month == as_of.month and (day == as_of.day or day == _month_end(month) and as_of.is_month_end))
    if s.year == year - 1 and same:
        return ""
    now = f"{year}年全年" if (as_of.month, as_of.day) == (12, 31) else f"{year}年1—{as_of.month}月（截至{as_of:%Y-%m-%d}）"
    should = f"{year - 1}年" if (as_of.month, as_of.day) == (12, 31) else f"{year - 1}年1—{as_of.month}月"
    return (f"上年同期一栏的表头写的是“{s.text}”，而本期是{now}：上年同期应是{should}。这一栏没有读入。"
            f"请把表头改为“{should}”或“上年同期”，或核对本期的时期是否写对。")


def blank_problem(s: PeriodStatement) -> str:
    return (f"“{s.text}”后面是空的，看不出这张表的数字截至哪一天。请在 {s.place} 后面填上日期（如“2025年6月30日”），"
            "或在标题中写明时期（如“2025年1—6月”），然后重新导入。")


def reconcile_period(statements: list[PeriodStatement], default_year: int | None = None
                     ) -> tuple[int | None, pd.Timestamp | None, str, list[PeriodStatement]]:
    """(year, as-of date, problem, statements in conflict) from everything a sheet says about its period.

    Every statement must agree: two years, or a full year against 1—6月, stop the import with both
    places named. A sheet that states a year but no end is the full year, unless a period label was
    left empty (then it cannot be read); one that states no year takes ``default_year`` (``--year``),
    else it cannot be read. A period line that cannot be read stops it whatever ``--year`` says, unless
    it is only vague (二季度, 截至上半年) and another place states the end clearly: then it must agree with it.
    """
    said = [s for s in statements if s is not None]
    clear = any((s.end is not None or s.full_year) and not s.vague for s in said)
    for s in said:
        if s.problem and not (s.vague and clear):
            return None, None, s.problem, [s]
    years = [s for s in said if s.year is not None]
    for s in years[1:]:
        if s.year != years[0].year:
            return None, None, "年份不一致", [years[0], s]
    ends = [s for s in said if s.end is not None or s.full_year]
    for s in ends[1:]:
        if _end(s) != _end(ends[0]):
            return None, None, "时期不一致", [ends[0], s]
    blank = next((s for s in said if s.blank), None)
    if blank and not ends:
        return None, None, blank_problem(blank), [blank]
    year = years[0].year if years else default_year
    if year is None:
        return None, None, "没有年份", []
    month, day = _end(ends[0]) if ends else (12, 31)
    try:
        return year, pd.Timestamp(year=year, month=month, day=day), "", []
    except ValueError:
        return None, None, f"日期 {month}月{day}日 无效", ends[:1]


def _end(s: PeriodStatement) -> tuple[int, int]:
    return (12, 31) if s.full_year and s.end is None else s.end


def is_date_text(text: str) -> bool:
    """A cell that holds only a date ("2025-07-05 00:00:00", "2025年7月5日"): under a form, the date it was sent."""
    t = plain_period(text)
    return bool(re.fullmatch(r"(?:19|20)\d{2}(?:([-./])\d{1,2}\1\d{1,2}|年\d{1,2}月\d{1,2}日)", t))
