"""Chart text measured from single-face font copies draws the same SVG as from the system's font collections."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.present import chart_fonts

ROOT = Path(__file__).resolve().parents[1]


def test_single_face_copies_every_table_byte_for_byte():
    found = subprocess.run(["fc-list", "--format", "%{file}\t%{index}\n", ":family=Noto Sans CJK SC"],
                           capture_output=True, text=True).stdout.split() if shutil.which("fc-list") else []
    if len(found) < 2 or not found[0].endswith(".ttc"):
        pytest.skip("no Noto Sans CJK SC collection installed here")
    from fontTools.ttLib import TTFont
    ttc, index = Path(found[0]), int(found[1])
    face = chart_fonts.single_face(ttc.read_bytes(), index)
    a, b = TTFont(ttc, fontNumber=index, lazy=True), TTFont(io.BytesIO(face), lazy=True)
    assert sorted(a.reader.keys()) == sorted(b.reader.keys())
    assert all(a.reader[tag] == b.reader[tag] for tag in a.reader.keys())


_SVGS = """
import json, sys
import briefing
from briefing.present import charts, chart_fonts
if sys.argv[1] == "plain":   # vl-convert with the system's font collections, as it comes
    chart_fonts._FONTS_READY = True
import vl_convert as vlc
out = []
for region in ("城关区", "示例市", "市教育工会"):
    pack = briefing.open_pack({"region": region, "year": 2025})
    for chart in (briefing.chart_completion(pack.region_metrics, note=pack.note),
                  briefing.chart_yoy(pack.region_metrics, note=pack.note),
                  briefing.chart_peers(pack.metrics, pack.region, "new_members", pack.dataset.regions, note=pack.note)):
        out.append(vlc.vegalite_to_svg(chart.to_dict()))
for text in ("入会率（%）", "Ab@W 1,234.5", "هذا", "😀", "ꦲ", "名字" * 40):  # other scripts take fallback fonts
    out.append(vlc.vegalite_to_svg({"data": {"values": [{"t": text}]}, "mark": {"type": "text", "font": charts.FONT},
                                    "encoding": {"text": {"field": "t", "type": "nominal"}}}))
json.dump(out, sys.stdout)
"""


@pytest.mark.slow
def test_charts_are_the_same_svg_with_single_face_fonts():
    """Each way in a fresh process (vl-convert reads its fonts once): byte-identical SVG."""
    def run(way):
        done = subprocess.run([sys.executable, "-c", _SVGS, way], cwd=ROOT, capture_output=True, text=True,
                              check=True, timeout=600)
        return json.loads(done.stdout)
    plain, fast = run("plain"), run("fast")
    assert len(plain) == len(fast) == 15
    assert plain == fast
