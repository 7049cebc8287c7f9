"""Hostile inputs through import, validate and render: text stays text, never markup, code or a path outside outputs/.

Names of regions, meetings and indicators, notes, sources and parameter values carry quotes,
newlines, ``</script>``, ``<img onerror>``, ``{{ }}``, ``../``, absolute paths, very long
strings, RTL and zero-width characters, and cells that look like spreadsheet formulas.
"""

from __future__ import annotations

import ast
import csv
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import nbformat
import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

import briefing
from briefing.batch import BatchResult, check_folders, render_meeting
from briefing.export.meeting import write_index
from briefing.compute import compute_metrics
from briefing.errors import BriefingError, DataError, ParameterError, ValidationError
from briefing.data import load_dataset
from briefing.params import PARAM_NAMES, Meeting, PackParams, load_meeting
from briefing.export.render import PackResult
from briefing.export.html import export_html
from briefing.export.files import safe_name

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
NOTEBOOK = ROOT / "notebooks" / "annual_plenary.ipynb"
FUZZ = settings(derandomize=True, database=None, deadline=None, max_examples=150)

# --------------------------------------------------------------------------- the hostile strings

XSS = '<img src=x onerror=alert(1)>'
SCRIPT = '</script><script>alert("x")</script>'
TEMPLATE = "{{ 7*7 }}{% for x in y %}${HOME}"
QUOTES = 'A"B\'C\\D'


def code_injection(canary: Path) -> str:
    """Text that runs code if it is ever pasted into Python unquoted (it creates ``canary``)."""
    return f'"; __import__("pathlib").Path({str(canary)!r}).touch(); x = "'


def hostile_names(canary: Path) -> dict:
    return {
        # region names (regions.csv), one per hostile idea; 城关区 keeps its code SL01
        "SL01": f"城关区{QUOTES}{XSS}{code_injection(canary)}",
        "SL02": "../../新华区",
        "SL03": "\u202e湖滨\u200b区\ufeff" + "长" * 300,
        "SL04": f"{TEMPLATE}高新区\n第二行",
        "SL05": "/etc/临江市%2e%2e#1?",  # URL-significant characters in a folder name
        # other text
        "union": f"{SCRIPT}城关区总工会",
        "indicator": f"新发展会员{SCRIPT}",
        "indicator2": f"新建基层工会{TEMPLATE}",
        "source": '=HYPERLINK("http://example.invalid/x","点我")',
        "note": f"+cmd|' /C calc'!A0 {XSS}\n第二行",
        "dataset": f"<style>body{{display:none}}</style>数据集{QUOTES}",
        "meeting": f"会议{QUOTES}\n</title>{SCRIPT}{code_injection(canary)}{TEMPLATE}",
    }


def rewrite_csv(path: Path, change) -> None:
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    fields = list(rows[0])
    for row in rows:
        change(row)  # edits the row in place
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)


def hostile_dataset(folder: Path, names: dict) -> Path:
    """The sample data with hostile names, sources and notes (figures unchanged, so the arithmetic still holds)."""
    shutil.copytree(SAMPLE, folder)

    def region(r):
        if r["code"] in names:
            r["name"] = names[r["code"]]
        if r["code"] == "SL01":
            r["union_name"] = names["union"]

    def indicator(r):
        if r["id"] == "new_members":
            r["name"], r["aliases"] = names["indicator"], ""
        if r["id"] == "new_unions":
            r["name"], r["aliases"] = names["indicator2"], ""

    def figure(r):
        if r["region"] == "SL01" and r["year"] == "2025":
            r["source"], r["note"] = names["source"], names["note"]

    rewrite_csv(folder / "regions.csv", region)
    rewrite_csv(folder / "indicators.csv", indicator)
    rewrite_csv(folder / "figures.csv", figure)
    (folder / "dataset.yaml").write_text(yaml.safe_dump({"name": names["dataset"], "sample": True,
                                                         "source": names["source"]}, allow_unicode=True),
                                         encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    canary = base / "pwned"
    names = hostile_names(canary)
    data = hostile_dataset(base / "data", names)
    return {"names": names, "data": data, "canary": canary, "base": base}


# --------------------------------------------------------------------------- checking markup

class Markup(HTMLParser):
    """Collects what a browser would see as elements, attributes and text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v or "") for k, v in attrs]

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "img", "base", "form", "link", "meta-refresh", "foreignobject"}


def check_markup(html: str, expected_tags: set[str] | None = None) -> str:
    """Assert ``html`` has no script, handler, external reference or stray element; return its visible text."""
    p = Markup()
    p.feed(html)
    p.close()
    bad = [t for t in p.tags if t in FORBIDDEN_TAGS]
    assert not bad, f"forbidden elements {bad}"
    handlers = [(t, k) for t, k, _ in p.attrs if k.startswith("on")]
    assert not handlers, f"event handler attributes {handlers}"
    for tag, key, value in p.attrs:
        if key in ("href", "src", "xlink:href", "action", "formaction"):
            assert not re.match(r"\s*(javascript|vbscript|data:text/html|https?:|//)", value, re.I), (tag, key, value)
    if expected_tags is not None:
        assert set(p.tags) <= expected_tags, set(p.tags) - expected_tags
    return "".join(p.text)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --------------------------------------------------------------------------- parameters never become code

TEXT = st.one_of(st.text(), st.sampled_from([XSS, SCRIPT, TEMPLATE, QUOTES, '"""', "'''", "\\", '\\"', "\n", "\r\n",
                                            "\x00", "\u2028", "#", "\"; import os #", "{region}", "%(x)s"]))


@FUZZ
@given(values=st.fixed_dictionaries({"region": TEXT.filter(str.strip), "meeting": TEXT, "data_dir": TEXT.filter(str.strip)}))
def test_parameters_reach_the_kernel_as_literals_never_as_code(values):
    from papermill.parameterize import parameterize_notebook
    from papermill.iorw import load_notebook_node
    nb = load_notebook_node(str(NOTEBOOK))  # as papermill's execute_notebook reads it
    params = PackParams(year=2025, **values).to_papermill()
    injected = next(c for c in parameterize_notebook(nb, params).cells if "injected-parameters" in c.metadata.get("tags", []))
    tree = ast.parse(injected.source)
    assert all(isinstance(s, ast.Assign) and isinstance(s.value, ast.Constant) for s in tree.body)
    namespace: dict = {}
    exec(compile(tree, "injected", "exec"), {"__builtins__": {}}, namespace)
    assert namespace == params and set(namespace) == set(PARAM_NAMES)


# --------------------------------------------------------------------------- import and validate

def test_hostile_names_load_as_the_exact_text(hostile):
    names = hostile["names"]
    ds = load_dataset(hostile["data"])
    assert ds.regions.at["SL01", "name"] == names["SL01"]
    assert ds.regions.at["SL04", "name"] == names["SL04"]  # an embedded newline survives as text
    assert ds.catalog.at["new_members", "name"] == names["indicator"]
    assert ds.meta["name"] == names["dataset"]
    row = ds.figures[(ds.figures.region == "SL01") & (ds.figures.year == 2025)].iloc[0]
    assert (row["source"], row["note"]) == (names["source"], names["note"])  # formula-like cells stay text
    assert not [f for f in briefing.check_dataset(ds) if f.level == "error"]
    assert ds.region_code(names["SL01"]) == "SL01" and ds.region_code(names["SL03"]) == "SL03"


@pytest.mark.parametrize("cell", ["=1+1", "-1+1", "@SUM(A1:A2)", "=cmd|' /C calc'!A0", "1e9999e", "0x10"])
def test_formula_like_numbers_are_refused_with_file_row_and_column(tmp_path, cell):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    rewrite_csv(data / "figures.csv", lambda r: r.update(value=cell) if r["region"] == "SL01" and r["year"] == "2025"
                and r["indicator"] == "new_members" else None)
    with pytest.raises(ValidationError) as caught:  # never evaluated, never guessed
        load_dataset(data)
    assert "figures.csv" in str(caught.value) and "“value”列" in str(caught.value) and cell in str(caught.value)


def test_yaml_files_are_loaded_safely(tmp_path):
    canary = tmp_path / "pwned"
    payloads = [f"!!python/object/apply:os.system ['touch {canary}']",
                f"!!python/object/apply:pathlib.Path.touch [!!python/object/apply:pathlib.Path ['{canary}']]",
                "!!python/name:os.system", "!!python/module:os"]
    for payload in payloads:
        meeting = tmp_path / "m.yaml"
        meeting.write_text(f"meeting: {payload}\nnotebook: notebooks/annual_plenary.ipynb\nyear: 2025\n", encoding="utf-8")
        with pytest.raises(ParameterError, match="不是有效的 YAML"):
            load_meeting(meeting)
        data = tmp_path / "data"
        shutil.copytree(SAMPLE, data, dirs_exist_ok=True)
        (data / "dataset.yaml").write_text(f"name: {payload}\n", encoding="utf-8")
        with pytest.raises(DataError, match="YAML"):
            load_dataset(data)
    assert not canary.exists()


def test_a_yaml_alias_bomb_in_a_meeting_file_is_refused_before_it_is_expanded(tmp_path):
    levels = ["  - &a [x, x, x, x, x, x, x, x, x]\n"] + [
        f"  - &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")]
    base = {"meeting": "会议", "notebook": "notebooks/annual_plenary.ipynb", "year": "2025"}
    for key in ("meeting", "notebook", "data_dir", "meeting_date", "as_of", "formats"):
        lines = [f"{k}: {v}\n" for k, v in base.items() if k != key] + ["regions:\n", *levels, f"{key}: *i\n"]
        meeting = tmp_path / "m.yaml"
        meeting.write_text("".join(lines), encoding="utf-8")
        with pytest.raises(ParameterError) as caught:
            load_meeting(meeting)
        assert len(str(caught.value)) < 500  # 9^9 leaves if anything had printed the value


# --------------------------------------------------------------------------- folders

@FUZZ
@given(name=st.text(min_size=1, max_size=400))
@example(name="𠮷" * 100)  # CJK Extension B (rare place-name characters) take 4 bytes each
@example(name="..")
def test_folder_names_never_leave_the_meeting_folder(tmp_path_factory, name):
    parent = tmp_path_factory.mktemp("meeting")
    folder = parent / safe_name(name)
    folder.mkdir(exist_ok=True)  # a real directory: short enough, legal characters
    assert folder.resolve().parent == parent.resolve()
    assert not folder.name.startswith(".") and len(folder.name.encode()) <= 255
    assert not re.search(r"[\x00-\x1f\u200b-\u200f\u202a-\u202e\u2066-\u2069]", folder.name)


def test_regions_whose_folders_would_collide_are_refused_before_anything_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_OUTPUTS", str(tmp_path / "outputs"))
    for names, message in (({"SL01": "城关/区", "SL02": "城关:区"}, "文件夹名相同"),
                           ({"SL01": "index.html"}, "index.html"), ({"SL02": "manifest.json"}, "manifest.json")):
        data = tmp_path / "data"
        shutil.rmtree(data, ignore_errors=True)
        shutil.copytree(SAMPLE, data)
        rewrite_csv(data / "regions.csv", lambda r: r.update(name=names[r["code"]]) if r["code"] in names else None)
        with pytest.raises(BriefingError, match=message):
            check_folders(load_dataset(data))
        meeting = tmp_path / "m.yaml"
        meeting.write_text(f"meeting: 会议\nnotebook: notebooks/annual_plenary.ipynb\nyear: 2025\ndata_dir: {data}\n",
                           encoding="utf-8")
        with pytest.raises(BriefingError, match=message):
            render_meeting(meeting, regions=["新华区"] if "SL02" not in names else ["湖滨区"], echo=lambda s: None)
    assert not (tmp_path / "outputs").exists()


# --------------------------------------------------------------------------- what a pack shows

def pack_blocks(data: Path, region: str, meeting: str) -> dict:
    pack = briefing.open_pack({"region": region, "year": 2025, "meeting": meeting, "data_dir": str(data)})
    blocks = {name: getattr(briefing, name)(pack).markup for name in
              ("show_cover", "show_headlines", "show_narrative", "show_problems", "show_next_year_tasks",
               "show_next_targets", "show_table", "show_data_note")}
    return pack, blocks


BLOCK_TAGS = {"section", "p", "h1", "h3", "br", "div", "table", "thead", "tbody", "tr", "th", "td", "ul", "li", "span",
              "strong", "em", "b", "small", "col", "colgroup", "caption", "ol", "sup", "sub", "svg", "figure",
              "figcaption", "h4", "mark", "abbr"}


def test_pack_blocks_show_hostile_text_as_text(hostile):
    names = hostile["names"]
    pack, blocks = pack_blocks(hostile["data"], names["SL01"], names["meeting"])
    text = {k: check_markup(v, BLOCK_TAGS) for k, v in blocks.items()}
    assert names["union"] in text["show_cover"]
    assert names["meeting"] in text["show_cover"]
    assert names["indicator"] in text["show_table"] and names["indicator2"] in text["show_table"]
    assert names["indicator"] in text["show_headlines"]
    assert names["source"] in text["show_data_note"] and names["dataset"] in text["show_data_note"]
    assert not hostile["canary"].exists()


def svg_of(chart) -> str:
    import vl_convert as vlc
    return vlc.vegalite_to_svg(chart.to_dict())


SVG_TAGS = {"svg", "g", "path", "rect", "line", "text", "tspan", "title", "desc", "defs", "clipPath", "circle",
            "style", "linearGradient", "stop", "symbol", "use", "polygon", "polyline", "ellipse", "mask", "pattern"}


def test_charts_draw_hostile_names_as_svg_text(hostile):
    names = hostile["names"]
    pack, _ = pack_blocks(hostile["data"], names["SL01"], "")
    for chart in (briefing.chart_completion(pack.region_metrics, note=pack.note),
                  briefing.chart_yoy(pack.region_metrics, note=pack.note),
                  briefing.chart_peers(pack.metrics, pack.region, "new_members", pack.dataset.regions, note=pack.note)):
        svg = svg_of(chart)
        root = ET.fromstring(svg)  # well-formed: nothing broke out of a text node
        tags = {el.tag.split("}")[-1] for el in root.iter()}
        assert tags <= SVG_TAGS, tags - SVG_TAGS
        for el in root.iter():
            assert not [k for k in el.attrib if k.split("}")[-1].startswith("on")]
        assert "<script" not in svg
        drawn = "".join(t for el in root.iter() if el.tag.endswith("text") for t in el.itertext())
        assert "新发展会员" in drawn or "新建基层工会" in drawn or "城关区" in drawn


def test_exported_html_keeps_hostile_text_out_of_the_markup(hostile):
    names = hostile["names"]
    pack, blocks = pack_blocks(hostile["data"], names["SL01"], names["meeting"])
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("## 一、概览")]
    for i, markup in enumerate(blocks.values()):
        cell = nbformat.v4.new_code_cell("x")
        cell.outputs = [nbformat.v4.new_output("execute_result", {"text/html": markup, "text/plain": "x"},
                                               execution_count=i + 1)]
        nb.cells.append(cell)
    chart = nbformat.v4.new_code_cell("chart")
    chart.outputs = [nbformat.v4.new_output("display_data", {
        "image/svg+xml": svg_of(briefing.chart_completion(pack.region_metrics, note=pack.note)), "text/plain": "c"})]
    nb.cells.append(chart)
    html = export_html(nb, title=f"{names['meeting']} · {names['SL01']}", running_head=names["meeting"])
    text = check_markup(html)
    head = html[:html.index("</head>")]
    assert head.count("<title>") == 1 and "<script" not in head.lower()
    assert names["meeting"] in text and names["union"] in text and names["indicator"] in text


def test_index_page_escapes_names_and_errors_and_links_stay_inside(hostile, tmp_path):
    names = hostile["names"]
    ds = load_dataset(hostile["data"])
    out = tmp_path / "outputs" / "m"
    packs = []
    for code in ("SL01", "SL02", "SL03", "SL04", "SL05"):
        folder = out / safe_name(names[code])
        folder.mkdir(parents=True)
        (folder / "briefing.html").write_text("<html></html>", encoding="utf-8")
        packs.append(PackResult(region=names[code], folder=str(folder)))
    packs.append(PackResult(region="示例市", folder="x", status="failed", error=f"ValueError: {XSS}{SCRIPT}"))
    batch = BatchResult(meeting=Meeting(name=names["meeting"], slug="m", notebook="n.ipynb", year=2025),
                        out_dir=out, packs=packs, seconds=1.0)
    html = write_index(batch, ds, compute_metrics(ds, 2025)).read_text(encoding="utf-8")
    text = check_markup(html)
    assert names["meeting"] in text and f"ValueError: {XSS}{SCRIPT}" in text
    p = Markup()
    p.feed(html)
    links = [v for t, k, v in p.attrs if t == "a" and k == "href"]
    assert len(links) >= 5
    base = out.as_uri() + "/index.html"
    for href in links:
        target = Path(unquote(urlparse(urljoin(base, href)).path))
        assert target.parent.parent == out and target.is_file(), href


def test_nothing_in_the_package_writes_csv_or_excel_without_neutralising_formulas():
    """Any CSV or Excel the workbook writes must neutralise cells starting with = + - @ (CSV injection).

    A module that writes one must pass its text columns through a ``neutralise`` function (briefing.data.write
    has one); this test fails the day a writer appears without it.
    """
    writers = re.compile(r"\.to_csv\(|\.to_excel\(|csv\.writer\(|csv\.DictWriter\(|openpyxl\.Workbook\(|"
                         r"\bWorkbook\(\)|xlsxwriter")
    offenders = [p.name for p in (ROOT / "src" / "briefing").rglob("*.py")
                 if writers.search(p.read_text(encoding="utf-8")) and "neutralise(" not in p.read_text(encoding="utf-8")]
    assert offenders == [], f"{offenders} write CSV/Excel: prefix text cells starting with = + - @ with ' (neutralise)"


# --------------------------------------------------------------------------- end to end

@pytest.mark.slow
def test_hostile_meeting_renders_as_text_and_stays_in_its_folder(hostile, tmp_path, monkeypatch):
    names, canary = hostile["names"], hostile["canary"]
    outputs = tmp_path / "outputs"
    monkeypatch.setenv("BRIEFING_OUTPUTS", str(outputs))
    meeting = tmp_path / f"{XSS}..yaml"
    meeting.write_text(yaml.safe_dump({"meeting": names["meeting"], "notebook": "notebooks/annual_plenary.ipynb",
                                       "year": 2025, "meeting_date": "2026-01-20", "data_dir": str(hostile["data"]),
                                       "formats": ["html", "pdf"]}, allow_unicode=True), encoding="utf-8")
    regions = [names["SL01"], names["SL02"]]
    batch = render_meeting(meeting, regions=regions, workers=2, echo=lambda s: None)
    assert [p.status for p in batch.packs if p.region in regions] == ["ok", "ok"], [p.error for p in batch.packs]
    assert not canary.exists()
    meeting_dir = outputs / safe_name(meeting.stem)
    written = [p for p in outputs.rglob("*") if p.is_file()]
    assert written and all(p.resolve().is_relative_to(meeting_dir.resolve()) for p in written)
    assert {p.name for p in meeting_dir.iterdir() if p.is_dir()} == {safe_name(r) for r in regions}

    folder = meeting_dir / safe_name(names["SL01"])
    text = check_markup((folder / "briefing.html").read_text(encoding="utf-8"))
    for key in ("meeting", "union", "indicator", "indicator2", "source", "dataset"):
        assert names[key] in text, key
    pdf = subprocess.run(["pdftotext", str(folder / "briefing.pdf"), "-"], capture_output=True, text=True,
                         check=True).stdout
    for piece in (SCRIPT, XSS, "{{7*7}}", QUOTES, "=HYPERLINK("):
        assert squash(piece) in squash(pdf), piece

    nb = nbformat.read(folder / "briefing.ipynb", as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    tree = ast.parse(injected.source)
    assert all(isinstance(s, ast.Assign) and isinstance(s.value, ast.Constant) for s in tree.body)
    assert {s.targets[0].id: s.value.value for s in tree.body}["region"] == names["SL01"]
    assert not [c for c in nb.cells if c.cell_type == "code" and any(o.output_type == "error" for o in c.outputs)]
    manifest = json.loads((meeting_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["meeting"] == names["meeting"]
