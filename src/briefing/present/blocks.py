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
