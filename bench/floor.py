"""The no-kernel floor: the same packs as ``briefing render``, with the notebook's cells run in-process.

    python -m bench.floor bench/data/meeting-n12.yaml --workers 2 --out bench/results/floor

Each worker process runs the theme notebook's code cells in an IPython shell of its own
(no kernel, no messaging): a fresh user namespace per region, the parameters injected as
papermill injects them, every rich output (execute_result, display_data, stream) captured
into an nbformat notebook as a kernel would send it. The pack is then exported with
``briefing.export.html.export_html`` and printed with ``briefing.export.pdf.html_to_pdf``, and the
three files are written as ``render_pack`` writes them. What is left is the cost of the
pack itself: what any way of running a notebook per region has to pay at least.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import copy
import multiprocessing
import os
import sys
import time
from pathlib import Path

import nbformat

_SHELL = None
_NOTEBOOKS: dict[str, nbformat.NotebookNode] = {}


def _shell_class():
    """An IPython shell whose display hook and publisher record outputs instead of printing them."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets import Type

    class RecordingHook(DisplayHook):
        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            self.shell.recorded.append(nbformat.v4.new_output(
                "execute_result", data=format_dict, metadata=md_dict or {},
                execution_count=self.shell.execution_count))

        def finish_displayhook(self):
            pass

    class RecordingPublisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            self.shell.recorded.append(nbformat.v4.new_output("display_data", data=data, metadata=metadata or {}))

        def clear_output(self, wait=False):
            self.shell.recorded.clear()

    class RecordingShell(InteractiveShell):
        displayhook_class = Type(RecordingHook)
        display_pub_class = Type(RecordingPublisher)
        recorded: list = []

    return RecordingShell


class _Stream:
    """sys.stdout / sys.stderr during a cell: text becomes stream outputs, merged as a kernel merges them."""

    def __init__(self, shell, name: str):
        self.shell, self.name = shell, name

    def write(self, text: str) -> int:
        out = self.shell.recorded
        if out and out[-1]["output_type"] == "stream" and out[-1]["name"] == self.name:
            out[-1]["text"] += text
        else:
            out.append(nbformat.v4.new_output("stream", name=self.name, text=text))
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def shell():
    """This process's recording shell (created once; each region gets a fresh namespace)."""
    global _SHELL
    if _SHELL is None:
        from traitlets.config import Config
        cfg = Config()
        cfg.HistoryManager.enabled = False
        main = sys.modules.get("__main__")
        try:
            _SHELL = _shell_class().instance(config=cfg)   # the singleton, so that display() reaches it
        finally:
            _restore_main(main)
    return _SHELL


def _restore_main(main) -> None:
    """Put back the caller's ``__main__``: IPython swaps in its user module, which has no ``__spec__``,
    and multiprocessing's spawn needs that spec in every later child process."""
    if main is not None:
        sys.modules["__main__"] = main


def execute_in_process(nb: nbformat.NotebookNode, parameters: dict) -> nbformat.NotebookNode:
    """A copy of ``nb`` with the parameters injected and every code cell run here, outputs filled in.

    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 2\\nx * 21")])
    >>> execute_in_process(nb, {})["cells"][-1]["outputs"][0]["data"]["text/plain"]   # doctest: +SKIP
    '42'
    """
    from papermill.parameterize import parameterize_notebook
    nb = copy.deepcopy(nb)
    nb.metadata.setdefault("papermill", {"parameters": {}})   # as papermill's own reader prepares it
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
    nb = parameterize_notebook(nb, parameters)
    main = sys.modules.get("__main__")
    try:
        sh = shell()
        sys.modules["__main__"] = sh.user_module   # as in a kernel, while the cells run
        return _run_cells(nb, sh)
    finally:
        _restore_main(main)


def _run_cells(nb: nbformat.NotebookNode, sh) -> nbformat.NotebookNode:
    sh.reset(new_session=False)          # a fresh namespace, as a new kernel would have
    sh.execution_count = 1
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        sh.recorded = []
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = _Stream(sh, "stdout"), _Stream(sh, "stderr")
        try:
            count = sh.execution_count
            result = sh.run_cell(cell.source, store_history=True, silent=False)
        finally:
            sys.stdout, sys.stderr = saved
        if not result.success:
            error = result.error_in_exec or result.error_before_exec
            raise RuntimeError(f"第 {index + 1} 个单元格出错：{type(error).__name__}: {error}") from error
        cell.execution_count = count
        cell.outputs = sh.recorded
    return nb


def _notebook(path: str) -> nbformat.NotebookNode:
    if path not in _NOTEBOOKS:
        from papermill.iorw import load_notebook_node   # as papermill reads it (adds the tags lists)
        _NOTEBOOKS[path] = load_notebook_node(path)
    return _NOTEBOOKS[path]


def render_region(notebook: str, params, out_dir: str, formats: tuple[str, ...]) -> dict:
    """One region's pack with no kernel: the same files ``render_pack`` writes, and the seconds spent."""
    from briefing import config
    from briefing.export.workers import _settle_heap as settle_heap
    from briefing.export.html import export_html
    from briefing.export.pdf import html_to_pdf
    from briefing.export.files import write_atomic
    out = Path(out_dir)
    t0 = time.perf_counter()
    nb = execute_in_process(_notebook(str(config.resolve(notebook))), params.to_papermill())
    write_atomic(out / config.PACK_NOTEBOOK, nbformat.writes(nb))
    t1 = time.perf_counter()
    title = f"{params.meeting or '工作会议'} · {params.region}"
    html = export_html(nb, title=title, running_head=f"{params.meeting} · {params.region} · 内部资料")
    if "html" in formats:
        write_atomic(out / config.PACK_HTML, html)
    t2 = time.perf_counter()
    if "pdf" in formats:
        write_atomic(out / config.PACK_PDF, html_to_pdf(html))
    t3 = time.perf_counter()
    settle_heap()  # as briefing render's workers do after their first pack, so the floor keeps the same advantage
    return {"region": params.region, "execute": t1 - t0, "html": t2 - t1, "pdf": t3 - t2}


def _warm() -> None:
    shell()


def render_floor(meeting_file: str, out_dir: str | Path, *, workers: int | None = None,
                 regions: list[str] | None = None) -> list[dict]:
    """Every region of a meeting (or ``regions``) rendered by the floor, ``workers`` processes in parallel."""
    from briefing import config
    from briefing.data.folder import load_regions
    from briefing.params import load_meeting
    from briefing.export.files import safe_name
    meeting = load_meeting(meeting_file)
    names = list(regions or meeting.regions)
    if not names:
        table = load_regions(config.resolve(meeting.data_dir))
        names = list(table.sort_values(["depth", "order"])["name"])
    workers = max(1, min(workers or os.cpu_count() or 1, len(names)))
    out_dir = Path(out_dir)
    jobs = [(meeting.notebook, meeting.params_for(n), str(out_dir / safe_name(n)), meeting.formats) for n in names]
    # by module name, not __main__, so that spawned workers find them under ``python -m bench.floor``
    from bench import floor
    ctx = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=floor._warm) as pool:
        return list(pool.map(floor.render_region, *zip(*jobs)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.floor", description="无内核下限：进程内执行笔记本，生成同样的简报。")
    parser.add_argument("meeting", help="会议文件")
    parser.add_argument("--out", required=True, help="输出目录")
    parser.add_argument("--workers", type=int, default=None, help="并行进程数（默认：CPU 核数，与 briefing render 相同）")
    parser.add_argument("--regions", default="", help="只生成这些地区，逗号分隔")
    args = parser.parse_args(argv)
    os.environ.setdefault("BRIEFING_CHART_CACHE", "off")   # the packs' own work: every chart drawn (its workers inherit it)
    regions = [r for r in args.regions.split(",") if r] or None
    t0 = time.perf_counter()
    done = render_floor(args.meeting, args.out, workers=args.workers, regions=regions)
    print(f"无内核下限：{len(done)} 份简报，用时 {time.perf_counter() - t0:.1f} 秒。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
