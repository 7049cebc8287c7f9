"""Worker processes that render packs on warm kernels: started before the data is read, warmed once, local or on Dask.

A worker warms up once, before its first pack and while the command that started it is still
reading and checking the data: its kernel imports what themes need, draws one tiny chart and
loads the meeting's data (``kernel.warm_code``), and meanwhile the worker itself loads nbconvert's
template and prints a tiny PDF with WeasyPrint. Its first pack then costs what the others cost.

Locally the workers are spawned processes (``LocalWorkers``), each with one kernel; on a Dask cluster
(``DaskWorkers``) a worker plugin does the same warm-up in every Dask worker and its kernels outlive
the batch, so the next ``briefing render --scheduler`` finds them warm. Either way a kernel is reset
before every pack exactly as locally (``kernel.WarmKernel``).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import dataclasses
import gc
import os
import threading
import time
from pathlib import Path

from .. import config
from . import kernel as kernels
from .failures import describe_failure
from .files import write_atomic
from .render import PackResult, render_pack

@dataclasses.dataclass(frozen=True)
class Warmup:
    """What a worker prepares before its first pack."""

    root: str = ""                         # the project folder packs are rendered from (BRIEFING_ROOT)
    env: tuple = ()                        # (name, value) the packs depend on, e.g. SOURCE_DATE_EPOCH ("" = unset)
    formats: tuple = ("html",)             # with pdf or onepage, WeasyPrint is warmed too
    parameters: dict | None = None         # one pack's parameters: its data is loaded in the kernel beforehand
    kernel: bool = True                    # False: packs start kernels of their own (briefing check --fresh)


def warmup_for(formats, parameters: dict | None, kernel: bool = True) -> Warmup:
    """The warm-up for packs rendered now from this process: its project folder and environment."""
    env = tuple((k, os.environ.get(k, "")) for k in kernels.KERNEL_ENV if k != "BRIEFING_ROOT")
    return Warmup(root=str(config.project_root()), env=env, formats=tuple(formats),
                  parameters=dict(parameters) if parameters else None, kernel=kernel)


# ---------------------------------------------------------------- in the worker

_state: dict = {"warmup_s": None, "packs": 0, "thread": None, "waited": False}
_settled = False


def apply_env(warmup: Warmup) -> None:
    if warmup.root:
        os.environ["BRIEFING_ROOT"] = warmup.root
    for name, value in warmup.env:
        if value:
            os.environ[name] = value
        else:
            os.environ.pop(name, None)


def warm_up(warmup: Warmup, kernel_count: int = 1) -> float:
    """Warm this process up for packs: its kernels start and warm (in their own processes) while this process
    loads nbconvert's template and, for PDFs, prints a tiny one. Never raises: a pack that meets the same
    problem reports it. Returns the seconds it took."""
    t0 = time.perf_counter()
    apply_env(warmup)
    started = []
    if warmup.kernel:
        with contextlib.suppress(Exception):
            started = kernels.start_kernels(kernel_count, warmup.parameters)
    with contextlib.suppress(Exception):
        warm_exports(warmup.formats)
    for kernel in started:
        try:
            kernel.ready()
            kernel.packs = 0
        except Exception:  # noqa: BLE001 - the first pack starts it again and says what went wrong
            kernel.discard()
    gc.collect()
    gc.freeze()   # what is loaded by now lives as long as the worker: out of the collector's sight
    _state["warmup_s"] = round(time.perf_counter() - t0, 3)
    return _state["warmup_s"]


def warm_exports(formats) -> None:
    """Export a tiny notebook as a pack is exported (nbconvert's template and filters), and print it when PDFs
    are wanted (WeasyPrint's fonts, styles and first layout), so that the first pack does not pay for it."""
    import nbformat
    import papermill  # noqa: F401 - imported now rather than by the first pack
    from .html import export_html
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## 一、预热\n\n工会工作简报 2025 年 100%")])
    html = export_html(nb, title="预热", running_head="预热")
    if {"pdf", "onepage"} & set(formats):
        from .pdf import html_to_pdf
        html_to_pdf(html)


def set_warm_thread(thread: threading.Thread) -> None:
    """A warm-up running in the background (a Dask worker's plugin): the next pack waits for it."""
    _state["thread"] = thread


def _wait_for_warmup() -> float:
    """On a Dask worker, the first pack waits for the plugin's warm-up (started in the background); seconds waited."""
    thread = _state.get("thread")
    if thread is None or not thread.is_alive():
        return 0.0
    t0 = time.perf_counter()
    thread.join()
    return round(time.perf_counter() - t0, 3)


def _settle_heap() -> None:
    """Once per worker, after its first pack: hide what is loaded by then (caches filled by the first pack) from
    the garbage collector, which would otherwise walk it again in every full collection. Done once, after a full
    collection, so only long-lived objects are frozen; the packs' own objects are collected as usual."""
    global _settled
    if not _settled:
        _settled = True
        gc.collect()
        gc.freeze()


def render_one(notebook: str, params, folder: str, formats, fingerprint: str, timeout: float | None = None,
               warm: bool = True, root: str = "", notes: dict | None = None, revision=None,
               marker: str = config.PACK_FINGERPRINT) -> PackResult:
    """Worker entry point (local process or Dask worker): one pack; never raises, a failure becomes a failed
    PackResult. ``marker`` holds ``fingerprint`` once the pack is complete (what ``briefing render`` skips by)."""
    if root and not os.environ.get("BRIEFING_ROOT"):
        os.environ["BRIEFING_ROOT"] = root
    waited = _wait_for_warmup()
    out = Path(folder)
    with kernels.lent() as kernel:
        try:
            (out / marker).unlink(missing_ok=True)  # not up to date again until the new pack is complete
            result = render_pack(notebook, params, out, formats, kernel=kernel if warm else None,
                                 timeout=timeout, notes=notes, revision=revision)
            if result.status == "ok":
                write_atomic(out / marker, fingerprint)
            _settle_heap()
        except Exception as exc:  # noqa: BLE001 - one region's failure (a full disk too) must not stop the batch
            kernel.discard()
            result = PackResult(region=params.region, folder=config.display_path(out), status="failed",
                                error=describe_failure(exc, timeout))
    _state["packs"] += 1
    result.worker = {"pid": os.getpid(), "pack": _state["packs"], "warmup_s": _state["warmup_s"]}
    if waited:
        result.worker["waited_s"] = waited
    return result


def quiet_logs() -> None:
    import logging
    import warnings
    warnings.filterwarnings("ignore")
    logging.getLogger("papermill").setLevel(logging.ERROR)
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    logging.getLogger("nbclient").setLevel(logging.CRITICAL)  # its English timeout line; ours is in Chinese
    # A worker stopped while a pack runs (its pool broken by another worker's death) leaves nbclient's task with a
    # DeadKernelError nobody awaits; asyncio would print it as a traceback. The command reports the pack in Chinese.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)


def init_local(driver: int | None = None, warmup: Warmup | None = None) -> None:
    """A local worker's start: quiet; no kernel left behind when it ends (or when ``driver``, the command, is
    gone); then the warm-up, before the worker takes its first pack."""
    import atexit
    import signal
    import sys
    quiet_logs()
    atexit.register(kernels.shutdown_all)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))   # stopped early (close(abort=True)): kernels shut down too
    # The driver's pid comes from the driver: if it was killed while this worker was still starting, the
    # parent seen here is already someone else, and the worker must end at once.
    threading.Thread(target=_exit_with_parent, args=(driver or os.getppid(),), daemon=True, name="parent-watch").start()
    if warmup is not None:
        warm_up(warmup)


def _exit_with_parent(parent: int) -> None:
    """End this worker once the command that started it is gone (after a kill -9 nothing else would).

    Its kernel notices on its own (ipykernel watches its parent) and ends too.
    """
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _ready() -> int:
    return os.getpid()


# ---------------------------------------------------------------- pools

class LocalWorkers:
    """Spawned worker processes, each warmed before its first pack. ``start()`` may come before the packs are
    known (warming while the data is read); ``running(n)`` starts them then if not yet, at most ``n``."""

    def __init__(self, workers: int, warmup: Warmup | None):
        self.workers, self.warmup = max(1, workers), warmup
        self.pool: cf.ProcessPoolExecutor | None = None
        self.used = False      # given a pack: closing waits for its workers to finish, else they are stopped

    def start(self, count: int | None = None) -> "LocalWorkers":
        if self.pool is None:
            import multiprocessing
            count = max(1, min(self.workers, count or self.workers))
            self.pool = cf.ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn"),
                                               initializer=init_local, initargs=(os.getpid(), self.warmup))
            # A spawned pool starts a process per task submitted while none is idle: these start them all now.
            for _ in range(count):
                self.pool.submit(_ready)
        return self

    @contextlib.contextmanager
    def running(self, jobs: int):
        """The started pool for ``jobs`` packs; shut down after them (their kernels with them)."""
        self.start(jobs)
        try:
            yield self
        except BaseException:
            self.close(abort=True)
            raise
        self.close()

    def submit(self, fn, *args):
        self.used = True
        return self.pool.submit(fn, *args)

    def completed(self, futures):
        return cf.as_completed(futures)

    def close(self, abort: bool = False) -> None:
        """Shut the workers down (their kernels with them); ``abort``, or when they never got a pack: at once,
        even in the middle of a warm-up (the command stopped before any pack, e.g. on the data)."""
        if self.pool is None:
            return
        if abort or not self.used:   # nothing to finish: no need to wait for a warm-up
            for process in list((self.pool._processes or {}).values()):
                with contextlib.suppress(Exception):
                    process.terminate()   # its kernel notices its parent is gone and ends too
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        self.close(abort=exc_type is not None)


def start_workers(workers: int, warmup: Warmup | None, now: bool = True, expected: int | None = None) -> LocalWorkers:
    """Local worker processes for packs; with ``now``, started and warming at once (no more than ``expected``
    when fewer packs are expected), else when the packs are known (``running``). A Dask cluster: cluster.py."""
    pool = LocalWorkers(workers, warmup)
    if now:
        pool.start(expected)
    return pool
