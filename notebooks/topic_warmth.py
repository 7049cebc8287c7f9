# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,jupytext
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# <!-- 主题：帮扶与送温暖专题会议。结构：一、工作概况 → 二、目标完成情况 → 三、近年走势和同级比较 → 存在的问题 → 附表。换一个专题：只改下面 topic 一行（主题名见 data/sample/indicators.csv 的 theme 列）和同级比较图中的指标编号。编辑说明见 docs/编辑指南.md；本单元格不会出现在简报中。 -->

# %% tags=["parameters"]
region: str = "示例市"  # 地区名称或代码，与 regions.csv 一致，如 示例市、城关区
year: int = 2025  # 年度，如 2025
meeting: str = "示例市总工会帮扶与送温暖工作专题会议"  # 会议名称，显示在封面和页眉
meeting_date: str = "2026-01-15"  # 会议日期，YYYY-MM-DD
as_of: str = ""  # 数据截止日期，YYYY-MM-DD；留空表示全年（12月31日）
data_dir: str = "data/sample"  # 数据目录，相对于项目根目录

# %%
import briefing

pack = briefing.open_pack(briefing.read_parameters(globals()))
topic = "帮扶与送温暖"  # 专题：indicators.csv 中 theme 列的一个主题名
briefing.show_cover(pack)

# %% [markdown]
# ## 一、工作概况

# %%
briefing.show_topic_overview(pack, topic)

# %% [markdown]
# ## 二、目标完成情况

# %%
briefing.chart_completion(briefing.topic_metrics(pack, topic), note=pack.note)

# %%
briefing.show_remaining(pack, topic)

# %% [markdown]
# ## 三、近年走势和同级比较

# %%
briefing.chart_trend(pack.series, pack.region, briefing.topic_indicators(pack, topic), pack.dataset.catalog, note=pack.note)

# %%
briefing.chart_yoy(briefing.topic_metrics(pack, topic), note=pack.note)

# %%
briefing.chart_peers(pack.metrics, pack.region, "warmth_funds", pack.dataset.regions, note=pack.note,
                    catalog=pack.dataset.catalog)

# %%
briefing.chart_peers(pack.metrics, pack.region, "visited_households", pack.dataset.regions, note=pack.note,
                    catalog=pack.dataset.catalog)

# %% [markdown]
# ## 存在的问题和不足

# %%
briefing.show_topic_problems(pack, topic)

# %% [markdown]
# ## 附表：专题指标近年情况

# %%
briefing.show_topic_table(pack, topic)

# %% [markdown]
# ## 数据说明

# %%
briefing.show_data_note(pack)
