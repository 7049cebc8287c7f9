"""The analysts' notes: a safe Markdown subset, errors with file and line, placement under the pack's headings, fingerprint."""

from __future__ import annotations

import dataclasses
import re

import pytest

from briefing.compute import compute_metrics
from briefing.data import load_dataset
from briefing.errors import ParameterError
from briefing.export import additions
from briefing.params import load_meeting
from briefing.present.notes import (check_places, load_notes, notes_blocks, parse_note, place_notes,
                                    theme_headings)

HOSTILE = """## 典型经验
开头<script>alert(1)</script>结尾，<img src=x onerror=alert(2)>，<a href="http://evil.example">点我</a>。

- [外部链接](http://evil.example/x) 与 ![图](http://evil.example/x.png) 与 <http://evil.example>
- `code` 与 javascript:alert(3) 与 &lt;b&gt;

    缩进的代码

```
围栏代码
```
> 引用
[ref]: http://evil.example
<iframe src="http://evil.example"></iframe>
"""


def test_hostile_markdown_shows_as_text_never_as_markup():
    [section] = parse_note(HOSTILE, "notes/城关区.md")
    html = section.html
    assert set(re.findall(r"</?([a-z0-9]+)", html)) <= {"p", "ul", "li"}
    assert all(re.fullmatch(r"</?[a-z0-9]+>", tag) for tag in re.findall(r"<[^>]*>", html))  # no attributes at all
    assert "<script" not in html and "<a " not in html and "<img" not in html
    for text in ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(2)&gt;",
                 "[外部链接](http://evil.example/x)", "&lt;iframe", "javascript:alert(3)", "&amp;lt;b&amp;gt;"):
        assert text in html


def test_the_subset_keeps_paragraphs_lists_bold_and_tables():
    note = "# 典型经验\n一是**率先**建会。\n\n1. 甲\n2. 乙\n\n| 做法 | 成效 |\n|:--|--:|\n| 联合工会 | 12家 |\n\n### 小标题\n正文\n"
    [s] = parse_note(note, "n.md")
    assert "<strong>率先</strong>" in s.html and "<ol>" in s.html and "<table>" in s.html
    assert '<td style="text-align:right">12家</td>' in s.html and "<h4>小标题</h4>" in s.html
    assert s.heading == "典型经验" and s.line == 1


@pytest.mark.parametrize("text, line, words", [
    ("前言一段\n\n## 典型经验\n正文\n", 1, "第一个标题之前有文字"),
    ("## 典型经验\n正文\n\n## 亮点工作\n正文\n", 4, "标题“亮点工作”不是可用的标题"),
])
def test_a_bad_note_names_its_file_and_line(text, line, words):
    with pytest.raises(ParameterError, match=rf"notes/x\.md 第{line}行：.*{words}"):
        parse_note(text, "notes/x.md")


def test_headings_are_recognised_as_a_report_writes_them():
    text = "## 一、典型经验\n甲\n\n## 存在的问题和不足\n乙\n\n## 下一步工作安排：\n丙\n"
    assert [s.heading for s in parse_note(text, "n.md")] == ["典型经验", "存在的问题", "下一步工作"]


def test_a_note_for_a_region_that_does_not_exist_is_an_error(tmp_path):
    (tmp_path / "东城区.md").write_text("## 典型经验\n甲\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"东城区\.md 第1行：没有名为“东城区”的地区"):
        load_notes(tmp_path, {"城关区": "SL01", "SL01": "SL01"})


def test_notes_are_read_by_name_or_code_and_all_comes_first(tmp_path):
    (tmp_path / "_all.md").write_text("## 下一步工作\n共同要求。\n", encoding="utf-8")
    (tmp_path / "SL01.md").write_text("## 下一步工作\n城关区要求。\n\n## 典型经验\n经验。\n", encoding="utf-8")
    notes = load_notes(tmp_path, {"城关区": "SL01", "SL01": "SL01", "新华区": "SL02", "SL02": "SL02"})
    blocks = notes_blocks(notes, "SL01")
    assert blocks["下一步工作"].index("共同要求") < blocks["下一步工作"].index("城关区要求")
    assert list(notes_blocks(notes, "SL02")) == ["下一步工作"]


def test_a_heading_the_theme_has_no_place_for_is_an_error_naming_file_and_line(tmp_path):
    (tmp_path / "_all.md").write_text("## 典型经验\n甲\n\n## 下一步工作\n乙\n", encoding="utf-8")
    notes = load_notes(tmp_path, {})
    check_places(notes, theme_headings("notebooks/annual_plenary.ipynb"), "annual_plenary")
    with pytest.raises(ParameterError, match=r"_all\.md 第4行：主题 topic_warmth 中没有“下一步工作”可以放的位置"):
        check_places(notes, theme_headings("notebooks/topic_warmth.ipynb"), "topic_warmth")


PAGE = ('<main class="pack"><div class="md"><h2 id="sec-1">一、上年工作回顾</h2></div><div class="cell">回顾</div>'
        '<div class="md"><h2 id="sec-2">存在的问题和不足</h2></div><div class="cell">问题</div>'
        '<div class="md"><h2 id="sec-3">二、新一年总体要求和主要任务</h2></div><div class="cell">任务</div>'
        '<div class="md"><h2 id="sec-4">数据说明</h2></div></main>')


def test_each_section_goes_at_the_end_of_its_heading_and_nothing_else_moves():
    blocks = {"典型经验": "[经验]", "存在的问题": "[问题]", "下一步工作": "[任务]"}
    out = place_notes(PAGE, blocks)
    assert out.index("回顾") < out.index("[经验]") < out.index("sec-2")
    assert out.index("问题</div>") < out.index("[问题]") < out.index("sec-3")
    assert out.index("任务</div>") < out.index("[任务]") < out.index("sec-4")
    assert re.sub(r"\[..\]", "", out) == PAGE
    assert place_notes(PAGE, {}) is PAGE


def test_notes_change_the_packs_input_fingerprint_and_only_for_their_region(tmp_path):
    meeting = dataclasses.replace(load_meeting("params/sample-annual-2025.yaml"), notes_dir=str(tmp_path))
    ds = load_dataset("data/sample")
    metrics = compute_metrics(ds, 2025)
    assert additions.prepare(meeting, ds, metrics).fingerprint("SL01") == ""
    (tmp_path / "城关区.md").write_text("## 典型经验\n甲\n", encoding="utf-8")
    first = additions.prepare(meeting, ds, metrics)
    assert first.fingerprint("SL01") and first.fingerprint("SL02") == ""
    (tmp_path / "城关区.md").write_text("## 典型经验\n乙\n", encoding="utf-8")
    assert additions.prepare(meeting, ds, metrics).fingerprint("SL01") != first.fingerprint("SL01")
    from briefing.batch import _inputs_fingerprint
    assert _inputs_fingerprint(meeting, "城关区", ds.fingerprint, "a") != _inputs_fingerprint(meeting, "城关区",
                                                                                              ds.fingerprint, "b")
