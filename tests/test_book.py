"""The meeting book: pages = the packs' pages + its own, every bookmark on the right page, continuous page numbers, order."""

from __future__ import annotations

import dataclasses
import types

import pytest
from pypdf import PdfReader

from briefing.data import load_dataset
from briefing.export.book import BookEntry, build_book, meeting_order, pack_sections, write_book
from briefing.params import load_meeting


def fake_pack(path, title: str, sections: list[tuple[str, int]]):
    """A pack-like PDF: a cover (h1), then each section (h2) followed by ``pages - 1`` more pages."""
    from weasyprint import HTML
    body = f"<h1>{title}</h1>"
    for name, pages in sections:
        body += f'<h2 style="page-break-before: always">{name}</h2>' + "".join(
            f'<p style="page-break-before: always">{name}续页{i}</p>' for i in range(1, pages))
    HTML(string=f"<html><head><meta charset='utf-8'><style>@page {{ size: A4 }}</style></head><body>{body}"
                "</body></html>").write_pdf(path)
    return path


COVERS = {"示例市": "示例市总工会简报", "城关区": "城关区总工会简报", "市教育工会": "教育工会简报"}


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("book")
    entries = [
        BookEntry("示例市", "示例市总工会", "市", fake_pack(tmp / "a.pdf", "示例市总工会简报", [("一、回顾", 2), ("数据说明", 1)])),
        BookEntry("城关区", "城关区总工会", "县(市)区", fake_pack(tmp / "b.pdf", "城关区总工会简报",
                                                             [("一、回顾", 1), ("存在的问题和不足", 3), ("数据说明", 1)]),
                  mark="第2版（2026年1月19日修订）"),
        BookEntry("新华区", "新华区总工会", "县(市)区", None),
        BookEntry("市教育工会", "示例市教育工会", "产业工会", fake_pack(tmp / "c.pdf", "教育工会简报", [("一、回顾", 1)])),
    ]
    meeting = load_meeting("params/sample-annual-2025.yaml")
    data, info = build_book(meeting, entries, sample=True)
    (tmp / "book.pdf").write_bytes(data)
    return PdfReader(str(tmp / "book.pdf")), info, entries


def page_text(reader, i: int) -> str:
    return reader.pages[i].extract_text().replace(" ", "").replace("\n", "")


def test_the_books_pages_are_its_own_plus_every_packs(book):
    reader, info, entries = book
    packs = [len(PdfReader(str(e.pdf)).pages) for e in entries if e.pdf]
    assert packs == [4, 6, 2]
    assert len(reader.pages) == info["pages"] == info["own_pages"] + sum(packs)
    assert info["starts"] == {"示例市": info["own_pages"] + 1, "城关区": info["own_pages"] + 5,
                              "市教育工会": info["own_pages"] + 11}
    assert info["missing"] == ["新华区"]


def test_every_bookmark_lands_on_its_page(book):
    reader, info, _ = book
    found = []

    def walk(items, parent=None):
        for item in items:
            if isinstance(item, list):
                walk(item, found[-1][0])
            else:
                found.append((item.title, reader.get_destination_page_number(item), parent))

    walk(reader.outline)
    titles = [(t, p) for t, _, p in found]
    assert titles[:2] == [("目录", None), ("示例市", None)]
    assert [t for t, p in titles if p == "城关区"] == ["一、回顾", "存在的问题和不足", "数据说明"]
    for title, page, parent in found:
        text = page_text(reader, page)
        if title in info["starts"]:   # a region: its pack's first page, the pack's cover
            assert info["starts"][title] == page + 1 and COVERS[title] in text
        else:
            assert title in text, (title, page, parent)


def test_every_page_but_the_cover_carries_the_books_page_number_and_the_contents_say_where_packs_start(book):
    reader, info, _ = book
    assert "—" not in page_text(reader, 0)
    for i in range(1, len(reader.pages)):
        assert f"—{i + 1}—" in page_text(reader, i)
    contents = "".join(page_text(reader, i) for i in range(1, info["own_pages"]))
    assert "示例市总工会3" in contents or f"示例市总工会{info['starts']['示例市']}" in contents
    assert f"第2版（2026年1月19日修订）{info['starts']['城关区']}" in contents and "新华区总工会未编入" in contents
    assert "会议材料汇编" in page_text(reader, 0) and "示例数据" in page_text(reader, 0)


def test_a_packs_sections_come_from_its_own_outline(tmp_path):
    reader = PdfReader(str(fake_pack(tmp_path / "p.pdf", "封面", [("目录", 1), ("一、回顾", 2), ("附表", 1)])))
    assert pack_sections(reader) == [("一、回顾", 2), ("附表", 4)]


def test_the_meeting_order_is_the_city_then_its_counties_then_its_industry_unions_or_the_files_order():
    ds = load_dataset("data/sample")
    meeting = load_meeting("params/sample-annual-2025.yaml")
    names = list(ds.regions["name"])[::-1]
    order = meeting_order(meeting, ds, names)
    assert order[0] == "示例市" and order[1:13] == list(ds.regions.sort_values("order")["name"])[1:13]
    assert order[13:] == ["市教育工会", "市卫生工会", "市金融工会", "市建设工会"]
    listed = dataclasses.replace(meeting, regions=("市教育工会", "城关区", "示例市"))
    assert meeting_order(listed, ds, ["示例市", "城关区", "市教育工会"]) == ["市教育工会", "城关区", "示例市"]


def test_a_meeting_without_any_pdf_gets_no_book(tmp_path):
    ds = load_dataset("data/sample")
    batch = types.SimpleNamespace(meeting=load_meeting("params/sample-annual-2025.yaml"), out_dir=tmp_path,
                                  packs=[types.SimpleNamespace(region="城关区")])
    assert write_book(batch, ds) == {"files": {}, "pages": 0} and not (tmp_path / "book.pdf").exists()
