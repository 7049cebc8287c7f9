"""Altair charts of a pack, one function each, all sharing one restrained official-document theme.

Charts take metrics frames and return ``alt.Chart`` objects; they never change their
inputs. In a notebook they show as SVG (no JavaScript, no network), so the exported
HTML and PDF carry them as searchable vector text.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..errors import ParameterError
from ..formatting import format_figure, format_percent, round_half_up

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, SimHei, sans-serif"
INK = "#262626"
MUTED = "#8c8c8c"
PRIMARY = "#9e1b1b"    # 工会红, used sparingly: the region itself, the reference line
GOOD = "#3a6ea5"
WARN = "#c77c02"
BAD = "#b23b3b"
NEUTRAL = "#b8b8b8"
WIDTH = 560


def use_svg() -> None:
    """Show charts as inline SVG in notebooks: offline, and text stays text in HTML and PDF."""
    alt.renderers.enable("svg")


def _theme(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    # One configure() call: each configure_*() call copies the chart again.
    return chart.configure(
        font=FONT, background="white",
        view=alt.ViewConfig(stroke=None),
        axis=alt.AxisConfig(labelFont=FONT, titleFont=FONT, labelColor=INK, titleColor=INK, labelFontSize=11,
                            titleFontSize=11, gridColor="#ececec", domainColor=MUTED, tickColor=MUTED, labelLimit=220),
        legend=alt.LegendConfig(labelFont=FONT, titleFont=FONT, labelFontSize=11, titleFontSize=11, orient="bottom"),
        title=alt.TitleConfig(font=FONT, fontSize=14, color=INK, anchor="start", subtitleFont=FONT,
                              subtitleColor=MUTED, subtitleFontSize=10),
        header=alt.HeaderConfig(labelFont=FONT, titleFont=FONT, labelFontSize=11))


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


def chart_completion(metrics: pd.DataFrame, note: str = "") -> alt.Chart:
    """Completion of this year's absolute targets (one region), with the 100% line and,
    at a mid-year date, the time-elapsed line (时间进度).

    ``metrics`` is the region's rows of ``compute_metrics``.
    """
    data = metrics[metrics["completion"].notna()].copy()
    data["label"] = data["name"]
    data["shown"] = [format_percent(v, 1) for v in data["completion"]]
    data["status"] = [_completion_status(r) for _, r in data.iterrows()]
    data["bar"] = data["completion"].clip(upper=150)
    order = data.sort_values(["theme_order", "order"])["label"].tolist()
    progress = data["time_progress"].dropna()
    data = _fields(data, "label", "shown", "status", "bar")
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=240))
    colours = alt.Scale(domain=["超额完成", "已完成", "进度正常", "进度滞后", "尚未完成"],
                        range=[GOOD, "#6b8fb8", "#7fa37f", WARN, BAD])
    bars = alt.Chart(data).mark_bar(height=14).encode(
        x=alt.X("bar:Q", title="完成年度目标（%）", scale=alt.Scale(domain=[0, 150]),
                axis=alt.Axis(values=[0, 25, 50, 75, 100, 125, 150])),
        y=y, color=alt.Color("status:N", scale=colours, title="完成情况"),
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


def _completion_status(row: pd.Series) -> str:
    if row["pace"] == "滞后":
        return "进度滞后"
    if row["pace"] in ("同步", "超前"):
        return "进度正常"
    if row["met"] is True or row["met"] == True:  # noqa: E712 (pandas BooleanDtype)
        return "超额完成" if row["completion"] > 100 else "已完成"
    return "尚未完成"


def chart_yoy(metrics: pd.DataFrame, note: str = "", max_items: int = 16) -> alt.Chart:
    """Diverging bars of year-over-year change for one region: percent for amounts,
    百分点 for rates (in a separate panel so the two scales never mix)."""
    data = metrics[metrics["tier"] <= 2].copy()
    data = data[data["change"].notna()]
    amounts = data[(data["kind"] != "rate") & data["change_pct"].notna()].copy()
    amounts = amounts.sort_values(["tier", "theme_order", "order"]).head(max_items)
    amounts["shown"] = amounts["change_pct"]
    amounts["panel"] = "数量指标：同比增减（%）"
    rates = data[data["kind"] == "rate"].copy()
    rates["shown"] = rates["change"]
    rates["panel"] = "比率指标：同比增减（百分点）"
    panels = []
    for frame, title in ((amounts, "同比增减（%）"), (rates, "同比增减（百分点）")):
        if frame.empty:
            continue
        frame = frame.copy()
        frame["label"] = frame["name"]
        frame["better"] = [_better(r) for _, r in frame.iterrows()]
        frame["text"] = [("+" if round_half_up(v, 1) > 0 else "") + format_figure(v, "", 1, style="chart")
                         for v in frame["shown"]]
        order = frame["label"].tolist()
        frame = _fields(frame, "label", "shown", "better", "text")
        base = alt.Chart(frame).encode(y=alt.Y("label:N", sort=order, title=None))
        bars = base.mark_bar(height=12).encode(
            x=alt.X("shown:Q", title=title),
            color=alt.Color("better:N", scale=alt.Scale(domain=["向好", "持平", "向差"], range=[GOOD, NEUTRAL, BAD]),
                            title="变化方向"))
        zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color=INK).encode(x="x:Q")
        labels = base.mark_text(fontSize=10, color=INK, dx=alt.ExprRef("datum.shown >= 0 ? 4 : -4"),
                                align=alt.ExprRef("datum.shown >= 0 ? 'left' : 'right'")).encode(
            x="shown:Q", text="text:N")
        panels.append(alt.layer(bars, zero, labels).properties(width=WIDTH - 240, height=len(frame) * 20))
    if not panels:
        panels = [alt.Chart(pd.DataFrame({"t": ["无上年同期数据"]})).mark_text().encode(text="t:N")]
    chart = alt.vconcat(*panels, spacing=18).resolve_scale(color="shared")
    return _finish(chart, "主要指标同比变化", note)


def _better(row: pd.Series) -> str:
    if row["yoy"] == "持平":
        return "持平"
    up = row["change"] > 0
    return "向好" if up == (row["direction"] == "higher") else "向差"


def chart_trend(series: pd.DataFrame, region: str, indicators: list[str], catalog: pd.DataFrame,
                note: str = "") -> alt.Chart:
    """Multi-year trend of key indicators for one region, one small panel each."""
    data = series[(series["region"] == region) & series["indicator"].isin(indicators) & series["value"].notna()].copy()
    data["label"] = [_label(catalog.loc[i]) for i in data["indicator"]]
    data["year_text"] = data["year"].astype(str)
    order = [_label(catalog.loc[i]) for i in indicators if i in set(data["indicator"])]
    data = _fields(data, "label", "year_text", "value")
    base = alt.Chart(data).encode(x=alt.X("year_text:O", title=None, axis=alt.Axis(labelAngle=0)))
    line = base.mark_line(color=GOOD, point=alt.OverlayMarkDef(color=GOOD, size=30)).encode(
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)))
    chart = (line.properties(width=150, height=110)
             .facet(facet=alt.Facet("label:N", sort=order, title=None, header=alt.Header(labelFontSize=11)),
                    columns=3)
             .resolve_scale(y="independent"))
    return _finish(chart, "主要指标近年走势", note)


def chart_peers(metrics: pd.DataFrame, region: str, indicator: str, regions: pd.DataFrame,
                note: str = "") -> alt.Chart:
    """One indicator across the region's siblings (same parent and group), the region highlighted."""
    if region not in regions.index:
        raise ParameterError(f"地区代码“{region}”不在 regions.csv 中。")
    if indicator not in set(metrics["indicator"]):
        raise ParameterError(f"指标编号“{indicator}”不在指标目录（indicators.csv 的 id 列）中，请检查 chart_peers 的指标参数。")
    parent, group = regions.at[region, "parent"], regions.at[region, "group"]
    if not parent:
        siblings = regions.index[regions["parent"] == region]  # a top-level region: show its children
        siblings = siblings[regions.loc[siblings, "group"] == regions.loc[siblings, "group"].mode().iloc[0]]
    else:
        siblings = regions.index[(regions["parent"] == parent) & (regions["group"] == group)]
    data = metrics[metrics["region"].isin(siblings) & (metrics["indicator"] == indicator)].copy()
    data = data[data["value"].notna()]
    data["label"] = data["region"].map(regions["name"])
    data["self"] = data["region"] == region
    direction = data["direction"].iloc[0] if not data.empty else "higher"
    data = data.sort_values("value", ascending=direction == "lower")
    name = data["name"].iloc[0] if not data.empty else indicator
    unit = data["unit"].iloc[0] if not data.empty else ""
    decimals = int(data["decimals"].iloc[0]) if not data.empty else 0
    data["text"] = [format_figure(v, unit, decimals, a, style="chart") for v, a in zip(data["value"], data["approx"])]
    y = alt.Y("label:N", sort=data["label"].tolist(), title=None)
    data = _fields(data, "label", "value", "self", "text")
    bars = alt.Chart(data).mark_bar(height=13).encode(
        x=alt.X("value:Q", title=f"{name}（{unit}）" if unit else name),
        y=y, color=alt.condition("datum.self", alt.value(PRIMARY), alt.value(NEUTRAL)))
    text = alt.Chart(data).mark_text(align="left", dx=3, fontSize=10, color=INK).encode(x="value:Q", y=y, text="text:N")
    chart = alt.layer(bars, text).properties(width=WIDTH - 200, height=max(len(data), 1) * 20)
    return _finish(chart, f"{name}：与同级比较", note)


def chart_heat(metrics: pd.DataFrame, regions: pd.DataFrame, note: str = "") -> alt.Chart:
    """Completion heat-table for a meeting's index page: regions × targeted indicators.

    Absolute targets show the completion rate; "X%以上" thresholds show 达标/未达标.
    """
    data = metrics[metrics["target"].notna() & metrics["value"].notna()].copy()
    data["label"] = data["region"].map(regions["name"])
    data["indicator_name"] = data["name"]
    met = data["met"].fillna(False).astype(bool)
    data["shown"] = [format_percent(c, 0) if pd.notna(c) else ("达标" if m else "未达标")
                     for c, m in zip(data["completion"], met)]
    data["score"] = data["completion"].where(data["completion"].notna(), met.map({True: 100.0, False: 90.0}))
    data["score"] = data["score"].clip(80, 120)
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
