"""The HTML block a pack shows in a notebook output, and the one-line note that stands in for an empty chart or section."""

from __future__ import annotations

from html import escape


class Html:
    """An HTML block for a notebook output (and a plain-text fallback)."""

    def __init__(self, markup: str, text: str = ""):
        self.markup, self.text = markup, text

    def _repr_html_(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return self.text or "<HTML>"


def note_line(text: str) -> Html:
    """One muted line in the pack, where a chart or section has nothing to show.

    >>> note_line("本期没有<数字>。").markup
    '<p class="muted empty-note">本期没有&lt;数字&gt;。</p>'
    """
    return Html(f'<p class="muted empty-note">{escape(text)}</p>', text)


def header_cell(text: str) -> str:
    """A table header: kept on one line, except a period ("2026年1—6月"), which may break after 年 only.

    >>> header_cell("单位"), header_cell("2026年1—6月")
    ('<th>单位</th>', '<th class="period"><span class="nw">2026年</span><span class="nw">1—6月</span></th>')
    """
    head, sep, tail = text.partition("年")
    if sep and head.isdigit() and tail:
        return f'<th class="period"><span class="nw">{escape(head + sep)}</span><span class="nw">{escape(tail)}</span></th>'
    return f"<th>{escape(text)}</th>"


class Raw(str):
    """Cell markup already escaped (built by ``parts``), put in a table as it is."""


def parts(*texts: str) -> Raw:
    """Texts that each stay on one line, with a line break allowed only between them.

    >>> parts("51.4%", "（进度正常）")
    '<span class="nw">51.4%</span><span class="nw">（进度正常）</span>'
    """
    return Raw("".join(f'<span class="nw">{escape(t)}</span>' for t in texts if t))


def cell(value) -> str:
    """A table cell: text escaped, ``Raw`` markup as it is; a ``Raw`` cell may wrap between its parts."""
    if isinstance(value, Raw):
        return f'<td class="parts">{value}</td>'
    return f"<td>{escape(str(value))}</td>"
