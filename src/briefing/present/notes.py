"""The analysts' own words: Markdown notes beside a meeting file, checked, shown as a safe subset, placed under the pack's headings.

A meeting ``params/<meeting>.yaml`` may have a folder ``params/<meeting>/notes/`` holding
``<地区名称>.md`` (or ``<地区代码>.md``) for one region's pack and ``_all.md`` for every pack.
A note has sections under the headings 典型经验, 存在的问题 and 下一步工作 (``#`` or ``##``);
each section goes under the pack's matching heading: 典型经验 under the work review
(一、上年工作回顾 / 一、今年以来的主要工作 / 一、工作概况), 存在的问题 under 存在的问题和不足, 下一步工作
under the next period's work (二、下半年工作安排 / 二、新一年总体要求和主要任务).

Markdown is read by markdown-it-py with only paragraphs, lists, bold/italic, tables and
sub-headings switched on: raw HTML, links, images, code and every other construct stay as
plain text, so nothing in a note can run, fetch or link outside the pack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

from .. import config
from ..errors import ParameterError

ALL_FILE = "_all.md"
# note heading → (other ways of writing it, words of the pack headings it goes under)
HEADINGS = {
    "典型经验": (("典型经验", "经验做法", "典型做法"), ("工作回顾", "主要工作", "工作概况")),
    "存在的问题": (("存在的问题", "存在的问题和不足", "问题和不足"), ("存在的问题",)),
    "下一步工作": (("下一步工作", "下一步工作安排", "下一步打算"), ("工作安排", "主要任务", "下一步")),
}
TITLES = {"典型经验": "典型经验", "存在的问题": "需要关注的问题", "下一步工作": "下一步工作"}
ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "table", "thead", "tbody", "tr", "th", "td", "h4", "br"}
_TAG = re.compile(r"</?([a-zA-Z0-9]+)([^>]*)>")
_ALIGN = re.compile(r'^ style="text-align:(left|center|right)"$')


@dataclass(frozen=True)
class NoteSection:
    """One section of one note file: its heading (one of ``HEADINGS``), safe HTML, where it came from."""

    heading: str
    html: str
    file: str       # as shown to people (relative to the project)
    line: int       # line of its heading, 1-based


def _parser():
    from markdown_it import MarkdownIt
    md = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False})
    md.enable(["heading", "list", "table", "emphasis", "newline", "escape"])   # and nothing else
    md.validateLink = lambda url: False   # belt and braces: no link survives even if a rule came back
    return md


def _heading_key(text: str) -> str | None:
    text = re.sub(r"^[一二三四五六七八九十]+、|[：:\s]+$", "", text.strip())
    for key, (names, _) in HEADINGS.items():
        if text in names:
            return key
    return None


def _safe(html: str, shown: str, line: int) -> str:
    """Refuse any tag outside the subset (markdown-it with these rules makes none; a check, not a filter)."""
    for tag, attrs in _TAG.findall(html):
        if tag.lower() not in ALLOWED_TAGS or (attrs and not _ALIGN.match(attrs)):
            raise ParameterError(f"{shown} 第{line}行附近：内容中出现了不允许的格式 <{escape(tag)}>。")
    return html


def parse_note(text: str, shown: str) -> list[NoteSection]:
    """The sections of one note file; text before the first heading or an unknown heading is an error
    naming the file and line.

    >>> [s.heading for s in parse_note("## 典型经验\\n城关区**率先**实现全覆盖。\\n", "x.md")]
    ['典型经验']
    """
    md = _parser()
    tokens = md.parse(text)
    sections: list[tuple[str, int, list]] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        line = (tok.map[0] + 1) if tok.map else 1
        if tok.type == "heading_open" and tok.tag in ("h1", "h2"):
            title = tokens[i + 1].content
            key = _heading_key(title)
            if key is None:
                names = "、".join(HEADINGS)
                raise ParameterError(f"{shown} 第{line}行：标题“{title}”不是可用的标题。可用的标题：{names}"
                                     "（写成 ## 典型经验）。")
            sections.append((key, line, []))
            i += 3
            continue
        if not sections:
            if tok.type.endswith("_open") or tok.type == "inline":
                raise ParameterError(f"{shown} 第{line}行：第一个标题之前有文字。请把文字放在"
                                     f"“## {'”“## '.join(HEADINGS)}”等标题之下。")
            i += 1
            continue
        if tok.type in ("heading_open", "heading_close"):
            tok.tag = "h4"
        sections[-1][2].append(tok)
        i += 1
    out = []
    for key, line, toks in sections:
        html = md.renderer.render(toks, md.options, {}) if toks else ""
        out.append(NoteSection(key, _safe(html, shown, line), shown, line))
    return out


def load_notes(folder: str | Path, known: dict[str, str]) -> dict[str, list[NoteSection]]:
    """Every note of a meeting: ``{"_all": [...], region code: [...]}``; ``{}`` when there is no notes folder.

    ``known`` maps every region name and code to its code; a file for a region not in it is an error.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return {}
    notes: dict[str, list[NoteSection]] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        shown = config.display_path(path)
        if path.suffix.lower() != ".md":
            raise ParameterError(f"{shown}：备注文件夹中只能放 .md 文件（<地区名称>.md 或 {ALL_FILE}）。")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise ParameterError(f"{shown} 第1行：不是 UTF-8 编码。请在编辑器中另存为 UTF-8 后重试。") from None
        if path.name == ALL_FILE:
            key = "_all"
        elif path.stem in known:
            key = known[path.stem]
        else:
            raise ParameterError(f"{shown} 第1行：没有名为“{path.stem}”的地区。文件名应为 regions.csv 中的地区名称"
                                 f"或代码（如 城关区.md），全部简报共用的写在 {ALL_FILE}。")
        notes.setdefault(key, []).extend(parse_note(text, shown))
    return notes


def theme_headings(notebook: str | Path) -> list[str]:
    """The section headings (``## …``) of a theme notebook, in order, read without running it."""
    import nbformat
    nb = nbformat.read(str(notebook), as_version=4)
    out = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            out += [m.strip() for m in re.findall(r"^##\s+(.+?)\s*#*\s*$", cell.source, flags=re.M)]
    return out


def place_of(key: str, headings: list[str]) -> str | None:
    """The first pack heading a note section goes under, or None."""
    words = HEADINGS[key][1]
    return next((h for h in headings if any(w in h for w in words)), None)


def check_places(notes: dict[str, list[NoteSection]], headings: list[str], theme: str) -> None:
    """Every note section has a heading in the theme to go under; else an error naming the file and line."""
    for sections in notes.values():
        for s in sections:
            if place_of(s.heading, headings) is None:
                raise ParameterError(f"{s.file} 第{s.line}行：主题 {theme} 中没有“{s.heading}”可以放的位置"
                                     f"（该主题的章节：{'、'.join(headings) or '无'}）。请删去这一节，"
                                     "或改用该主题有的标题。")


def notes_blocks(notes: dict[str, list[NoteSection]], region: str) -> dict[str, str]:
    """One region's notes as HTML blocks, one per heading: ``_all.md`` first, then the region's own file."""
    blocks: dict[str, list[str]] = {}
    for s in [*notes.get("_all", []), *notes.get(region, [])]:
        blocks.setdefault(s.heading, []).append(s.html)
    return {key: (f'<section class="notes" data-note="{escape(key)}"><h3>{escape(TITLES[key])}</h3>'
                  + "".join(parts) + "</section>") for key, parts in blocks.items()}


_H2 = re.compile(r'<h2 id="sec-\d+">(.*?)</h2>', re.S)
_TEXT = re.compile(r"<[^>]+>")


def place_notes(html: str, blocks: dict[str, str]) -> str:
    """The pack HTML with each block at the end of the section it belongs under (before the next heading)."""
    if not blocks:
        return html
    heads = [(m.start(), _TEXT.sub("", m.group(1)).strip()) for m in _H2.finditer(html)]
    inserts = []
    for key, block in blocks.items():
        title = place_of(key, [t for _, t in heads])
        if title is None:
            continue   # checked before rendering (check_places); a theme changed since is not a crash
        n = [t for _, t in heads].index(title)
        if n + 1 < len(heads):
            at = html.rfind('<div class="md">', 0, heads[n + 1][0])
        else:
            at = html.rfind("</main>")
        inserts.append((at if at >= 0 else len(html), block))
    for at, block in sorted(inserts, key=lambda x: -x[0]):
        html = html[:at] + block + html[at:]
    return html
