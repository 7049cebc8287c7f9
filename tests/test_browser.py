"""A pack opened in a real browser with no network: Debian's headless Chromium, driven by Playwright.

Every request is intercepted: the pack itself is served from memory and anything else is aborted
and recorded. The test asserts that every chart (inline SVG in ``figure.chart``) drew with a
non-zero size, that the console stayed free of errors and that no request left the page. A
full-page screenshot is kept in test-artifacts/ (ignored by git) for a person to look at.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# --no-sandbox: Chromium refuses to run as root otherwise. The rest keep the browser itself off the network.
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--host-resolver-rules=MAP * ~NOTFOUND"]
PACK_URL = "http://briefing.invalid/城关区/briefing.html"  # .invalid never resolves: nothing real is reachable

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed (scripts/setup.sh --test)")


def open_offline(html: str, screenshot: Path, viewport: dict | None = None, measure: str = "") -> dict:
    """Load ``html`` with every other request blocked; what the page did, and each chart's drawn size.

    ``measure``: a JavaScript function run on the loaded page, its result under ``seen["measured"]``."""
    from playwright.sync_api import sync_playwright

    seen = {"requests": [], "blocked": [], "console": [], "page_errors": [], "failed": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(service_workers="block", java_script_enabled=True,
                                          viewport=viewport or {"width": 1024, "height": 1400})

            requested = _normalised(PACK_URL)

            def route(r):
                if r.request.url == requested:
                    r.fulfill(status=200, body=html.encode("utf-8"), content_type="text/html; charset=utf-8")
                else:
                    seen["blocked"].append(r.request.url)
                    r.abort()

            context.route("**/*", route)
            page = context.new_page()
            page.on("request", lambda r: seen["requests"].append(r.url))
            page.on("requestfailed", lambda r: seen["failed"].append(r.url))
            page.on("console", lambda m: seen["console"].append(f"{m.type}: {m.text}") if m.type in ("error", "warning")
                    else None)
            page.on("pageerror", lambda e: seen["page_errors"].append(str(e)))
            page.goto(PACK_URL, wait_until="load")
            page.wait_for_load_state("networkidle")
            seen["charts"] = page.evaluate("""() => [...document.querySelectorAll('figure.chart')].map(f => {
                const svg = f.querySelector(':scope > svg');
                if (!svg) return {svg: false};
                const box = svg.getBoundingClientRect();
                const inner = svg.getBBox();
                const marks = svg.querySelectorAll('path, rect, line, circle, text').length;
                const texts = [...svg.querySelectorAll('text')].map(t => t.textContent).join(' ');
                return {svg: true, width: box.width, height: box.height, drawnWidth: inner.width,
                        drawnHeight: inner.height, marks, texts};
            })""")
            seen["title"] = page.title()
            if measure:
                seen["measured"] = page.evaluate(measure)
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return seen


def _normalised(url: str) -> str:
    from urllib.parse import quote, urlsplit, urlunsplit
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=quote(parts.path)))


def test_the_blocking_catches_an_external_reference(tmp_path):
    html = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title>'
            '<link rel="stylesheet" href="https://cdn.example.com/x.css"></head>'
            '<body><figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" width="0" height="0"></svg></figure>'
            '<script>console.error("boom")</script></body></html>')
    seen = open_offline(html, tmp_path / "check.png")
    assert seen["blocked"] == ["https://cdn.example.com/x.css"]
    assert any("boom" in c for c in seen["console"])
    assert seen["charts"][0]["width"] == 0  # a chart that did not draw is seen as such


@pytest.mark.slow
def test_pack_in_offline_chromium_draws_every_chart_without_errors_or_requests(sample_pack):
    html = (sample_pack / "briefing.html").read_text(encoding="utf-8")
    nb = nbformat.read(sample_pack / "briefing.ipynb", as_version=4)
    expected = sum("image/svg+xml" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    shot = ARTIFACTS / "browser-城关区.png"
    shot.unlink(missing_ok=True)
    seen = open_offline(html, shot)

    assert seen["blocked"] == [] and seen["failed"] == []
    assert seen["requests"] == [_normalised(PACK_URL)]  # the page itself, nothing else
    assert seen["console"] == [] and seen["page_errors"] == []
    assert expected >= 4 and len(seen["charts"]) == expected
    for i, chart in enumerate(seen["charts"]):
        assert chart["svg"], f"chart {i + 1} has no inline SVG"
        assert chart["width"] > 100 and chart["height"] > 50, (i, chart)
        assert chart["drawnWidth"] > 0 and chart["drawnHeight"] > 0 and chart["marks"] > 3, (i, chart)
        assert chart["texts"].strip(), f"chart {i + 1} has no text"
    assert "城关区" in seen["title"]
    assert shot.is_file() and shot.stat().st_size > 10_000


# What a reader sees at a width: anything sticking out of the viewport (except inside a box that scrolls or
# clips it), the headline cards per row, and each visible chart's size and smallest drawn label.
LAYOUT = """() => {
  const vw = document.documentElement.clientWidth;
  const visible = el => { const s = getComputedStyle(el); const r = el.getBoundingClientRect();
                          return s.display !== 'none' && s.visibility !== 'hidden' && (r.width > 0 || r.height > 0); };
  const contained = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (['auto', 'scroll', 'hidden'].includes(ox)) return p.getBoundingClientRect().right <= vw + 0.5;
    }
    return false;
  };
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    if ((r.right > vw + 0.5 || r.left < -0.5) && !contained(el))
      wide.push(`${el.tagName.toLowerCase()}.${el.getAttribute('class') || ''} ${Math.round(r.left)}–${Math.round(r.right)}`);
  }
  const tiles = [...document.querySelectorAll('.tile')].filter(visible);
  const firstTop = tiles.length ? tiles[0].getBoundingClientRect().top : 0;
  const perRow = tiles.filter(t => Math.abs(t.getBoundingClientRect().top - firstTop) < 2).length;
  const charts = [...document.querySelectorAll('figure.chart > svg, .chart-narrow > svg')].filter(visible).map(svg => {
    const box = svg.getBoundingClientRect();
    const scale = box.width / svg.width.baseVal.value;
    const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) ||
                                                         parseFloat(t.getAttribute('font-size')) || 11);
    return {width: box.width, height: box.height, minFont: Math.min(...sizes) * scale,
            narrow: svg.parentElement.classList.contains('chart-narrow')};
  });
  const boxes = [...document.querySelectorAll('.table-box')].filter(visible).map(b => ({
    scrolls: b.scrollWidth > b.clientWidth + 1,
    stickyName: getComputedStyle(b.querySelector('td')).position}));
  return {vw, scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 20), wideCount: wide.length,
          perRow, charts, boxes};
}"""


@pytest.mark.slow
@pytest.mark.parametrize("width, height, cards", [(360, 800, 2), (414, 896, 2), (320, 640, 1), (1280, 900, 3)])
def test_pack_fits_the_screen_from_a_phone_to_a_desktop(sample_pack, width, height, cards):
    html = (sample_pack / "briefing.html").read_text(encoding="utf-8")
    shot = ARTIFACTS / f"browser-城关区-{width}.png"
    shot.unlink(missing_ok=True)
    seen = open_offline(html, shot, viewport={"width": width, "height": height}, measure=LAYOUT)
    m = seen["measured"]
    assert seen["console"] == [] and seen["page_errors"] == [] and seen["blocked"] == []
    assert m["scrollWidth"] <= width, f"the page scrolls sideways at {width} px: {m['wide']}"
    assert m["wideCount"] == 0, m["wide"]
    assert m["perRow"] == cards
    assert len(m["charts"]) >= 4
    for chart in m["charts"]:
        assert 100 < chart["width"] <= width and chart["height"] > 50, chart
        assert chart["minFont"] >= 8.5, f"chart labels too small to read at {width} px: {chart}"
        assert chart["narrow"] == (width <= 600), chart
    assert m["boxes"] and all(b["stickyName"] == ("sticky" if width <= 600 else "static") for b in m["boxes"])
    if width <= 414:
        assert any(b["scrolls"] for b in m["boxes"])  # the wide table scrolls inside its box, not the page
    assert shot.is_file() and shot.stat().st_size > 10_000


@pytest.mark.slow
@pytest.mark.parametrize("width", [320, 360, 1280])
def test_a_data_missing_pack_fits_the_screen_and_says_so_first(tmp_path, width):
    """The 数据缺失 pack (meeting file data_missing) of a county with no 2025 figures, at a phone's width."""
    import pandas as pd
    from briefing.compute import compute_metrics
    from briefing.data import load_dataset
    from briefing.export.bulletin import standalone_page
    from briefing.params import Meeting
    from briefing.present.missing import missing_body
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "sample", data)
    f = pd.read_csv(data / "figures.csv", dtype=str, keep_default_na=False)
    f[~((f.region == "SL03") & (f.year == "2025"))].to_csv(data / "figures.csv", index=False)
    ds = load_dataset(data)
    meeting = Meeting(name="测试会议", slug="m", notebook="notebooks/annual_plenary.ipynb", year=2025,
                      meeting_date="2026-01-20", data_dir=str(data), data_missing=("湖滨区",))
    html = standalone_page(missing_body(compute_metrics(ds, 2025), ds.regions, "SL03", meeting, "测试数据"),
                           "湖滨区 · 数据缺失", True, kind="missing-pack", mark_after="</h1>", meeting_styles=False)
    shot = ARTIFACTS / f"browser-数据缺失-{width}.png"
    seen = open_offline(html, shot, viewport={"width": width, "height": 800}, measure=LAYOUT)
    m = seen["measured"]
    assert seen["console"] == [] and seen["page_errors"] == [] and seen["blocked"] == []
    assert m["scrollWidth"] <= width and m["wideCount"] == 0, m["wide"]
