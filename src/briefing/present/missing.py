"""The pack of a region that reported nothing for the period, when the meeting file lists it under ``data_missing``.

Without that key such a region is an error for its own pack (``open_pack``): a normal pack would say
没有下达目标 and 无上年数据, both wrong. With it, the meeting still gets a pack for the region, and it
says 数据缺失 on its cover and in its first line, states no change, completion or rank, and lists
only what is true: the targets issued for the period and last period's figures. Pure: takes the
metrics frame and the regions, returns HTML; all text is escaped.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from ..formatting import format_date, format_value
from ..params import Meeting
from ..periods import period_label, same_day_last_year

MISSING_WORD = "数据缺失"


def period_names(year: int, as_of: pd.Timestamp) -> tuple[str, str]:
    """The period and the one it would be compared with, as a pack names them.

    >>> period_names(2025, pd.Timestamp("2025-12-31"))
    ('2025年', '2024年')
    >>> period_names(2026, pd.Timestamp("2026-06-30"))
    ('2026年1—6月', '2025年1—6月')
    """
    return period_label(year, as_of), period_label(year - 1, same_day_last_year(as_of))


def _table(rows: list[tuple[str, ...]], head: tuple[str, ...]) -> str:
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<div class="table-box"><table class="data"><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table></div>'


def missing_body(metrics: pd.DataFrame, regions: pd.DataFrame, code: str, meeting: Meeting, source: str) -> str:
    """The body of the 数据缺失 pack of region ``code``: cover, what is missing, targets, last period's figures."""
    mine = metrics[metrics["region"] == code].sort_values(["theme_order", "order"])
    as_of = pd.Timestamp(mine["as_of"].iloc[0]) if len(mine) else pd.Timestamp(f"{meeting.year}-12-31")
    period, last = period_names(meeting.year, as_of)
    union = regions.at[code, "union_name"] or regions.at[code, "name"]
    date = format_date(pd.Timestamp(meeting.meeting_date) if meeting.meeting_date else as_of)
    known = mine[mine["target"].notna() | mine["prev_value"].notna()]
    rows = [(r["name"], r["unit"],
             format_value(r["target"], r["unit"], int(r["decimals"])) + (r.get("target_bound") or "")
             if pd.notna(r["target"]) else "—",
             format_value(r["prev_value"], r["unit"], int(r["decimals"]), r.get("prev_approx") or "")
             if pd.notna(r["prev_value"]) else "—",
             (r.get("issuer") or "") if pd.notna(r["target"]) else "")
            for _, r in known.iterrows()]
    parts = [f"""<section class="cover" data-region="{escape(code)}">
<p class="secret-mark">内部资料 注意保存</p>
<p class="cover-meeting" id="meeting-name">{escape(meeting.name or '工会工作会议')}</p>
<h1 class="cover-title">{escape(union)}<br>{escape(period)}工作简报材料</h1>
<p class="cover-sub">{MISSING_WORD}：本期数字尚未报送</p>
<p class="cover-date">{escape(date)}</p>
</section>""",
             f'<h2 id="missing">一、{MISSING_WORD}</h2>',
             f'<p class="lead missing-lead"><strong>{MISSING_WORD}。</strong>截至本简报生成时，{escape(union)}'
             f"{escape(period)}的统计数字尚未报送，{len(mine)}项指标均无本期数字。本简报不作同比、目标完成和同级比较，"
             f"只列出已下达的{meeting.year}年目标和{escape(last)}数字，供会议参考；数字报齐后重新生成即为正式简报。</p>"]
    parts.append(f"<h2>二、已下达的{meeting.year}年目标和{escape(last)}数字</h2>"
                 + _table(rows, ("指标", "单位", f"{meeting.year}年目标", f"{last}数字", "下达单位")))
    parts.append(f'<div class="data-note"><ul><li>数据来源：{escape(source)}。</li>'
                 f"<li>会议文件将本单位列为“{MISSING_WORD}”：本期数字报齐后，从会议文件中删去后重新生成。</li>"
                 + ("<li>上级的合计不含本单位，上级的简报中已注明“汇总不全”。</li>" if regions.at[code, "parent"] else "")
                 + "</ul></div>")
    return "\n".join(parts)
