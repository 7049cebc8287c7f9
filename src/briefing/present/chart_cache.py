"""A chart already drawn is not drawn again: vl-convert's SVG kept under what decides it.

Drawing a chart (vl-convert lays out and measures every text) is most of a pack's chart time, and most charts
of a re-render are the ones drawn last time: a ``--force`` re-render, a county's correction (its siblings'
completion and trend charts do not change), an editor's ``briefing preview --watch`` after a text edit, a
``briefing check`` after a render. The SVG depends only on the Vega-Lite spec, the conversion options,
vl-convert's version and the fonts it can find, so it is kept in a file named by a hash of exactly these:
any change to one of them is another name, and the chart is drawn afresh. A file that cannot be read or
written is drawn afresh too (the cache only ever saves time; the SVG is byte-for-byte what vl-convert gives,
tests/test_chart_cache.py).

Where: ``$BRIEFING_CHART_CACHE``, else ``~/.cache/briefing/charts`` (``$XDG_CACHE_HOME`` respected), kept to
about ``MAX_MB`` by removing the files used longest ago; ``BRIEFING_CHART_CACHE=off`` draws every chart afresh.
The folder is the user's own (mode 700): it holds the charts' figures, as the packs do.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from pathlib import Path

CACHE_ENV = "BRIEFING_CHART_CACHE"
MAX_MB = 200
_state: dict = {"fonts": None, "pruned": False}


def chart_svg(spec: dict, **options) -> str:
    """``vl_convert.vegalite_to_svg(spec, **options)``, read from the cache when this very chart was drawn before."""
    folder = cache_folder()
    key = _key(spec, options) if folder is not None else None
    if key is None:
        return _draw(spec, options)
    path = folder / key[:2] / f"{key}.svg"
    try:
        svg = path.read_text(encoding="utf-8")
        if svg.startswith("<svg") and svg.endswith("</svg>"):
            os.utime(path)   # used now: pruning removes the files used longest ago
            return svg
    except (OSError, UnicodeDecodeError):
        pass
    svg = _draw(spec, options)
    _keep(path, svg)
    return svg


def cache_folder() -> Path | None:
    """The cache's folder, or None when the cache is off or no folder can be made."""
    setting = os.environ.get(CACHE_ENV, "").strip()
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    if setting:
        folder = Path(setting)
    else:
        root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = Path(root) / "briefing" / "charts"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None


def _draw(spec: dict, options: dict) -> str:
    import vl_convert as vlc
    return vlc.vegalite_to_svg(spec, **options)


def _key(spec: dict, options: dict) -> str | None:
    """A hash of everything the SVG depends on; None when one of them cannot be told (then it is drawn afresh)."""
    import vl_convert as vlc
    fonts = _fonts()
    if fonts is None:
        return None
    try:
        text = json.dumps([spec, options], sort_keys=True, ensure_ascii=False, allow_nan=False,
                          separators=(",", ":"))
    except (TypeError, ValueError):
        return None
    what = f"{getattr(vlc, '__version__', '?')}\n{fonts}\n{text}"
    return hashlib.sha256(what.encode("utf-8", "surrogatepass")).hexdigest()


def _fonts() -> str | None:
    """Once per process: the fonts vl-convert can find (file, face, family, style, size, time), as a hash."""
    if _state["fonts"] is None:
        try:
            listed = subprocess.run(["fc-list", "--format", "%{file}\t%{index}\t%{family}\t%{style}\n"],
                                    capture_output=True, text=True, timeout=20, check=True).stdout
            lines = []
            for line in sorted(set(listed.splitlines())):
                stat = os.stat(line.split("\t")[0])
                lines.append(f"{line}\t{stat.st_size}\t{stat.st_mtime_ns}")
            config = os.environ.get("FONTCONFIG_FILE", "")
            _state["fonts"] = hashlib.sha256("\n".join([config, *lines]).encode("utf-8", "surrogatepass")).hexdigest()
        except (OSError, subprocess.SubprocessError, UnicodeDecodeError):
            _state["fonts"] = ""
    return _state["fonts"] or None


def _keep(path: Path, svg: str) -> None:
    """Write the SVG whole or not at all (another process may write the same chart meanwhile: either is right)."""
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".svg", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(svg)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return
    if not _state["pruned"]:
        _state["pruned"] = True   # once per process: a meeting writes a few MB
        prune(path.parent.parent)


def prune(folder: Path, max_mb: float = MAX_MB) -> int:
    """Remove the files used longest ago until the cache holds at most ``max_mb``; returns how many went."""
    files = []
    try:
        for sub in os.scandir(folder):
            if sub.is_dir(follow_symlinks=False):
                for entry in os.scandir(sub.path):
                    if entry.name.endswith(".svg") and entry.is_file(follow_symlinks=False):
                        stat = entry.stat()
                        files.append((stat.st_mtime_ns, stat.st_size, entry.path))
    except OSError:
        return 0
    total, limit, removed = sum(size for _, size, _ in files), max_mb * 1024 * 1024, 0
    for _, size, name in sorted(files):
        if total <= limit:
            break
        try:
            os.unlink(name)
            total, removed = total - size, removed + 1
        except OSError:
            pass
    return removed
