"""The meeting book (会议材料汇编): every pack's PDF bound into one, with a cover, a master contents and bookmarks.

Built from the packs' own PDFs with pypdf, never by laying the packs out again: the book's
own pages (cover and contents) are printed by WeasyPrint, then each pack's pages are
appended in the meeting's order, every page after the cover is stamped with the book's
continuous page number "— N —" (bottom right; each pack keeps its own at the bottom centre), and
the bookmarks go per region and, from each pack's own outline, per section.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
from html import escape
from pathlib import Path

from .. import config
from ..params import Meeting
from .files import safe_name, write_atomic

FINGERPRINT = ".book.sha256"
MAX_PACKS = 150   # a printed 汇编 beyond this (some 1,600 pages) is not a book anyone binds; the index still links every pack
GROUP_TITLES = {"市": "市总工会", "县(市)区": "县(市)区总工会", "产业工会": "产业工会"}


@dataclasses.dataclass
class BookEntry:
    name: str                 # region name (bookmark)
    title: str                # union name (contents)
    group: str
    pdf: Path | None          # None: the pack has no PDF (failed or not rendered)
    mark: str = ""            # e.g. 第2版（…修订）


@dataclasses.dataclass
class PackPages:
    entry: BookEntry
    reader: object
    pages: int
    sections: list            # (title, page index within the pack)


def pack_sections(reader) -> list[tuple[str, int]]:
    """A pack's sections from its own outline (WeasyPrint makes one from its headings): the level under the
    pack's title (一、…, 存在的问题和不足, …), without the contents page."""
    found: list[tuple[int, str, int]] = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    if not found:
        return []
    roots = [f for f in found if f[0] == 0]
    level = 1 if len(roots) == 1 and any(f[0] == 1 for f in found) else 0
    return [(t, p) for d, t, p in found if d == level and t.strip() != "目录"]


def _front_html(meeting, entries: list[BookEntry], starts: dict[int, int], sample: bool, date: str) -> str:
    from .bulletin import meeting_css
    from .html import pack_css
    y, m, d = (int(x) for x in date.split("-"))
    groups: dict[str, list[str]] = {}
    for n, e in enumerate(entries):
        page = starts.get(n)
        mark = f'<span class="mark">{escape(e.mark)}</span>' if e.mark else ""
        shown = str(page) if page else "未编入"
        groups.setdefault(e.group, []).append(
            f'<li><span class="name">{escape(e.title)}</span>{mark}<span class="page">{shown}</span></li>')
    contents = "".join(f"<h3>{escape(GROUP_TITLES.get(g, g))}</h3><ol>{''.join(items)}</ol>" for g, items in groups.items())
    sample_mark = '<p class="sample-mark">示例数据 · 数字均为虚构</p>' if sample else ""
    count = sum(1 for e in entries if e.pdf)
    return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(meeting.name)} · 会议材料汇编</title>
<style>{pack_css()}
{meeting_css()}
@page {{ @bottom-center {{ content: none; }} @top-center {{ content: none; }} }}</style></head><body><main class="pack">
<section class="book-cover"><p class="secret-mark">内部资料 注意保存</p><p class="meeting">{escape(meeting.name)}</p>
<h1>会议材料汇编</h1><p>各地区工作简报材料，共{count}份</p>{sample_mark}
<p class="date">{y}年{m}月{d}日</p></section>
<section class="book-contents"><h2>目录</h2>{contents}</section></main></body></html>"""


def _print(html: str):
    from weasyprint import HTML
    from pypdf import PdfReader
    return PdfReader(io.BytesIO(HTML(string=html, base_url=str(config.project_root())).write_pdf()))


def _count_pages(html: str) -> int:
    """Pages the book's own part takes, laid out but not written (writing embeds the fonts: the slow half)."""
    from weasyprint import HTML
    return len(HTML(string=html, base_url=str(config.project_root())).render().pages)


# Helvetica widths (1/1000 em) of what a page number uses: the standard font every PDF reader has, so the
# stamp needs no embedded font and no layout (printing 190 number-only pages with WeasyPrint took 28 s).
_WIDTHS = {**{str(d): 556 for d in range(10)}, " ": 278, "\u2014": 1000}


def stamp_page_number(writer, page, number: int) -> None:
    """Print the book's page number "— N —" at the bottom right of ``page`` (a page of ``writer``), on top of
    whatever the page draws, without touching the page's own content: its streams are wrapped in q … Q and
    one small stream is added after them."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject
    text = f"\u2014 {number} \u2014"
    width = 9 * sum(_WIDTHS[c] for c in text) / 1000
    box = page.mediabox
    x, y = float(box.right) - 51 - width, float(box.bottom) + 30   # 18 mm from the right edge, as the packs' margin
    font = getattr(writer, "_book_page_font", None)
    if font is None:   # one font object for the whole book
        font = writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"), NameObject("/Encoding"): NameObject("/WinAnsiEncoding")}))
        writer._book_page_font = font
    resources = DictionaryObject(page["/Resources"].get_object()) if "/Resources" in page else DictionaryObject()
    fonts = DictionaryObject(resources["/Font"].get_object()) if "/Font" in resources else DictionaryObject()
    fonts[NameObject("/BookPageNo")] = font
    resources[NameObject("/Font")] = fonts
    page[NameObject("/Resources")] = resources   # a copy: pages sharing resources are not changed

    def stream(data: bytes):
        s = DecodedStreamObject()
        s.set_data(data)
        return writer._add_object(s)

    contents = page.get("/Contents")
    contents = contents.get_object() if contents is not None else ArrayObject()
    own = list(contents) if isinstance(contents, ArrayObject) else [page.raw_get("/Contents")]
    shown = text.encode("cp1252")
    stamp = b"Q q BT /BookPageNo 9 Tf 0.33 g 1 0 0 1 %.2f %.2f Tm (%s) Tj ET Q" % (x, y, shown)
    page[NameObject("/Contents")] = ArrayObject([stream(b"q"), *own, stream(stamp)])


def build_book(meeting, entries: list[BookEntry], *, sample: bool = False) -> tuple[bytes, dict]:
    """The book's PDF and what it holds: pages (own and per pack), each region's first page, the bookmarks."""
    from pypdf import PdfReader, PdfWriter
    packs = []
    for n, e in enumerate(entries):
        if e.pdf is not None:
            reader = PdfReader(str(e.pdf))
            packs.append((n, PackPages(e, reader, len(reader.pages), pack_sections(reader))))
    date = meeting.meeting_date or "2000-01-01"
    own = _count_pages(_front_html(meeting, entries, {n: 999 for n, _ in packs}, sample, date))
    for _ in range(3):   # the contents' length decides the first pack's page (page numbers never change it)
        starts, page = {}, own + 1
        for n, p in packs:
            starts[n] = page
            page += p.pages
        front = _print(_front_html(meeting, entries, starts, sample, date))
        if len(front.pages) == own:
            break
        own = len(front.pages)
    writer = PdfWriter()
    for pg in front.pages:
        writer.add_page(pg)
    for _, p in packs:
        for pg in p.reader.pages:
            writer.add_page(pg)
    total = len(writer.pages)
    for i in range(1, total):   # the cover has no number; the contents page is 2
        stamp_page_number(writer, writer.pages[i], i + 1)
    marks = [("目录", 1)]
    writer.add_outline_item(title="目录", page_number=1)
    for n, p in packs:
        parent = writer.add_outline_item(title=p.entry.name, page_number=starts[n] - 1)
        marks.append((p.entry.name, starts[n]))
        for title, at in p.sections:
            writer.add_outline_item(title=title, page_number=starts[n] - 1 + at, parent=parent)
            marks.append((title, starts[n] + at))
    writer.page_mode = "/UseOutlines"
    writer.add_metadata({"/Title": f"{meeting.name} · 会议材料汇编", "/Producer": "briefing"})
    out = io.BytesIO()
    writer.write(out)
    info = {"pages": total, "own_pages": len(front.pages), "pack_pages": {p.entry.name: p.pages for _, p in packs},
            "starts": {p.entry.name: starts[n] for n, p in packs}, "bookmarks": len(marks),
            "missing": [e.name for e in entries if e.pdf is None]}
    return out.getvalue(), info


def _fingerprint(meeting, entries: list[BookEntry], sample: bool) -> str:
    h = hashlib.sha256(f"{meeting.name}|{meeting.meeting_date}|{sample}|{config.VERSION}".encode())
    h.update(Path(__file__).read_bytes())
    for e in entries:
        h.update(f"|{e.name}|{e.title}|{e.group}|{e.mark}|".encode())
        if e.pdf is not None:
            h.update(hashlib.sha256(e.pdf.read_bytes()).digest())
    return h.hexdigest()


def meeting_order(meeting: Meeting, ds, names: list[str]) -> list[str]:
    """The meeting's order of ``names``: the order the meeting file gives, else the city first, then its
    县(市)区, then its 产业工会 (then any other group), each by regions.csv's order, region by region down the tree."""
    if meeting.regions:
        listed = [ds.regions.at[ds.region_code(r), "name"] for r in meeting.regions]
        return [n for n in listed if n in names] + [n for n in names if n not in listed]
    regions = ds.regions
    group_rank = {"市": 0, "县(市)区": 1, "产业工会": 2}
    out: list[str] = []

    def visit(code: str) -> None:
        out.append(regions.at[code, "name"])
        kids = regions[regions["parent"] == code]
        kids = kids.assign(g=kids["group"].map(group_rank).fillna(3)).sort_values(["g", "order"])
        for kid in kids.index:
            visit(kid)

    for top in regions[~regions["parent"].isin(regions.index)].sort_values("order").index:
        visit(top)
    wanted = set(names)
    return [n for n in out if n in wanted]


def book_group(name: str, group: str, parent: str) -> str:
    """The contents heading a pack goes under: its peer group, or for the top region its own kind.

    >>> book_group("溪岭州", "上级", ""), book_group("示例市", "市", ""), book_group("城关区", "县(市)区", "SL00")
    ('州总工会', '市总工会', '县(市)区')
    """
    if parent:
        return group
    return f"{name[-1]}总工会" if name and name[-1] in "省市州盟地县区旗" else "本级工会"


def write_book(batch, ds) -> dict:
    """``outputs/<meeting>/book.pdf`` from the packs' PDFs, in the meeting's order; rebuilt only when a pack changed."""
    from .versions import read_record
    from ..present.revision import version_label
    names = meeting_order(batch.meeting, ds, [r.region for r in batch.packs])
    entries = []
    for name in names:
        code = ds.region_code(name)
        folder = batch.out_dir / safe_name(name)
        pdf = folder / config.PACK_PDF
        rec = read_record(folder) or {}
        mark = version_label(rec["version"], rec["date"]) if rec.get("version", 1) > 1 else ""
        group = book_group(name, ds.regions.at[code, "group"], ds.regions.at[code, "parent"])
        entries.append(BookEntry(name, ds.regions.at[code, "union_name"], group, pdf if pdf.is_file() else None, mark))
    if not any(e.pdf for e in entries):
        return {"files": {}, "pages": 0}
    if len(entries) > MAX_PACKS:
        return {"files": {}, "pages": 0, "note": f"本次会议有 {len(entries)} 份简报，超过 {MAX_PACKS} 份，不合订汇编。"}
    path = batch.out_dir / config.BOOK_PDF
    stamp = _fingerprint(batch.meeting, entries, ds.is_sample)
    marker = batch.out_dir / FINGERPRINT
    if path.is_file() and marker.is_file() and marker.read_text().strip() == stamp:
        from pypdf import PdfReader
        return {"files": {"pdf": config.BOOK_PDF}, "pages": len(PdfReader(str(path)).pages), "skipped": True}
    data, info = build_book(batch.meeting, entries, sample=ds.is_sample)
    write_atomic(path, data)
    write_atomic(marker, stamp)
    return {"files": {"pdf": config.BOOK_PDF}, **info}
