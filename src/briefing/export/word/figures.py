"""Charts in a Word pack: each inline SVG chart as a 300 dpi PNG across the text width, with a numbered caption."""

from __future__ import annotations

import base64
import copy
import io
import re

import lxml.etree as etree
import vl_convert
from docx.image.image import Image
from docx.shared import Mm

from ...errors import RenderError
from .markup import classes, is_element, text_of
from .ooxml import add_field
from .styles import FIGURE_DPI, MAX_FIGURE_HEIGHT_MM, TEXT_WIDTH_MM

# SVG names that an HTML parser folds to lower case; rasterisers want them as written.
_SVG_NAMES = {n.lower(): n for n in (
    "viewBox", "preserveAspectRatio", "gradientUnits", "gradientTransform", "patternUnits",
    "patternContentUnits", "patternTransform", "clipPathUnits", "maskUnits", "maskContentUnits",
    "markerWidth", "markerHeight", "markerUnits", "refX", "refY", "textLength", "lengthAdjust",
    "startOffset", "spreadMethod", "clipPath", "linearGradient", "radialGradient", "textPath",
    "foreignObject")}


class FiguresMixin:
    """The chart parts of the document writer (``document.Writer``)."""

    def figure(self, el) -> None:
        caption_el = el.find(".//figcaption")
        caption = text_of(caption_el) if caption_el is not None else ""
        for node in el.iter():
            if is_element(node) and node.tag in ("svg", "img"):
                self.picture(node, caption or _svg_title(node))
                return
        if caption:
            self.paragraph("Caption", caption)

    def picture(self, el, caption: str) -> None:
        if el.tag == "svg":
            png, (w_px, h_px) = _svg_png(el)
        else:
            found = _data_uri_image(el.get("src") or "")
            if found is None:    # an image the pack does not carry inside itself: nothing to show
                return
            png, (w_px, h_px) = found
        width_mm = min(TEXT_WIDTH_MM, MAX_FIGURE_HEIGHT_MM * w_px / h_px) if h_px else TEXT_WIDTH_MM
        p = self.paragraph("图片")
        p.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))
        self.figures += 1
        cap = self.paragraph("Caption")
        cap.add_run("图")
        add_field(cap, "SEQ 图 \\* ARABIC", str(self.figures))
        if caption:
            cap.add_run("\u3000" + caption)



def _svg_title(svg) -> str:
    """The chart's own title: Vega's most prominent title text (largest, then outermost). A source
    line set as a bottom title and facet headers are titles too, but smaller."""
    best = None
    for node in svg.iter():
        if is_element(node) and "role-title-text" in classes(node):
            label = node if node.tag == "text" else next(node.iter("text"), node)
            size = re.match(r"\s*([\d.]+)", label.get("font-size") or "")
            key = (-float(size.group(1)) if size else 0.0, sum(1 for _ in node.iterancestors()))
            if text_of(node) and (best is None or key < best[0]):
                best = (key, text_of(node))
    return best[1] if best else ""


def _svg_png(svg) -> tuple[bytes, tuple[float, float]]:
    """The chart as a PNG sharp enough to print at ``FIGURE_DPI`` across the full text width."""
    node = copy.deepcopy(svg)
    for el in node.iter():
        if not is_element(el):
            continue
        el.tag = _SVG_NAMES.get(el.tag, el.tag)
        for name in [n for n in el.attrib if n in _SVG_NAMES]:
            el.attrib[_SVG_NAMES[name]] = el.attrib.pop(name)
    node.set("xmlns", "http://www.w3.org/2000/svg")
    w_px, h_px = _svg_size(node)
    target = TEXT_WIDTH_MM / 25.4 * FIGURE_DPI
    scale = max(1.0, target / w_px) if w_px else 3.0
    markup = etree.tostring(node, encoding="unicode", method="xml")
    try:
        return vl_convert.svg_to_png(markup, scale=scale), (w_px, h_px)
    except Exception as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]   # the first line, not the backtrace
        raise RenderError(f"图表“{_svg_title(svg) or '（无标题）'}”无法转为 Word 文稿中的图片（{reason}）。"
                          "请检查该图表在 HTML 简报中能否正常显示，修正生成它的笔记本单元格后重新生成。") from exc


def _svg_size(svg) -> tuple[float, float]:
    def number(value: str | None) -> float:
        match = re.match(r"\s*([\d.]+)\s*(px)?\s*$", value or "")
        return float(match.group(1)) if match else 0.0

    w, h = number(svg.get("width")), number(svg.get("height"))
    if (not w or not h) and svg.get("viewBox"):
        parts = svg.get("viewBox").replace(",", " ").split()
        if len(parts) == 4:
            w, h = float(parts[2]), float(parts[3])
    return w, h


def _data_uri_image(src: str) -> tuple[bytes, tuple[float, float]] | None:
    match = re.match(r"data:image/(png|jpeg|jpg|gif);base64,(.*)$", src.strip(), re.S)
    if not match:
        return None
    data = base64.b64decode(match.group(2))
    image = Image.from_blob(data)
    return data, (float(image.px_width), float(image.px_height))

