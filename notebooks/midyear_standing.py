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
# <!-- 主题：年中常委（扩大）会议。结构：一、今年以来的主要工作（按主题，对照时间进度）→ 存在的问题和不足 → 二、下半年工作安排（完成全年目标还需做多少）。编辑说明见 docs/编辑指南.md；本单元格不会出现在简报中。 -->

# %% tags=["parameters"]
region: str = "示例市"  # 地区名称或代码，与 regions.csv 一致，如 示例市、城关区
year: int = 2026  # 本年度，如 2026
meeting: str = "示例市总工会十五届六次常委（扩大）会议"  # 会议名称，显示在封面和页眉
meeting_date: str = "2026-07-20"  # 会议日期，YYYY-MM-DD
as_of: str = "2026-06-30"  # 数据截止日期，YYYY-MM-DD；年中会议一般为 6月30日
data_dir: str = "data/sample"  # 数据目录，相对于项目根目录

# %%
import briefing

pack = briefing.open_pack(briefing.read_parameters(globals()))
briefing.show_cover(pack)

# %% [markdown]
# ## 一、今年以来的主要工作

# %%
briefing.show_headlines(pack)

# %% [markdown]
# ### 时间过半、任务过半

# %%
briefing.show_pacing(pack)

# %%
briefing.chart_completion(pack.region_metrics, note=pack.note)

# %% [markdown]
# ### 分项工作情况

# %%
briefing.show_narrative(pack)

# %%
briefing.chart_yoy(pack.region_metrics, note=pack.note)

# %%
briefing.chart_peers(pack.metrics, pack.region, "new_members", pack.dataset.regions, note=pack.note,
                    catalog=pack.dataset.catalog)

# %% [markdown]
# ## 存在的问题和不足

# %%
briefing.show_problems(pack)

# %% [markdown]
# ## 二、下半年工作安排

# %%
briefing.show_remaining(pack)

# %% [markdown]
# ## 附表：主要指标完成情况

# %%
briefing.show_table(pack)

# %% [markdown]
# ## 数据说明

# %%
briefing.show_data_note(pack)
