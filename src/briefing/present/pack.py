"""One region's pack in a notebook: open it from the parameters, then show its parts as HTML.

``open_pack`` loads, validates and computes once; the ``show_*`` functions return
small HTML blocks (cover, headline figures, narrative, table, data note). All text
is escaped: a region or indicator name is always shown as text, never as markup.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from html import escape

import pandas as pd

from . import charts, narrate, places
from .completion import narrate_completion
from .blocks import Html, cell, header_cell, parts
from ..compute import (DOUBT_FLAGS, DOUBTFUL, FLAGS, GOOD_STATUS, PROBLEM_STATUS, ROLLUP_SOURCE, STATUS, as_of_date,
                       compute_metrics, compute_series, regions_without_figures, year_elapsed)
from ..errors import DataError, Finding, ParameterError
from ..formatting import format_amount, format_change, format_date, format_percent, format_value
from ..data import Dataset, check_dataset, is_sql_url, load_dataset, raise_on_errors
from ..params import PackParams, make_params
from ..periods import period_label, same_day_last_year, today

HISTORY_YEARS = 5
__all__ = ["Html", "Pack", "open_pack", "show_cover", "show_data_note", "show_headlines", "show_narrative",
           "show_problems", "show_table"]


@dataclass(frozen=True)
class Pack:
    """Everything one region's pack shows, computed once."""
    params: PackParams
    dataset: Dataset
    region: str                 # region code
    metrics: pd.DataFrame       # all regions, this year
    series: pd.DataFrame        # all regions, recent years at the same day of year
    warnings: tuple[Finding, ...]

    @property
    def as_of(self) -> pd.Timestamp:
        return as_of_date(self.params.year, self.params.as_of)

    @property
    def mid_year(self) -> bool:
        return self.as_of < pd.Timestamp(year=self.params.year, month=12, day=31)

    @property
    def info(self) -> pd.Series:
        return self.dataset.regions.loc[self.region]

    @property
    def region_name(self) -> str:
        return self.info["name"]

    @property
    def union_name(self) -> str:
        return self.info["union_name"]

    @property
    def scope(self) -> str:
        """How the pack names its own area (全区, 全市, 全系统 …), from the level or the name (``places``)."""
        return narrate.scope_word(self.info["level"], self.info["group"], self.info["name"])

    @property
    def peer_area(self) -> str:
        """Where the region's peers are (全市 …) from the parent's level or name; 同级 when neither says; "" at the top."""
        parent = self.info["parent"]
        if not parent:
            return ""
        up = self.dataset.regions.loc[parent]
        return places.area_word(up["level"], up["name"], up["group"]) or places.PEER_FALLBACK

    @property
    def peer_group(self) -> str:
        """The peers' kind in a sentence ("12个县(市)区"); 同级单位 for a top region or a placeholder group."""
        return places.group_word(self.info["group"]) if self.info["parent"] else places.GROUP_FALLBACK

    @property
    def rollup_source(self) -> str:
        """The source of a rolled-up figure, naming whose figures were summed ("由各县(市)区、产业工会数据汇总")."""
        regions = self.dataset.regions
        return places.rollup_source(regions.loc[regions["parent"] == self.region, "group"])

    @property
    def region_metrics(self) -> pd.DataFrame:
        return self.metrics[self.metrics["region"] == self.region]

    @property
    def period(self) -> str:
        return period_label(self.params.year, self.as_of)

    @property
    def last_period(self) -> str:
        """The period this one is compared with: the year before, or its same period (同期)."""
        return period_label(self.params.year - 1, same_day_last_year(self.as_of))

    @property
    def note(self) -> str:
        """The line under each chart: source and as-of date."""
        src = self.dataset.source_words
        return f"数据来源：{src}；数据截至{format_date(self.as_of)}"

    @property
    def incomplete_note(self) -> str:
        """One sentence when this region's totals miss some children (compute rule 5), naming the children that
        reported nothing; "" when every total is complete."""
        m = self.region_metrics
        lacking = m[m["flag_codes"].map(lambda codes: "children_incomplete" in codes)]
        if lacking.empty:
            return ""
        regions = self.dataset.regions
        silent = [regions.at[r, "name"] for r in regions_without_figures(self.metrics)
                  if regions.at[r, "parent"] == self.region]
        who = f"{'、'.join(silent)}未报{self.period}数字" if silent else "部分下级未报部分指标"
        return (f"{who}，{self.scope}{len(lacking)}项指标的合计不全，这些指标不作同比，也暂不评价目标完成情况；"
                "待数字报齐后重新生成。")

    @property
    def key_indicators(self) -> list[str]:
        m = self.region_metrics
        return m[(m["tier"] == 1) & m["value"].notna()].sort_values(["theme_order", "order"])["indicator"].tolist()

    @property
    def unreported(self) -> list[str]:
        """Key indicators not reported though a target, last year or the peers have one: said where they would be."""
        m = self.region_metrics
        return m[(m["tier"] == 1) & narrate.unreported(m)]["indicator"].tolist()


def _mtime_key(data_dir: str) -> tuple:
    """Changes whenever a file of the data folder changes (so a long-lived kernel never shows stale data)."""
    from .. import config
    if is_sql_url(data_dir):
        import time
        return (time.monotonic_ns(),)  # a database can change under us: never reuse a cached load
    folder = config.resolve(data_dir)
    if folder.is_file():  # an Excel return
        st = folder.stat()
        return ((folder.name, st.st_mtime_ns, st.st_size),)
    if not folder.is_dir():
        return ()
    return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in folder.iterdir() if p.is_file()))


@functools.lru_cache(maxsize=2)
def _prepared(data_dir: str, key: tuple, year: int, as_of: str):
    """Load, check and compute once per data folder, year and date; packs of one batch share it (read-only)."""
    ds = load_dataset(data_dir)
    warnings = tuple(raise_on_errors(check_dataset(ds)))
    years_present = sorted(ds.figures["year"].unique())
    if year not in years_present:
        raise ParameterError(f"数据中没有 {year} 年的数字。数据目录 {ds.location} 中的年份有："
                             f"{'、'.join(map(str, years_present))}。请检查参数 year。")
    date = as_of_date(year, as_of)
    have = ds.figures[(ds.figures["year"] == year) & (ds.figures["as_of"] == date)]
    if have.empty:
        dates = sorted(ds.figures.loc[ds.figures["year"] == year, "as_of"].dt.strftime("%Y-%m-%d").unique())
        raise ParameterError(f"{year} 年没有截至 {date:%Y-%m-%d} 的数据。该年已有的截止日期：{'、'.join(dates)}。"
                             "请把参数 as_of 改为其中之一（全年数据留空）。")
    metrics = compute_metrics(ds, year, date)
    history = list(range(year - HISTORY_YEARS + 1, year + 1))
    series = compute_series(ds, history, (date.month, date.day))
    return ds, warnings, metrics, series


def warm_data(parameters: dict) -> None:
    """Load, check and compute the data of one pack's parameters into this process's cache, before its first
    pack (a warm kernel's start); a problem is left for the pack itself to report."""
    try:
        params = make_params(parameters)
        _prepared(params.data_dir, _mtime_key(params.data_dir), params.year, params.as_of)
    except Exception:  # noqa: BLE001 - the pack that reads this data says what is wrong, where the analyst sees it
        pass


def open_pack(params: PackParams | dict) -> Pack:
    """Load, check and compute everything a region's pack needs.

    >>> pack = open_pack({"region": "城关区", "year": 2025})   # doctest: +SKIP
    >>> pack.region_metrics.loc[:, ["name", "value", "completion"]].head(2)  # doctest: +SKIP
    """
    if isinstance(params, dict):
        params = make_params(params)
    charts.use_svg()
    ds, warnings, metrics, series = _prepared(params.data_dir, _mtime_key(params.data_dir), params.year, params.as_of)
    region = ds.region_code(params.region)
    if region in regions_without_figures(metrics):
        name = ds.regions.at[region, "name"]
        when = f"{params.year}年" + (f"（截至{params.as_of}）" if params.as_of else "")
        raise DataError(f"{name}{when}没有任何数字，却有目标或上年数字：照这样生成，简报会说“没有下达目标”“无上年数据”，"
                        f"都是错的。这份简报不生成。请补入{name}{when}的数字（如用 briefing import 导入它的报表）后重新生成；"
                        f"数字一时报不上来时，可在会议文件中写 data_missing: [{name}]，生成一份注明“数据缺失”的简报。",
                        file=ds.file("figures"))
    mine = [w for w in warnings if w.region in ("", region)]
    return Pack(params=params, dataset=ds, region=region, metrics=metrics, series=series, warnings=tuple(mine))


# ---------------------------------------------------------------- HTML blocks

def show_cover(pack: Pack) -> Html:
    p = pack.params
    date = p.meeting_date or f"{pack.as_of:%Y-%m-%d}"
    y, m, d = date.split("-")
    sample = '<p class="sample-mark">示例数据 · 数字均为虚构</p>' if pack.dataset.is_sample else ""
    markup = f"""<section class="cover" data-region="{escape(pack.region)}">
<p class="secret-mark">内部资料 注意保存</p>
<p class="cover-meeting" id="meeting-name">{escape(p.meeting or '工会工作会议')}</p>
<h1 class="cover-title">{escape(pack.union_name)}<br>{escape(pack.period)}工作简报材料</h1>
<p class="cover-sub">主要指标完成情况 · 同比变化 · 目标完成 · 同级比较</p>
{sample}
<p class="cover-date">{int(y)}年{int(m)}月{int(d)}日</p>
</section>"""
    return Html(markup, f"封面：{pack.union_name} {pack.period}")


def _doubtful(row: pd.Series) -> bool:
    return bool(row.get("doubtful", False))


def _tile_class(row: pd.Series) -> str:
    if _doubtful(row):
        return "check"
    status = row.get("status") or ""
    if status in PROBLEM_STATUS or bool(row.get("at_risk", False)):
        return "bad"
    return "good" if status in GOOD_STATUS else "plain"


def show_headlines(pack: Pack) -> Html:
    """The key figures as cards: value, change, target. A likely typo shows as 待核实, not as a result."""
    m, tiles, unreported = pack.region_metrics.set_index("indicator"), [], set(pack.unreported)
    no_base = "无上年同期数据" if pack.mid_year else "无上年数据"
    for ind in sorted([*pack.key_indicators, *unreported], key=lambda i: (m.at[i, "theme_order"], m.at[i, "order"])):
        row = m.loc[ind]
        value = format_amount(row["value"], row["unit"], int(row["decimals"]), row["approx"])
        if ind in unreported:
            value_html, yoy, target = "未报", f"{pack.period}数字未报送", "暂不评价" if pd.notna(row["target"]) else ""
        elif _doubtful(row):
            value_html = f'{escape(value)}<span class="check-mark">{DOUBTFUL}</span>'
            yoy, target = "同比变动异常，疑为录入错误", "请核实后再引用"
        elif STATUS["incomplete"] in (row["yoy"], row.get("status")):   # compute rule 5
            value_html = escape(value)
            yoy = "汇总不全，不作同比"
            target = "汇总不全，暂不评价" if row.get("status") == STATUS["incomplete"] else ""
        else:
            value_html = escape(value)
            yoy = narrate.phrase_yoy(row, same_period=pack.mid_year) or no_base
            target = narrate.phrase_target(row)
        tiles.append(f"""<div class="tile tile-{_tile_class(row)}"><div class="tile-name">{escape(row['name'])}</div>
<div class="tile-value">{value_html}</div><div class="tile-yoy">{escape(yoy)}</div>
<div class="tile-target">{escape(target)}</div></div>""")
    return Html(f'<div class="tiles">{"".join(tiles)}</div>', "主要指标")


def show_narrative(pack: Pack) -> Html:
    m = pack.region_metrics
    paras = [f"<p>{escape(incomplete)}</p>" for incomplete in [pack.incomplete_note] if incomplete]
    paras.append(f"<p>{escape(narrate_completion(m, pack.scope))}</p>")
    highlights = narrate.narrate_highlights(m)
    if highlights:
        paras.append(f"<p>{escape('成效较为突出的是：' + '；'.join(highlights) + '。')}</p>")
    ranks = narrate.narrate_ranks(m, pack.peer_area, pack.peer_group) if pack.info["parent"] else ""
    if ranks:
        paras.append(f"<p>{escape(ranks)}</p>")
    for theme in narrate.theme_order(m):
        text = narrate.narrate_theme(m, theme, pack.scope, same_period=pack.mid_year)
        if text:
            paras.append(f'<h3>{escape(theme)}</h3><p>{escape(text)}</p>')
    return Html('<div class="narrative">' + "".join(paras) + "</div>", "文字稿")


def show_problems(pack: Pack) -> Html:
    items = narrate.narrate_problems(pack.region_metrics)
    if not items:
        return Html(f'<div class="narrative"><p>{escape(narrate.no_problems(pack.region_metrics))}</p></div>')
    return Html('<div class="narrative problems">' + "".join(f"<p>{escape(t)}</p>" for t in items) + "</div>", "存在的问题")


def _done_cell(r: pd.Series) -> str:
    """完成情况: the completion ratio with the state word of ``STATUS``, or the state word alone."""
    if pd.isna(r["target"]):
        return ""
    if pd.isna(r["value"]):
        return "—"
    if pd.isna(r["completion"]):
        return r["status"]
    return parts(format_percent(r["completion"], 1, approx=r.get("completion_approx", "") or ""), f"（{r['status']}）")


def _table_cells(r: pd.Series, ranked: bool, mid_year: bool) -> list[str]:
    dec = int(r["decimals"])
    change = format_change(r["change"], r["change_pct"], r["kind"], r["yoy"])
    if mid_year and change == "无上年数据":
        change = "无上年同期数据"
    if pd.notna(r["target"]):
        bound = r.get("target_bound") or ""
        target = format_value(r["target"], r["unit"], dec) + (bound if r["target_type"] == "threshold" or bound else "")
    else:
        target = "—"
    done = _done_cell(r)
    rank = (f"{int(r['rank'])}{'（并列）' if r.get('tied') == True else ''}/"  # noqa: E712
            f"{int(r['peers'])}" if pd.notna(r["rank"]) and r["peers"] >= 2 and r.get("tier", 1) < 3   # 辅助: no rank
            else "—") if ranked else None
    if _doubtful(r) and pd.notna(r["value"]):
        change, rank = DOUBTFUL, (DOUBTFUL if ranked else None)
        done = DOUBTFUL if done else done
    cells = [r["name"], r["unit"], format_value(r["value"], r["unit"], dec, r["approx"]),
             format_value(r["prev_value"], r["unit"], dec, r["prev_approx"]), change, target, done]
    return cells + ([rank] if ranked else []) + [r["flags"]]


def show_table(pack: Pack) -> Html:
    """All indicators, by theme: value, the period compared with, change, target, state, rank, flags.

    Column titles name the periods compared (2026年1—6月 against 2025年1—6月, or 2025年 against
    2024年); a likely typo shows 待核实 in every column derived from it.
    """
    m = pack.region_metrics.sort_values(["theme_order", "order"])
    ranked = m["rank"].notna().any()
    head = ["指标", "单位", pack.period, pack.last_period, "比上年同期" if pack.mid_year else "比上年",
            "年度目标", "完成情况"] + (["同级排名"] if ranked else []) + ["备注"]
    body = []
    for theme, group in m.groupby("theme_order", sort=True):
        body.append(f'<tr class="theme-row"><td colspan="{len(head)}">{escape(group["theme"].iloc[0])}</td></tr>')
        for _, r in group.iterrows():
            cells = _table_cells(r, ranked, pack.mid_year)
            css = ' class="doubtful"' if _doubtful(r) else ""
            body.append(f"<tr{css}>" + "".join(cell(c) for c in cells) + "</tr>")
    thead = "".join(header_cell(h) for h in head)
    return Html(f'<div class="table-box"><table class="data full"><thead><tr>{thead}</tr></thead>'
                f'<tbody>{"".join(body)}</tbody></table></div>', "指标总表")


def _flag_items(pack: Pack) -> tuple[list[str], list[str]]:
    """Data-note lines of the region's flags: (likely typos, to check first; every other flag)."""
    rows = pack.region_metrics[pack.region_metrics["flags"] != ""]
    first, rest = [], []
    for _, r in rows.iterrows():
        codes = set(r["flag_codes"])
        if codes & set(DOUBT_FLAGS):
            dec, unit = int(r["decimals"]), r["unit"]
            was = format_amount(r["prev_value"], unit, dec, r["prev_approx"])
            now = format_amount(r["value"], unit, dec, r["approx"])
            first.append(f"{DOUBTFUL}：{r['name']}{pack.period}为{now}，{pack.last_period}为{was}，{r['flags']}；"
                         "本简报未将其计入成效和排名，请核实后再引用。")
        else:   # a total missing children is said once, in incomplete_note, not per indicator
            text = "；".join(f for f in r["flags"].split("；") if f != FLAGS["children_incomplete"])
            if text:
                rest.append(f"数据提示：{r['name']}——{text}")
    return first, rest


def show_data_note(pack: Pack) -> Html:
    """Sources, date, method and flags; figures to check (待核实) come first."""
    ds = pack.dataset
    sources = sorted({pack.rollup_source if s == ROLLUP_SOURCE else s
                      for s in pack.region_metrics["source"].dropna() if s})
    check, flags = _flag_items(pack)
    items = check + [
        f"数据截至：{format_date(pack.as_of)}" + ("（年中数据，同比为与上年同期比较）" if pack.mid_year else "（全年数据）"),
        "数据来源：" + ("；".join(sources) if sources else "—"),
        # the data set's fingerprint is in manifest.json: here it would change every pack when one county's
        # return is corrected, though only that county's figures (and the totals over it) changed
        f"数据集：{ds.meta.get('name', ds.location)}" + ("" if is_sql_url(ds.location) else f"（{ds.location}）"),  # no URL
        f"生成日期：{format_date(today())}",
        "计算口径：比率由分子、分母重新计算，上级比率为下级分子之和除以分母之和；比率的变化以百分点表示；"
        "上年同期为零时不计算增幅；数字按四舍五入显示；同比变动异常、疑为录入错误的数字标为“待核实”，不参加排名。",
    ]
    if pack.mid_year:
        items.append(time_progress_note(pack.as_of))
    if ds.is_sample:
        items.insert(0, "本简报所用数据为示例数据，数字均为虚构，仅用于演示。")
    if pack.incomplete_note:
        items.append("数据提示：" + pack.incomplete_note)
    items += flags + [f"数据提示：{w.message}" for w in pack.warnings]
    return Html('<div class="data-note"><ul>' + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul></div>", "数据说明")


def time_progress_note(as_of: pd.Timestamp) -> str:
    """The method of 时间进度 and of the speed the rest of the year needs, as the code reckons them (rule 4).

    >>> time_progress_note(pd.Timestamp("2026-06-30"))[:46]
    '时间进度：按月计算，为已过月数 ÷ 12，当月按已过天数折算（截至6月30日为50.0%）；'
    """
    return (f"时间进度：按月计算，为已过月数 ÷ 12，当月按已过天数折算（截至{format_date(as_of, year=False)}为"
            f"{format_percent(year_elapsed(as_of) * 100, 1)}）；剩余时间为 1 − 时间进度，所需进度按同一口径计算。"
            f"年度累计类指标完成率低于时间进度为“{STATUS['behind']}”；存量、比率和“X以上”等年末考核的目标"
            f"未达到时为“{STATUS['open']}”或“{STATUS['open_short']}”，只有按目前速度年底前难以达到的才列为问题。")
