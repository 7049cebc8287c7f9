"""Where things live: the project root and every path the workbook reads or writes.

No other module or notebook spells out a path; they ask this one. The root is found
from ``BRIEFING_ROOT`` if set, else by walking up from the current directory to the
folder that holds ``notebooks/``, ``params/`` and ``data/`` (so a kernel started in
``notebooks/`` by JupyterLab finds it too), else from this package's own location
(an editable install inside the repository).
"""

from __future__ import annotations

import os
from pathlib import Path

VERSION = "0.1.0"  # keep in step with pyproject.toml
_MARKERS = ("notebooks", "params", "data")
PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "present" / "templates"

# Names of the files a data folder holds (tidy CSV, the embedded default format).
DATASET_FILES = {
    "indicators": "indicators.csv",
    "regions": "regions.csv",
    "figures": "figures.csv",
    "targets": "targets.csv",
}
DATASET_META = "dataset.yaml"

# Names of the files one pack folder holds.
PACK_NOTEBOOK = "briefing.ipynb"
PACK_HTML = "briefing.html"
PACK_PDF = "briefing.pdf"
PACK_DOCX = "briefing.docx"
PACK_ONEPAGE = "onepage.pdf"          # the one-page brief (formats: [onepage])
PACK_FINGERPRINT = ".inputs.sha256"   # the inputs a complete pack was rendered from (briefing render skips by it)

# Names of the meeting's own files (outputs/<meeting>/), besides index.html and manifest.json.
BOOK_PDF = "book.pdf"                 # 会议材料汇编: every pack bound into one PDF
BULLETIN_HTML = "bulletin.html"       # 通报: the ranking bulletin
BULLETIN_PDF = "bulletin.pdf"


def _is_root(path: Path) -> bool:
    return all((path / m).is_dir() for m in _MARKERS)


def project_root() -> Path:
    """The repository folder (holding notebooks/, params/, data/, outputs/)."""
    env = os.environ.get("BRIEFING_ROOT")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if _is_root(candidate):
            return candidate
    for candidate in PACKAGE_DIR.parents:
        if _is_root(candidate):
            return candidate
    return here


def data_dir() -> Path:
    return project_root() / "data"


def sample_data_dir() -> Path:
    return data_dir() / "sample"


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def params_dir() -> Path:
    return project_root() / "params"


def outputs_dir() -> Path:
    """Where packs are written: outputs/ in the project, or ``BRIEFING_OUTPUTS`` if set."""
    env = os.environ.get("BRIEFING_OUTPUTS")
    return Path(env).resolve() if env else project_root() / "outputs"


def resolve(path: str | os.PathLike) -> Path:
    """A path as the user wrote it, taken relative to the project root unless absolute."""
    p = Path(path)
    return p if p.is_absolute() else project_root() / p


def display_path(path: str | os.PathLike) -> str:
    """A path as shown to people and written into packs: relative to the root when inside it.

    Packs must never carry the analyst's absolute paths (user names hide in them).
    """
    p = Path(path).resolve()
    try:
        return p.relative_to(project_root()).as_posix()
    except ValueError:
        return p.name


def terminal_path(path: str | os.PathLike) -> str:
    """A path as said on the analyst's own terminal (never written into a pack): relative to the root when inside
    it, else whole, so that outputs kept elsewhere (``BRIEFING_OUTPUTS``) can be found from what was said."""
    p = Path(path).resolve()
    return display_path(p) if p.is_relative_to(project_root()) else str(p)
