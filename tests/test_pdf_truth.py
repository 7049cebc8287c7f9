"""What a leader's PDF really shows: a page rasterised (pdftoppm) has ink on it; the text layer (pdftotext) holds every
indicator name of the pack's table, with no replacement characters and no Kangxi-radical look-alikes; every font is embedded.

Some PDF printers map Chinese characters to Kangxi radicals (⼯ for 工, ⽬ for 目): the page looks
right but searching it for 工会 or 目标 finds nothing. That is what the text checks catch.
"""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

# Characters that must never appear in a pack's text layer.
BAD = {
    "replacement character U+FFFD": re.compile("\ufffd"),
    "Kangxi radical U+2F00–U+2FDF": re.compile("[\u2f00-\u2fdf]"),
    "CJK radical supplement U+2E80–U+2EFF": re.compile("[\u2e80-\u2eff]"),
    "private-use character U+E000–U+F8FF": re.compile("[\ue000-\uf8ff]"),
}


def bad_characters(text: str) -> dict[str, list[str]]:
    return {label: sorted(set(rx.findall(text))) for label, rx in BAD.items() if rx.search(text)}


def test_the_character_check_catches_radical_look_alikes():
    assert bad_characters("⼯会 ⽬标 \ufffd") == {"replacement character U+FFFD": ["\ufffd"],
                                                 "Kangxi radical U+2F00–U+2FDF": ["⼯", "⽬"]}
    assert bad_characters("工会 目标完成 100%") == {}


class TableNames(HTMLParser):
    """The first cell of each data row of the pack's full indicator table (``table.full``), as text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.row, self.cell, self.names = 0, None, None, []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table":
            self.depth = self.depth + 1 if self.depth or "full" in classes else 0
        elif self.depth and tag == "tr":
            self.row = None if "theme-row" in classes else []
        elif self.depth and tag == "td" and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif tag == "td" and self.cell is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row:
            self.names.append(self.row[0])
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_names(html: str) -> list[str]:
    parser = TableNames()
    parser.feed(html)
    return parser.names


def test_table_names_are_read_from_the_full_table_only():
    html = ('<table class="data"><tr><td>别的表</td></tr></table><table class="data full"><thead><tr><th>指标</th></tr>'
            '</thead><tbody><tr class="theme-row"><td>组织建设</td></tr><tr><td>新建基层工会</td><td>12</td></tr>'
            '<tr><td>入会率&lt;%&gt;</td><td>95</td></tr></tbody></table>')
    assert table_names(html) == ["新建基层工会", "入会率<%>"]


def grey_page(pdf: Path, out: Path, page: int = 1) -> tuple[int, int, bytes]:
    """Rasterise one page to 8-bit grey (PGM) with pdftoppm; width, height and pixels."""
    subprocess.run(["pdftoppm", "-gray", "-r", "50", "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                    str(out)], check=True, capture_output=True)
    data = out.with_suffix(".pgm").read_bytes()
    magic, width, height, maxval, pixels = re.match(rb"(P5)\s+(\d+)\s+(\d+)\s+(\d+)\s(.*)", data, re.S).groups()
    assert maxval == b"255"
    return int(width), int(height), pixels


@pytest.mark.slow
def test_pdf_page_has_ink_and_its_text_holds_every_indicator_name(sample_pack, tmp_path):
    pdf = sample_pack / "briefing.pdf"
    width, height, pixels = grey_page(pdf, tmp_path / "page1")
    assert 1.3 < height / width < 1.5  # A4 portrait
    ink = sum(1 for b in pixels if b < 128) / len(pixels)
    assert ink > 0.002, "the first page rasterises blank"
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                                                                  check=True).stdout).group(1))
    _, _, last = grey_page(pdf, tmp_path / "last", pages)
    # the last page may hold only the data note, set in muted grey (#6f6f6f): anti-aliased at 50 dpi its
    # text never falls below 128, so "ink" there is anything clearly darker than the white page
    assert sum(1 for b in last if b < 192) > 0, "the last page rasterises blank"

    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert bad_characters(text) == {}
    names = table_names((sample_pack / "briefing.html").read_text(encoding="utf-8"))
    assert len(names) >= 10
    flat = re.sub(r"\s+", "", text)  # table cells wrap across lines in the text layer
    missing = [n for n in names if re.sub(r"\s+", "", n) not in flat]
    assert missing == []
    assert "工会" in text and "目标" in text  # the two words radical look-alikes break most often

    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # every font embedded
