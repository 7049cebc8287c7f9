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
# <!-- 主题：年度工作会议（全委会）。结构：一、上年工作回顾 → 存在的问题和不足 → 二、新一年总体要求和主要任务。编辑说明见 docs/编辑指南.md；本单元格不会出现在简报中。 -->

# %% tags=["parameters"]
region: str = "示例市"  # 地区名称或代码，与 regions.csv 一致，如 示例市、城关区
year: int = 2025  # 回顾的年度，如 2025
meeting: str = "示例市总工会十五届五次全委（扩大）会议"  # 会议名称，显示在封面和页眉
meeting_date: str = "2026-01-20"  # 会议日期，YYYY-MM-DD
as_of: str = ""  # 数据截止日期，YYYY-MM-DD；留空表示全年（12月31日）
data_dir: str = "data/sample"  # 数据目录，相对于项目根目录

# %%
import briefing

pack = briefing.open_pack(briefing.read_parameters(globals()))
briefing.show_cover(pack)

# %% [markdown]
# ## 一、上年工作回顾

# %%
briefing.show_headlines(pack)

# %%
briefing.show_narrative(pack)

# %%
briefing.chart_completion(pack.region_metrics, note=pack.note)

# %%
briefing.chart_yoy(pack.region_metrics, note=pack.note)

# %%
briefing.chart_trend(pack.series, pack.region, pack.key_indicators, pack.dataset.catalog, note=pack.note)

# %%
briefing.chart_peers(pack.metrics, pack.region, "new_members", pack.dataset.regions, note=pack.note,
                    catalog=pack.dataset.catalog)

# %% [markdown]
# ## 存在的问题和不足

# %%
briefing.show_problems(pack)

# %% [markdown]
# ## 二、新一年总体要求和主要任务

# %%
briefing.show_next_year_tasks(pack)

# %%
briefing.show_next_targets(pack)

# %% [markdown]
# ## 附表：主要指标完成情况

# %%
briefing.show_table(pack)

# %% [markdown]
# ## 数据说明

# %%
briefing.show_data_note(pack)
