"""vl-convert measures chart text from single-face copies of the chart font: the same SVG, in half the time.

vl-convert lays out every chart text (axis labels, values, titles) to measure it, and maps the font
file again for every glyph; from the Noto Sans CJK *collection* that costs about a third more than
from a file holding the one face. Once per process the faces are copied out, byte for byte, and
vl-convert's font database is built with them first (bench/perf-notes.md has the figures;
tests/test_chart_fonts.py checks that the SVG is byte-identical).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

# ---------------------------------------------------------------- text measurement in vl-convert
#
# vl-convert measures every chart text (axis labels, value labels, titles) by laying it out with
# its own font database, and it maps the font file again for every glyph. Debian ships Noto Sans
# CJK as collections (NotoSansCJK-Regular.ttc: ten faces in one file); read from the collection,
# a chart's text measurement costs about a third more CPU than from a file holding that one face.
# So, once per process and before vl-convert's first chart, the faces of the charts' first font
# family are copied out of their collection, table for table and byte for byte (same glyphs, same
# metrics, same layout tables; only the file header differs), and vl-convert's font database is
# built from a fontconfig file that lists the folder of those copies first and then includes the
# system's configuration exactly as vl-convert would have read it. Every family and face it had
# before is still there, in the same order; the copies come first and so are the ones it picks
# for that family. The SVG is byte-identical (tests/test_chart_measuring.py checks); only faster.
# Anything unusual (no fc-list, no collection, two files offering the same face, no cache folder,
# vl-convert already started) leaves vl-convert exactly as it was.

_FONTS_READY = False


def fast_chart_fonts(font: str) -> None:
    """Once per process, before vl-convert's first chart: point its font database at single-face copies of
    ``font``'s first family (anything unexpected leaves vl-convert as it was)."""
    global _FONTS_READY
    if _FONTS_READY:
        return
    _FONTS_READY = True
    try:
        conf = _single_face_font_config(font.split(",")[0].strip())
    except Exception:  # noqa: BLE001 - an optimisation only: vl-convert keeps its own fonts
        conf = None
    if conf is None:
        return
    import vl_convert as vlc
    saved = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(conf)
    try:  # vl-convert reads the font configuration once, when it first measures a text
        vlc.vegalite_to_svg({"data": {"values": [{"t": "字"}]}, "mark": {"type": "text", "font": font},
                             "encoding": {"text": {"field": "t", "type": "nominal"}}})
    except Exception:  # noqa: BLE001
        pass
    finally:
        if saved is None:
            os.environ.pop("FONTCONFIG_FILE", None)
        else:
            os.environ["FONTCONFIG_FILE"] = saved


def _single_face_font_config(family: str) -> Path | None:
    """A fontconfig file: a folder with ``family``'s faces copied out of their collections, then the
    system configuration as vl-convert's font database (fontdb) reads it. None when not worth it or unsure."""
    if not shutil.which("fc-list"):
        return None
    listed = subprocess.run(["fc-list", "--format", "%{file}\t%{index}\t%{weight}\t%{slant}\t%{width}\n",
                             f":family={family}"], capture_output=True, text=True, timeout=20, check=True).stdout
    faces: dict[tuple, set] = {}
    for line in listed.splitlines():
        file, index, *style = line.split("\t")
        faces.setdefault(tuple(style), set()).add((file, int(index or 0)))
    if not faces or any(len(found) != 1 for found in faces.values()):
        return None  # not installed, or two files offer the same face: which one fontdb picks is unknown
    sources = sorted(next(iter(found)) for found in faces.values())
    if not all(file.lower().endswith((".ttc", ".otc")) for file, _ in sources):
        return None
    stamp = hashlib.sha1(repr([(f, i, os.stat(f).st_size, os.stat(f).st_mtime_ns) for f, i in sources]
                              + _fontdb_configs()).encode()).hexdigest()[:16]
    base = _font_cache() / stamp
    conf = base / "fonts.conf"
    if not conf.is_file():
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=base.parent))
        try:
            (tmp / "fonts").mkdir()
            for n, (file, index) in enumerate(sources):
                (tmp / "fonts" / f"face-{n}.otf").write_bytes(single_face(Path(file).read_bytes(), index))
            includes = "".join(f'  <include ignore_missing="yes">{_xml(c)}</include>\n' for c in _fontdb_configs())
            (tmp / "fonts.conf").write_text(
                '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
                f"  <dir>{_xml(str(base / 'fonts'))}</dir>\n{includes}</fontconfig>\n", encoding="utf-8")
            try:
                os.replace(tmp, base)  # another process may have made the same folder meanwhile: keep that one
            except OSError:
                pass
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return conf if conf.is_file() else None


def _fontdb_configs() -> list[str]:
    """The fontconfig files fontdb reads, in its order (FONTCONFIG_FILE; else the user's file or local.conf, then fonts.conf)."""
    if os.environ.get("FONTCONFIG_FILE"):
        return [os.environ["FONTCONFIG_FILE"]]
    home = os.environ.get("XDG_CONFIG_HOME") or (os.path.join(os.environ["HOME"], ".config") if "HOME" in os.environ else "")
    user = os.path.join(home, "fontconfig", "fonts.conf") if home else ""
    return [user if user and os.path.isfile(user) else "/etc/fonts/local.conf", "/etc/fonts/fonts.conf"]


def _font_cache() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    for folder in (Path(root) / "briefing" / "chart-fonts",
                   Path(tempfile.gettempdir()) / f"briefing-chart-fonts-{os.getuid()}"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if os.access(folder, os.W_OK):
                return folder
        except OSError:
            continue
    raise OSError("no writable cache folder")


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def single_face(collection: bytes, index: int) -> bytes:
    """Face ``index`` of a font collection (TTC/OTC) as a font file of its own, every table byte for byte.

    >>> face = single_face(b"ttcf" + struct.pack(">HHII", 1, 0, 1, 16) + struct.pack(">IHHHH", 0x4F54544F, 1, 16, 0, 0)
    ...                    + struct.pack(">4sIII", b"name", 7, 44, 3) + b"abc", 0)
    >>> face[:4], face[12:16], face[28:31]
    (b'OTTO', b'name', b'abc')
    """
    if collection[:4] != b"ttcf":
        raise ValueError("not a font collection")
    (offset,) = struct.unpack_from(">I", collection, 12 + 4 * index)
    (count,) = struct.unpack_from(">H", collection, offset + 4)
    header = bytearray(collection[offset:offset + 12 + 16 * count])
    body = bytearray()
    start = 12 + 16 * count
    for n in range(count):
        tag, checksum, table, length = struct.unpack_from(">4sIII", collection, offset + 12 + 16 * n)
        body += b"\0" * (-len(body) % 4)
        struct.pack_into(">4sIII", header, 12 + 16 * n, tag, checksum, start + len(body), length)
        body += collection[table:table + length]
    body += b"\0" * (-len(body) % 4)
    return bytes(header + body)

