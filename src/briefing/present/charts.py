"""Altair charts of a pack, one function each, all sharing one restrained official-document theme.

Charts take metrics frames and return ``alt.Chart`` objects; they never change their
inputs. In a notebook they show as SVG (no JavaScript, no network), so the exported
HTML and PDF carry them as searchable vector text.
"""

from __future__ import annotations

import difflib
import math

import altair as alt
import pandas as pd

from ..compute import DOUBTFUL, STATUS
from .chart_cache import chart_svg
from .chart_fonts import fast_chart_fonts
from .chart_limits import axis as _axis, labels_fit, legend as _legend, ticks_fit
from ..errors import ParameterError
from ..formatting import format_figure, format_percent, round_half_up
from .blocks import Html, note_line

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, SimHei, sans-serif"
INK = "#262626"
MUTED = "#8c8c8c"
PRIMARY = "#9e1b1b"    # 工会红, used sparingly: the region itself, the reference line
GOOD = "#3a6ea5"
WARN = "#c77c02"
BAD = "#b23b3b"
NEUTRAL = "#b8b8b8"
WIDTH = 560
AXIS_LABEL_LIMIT = 220   # axis labels longer than this are cut (the theme's)


# A chart also carries a narrow drawing for phones, under this media type (the pack template shows it on a
# narrow screen only; print and JupyterLab use the ordinary SVG).
NARROW_MIME = "image/vnd.briefing.narrow+svg"
NARROW_WIDTH = 0.5       # plot widths are halved for a phone ...
NARROW_LABEL_LIMIT = 112  # ... and long axis labels cut at about eight characters (the tables have them whole)


def narrow_spec(spec: dict) -> dict:
    """A copy of a Vega-Lite spec drawn for a phone (about 330 px): plots half as wide, at most two small
    panels a row, axis labels cut shorter. Fonts keep their size, so a phone shows them at 1:1, readable.

    >>> narrow_spec({"width": 340, "facet": {}, "columns": 3, "config": {"axis": {"labelLimit": 220}}})
    {'width': 170, 'facet': {}, 'columns': 2, 'config': {'axis': {'labelLimit': 112}}}
    """
    def walk(node):
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if key == "width" and isinstance(value, (int, float)) and not isinstance(value, bool):
                    out[key] = max(90, int(value * NARROW_WIDTH))
                elif key == "labelLimit" and isinstance(value, (int, float)):
                    out[key] = min(value, NARROW_LABEL_LIMIT)
                elif key == "columns" and isinstance(value, int):
                    out[key] = min(value, 2)
                elif key == "gradientLength" and isinstance(value, (int, float)):
                    out[key] = min(value, 140)
                else:
                    out[key] = walk(value)
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node
    return walk(spec)


def _svg_with_narrow(spec: dict, embed_options: dict | None = None, **metadata) -> dict:
    """Altair's SVG renderer (vl-convert, the same options), each drawing read from the cache when drawn before."""
    from altair.utils._importers import vl_version_for_vl_convert
    from altair.utils.mimebundle import preprocess_embed_options
    embed = preprocess_embed_options(alt.renderers.options.get("embed_options", {}) if embed_options is None
                                     else embed_options)
    options = {"vl_version": vl_version_for_vl_convert(), "format_locale": embed.get("formatLocale"),
               "time_format_locale": embed.get("timeFormatLocale")}
    return {"image/svg+xml": chart_svg(spec, **options), NARROW_MIME: chart_svg(narrow_spec(spec), **options)}


alt.renderers.register("briefing-svg", _svg_with_narrow)


def use_svg() -> None:
    """Show charts as inline SVG in notebooks: offline, and text stays text in HTML and PDF (with a narrow
    drawing beside it for phones, ``NARROW_MIME``)."""
    alt.renderers.enable("briefing-svg")
    fast_chart_fonts(FONT)   # once per process: the same SVG, its text measured in about half the time


def warm_up() -> None:
    """Once per process, before its first pack: draw one tiny chart with Chinese text as a pack draws its charts,
    so that vl-convert's start, its fonts and Altair's schema validator are paid here and not by that pack.

    It leaves what any chart leaves (the SVG renderer enabled, vl-convert started); the packs after it are
    byte-identical to packs drawn without it (tests/test_batch.py).
    """
    use_svg()
    chart = alt.Chart(pd.DataFrame({"地区": ["甲区", "乙区"], "数值": [1.0, 2.0]})).mark_bar().encode(
        x=alt.X("数值:Q", title="数值"), y=alt.Y("地区:N", title=None))
    chart = _finish(chart, "预热", "数据来源：无")
    chart._repr_mimebundle_()
    import vl_convert as vlc
    vlc.vegalite_to_svg(chart.to_dict())   # drawn even when the cache had it: vl-convert starts here, not in a pack


def _theme(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    # One configure() call: each configure_*() call copies the chart again.
    return chart.configure(
        font=FONT, background="white",
        view=alt.ViewConfig(stroke=None),
        axis=alt.AxisConfig(labelFont=FONT, titleFont=FONT, labelColor=INK, titleColor=INK, labelFontSize=11,
                            titleFontSize=11, gridColor="#ececec", domainColor=MUTED, tickColor=MUTED,
                            labelLimit=AXIS_LABEL_LIMIT),
        legend=alt.LegendConfig(labelFont=FONT, titleFont=FONT, labelFontSize=11, titleFontSize=11, orient="bottom"),
        title=alt.TitleConfig(font=FONT, fontSize=14, color=INK, anchor="start", subtitleFont=FONT,
                              subtitleColor=MUTED, subtitleFontSize=10),
        header=alt.HeaderConfig(labelFont=FONT, titleFont=FONT, labelFontSize=11))


def _label_limit(labels, limit=alt.Undefined):
    """0 (never shorten) when every label fits, with an em to spare, in the narrower of the two drawings
    (``narrow_spec`` cuts limits to ``NARROW_LABEL_LIMIT``); else ``limit`` (Undefined: the theme's).
    Vega then measures each label once instead of twice, and draws the same (chart_limits)."""
    wide = AXIS_LABEL_LIMIT if limit is alt.Undefined else limit
    return 0 if labels_fit(labels, min(wide, NARROW_LABEL_LIMIT)) else limit


def _tick_limit(values, zero: bool = True):
    """``_label_limit`` for the tick labels of a linear axis whose scale spans ``values``."""
    return 0 if ticks_fit(values, min(AXIS_LABEL_LIMIT, NARROW_LABEL_LIMIT), zero=zero) else alt.Undefined


def _title(text: str, note: str = "") -> alt.TitleParams:
    return alt.TitleParams(text=text)


def _finish(chart, title: str, note: str):
    """The chart's title above it and its source line (来源、截至日期) under it, then the shared theme."""
    chart = chart.properties(title=_title(title))
    if note:
        chart = alt.vconcat(chart).properties(
            title=alt.TitleParams(text=note, orient="bottom", anchor="start", fontSize=10, fontWeight="normal",
                                  color=MUTED, offset=8))
    return _theme(chart)


def _fields(data: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Only the columns a chart encodes: the rest of a metrics frame would be copied, checked against the
    Vega-Lite schema and passed to the renderer for every chart, and draws nothing."""
    return data.loc[:, list(columns)]


def _label(row: pd.Series) -> str:
    return f"{row['name']}（{row['unit']}）" if row["unit"] else row["name"]


def _doubtful(data: pd.DataFrame) -> pd.Series:
    """Rows whose figure is a likely typo: drawn without a bar, labelled 待核实."""
    if "doubtful" not in data:
        return pd.Series(False, index=data.index)
    return data["doubtful"].fillna(False).astype(bool)


# The state words of a completion bar (``compute.STATUS``) and their colours, in legend order.
COMPLETION_COLOURS = {STATUS["exceeded"]: GOOD, STATUS["done"]: "#6b8fb8", STATUS["ahead"]: "#5f8f5f",
                      STATUS["on_pace"]: "#7fa37f", STATUS["behind"]: WARN, STATUS["open"]: NEUTRAL,
                      STATUS["unmet"]: BAD, DOUBTFUL: "#e0e0e0"}


def chart_completion(metrics: pd.DataFrame, note: str = "") -> alt.Chart:
    """Completion of this year's absolute targets (one region), with the 100% line and,
    at a mid-year date, the time-elapsed line (时间进度).

    ``metrics`` is the region's rows of ``compute_metrics``.
    """
    data = metrics[metrics["completion"].notna()].copy()
    if data.empty:
        return note_line("年度目标完成情况：没有可计算完成率的年度目标（绝对数目标），不作图。")
    doubt = _doubtful(data)
    data["label"] = data["name"]
    data["shown"] = [DOUBTFUL if d else format_percent(v, 1) for v, d in zip(data["completion"], doubt)]
    data["status"] = data["status"].where(~doubt, DOUBTFUL)
    data["bar"] = data["completion"].clip(upper=150).where(~doubt, 0.0)
    order = data.sort_values(["theme_order", "order"])["label"].tolist()
    progress = data["time_progress"].dropna()
    present = [w for w in COMPLETION_COLOURS if w in set(data["status"])]
    data = _fields(data, "label", "shown", "status", "bar")
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=_label_limit(order, 240)))
    colours = alt.Scale(domain=present, range=[COMPLETION_COLOURS[w] for w in present])
    ticks = [0, 25, 50, 75, 100, 125, 150]
    bars = alt.Chart(data).mark_bar(height=14).encode(
        x=alt.X("bar:Q", title="完成年度目标（%）", scale=alt.Scale(domain=[0, 150]),
                axis=_axis(values=ticks, labelLimit=_label_limit([str(t) for t in ticks]))),
        y=y, color=alt.Color("status:N", scale=colours, title="完成情况", legend=_legend(present, "完成情况")),
        tooltip=[alt.Tooltip("label:N", title="指标"), alt.Tooltip("shown:N", title="完成")])
    text = alt.Chart(data).mark_text(align="left", dx=4, fontSize=10, color=INK).encode(
        x="bar:Q", y=y, text="shown:N")
    rules = [alt.Chart(pd.DataFrame({"x": [100]})).mark_rule(color=INK, strokeDash=[2, 2]).encode(x="x:Q")]
    if not progress.empty:
        p = float(progress.iloc[0])
        rules.append(alt.Chart(pd.DataFrame({"x": [p], "t": [f"时间进度 {format_percent(p, 1)}"]}))
                     .mark_rule(color=PRIMARY, strokeWidth=1.5).encode(x="x:Q"))
        rules.append(alt.Chart(pd.DataFrame({"x": [p], "t": [f"时间进度 {format_percent(p, 1)}"]}))
                     .mark_text(color=PRIMARY, align="left", dx=3, dy=-6, fontSize=10, baseline="bottom")
                     .encode(x="x:Q", y=alt.value(0), text="t:N"))
    chart = alt.layer(bars, text, *rules).properties(width=WIDTH - 220, height=max(len(data), 1) * 22)
    return _finish(chart, "年度目标完成情况", note)


def _padded_domain(values: pd.Series) -> list[float]:
    """The x domain of a diverging bar chart, with room beyond each bar end for its value label."""
    lo, hi = min(0.0, float(values.min())), max(0.0, float(values.max()))
    pad = max(hi - lo, 1.0) * 0.2
    left, right = lo - pad if lo < 0 else 0.0, hi + pad if hi > 0 else pad / 2
    return [math.floor(left * 10) / 10, math.ceil(right * 10) / 10]   # tenths: a spec a person can read


def _yoy_panel(frame: pd.DataFrame, title: str) -> alt.LayerChart:
    frame = frame.copy()
    doubt = _doubtful(frame)
    frame["label"] = frame["name"]
    frame["shown"] = frame["shown"].where(~doubt, 0.0)
    frame["better"] = [DOUBTFUL if d else _better(r) for d, (_, r) in zip(doubt, frame.iterrows())]
    frame["text"] = [DOUBTFUL if d else ("+" if round_half_up(v, 1) > 0 else "") + format_figure(v, "", 1, style="chart")
                     for v, d in zip(frame["shown"], doubt)]
    order = frame["label"].tolist()
    domain = _padded_domain(frame["shown"])
    words = [w for w in ("向好", "持平", "向差", DOUBTFUL) if w in set(frame["better"]) or w != DOUBTFUL]
    frame = _fields(frame, "label", "shown", "better", "text")
    base = alt.Chart(frame).encode(y=alt.Y("label:N", sort=order, title=None,
                                           axis=alt.Axis(labelPadding=6, labelLimit=_label_limit(order))))
    bars = base.mark_bar(height=12).encode(
        x=alt.X("shown:Q", title=title, scale=alt.Scale(domain=domain, nice=False),
                axis=_axis(labelLimit=_tick_limit([*frame["shown"], *domain]))),
        color=alt.Color("better:N", scale=alt.Scale(domain=words, range=[GOOD, NEUTRAL, BAD, "#e0e0e0"][:len(words)]),
                        title="变化方向", legend=_legend(words, "变化方向")))
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color=INK).encode(x="x:Q")
    labels = base.mark_text(fontSize=10, color=INK, dx=alt.ExprRef("datum.shown >= 0 ? 4 : -4"),
                            align=alt.ExprRef("datum.shown >= 0 ? 'left' : 'right'")).encode(
        x="shown:Q", text="text:N")
    return alt.layer(bars, zero, labels).properties(width=WIDTH - 240, height=len(frame) * 20)


def chart_yoy(metrics: pd.DataFrame, note: str = "", max_items: int = 16) -> alt.Chart | Html:
    """Diverging bars of year-over-year change for one region: percent for amounts,
    百分点 for rates (in a separate panel so the two scales never mix). A likely typo has no
    bar and the label 待核实. The x scale leaves room beyond each bar for its value."""
    data = metrics[metrics["tier"] <= 2].copy()
    data = data[data["change"].notna()]
    amounts = data[(data["kind"] != "rate") & data["change_pct"].notna()].copy()
    amounts = amounts.sort_values(["tier", "theme_order", "order"]).head(max_items)
    amounts["shown"] = amounts["change_pct"]
    rates = data[data["kind"] == "rate"].copy()
    rates["shown"] = rates["change"]
    panels = [_yoy_panel(frame, title) for frame, title in ((amounts, "同比增减（%）"), (rates, "同比增减（百分点）"))
              if not frame.empty]
    if not panels:
        return note_line("主要指标同比变化：没有可与上年比较的数字，不作图。")
    chart = alt.vconcat(*panels, spacing=18).resolve_scale(color="shared")
    return _finish(chart, "主要指标同比变化", note)


def _better(row: pd.Series) -> str:
    if row["yoy"] == "持平":
        return "持平"
    up = row["change"] > 0
    return "向好" if up == (row["direction"] == "higher") else "向差"


def chart_trend(series: pd.DataFrame, region: str, indicators: list[str], catalog: pd.DataFrame,
                note: str = "") -> alt.Chart | Html:
    """Multi-year trend of key indicators for one region, one small panel each."""
    data = series[(series["region"] == region) & series["indicator"].isin(indicators) & series["value"].notna()].copy()
    if data.empty:
        return note_line("主要指标近年走势：所列指标没有数字，不作图。")
    data["label"] = [_label(catalog.loc[i]) for i in data["indicator"]]
    data["year_text"] = data["year"].astype(str)
    order = [_label(catalog.loc[i]) for i in indicators if i in set(data["indicator"])]
    data = _fields(data, "label", "year_text", "value")
    y_fit = all(ticks_fit(v, min(AXIS_LABEL_LIMIT, NARROW_LABEL_LIMIT), zero=False)
                for _, v in data.groupby("label", sort=False)["value"])   # one y scale per panel
    base = alt.Chart(data).encode(x=alt.X("year_text:O", title=None, axis=alt.Axis(
        labelAngle=0, labelLimit=_label_limit(data["year_text"].unique()))))
    line = base.mark_line(color=GOOD, point=alt.OverlayMarkDef(color=GOOD, size=30)).encode(
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False),
                axis=_axis(labelLimit=0 if y_fit else alt.Undefined)))
    chart = (line.properties(width=150, height=110)
             .facet(facet=alt.Facet("label:N", sort=order, title=None, header=alt.Header(labelFontSize=11)),
                    columns=3)
             .resolve_scale(y="independent"))
    return _finish(chart, "主要指标近年走势", note)


def _calling_cell(indicator: str) -> str:
    """The line of the notebook cell being run that names ``indicator`` (for an error an editor can act on)."""
    try:
        from IPython import get_ipython
        shell = get_ipython()
        source = shell.user_ns.get("In", [""])[-1] if shell is not None else ""
    except Exception:  # noqa: BLE001 - outside a kernel there is no cell to name
        return ""
    lines = [line.strip() for line in str(source).splitlines() if indicator in line]
    return lines[0] if lines else ""


def check_indicator(indicator: str, catalog: pd.DataFrame, function: str = "chart_peers") -> None:
    """Raise ``ParameterError`` naming the notebook cell when ``indicator`` is not an id of the catalogue."""
    if indicator in catalog.index:
        return
    cell = _calling_cell(indicator)
    where = f"笔记本中调用 {function} 的单元格（{cell}）" if cell else f"笔记本中调用 {function} 的单元格"
    close = difflib.get_close_matches(str(indicator), [str(i) for i in catalog.index], n=3, cutoff=0.6)
    hint = f"是否想写 {'、'.join(close)}？" if close else ""
    raise ParameterError(f"指标编号“{indicator}”不在指标目录（indicators.csv 的 id 列）中。{hint}"
                         f"请改正{where}中的指标编号。")


def _siblings(region: str, regions: pd.DataFrame) -> pd.Index:
    parent, group = regions.at[region, "parent"], regions.at[region, "group"]
    if not parent:
        siblings = regions.index[regions["parent"] == region]  # a top-level region: show its children
        if siblings.empty:
            return siblings
        return siblings[regions.loc[siblings, "group"] == regions.loc[siblings, "group"].mode().iloc[0]]
    return regions.index[(regions["parent"] == parent) & (regions["group"] == group)]


def chart_peers(metrics: pd.DataFrame, region: str, indicator: str, regions: pd.DataFrame,
                note: str = "", catalog: pd.DataFrame | None = None) -> alt.Chart | Html:
    """One indicator across the region's siblings (same parent and group), the region highlighted.

    With ``catalog``, an id it does not hold is an error that names the notebook cell; an indicator
    without figures among the peers gives one line in the pack instead of a chart. A likely typo
    has no bar and the label 待核实.
    """
    if region not in regions.index:
        raise ParameterError(f"地区代码“{region}”不在 regions.csv 中。")
    if catalog is not None:
        check_indicator(indicator, catalog)
    siblings = _siblings(region, regions)
    data = metrics[metrics["region"].isin(siblings) & (metrics["indicator"] == indicator)].copy()
    data = data[data["value"].notna()]
    if data.empty or (len(data) == 1 and data["region"].iloc[0] == region):   # no bar to compare with: no chart
        named = metrics.loc[metrics["indicator"] == indicator, "name"]
        name = catalog.at[indicator, "name"] if catalog is not None else named.iloc[0] if len(named) else indicator
        return note_line(f"{name}：本期没有同级单位的数字，不作同级比较。")
    data["label"] = data["region"].map(regions["name"])
    data["self"] = data["region"] == region
    doubt = _doubtful(data)
    direction, name, unit = data["direction"].iloc[0], data["name"].iloc[0], data["unit"].iloc[0]
    decimals = int(data["decimals"].iloc[0])
    data["bar"] = data["value"].where(~doubt, 0.0)
    data = data.assign(_key=data["value"].where(~doubt)).sort_values("_key", ascending=direction == "lower",
                                                                      na_position="last")
    data["text"] = [DOUBTFUL if d else format_figure(v, unit, decimals, a, style="chart")
                    for v, a, d in zip(data["value"], data["approx"], doubt.loc[data.index])]
    y = alt.Y("label:N", sort=data["label"].tolist(), title=None,
              axis=_axis(labelLimit=_label_limit(data["label"])))
    data = _fields(data, "label", "bar", "self", "text").rename(columns={"bar": "value"})
    bars = alt.Chart(data).mark_bar(height=13).encode(
        x=alt.X("value:Q", title=f"{name}（{unit}）" if unit else name,
                axis=_axis(labelLimit=_tick_limit(data["value"]))),
        y=y, color=alt.condition("datum.self", alt.value(PRIMARY), alt.value(NEUTRAL)))
    text = alt.Chart(data).mark_text(align="left", dx=3, fontSize=10, color=INK).encode(x="value:Q", y=y, text="text:N")
    chart = alt.layer(bars, text).properties(width=WIDTH - 200, height=max(len(data), 1) * 20)
    top = not regions.at[region, "parent"]   # a top region compares its children of one group, not itself
    return _finish(chart, f"{name}：各{regions.at[siblings[0], 'group']}比较" if top else f"{name}：与同级比较", note)


def _heat_score(data: pd.DataFrame, met: pd.Series, doubt: pd.Series) -> pd.Series:
    """100 = on target: completion; against 时间进度 where paced; 90 for a miss, 100 for work on its way."""
    risk = data["at_risk"].fillna(False).astype(bool) if "at_risk" in data else pd.Series(False, index=data.index)
    on_way = data["status"].isin([STATUS["open"], STATUS["open_short"]]) & ~risk
    score = met.map({True: 100.0, False: 90.0}).astype(float)
    score = score.where(data["completion"].isna(), data["completion"])
    paced = data["time_progress"].notna() & data["completion"].notna()
    score = score.where(~paced, data["completion"] / data["time_progress"] * 100.0)
    return score.where(~(on_way | doubt), 100.0)


def chart_heat(metrics: pd.DataFrame, regions: pd.DataFrame, note: str = "") -> alt.Chart:
    """Completion heat-table for a meeting's index page: regions × targeted indicators.

    Absolute targets show the completion rate; "X%以上" thresholds show their state word
    (``compute.STATUS``). The colour compares a paced target with 时间进度, and leaves a target due at
    year end that is on its way (尚未完成/尚未达标, not at risk) uncoloured; a likely typo shows 待核实.
    """
    data = metrics[metrics["target"].notna() & metrics["value"].notna()].copy()
    data["label"] = data["region"].map(regions["name"])
    data["indicator_name"] = data["name"]
    met = data["met"].fillna(False).astype(bool)
    doubt = _doubtful(data)
    data["shown"] = [DOUBTFUL if d else (format_percent(c, 1) if pd.notna(c) else w)
                     for c, w, d in zip(data["completion"], data["status"], doubt)]
    data["score"] = _heat_score(data, met, doubt).clip(80, 120)
    region_order = regions.sort_values(["depth", "order"])["name"].tolist()
    ind_order = data.sort_values(["theme_order", "order"])["indicator_name"].unique().tolist()
    data = _fields(data, "label", "indicator_name", "score", "shown")
    base = alt.Chart(data).encode(
        x=alt.X("indicator_name:N", sort=ind_order, title=None,
                axis=alt.Axis(orient="top", labelAngle=-40, labelAlign="left", labelLimit=140)),
        y=alt.Y("label:N", sort=[r for r in region_order if r in set(data["label"])], title=None))
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("score:Q", title="完成年度目标（%）",
                        scale=alt.Scale(domain=[80, 100, 120], range=[BAD, "#f4f1ea", GOOD]),
                        legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=220)))
    text = base.mark_text(fontSize=9, color=INK).encode(text="shown:N")
    chart = alt.layer(cells, text).properties(width=alt.Step(44), height=alt.Step(20))
    return _finish(chart, "各地区年度目标完成情况", note)
