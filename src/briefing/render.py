"""Turn a theme notebook into one region's pack: execute (papermill), export HTML (nbconvert), print PDF (WeasyPrint).

The HTML is one self-contained file (inline styles, inline SVG charts, no scripts, no
external references); the PDF is printed from that same HTML, so both show the same
content. Every file appears only complete: written under a temporary name, then renamed.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
import time
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import nbformat

from . import config
from .errors import RenderError
from .params import PackParams

_CSS = None
_EXPORTER = None
_H2 = re.compile(r"<h2(?:\s[^>]*)?>(.*?)</h2>", re.S)
_TAG = re.compile(r"<[^>]+>")
_ANCHOR = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)


def pack_css() -> str:
    global _CSS
    if _CSS is None:
        _CSS = (config.TEMPLATES_DIR / "briefing" / "pack.css").read_text(encoding="utf-8")
    return _CSS


def _exporter():
    global _EXPORTER
    if _EXPORTER is None:
        from nbconvert import HTMLExporter
        _EXPORTER = HTMLExporter(template_name="briefing", extra_template_basedirs=[str(config.TEMPLATES_DIR)],
                                 exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                                 exclude_anchor_links=True)
    return _EXPORTER


def export_html(nb: nbformat.NotebookNode, *, title: str, running_head: str) -> str:
    """The pack's HTML from an executed notebook: no code, a contents list after the cover."""
    resources = {"briefing_css": pack_css(), "briefing_title": title, "briefing_running_head": running_head}
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return add_contents(_ANCHOR.sub("", body))


def add_contents(html: str) -> str:
    """Number the section headings (h2) and put a contents list (目录) after the cover."""
    entries = []

    def number(match: re.Match) -> str:
        anchor = f"sec-{len(entries) + 1}"
        text = _TAG.sub("", match.group(1)).strip()
        entries.append((anchor, text))
        return f'<h2 id="{anchor}">{match.group(1)}</h2>'

    html = _H2.sub(number, html)
    if not entries:
        return html
    items = "".join(f'<li><a href="#{a}">{t}</a></li>' for a, t in entries)  # t is already escaped markup text
    toc = f'<nav class="toc"><h2 class="toc-title">目录</h2><ol>{items}</ol></nav>'
    cover_end = html.find("</section>")
    if cover_end == -1:
        return html.replace('<main class="pack">', '<main class="pack">' + toc, 1)
    cut = html.find("</div>", cover_end) + len("</div>")  # end of the cover's output block
    cut = html.find("</div>", cut) + len("</div>")        # end of its cell
    return html[:cut] + toc + html[cut:]


def html_to_pdf(html: str) -> bytes:
    """An A4 PDF of the pack (print styles from the same stylesheet), with real Chinese text."""
    from weasyprint import HTML
    return HTML(string=html, base_url=str(config.project_root())).write_pdf()


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write a file so that readers see the old complete file or the new complete file, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def safe_name(text: str) -> str:
    """A folder name from a region name that cannot leave its parent folder."""
    cleaned = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|\u200b-\u200f\u202a-\u202e\u2066-\u2069]', "_", text).strip(" .")
    return cleaned[:80] or "_"


@dataclass
class PackResult:
    region: str
    folder: str
    status: str = "ok"                   # ok | failed | skipped
    files: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    error: str = ""
    failed_cell: int | None = None
    partial_notebook: str = ""
    earlier: bool = False                # listed from an earlier run of the meeting, not rendered now


def render_pack(notebook: str | Path, params: PackParams, out_dir: Path, formats=("html", "pdf"),
                kernel=None, timeout: float | None = None) -> PackResult:
    """Execute ``notebook`` for one region and write the executed notebook, HTML and PDF into ``out_dir``.

    ``kernel`` is an optional ``briefing.kernel.WarmKernel`` reused between packs (batch
    rendering); without it papermill starts and stops a kernel of its own, as on the command
    line. ``timeout`` limits each cell, in seconds. Never leaves a half-written file.
    """
    import papermill as pm

    notebook = config.resolve(notebook)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = PackResult(region=params.region, folder=config.display_path(out_dir))
    final_nb = out_dir / config.PACK_NOTEBOOK
    tmp_nb = out_dir / f".{os.getpid()}.{threading.get_ident()}.partial.ipynb"
    t0 = time.perf_counter()
    run = dict(parameters=params.to_papermill(), progress_bar=False, log_output=False,
               request_save_on_cell_execute=False, execution_timeout=timeout)
    if kernel is not None:
        from .kernel import ENGINE
        run.update(engine_name=ENGINE, warm=kernel.ready())
        target = None  # nothing written while running; a failed notebook is written below
    else:
        run.update(cwd=str(config.project_root()))
        target = str(tmp_nb)
    try:
        nb = pm.execute_notebook(str(notebook), target, **run)
    except pm.PapermillExecutionError as exc:
        failed = out_dir / "briefing.failed.ipynb"
        if kernel is not None:
            if kernel.last_nb is not None:
                _scrub(kernel.last_nb, notebook, failed)
                write_atomic(failed, nbformat.writes(kernel.last_nb))
            kernel.discard()
        elif tmp_nb.exists():
            os.replace(tmp_nb, failed)
        result.status, result.failed_cell = "failed", exc.exec_count
        result.error = f"{exc.ename}: {_first_line(exc.evalue)}"
        result.partial_notebook = config.display_path(failed)
        return result
    except BaseException as exc:  # kernel died, cell timed out, bad notebook file, interrupted …
        if kernel is not None:
            kernel.discard()
        tmp_nb.unlink(missing_ok=True)
        if not isinstance(exc, Exception):
            raise
        result.status, result.error = "failed", f"{type(exc).__name__}: {_first_line(str(exc))}"
        return result
    tmp_nb.unlink(missing_ok=True)
    if kernel is not None:
        kernel.release()
    result.seconds["execute"] = round(time.perf_counter() - t0, 3)
    _scrub(nb, notebook, final_nb)

    t1 = time.perf_counter()
    title = f"{params.meeting or '工作会议'} · {params.region}"
    html = export_html(nb, title=title, running_head=f"{params.meeting} · {params.region} · 内部资料")
    pdf = html_to_pdf(html) if "pdf" in formats else None
    docx = None
    if "docx" in formats:
        from .word import html_to_docx  # python-docx only when a Word copy is asked for
        docx = html_to_docx(html)
    result.seconds["export"] = round(time.perf_counter() - t1, 3)
    # Write the notebook last-but-one and the HTML/PDF together, each atomically.
    write_atomic(final_nb, nbformat.writes(nb))
    result.files["ipynb"] = config.display_path(final_nb)
    if "html" in formats:
        write_atomic(out_dir / config.PACK_HTML, html)
        result.files["html"] = config.display_path(out_dir / config.PACK_HTML)
    if pdf is not None:
        write_atomic(out_dir / config.PACK_PDF, pdf)
        result.files["pdf"] = config.display_path(out_dir / config.PACK_PDF)
    if docx is not None:
        write_atomic(out_dir / config.PACK_DOCX, docx)
        result.files["docx"] = config.display_path(out_dir / config.PACK_DOCX)
    (out_dir / "briefing.failed.ipynb").unlink(missing_ok=True)
    return result


def _first_line(text: str) -> str:
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[0] if len(lines) == 1 else "\n".join(lines[:12])


def _scrub(nb: nbformat.NotebookNode, notebook: Path, final: Path) -> None:
    """Keep the executed notebook free of machine paths (it ships with the pack)."""
    meta = nb.metadata.get("papermill", {})
    meta["input_path"] = config.display_path(notebook)
    meta["output_path"] = config.display_path(final)
    meta.pop("environment_variables", None)
