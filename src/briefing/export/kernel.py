"""Warm kernels: Jupyter kernels kept by a worker process and reset to a clean state before every pack.

Starting a kernel and importing pandas and Altair costs more than rendering a pack, so a
worker keeps its kernels between packs. A kernel warms up once when it starts: the imports every
theme needs, one tiny chart (vl-convert's start, its fonts, Altair's schema validator) and, when
told which, the data the packs will read (loaded, checked and computed into ``open_pack``'s cache).
Before each pack the user namespace, the output history and the execution counter are reset
(``%reset -f``), so a pack rendered after the warm-up or after another region is the same as the
pack rendered alone (tests/test_batch.py shows it). A kernel that failed, timed out or died is
thrown away and a new one started; so is one started under another environment or an older copy
of the package (a Dask worker outlives the batch that started its kernels).

papermill does not officially take a running kernel (papermill#326), so a small engine,
registered here as "briefing", passes it to papermill's own notebook client and closes
the client's channels after each pack.
"""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import threading
import time

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import KernelManager
from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.utils import merge_kwargs, remove_args

from .. import config
from ..periods import SOURCE_DATE_EPOCH

ENGINE = "briefing"
# Run silently (no history, no counter) before every pack.
# (%reset -f also empties the output cache and collects garbage.)
RESET_CODE = """\
get_ipython().run_line_magic("reset", "-f")
get_ipython().execution_count = 1
"""
# Environment a kernel keeps from its start and a pack depends on: a kernel started under other values is
# not reused (the 生成日期 of --render-date, the project folder).
KERNEL_ENV = (SOURCE_DATE_EPOCH, "BRIEFING_ROOT")
WARM_TIMEOUT = 600   # imports, the first chart and a large data set's load, on a busy machine


def warm_code(parameters: dict | None = None) -> str:
    """What a new kernel runs once, silently, before its first pack (the %reset before each pack clears its names).

    The imports every theme needs; one tiny chart; with ``parameters`` (one pack's), its data loaded, checked
    and computed into ``open_pack``'s cache. Then the modules' objects are moved out of the garbage
    collector's sight (gc.freeze): they live as long as the kernel, and without this every full collection
    (two in each %reset, more while a pack runs) walks all of pandas and Altair again — about 0.27 s of CPU
    per pack, measured with py-spy. The parameters reach the kernel as a Python literal, never as code.

    >>> print(warm_code({"region": "城关区", "year": 2025}).splitlines()[4])
    _pack.warm_data({'region': '城关区', 'year': 2025})
    """
    lines = ["import briefing, pandas, altair, vl_convert",
             "from briefing.present import charts as _charts",
             "_charts.warm_up()"]
    return "\n".join(lines) + "\n" + data_code(parameters) + "import gc\ngc.collect()\ngc.freeze()\n"


def data_code(parameters: dict | None) -> str:
    """The line that loads one pack's data into a kernel's cache (none without ``parameters``)."""
    if not parameters:
        return ""
    return f"from briefing.present import pack as _pack\n_pack.warm_data({dict(parameters)!r})\n"


def _stamp() -> tuple:
    """What a kernel must have been started under to be reused: the environment packs depend on and the
    package's files as they are now (a kernel that imported an older copy is started again)."""
    files = []
    for path in sorted(config.PACKAGE_DIR.rglob("*.py")):
        with contextlib.suppress(OSError):
            st = path.stat()
            files.append((str(path), st.st_mtime_ns, st.st_size))
    return tuple(os.environ.get(k, "") for k in KERNEL_ENV) + (hash(tuple(files)),)


class WarmEngine(NBClientEngine):
    """papermill's nbclient engine, executing on a warm kernel handed in as ``warm``."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, **kwargs):
        from papermill.log import logger
        warm: WarmKernel = kwargs.pop("warm")
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                             kernel_name=kernel_name, log=logger, log_output=log_output,
                             stdout_file=stdout_file, stderr_file=stderr_file)
        # The pack runs through the warm kernel's asynchronous client, connected once with IOPub, so no pack
        # waits for a new connection. (A blocking client would block nbclient's event loop while it waits for
        # output: a hanging cell would never time out and a dead kernel would never be noticed.)
        client = PapermillNotebookClient(nb_man, km=warm.km, **final)
        client.kc = warm.akc
        try:
            nb = client.execute()
        finally:
            warm.last_nb = client.nb
            client.kc = None  # kept open for the next pack
        return nb


papermill_engines.register(ENGINE, WarmEngine)


class WarmKernel:
    """One kernel and one open client reused across packs, by one thread at a time (``lent()`` hands them out).

    ``warm_parameters``: one pack's parameters, whose data a new kernel loads while it warms up.
    """

    def __init__(self, kernel_name: str = "python3", quiet: bool = True, warm_parameters: dict | None = None):
        self.kernel_name, self.quiet = kernel_name, quiet
        self.warm_parameters = warm_parameters
        self.km: KernelManager | None = None
        self.kc = None   # blocking, shell only: warm-up and resets
        self.akc = None  # asynchronous, all channels: what nbclient executes the packs through
        self.last_nb = None
        self._pending: str | None = None   # the reset (or, just after start(), the warm-up) not yet answered
        self._warming = False
        self._stamp: tuple = ()
        self._primed: dict | None = None
        self.packs = 0

    def start(self) -> "WarmKernel":
        """Start the kernel and send it its warm-up without waiting for either: the caller carries on (warming
        its own process up) while the kernel imports. ``ready()`` waits. Nothing to do if it is running."""
        if self.km is not None and self.km.is_alive() and self._stamp == _stamp():
            if self.warm_parameters and self.warm_parameters != self._primed:   # a new batch's data (Dask)
                if self._pending is not None:
                    self._wait(self._pending)
                self._pending = self.kc.execute(data_code(self.warm_parameters) + RESET_CODE, silent=True,
                                                store_history=False)
                self._primed = self.warm_parameters
            return self
        self.discard()
        self._stamp = _stamp()
        km = KernelManager(kernel_name=self.kernel_name)
        km.client_factory = AsyncKernelClient  # km.client(): the client nbclient needs
        extra = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL} if self.quiet else {}
        # No history database: packs restart the execution counter, and IPython would print
        # "Session/line number was not unique in database" into the next pack's output.
        km.start_kernel(cwd=str(config.project_root()), extra_arguments=["--HistoryManager.enabled=False"], **extra)
        self.km = km
        self.kc = km.blocking_client()
        # Shell only: this client runs the warm-up and resets; an IOPub channel nobody reads would queue
        # every pack's output. The request waits in the socket until the kernel is up.
        self.kc.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        self._pending = self.kc.execute(warm_code(self.warm_parameters), silent=True, store_history=False)
        self._primed = self.warm_parameters
        self._warming = True
        return self

    def ready(self) -> "WarmKernel":
        """A started, warmed kernel with a clean namespace, ready for the next pack."""
        self.start()
        if self._warming:
            self._wait(self._pending, WARM_TIMEOUT)
            self._warming = False
            self.akc = self.km.client()
            self.akc.start_channels()
            run_sync(self.akc.wait_for_ready)(timeout=120)  # returns once IOPub is connected: no output is lost
            self.akc.allow_stdin = False
            self._pending = None
        if self._pending is None:  # the previous pack did not schedule its reset
            self._pending = self.kc.execute(RESET_CODE, silent=True, store_history=False)
        self._wait(self._pending, WARM_TIMEOUT)
        self._pending = None
        self.last_nb = None
        self.packs += 1
        return self

    def release(self) -> None:
        """After a pack: start the reset now, so it runs while the pack is exported."""
        if self.kc is not None and self._pending is None:
            self._pending = self.kc.execute(RESET_CODE, silent=True, store_history=False)

    def _wait(self, msg_id: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                reply = self.kc.get_shell_msg(timeout=1)
            except queue.Empty:
                if not self.km.is_alive():
                    raise RuntimeError("内核意外退出（准备内核时）") from None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"内核准备超时（{timeout:g} 秒）") from None
                continue
            if reply["parent_header"].get("msg_id") != msg_id:
                continue
            if reply["content"]["status"] != "ok":
                content = reply["content"]
                raise RuntimeError(f"内核准备失败：{content.get('ename')}: {content.get('evalue')}")
            return

    def discard(self) -> None:
        """Shut the kernel down (after a failure, a timeout, or at the end of a batch)."""
        for client in (self.akc, self.kc):
            if client is not None:
                with contextlib.suppress(Exception):
                    client.stop_channels()
        self.akc = self.kc = None
        if self.km is not None:
            try:
                self.km.shutdown_kernel(now=True)
            except Exception:  # noqa: BLE001 - it may already be dead
                pass
            self.km = None
        self._pending = None
        self._warming = False


# This process's kernels: each lent to one pack (one thread) at a time. A local worker has one thread and so
# one kernel; a Dask worker with several threads gets one per thread that renders at the same time.
_idle: list[WarmKernel] = []
_lent: list[WarmKernel] = []
_lock = threading.Lock()
_warm_parameters: dict | None = None


def start_kernels(count: int, parameters: dict | None = None) -> list[WarmKernel]:
    """Start ``count`` kernels of this process warming up, without waiting (``ready()`` waits); ``parameters``:
    one pack's, whose data new kernels load as they warm (and running ones load now)."""
    global _warm_parameters
    _warm_parameters = dict(parameters) if parameters else None
    with _lock:
        while len(_idle) < count:
            _idle.append(WarmKernel())
        chosen = _idle[:count]
    for kernel in chosen:
        kernel.warm_parameters = _warm_parameters
        kernel.start()
    return chosen


@contextlib.contextmanager
def lent(kernel_name: str = "python3"):
    """One of this process's warm kernels for one pack, given back afterwards (started if there is none idle).

    The caller calls ``ready()`` on it; a kernel that failed is ``discard()``-ed by its caller and starts
    again when next lent.
    """
    with _lock:
        kernel = next((k for k in _idle if k.kernel_name == kernel_name), None)
        if kernel is None:
            kernel = WarmKernel(kernel_name, warm_parameters=_warm_parameters)
        else:
            _idle.remove(kernel)
        _lent.append(kernel)
    try:
        yield kernel
    finally:
        with _lock:
            _lent.remove(kernel)
            _idle.append(kernel)


def shutdown_all() -> None:
    """Shut every kernel of this process down (a worker ending, or a single-process check finishing)."""
    with _lock:
        kernels = _idle + _lent
        _idle.clear()
    for kernel in kernels:
        kernel.discard()
