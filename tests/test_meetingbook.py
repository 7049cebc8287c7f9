"""End to end, on a copy of the sample data: a meeting rendered, a county's return corrected, rendered again, and again
unchanged — versions and 修订说明, the kept previous version, the index and manifest, the book, the 通报, the notes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from html import unescape
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing.batch import render_meeting
from briefing.compute import compute_metrics
from briefing.data import load_dataset

ROOT = Path(__file__).resolve().parents[1]
REGIONS = ["示例市", "城关区", "新华区", "市教育工会", "市卫生工会"]
NOTE = """## 典型经验
城关区推行“楼宇联合工会”模式，**新建联合工会12家**。<script>alert(1)</script>[外链](http://evil.example)

| 做法 | 成效 |
|---|---|
| 楼宇联合工会 | 覆盖职工3200人 |

## 存在的问题
非公企业建会积极性不高。
"""


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def correct(data: Path, line_start: str, value: str) -> None:
    figures = data / "figures.csv"
    lines = figures.read_text(encoding="utf-8").splitlines()
    [i] = [n for n, line in enumerate(lines) if line.startswith(line_start)]
    parts = lines[i].split(",")
    parts[4] = value
    lines[i] = ",".join(parts)
    figures.write_text("\n".join(lines) + "\n", encoding="utf-8")


def snapshot(folder: Path) -> dict:
    return {p.name: p.read_bytes() for p in folder.glob("*/briefing.html")} | \
        {p.parent.name + "/record": p.read_bytes() for p in folder.glob("*/briefing.figures.json")}


@pytest.fixture(scope="module")
def meeting(tmp_path_factory):
    """Three renders of one meeting: first; after 城关区 corrects 签订集体合同 869 → 880; again with nothing changed."""
    tmp = tmp_path_factory.mktemp("meetingbook")
    data = tmp / "data"
    shutil.copytree(ROOT / "data" / "sample", data)
    notes = tmp / "params" / "book" / "notes"
    notes.mkdir(parents=True)
    (notes / "城关区.md").write_text(NOTE, encoding="utf-8")
    (notes / "_all.md").write_text("## 下一步工作\n对照年度目标，**逐项**抓好落实。\n", encoding="utf-8")
    meeting_file = tmp / "params" / "book.yaml"
    meeting_file.write_text(
        f"meeting: 示例市总工会十五届五次全委（扩大）会议\nnotebook: notebooks/annual_plenary.ipynb\nyear: 2025\n"
        f"meeting_date: 2026-01-20\ndata_dir: {data}\nregions: [{', '.join(REGIONS)}]\nformats: [html, pdf, docx]\n",
        encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.setenv("BRIEFING_OUTPUTS", str(tmp / "outputs"))
    out = tmp / "outputs" / "book"
    runs = [render_meeting(meeting_file, workers=2, echo=lambda s: None)]
    first = {"html": {n: (out / n / "briefing.html").read_text(encoding="utf-8") for n in REGIONS},
             "pdf": (out / "城关区" / "briefing.pdf").read_bytes()}
    correct(data, "SL01,2025,2025-12-31,cc_contracts,", "880")
    runs.append(render_meeting(meeting_file, workers=2, echo=lambda s: None))
    second = snapshot(out)
    runs.append(render_meeting(meeting_file, workers=2, force=True, echo=lambda s: None))
    yield {"out": out, "runs": runs, "first": first, "second": second, "data": data, "file": meeting_file}
    mp.undo()


def strip_fingerprint(html: str) -> str:
    return re.sub(r"数据指纹 [0-9a-f]+", "数据指纹 …", html)


@pytest.mark.slow
def test_a_corrected_return_makes_a_new_version_of_its_packs_only_and_says_what_changed(meeting):
    out, first = meeting["out"], meeting["first"]
    assert all(p.status == "ok" for run in meeting["runs"] for p in run.packs)
    versions = {n: json.loads((out / n / "briefing.figures.json").read_text(encoding="utf-8"))["version"] for n in REGIONS}
    assert versions == {"示例市": 2, "城关区": 2, "新华区": 1, "市教育工会": 1, "市卫生工会": 1}
    for name in ("新华区", "市教育工会", "市卫生工会"):   # re-rendered (the data changed) but nothing they show did
        now = (out / name / "briefing.html").read_text(encoding="utf-8")
        assert strip_fingerprint(now) == strip_fingerprint(first["html"][name])
        assert '<section class="revision"' not in now and 'class="version-mark"' not in now and "第2版" not in now
    html = (out / "城关区" / "briefing.html").read_text(encoding="utf-8")
    block = html[html.index('<section class="revision"'):html.index("</section>", html.index('<section class="revision"'))]
    rows = re.findall(r"<tr><td>(.*?)</td>", block)
    assert rows == ["签订集体合同"]
    text = unescape(re.sub(r"<[^>]+>", "", block))
    assert "本年数：869 → 880" in text and "完成情况：93.0% → 94.2%" in text and "下列1项数字有变化" in text
    assert "原为：“全区签订集体合同869份" in text and "现为：“全区签订集体合同880份" in text
    assert '<p class="version-mark">第2版（' in html and re.search(r'running-head">[^<]*· 第2版（', html)
    # nowhere else: apart from the version marks, the 修订说明, the data fingerprint and the charts' drawing,
    # the page differs only in the corrected figure and what follows from it (change, completion)
    def words(page: str) -> str:
        page = re.sub(r'<section class="revision".*?</section>|<p class="version-mark">.*?</p>| · 第2版（[^<]*'
                      r'|<li><a href="#sec-revision">修订说明</a></li>|<style>.*?</style>|<svg\b.*?</svg>', "", page,
                      flags=re.S)
        return strip_fingerprint(page)
    old, new = words(first["html"]["城关区"]), words(html)
    number = r"[0-9][0-9.,]*%?"
    assert re.sub(number, "#", old) == re.sub(number, "#", new)
    changed = {(a, b) for a, b in zip(re.findall(number, old), re.findall(number, new)) if a != b}
    # 869 → 880, and what follows from it: the change (1.9%), the completion (93.0%), the gap to the target (尚差65份)
    assert ("869", "880") in changed and {a for a, _ in changed} <= {"869", "1.9%", "93.0%", "1.9", "93.0", "65"}, changed
    pdf = pdf_text(out / "城关区" / "briefing.pdf")
    assert "修订说明" in pdf and "第2版" in pdf


@pytest.mark.slow
def test_the_previous_version_is_kept_and_the_index_and_manifest_say_so(meeting):
    out, first = meeting["out"], meeting["first"]
    kept = out / "城关区" / "v1"
    assert (kept / "briefing.html").read_text(encoding="utf-8") == first["html"]["城关区"]
    assert (kept / "briefing.pdf").read_bytes() == first["pdf"] and (kept / "briefing.docx").is_file()
    index = unescape((out / "index.html").read_text(encoding="utf-8"))
    row = next(r for r in index.split("<tr>") if r.startswith("<td>城关区"))
    assert "第2版" in row and 'href="城关区/v1/briefing.pdf"' in row and 'href="城关区/v1/briefing.html"' in row
    assert "第1版" in next(r for r in index.split("<tr>") if r.startswith("<td>新华区"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entry = next(p for p in manifest["packs"] if p["region"] == "城关区")
    assert entry["version"] == 2 and [v["version"] for v in entry["versions"]] == [1, 2]
    assert entry["versions"][1]["changes"][0]["name"] == "签订集体合同"
    assert entry["versions"][0]["data_fingerprint"] != entry["versions"][1]["data_fingerprint"]


@pytest.mark.slow
def test_a_rerender_with_nothing_changed_keeps_every_version_and_every_byte(meeting):
    assert [p.status for p in meeting["runs"][2].packs] == ["ok"] * len(REGIONS)
    assert snapshot(meeting["out"]) == meeting["second"]


@pytest.mark.slow
def test_the_book_binds_every_pack_in_the_meetings_order_with_bookmarks_on_the_right_pages(meeting):
    out = meeting["out"]
    reader = PdfReader(str(out / "book.pdf"))
    packs = {n: len(PdfReader(str(out / n / "briefing.pdf")).pages) for n in REGIONS}
    info = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["meeting_files"]["book"]
    own = info.get("own_pages") or len(reader.pages) - sum(packs.values())
    assert len(reader.pages) == own + sum(packs.values())
    marks = []

    def walk(items, parent=None):
        for item in items:
            if isinstance(item, list):
                walk(item, marks[-1][0])
            else:
                marks.append((item.title, reader.get_destination_page_number(item), parent))

    walk(reader.outline)
    regions = [(t, p) for t, p, parent in marks if parent is None and t != "目录"]
    assert [t for t, _ in regions] == REGIONS   # the city, its 县(市)区, its 产业工会
    start = own
    for name, page in regions:
        assert page == start
        assert name in reader.pages[page].extract_text().replace("\n", "")
        start += packs[name]
    sections = [(t, p, parent) for t, p, parent in marks if parent]
    assert len(sections) >= 4 * len(REGIONS) and any(t == "修订说明" for t, _, _ in sections)
    for title, page, parent in sections:
        assert title.replace(" ", "") in reader.pages[page].extract_text().replace("\n", "").replace(" ", ""), title
    text = pdf_text(out / "book.pdf")
    assert f"— {len(reader.pages)} —" in text and "第 2 页 共" in text   # the book's numbers and the packs' own


@pytest.mark.slow
def test_the_bulletin_ranks_as_compute_does_on_the_corrected_data(meeting):
    out = meeting["out"]
    html = (out / "bulletin.html").read_text(encoding="utf-8")
    m = compute_metrics(load_dataset(meeting["data"]), 2025).set_index(["region", "indicator"])
    rows = re.findall(r'data-region="([^"]+)" data-indicator="([^"]+)" data-rank="(\d*)"', html)
    assert len(rows) >= 4 * 9
    for region, indicator, rank in rows:
        expected = m.loc[(region, indicator), "rank"]
        assert rank == ("" if expected != expected else str(int(expected)))
    assert "现将有关情况通报如下" in html
    assert "通报" in pdf_text(out / "bulletin.pdf")


@pytest.mark.slow
def test_notes_stand_under_their_headings_in_html_pdf_and_word_and_hostile_markdown_is_text(meeting):
    out = meeting["out"]
    html = (out / "城关区" / "briefing.html").read_text(encoding="utf-8")
    review, problems, tasks = (html.index(f">{h}</h2>") for h in ("一、上年工作回顾", "存在的问题和不足",
                                                                 "二、新一年总体要求和主要任务"))
    assert review < html.index('data-note="典型经验"') < problems < html.index('data-note="存在的问题"') < tasks
    assert tasks < html.index('data-note="下一步工作"')
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script" not in html.lower()
    assert 'href="http' not in html and "[外链](http://evil.example)" in html
    assert html.count('data-note="下一步工作"') == 1 and 'data-note="典型经验"' not in (out / "新华区" / "briefing.html"
                                                                                     ).read_text(encoding="utf-8")
    pdf = pdf_text(out / "城关区" / "briefing.pdf").replace("\n", "")
    assert "新建联合工会12家" in pdf and "<script>alert(1)</script>" in pdf and "覆盖职工3200人" in pdf
    with zipfile.ZipFile(out / "城关区" / "briefing.docx") as z:
        word = re.sub(r"<[^>]+>", "", z.read("word/document.xml").decode("utf-8"))
    assert "新建联合工会12家" in word and "楼宇联合工会" in word and "逐项" in word


@pytest.mark.slow
def test_a_changed_note_renders_its_pack_again_and_a_misplaced_one_stops_before_anything_is_rendered(meeting):
    out, meeting_file = meeting["out"], meeting["file"]
    note = meeting_file.parent / "book" / "notes" / "新华区.md"
    note.write_text("## 典型经验\n新华区经验。\n", encoding="utf-8")
    batch = render_meeting(meeting_file, workers=1, regions=["新华区", "市教育工会"], echo=lambda s: None)
    status = {p.region: p.status for p in batch.packs if not p.earlier}
    assert status == {"新华区": "ok", "市教育工会": "skipped"}
    assert "新华区经验" in (out / "新华区" / "briefing.html").read_text(encoding="utf-8")
    from briefing.errors import BriefingError
    (meeting_file.parent / "book" / "notes" / "东城区.md").write_text("## 典型经验\n甲\n", encoding="utf-8")
    before = snapshot(out)
    with pytest.raises(BriefingError, match=r"东城区\.md 第1行"):
        render_meeting(meeting_file, workers=1, force=True, echo=lambda s: None)
    assert snapshot(out) == before
