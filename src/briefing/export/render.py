"""Turn a theme notebook into one region's pack: execute (papermill), export HTML (nbconvert), print PDF (WeasyPrint).

The HTML is one self-contained file (inline styles, inline SVG charts, no scripts, no
external references); the PDF is printed from that same HTML, so both show the same
content. Every file appears only complete: written under a temporary name, then renamed.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .. import config
from ..params import PackParams
from .failures import describe_failure, first_line, last_started_cell
from .files import staged_writes, write_atomic
from .html import export_html
from .pdf import html_to_pdf
from .scrub import scrub_notebook, scrub_text


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
    outdated: bool = False               # an earlier pack whose shown figures the data no longer gives
    worker: dict = field(default_factory=dict)   # which worker rendered it: pid, its n-th pack, its warm-up seconds


def render_pack(notebook: str | Path, params: PackParams, out_dir: Path, formats=("html", "pdf"),
                kernel=None, timeout: float | None = None, notes: dict | None = None, revision=None) -> PackResult:
    """Execute ``notebook`` for one region and write the executed notebook, HTML and PDF into ``out_dir``.

    ``kernel`` is an optional ``briefing.kernel.WarmKernel`` reused between packs (batch
    rendering); without it papermill starts and stops a kernel of its own, as on the command
    line. ``timeout`` limits the execution of the whole notebook for this region, in seconds
    (a hanging cell ends in a failed pack, not a stuck batch). Never leaves a half-written file,
    and never a pack whose files come from two different runs (``notes``, ``revision``: ``_meeting_additions``).
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
    if timeout:
        # One budget for the whole pack: each cell may use what the cells before it left (nbclient's timeout_func).
        deadline = time.monotonic() + timeout
        run["timeout_func"] = lambda cell: max(1, int(deadline - time.monotonic()))
    try:
        nb = pm.execute_notebook(str(notebook), target, **run)
    except BaseException as exc:  # a cell raised or timed out, the kernel died, bad notebook file, interrupted …
        partial = None
        if kernel is not None:
            partial = kernel.last_nb
            kernel.discard()
        elif tmp_nb.exists():
            with contextlib.suppress(Exception):
                partial = nbformat.read(tmp_nb, as_version=4)
        tmp_nb.unlink(missing_ok=True)
        if not isinstance(exc, Exception):
            raise
        result.status = "failed"
        if isinstance(exc, pm.PapermillExecutionError):
            result.failed_cell = exc.exec_count
            result.error = scrub_text(f"{exc.ename}: {first_line(exc.evalue)}", [params.data_dir])
        else:
            result.failed_cell = last_started_cell(partial)
            result.error = describe_failure(exc, timeout)
        if partial is not None:
            with contextlib.suppress(OSError):  # a full disk must not hide why the pack failed
                failed = out_dir / "briefing.failed.ipynb"
                scrub_notebook(partial, notebook, failed, [params.data_dir])
                write_atomic(failed, nbformat.writes(partial))
                result.partial_notebook = config.display_path(failed)
        return result
    tmp_nb.unlink(missing_ok=True)
    if kernel is not None:
        kernel.release()
    result.seconds["execute"] = round(time.perf_counter() - t0, 3)
    scrub_notebook(nb, notebook, final_nb, [params.data_dir])

    t1 = time.perf_counter()
    title, head = f"{params.meeting or '工作会议'} · {params.region}", f"{params.meeting} · {params.region} · 内部资料"
    html = _meeting_additions(export_html(nb, title=title, running_head=head), out_dir, notes, revision)
    pdf = html_to_pdf(html) if "pdf" in formats else None
    docx = None
    if "docx" in formats:
        from .word import html_to_docx  # python-docx only when a Word copy is asked for
        docx = html_to_docx(html)
    result.seconds["export"] = round(time.perf_counter() - t1, 3)
    # Stage every file in full first (a full disk fails here, before a good file is touched), then rename
    # them together: a pack is never half new and half old.
    with staged_writes() as stage:
        stage(final_nb, nbformat.writes(nb))
        result.files["ipynb"] = config.display_path(final_nb)
        if "html" in formats:
            stage(out_dir / config.PACK_HTML, html)
            result.files["html"] = config.display_path(out_dir / config.PACK_HTML)
        if pdf is not None:
            stage(out_dir / config.PACK_PDF, pdf)
            result.files["pdf"] = config.display_path(out_dir / config.PACK_PDF)
        if docx is not None:
            stage(out_dir / config.PACK_DOCX, docx)
            result.files["docx"] = config.display_path(out_dir / config.PACK_DOCX)
        _stage_additions(stage, out_dir, result, _onepage(params, formats, revision), revision)
    (out_dir / "briefing.failed.ipynb").unlink(missing_ok=True)
    return result



def _meeting_additions(html: str, out_dir: Path, notes: dict | None, revision) -> str:
    """The analyst's notes under their headings (``present.notes.notes_blocks``), then the version marks and
    修订说明 (``export.versions.Revision``); both come from ``briefing render``, a plain run has neither."""
    before = html
    if notes:
        from ..present.notes import place_notes
        html = place_notes(html, notes)
    if revision is not None:
        from .versions import apply_revision
        old = out_dir / config.PACK_HTML
        previous = old.read_text(encoding="utf-8") if revision.bumped and old.is_file() else ""
        html = apply_revision(html, revision, previous)
    if html is not before:   # their styles, only then: a first version without notes stays as it was
        css = (config.TEMPLATES_DIR / "briefing" / "additions.css").read_text(encoding="utf-8")
        html = html.replace("</style>", css + "</style>", 1)
    return html


def _onepage(params: PackParams, formats, revision) -> bytes | None:
    if "onepage" not in formats:
        return None
    from .onepage import render_onepage
    return render_onepage(params, revision)


def _stage_additions(stage, out_dir: Path, result: PackResult, onepage: bytes | None, revision) -> None:
    """With the pack's files: the one-page brief, the previous version's files (when this one is new), the record."""
    if onepage is not None:
        stage(out_dir / config.PACK_ONEPAGE, onepage)
        result.files["onepage"] = config.display_path(out_dir / config.PACK_ONEPAGE)
    if revision is not None:
        from .versions import stage_version
        stage_version(stage, out_dir, revision)
