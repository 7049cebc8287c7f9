"""Word (.docx) copy of a pack: one module per part of the document (styles and page, blocks, tables, figures).

``html_to_docx`` rebuilds the exported pack HTML as an editable, 公文-style document.
"""

from __future__ import annotations

import io

import lxml.html

from .document import Writer
from .styles import with_font_table


def html_to_docx(html: str) -> bytes:
    """The .docx bytes of a pack, from the pack HTML that ``export_html`` returns.

    Pure: HTML text in, document bytes out; nothing is read from or written to disk.

    >>> from docx import Document
    >>> data = html_to_docx('<main class="pack"><div class="md"><h2 id="sec-1">一、主要指标</h2></div>'
    ...                     '<div class="narrative"><p>全区新建基层工会68家。</p></div></main>')
    >>> [(p.style.name, p.text) for p in Document(io.BytesIO(data)).paragraphs]
    [('Heading 1', '一、主要指标'), ('Body Text', '全区新建基层工会68家。')]
    """
    root = lxml.html.document_fromstring(html)
    writer = Writer(root)
    main = root.find(".//main") if root.find(".//main") is not None else root.find("body")
    writer.blocks(main if main is not None else root, "body")
    out = io.BytesIO()
    writer.doc.save(out)
    return with_font_table(out.getvalue())

