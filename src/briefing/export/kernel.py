"""Warm kernels: one Jupyter kernel kept per worker and reset to a clean state before every pack.

Starting a kernel and importing pandas and Altair costs more than rendering a pack, so a
worker keeps its kernel between packs. Before each pack the user namespace, the output
history and the execution counter are reset (``%reset -f``), so a pack rendered after
another region is the same as the pack rendered alone (tests/test_batch.py shows it).
A kernel that failed, timed out or died is thrown away and a new one started.

papermill does not officially take a running kernel (papermill#326), so a small engine,
registered here as "briefing", passes it to papermill's own notebook client and closes
the client's channels after each pack.
"""

from __future__ import annotations

import contextlib
import subprocess
import threading

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import KernelManager
from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.utils import merge_kwargs, remove_args

from .. import config

ENGINE = "briefing"
# Run silently (no history, no counter) before every pack.
# (%reset -f also empties the output cache and collects garbage.)
RESET_CODE = """\
get_ipython().run_line_magic("reset", "-f")
get_ipython().execution_count = 1
"""
# Imports that every theme needs; done once per kernel so packs do not pay for them. Then the imported
# modules' objects are moved out of the garbage collector's sight (gc.freeze): they live as long as the
# kernel, and without this every full collection (two in each %reset, more while a pack runs) walks all
# of pandas and Altair again — about 0.27 s of CPU per pack, measured with py-spy.
WARM_CODE = """\
import briefing, pandas, altair, vl_convert
import gc
gc.collect()
gc.freeze()
"""


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
    """One kernel and one open client reused across packs. Not shared between threads: use ``for_this_thread()``."""

    def __init__(self, kernel_name: str = "python3", quiet: bool = True):
        self.kernel_name, self.quiet = kernel_name, quiet
        self.km: KernelManager | None = None
        self.kc = None   # blocking, shell only: warm-up and resets
        self.akc = None  # asynchronous, all channels: what nbclient executes the packs through
        self.last_nb = None
        self._pending: str | None = None
        self.packs = 0

    def ready(self) -> "WarmKernel":
        """A started kernel with a clean namespace, ready for the next pack."""
        if self.km is None or not self.km.is_alive():
            self.discard()
            km = KernelManager(kernel_name=self.kernel_name)
            km.client_factory = AsyncKernelClient  # km.client(): the client nbclient needs
            extra = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL} if self.quiet else {}
            # No history database: packs restart the execution counter, and IPython would print
            # "Session/line number was not unique in database" into the next pack's output.
            km.start_kernel(cwd=str(config.project_root()), extra_arguments=["--HistoryManager.enabled=False"],
                            **extra)
            self.km = km
            self.kc = km.blocking_client()
            # Shell only: this client runs the warm-up and resets; an IOPub channel nobody reads would queue
            # every pack's output.
            self.kc.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
            self._wait(self.kc.kernel_info())
            self.akc = km.client()
            self.akc.start_channels()
            run_sync(self.akc.wait_for_ready)(timeout=120)  # returns once IOPub is connected: no output is lost
            self.akc.allow_stdin = False
            self._wait(self.kc.execute(WARM_CODE, silent=True, store_history=False))
            self._pending = self.kc.execute(RESET_CODE, silent=True, store_history=False)
        if self._pending is None:  # the previous pack did not schedule its reset
            self._pending = self.kc.execute(RESET_CODE, silent=True, store_history=False)
        self._wait(self._pending)
        self._pending = None
        self.last_nb = None
        self.packs += 1
        return self

    def release(self) -> None:
        """After a pack: start the reset now, so it runs while the pack is exported."""
        if self.kc is not None and self._pending is None:
            self._pending = self.kc.execute(RESET_CODE, silent=True, store_history=False)

    def _wait(self, msg_id: str, timeout: float = 120) -> None:
        while True:
            reply = self.kc.get_shell_msg(timeout=timeout)
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


_local = threading.local()


def for_this_thread(kernel_name: str = "python3") -> WarmKernel:
    """The calling thread's warm kernel (created on first use)."""
    kernel = getattr(_local, "kernel", None)
    if kernel is None or kernel.kernel_name != kernel_name:
        kernel = _local.kernel = WarmKernel(kernel_name)
    return kernel


def shutdown_this_thread() -> None:
    kernel = getattr(_local, "kernel", None)
    if kernel is not None:
        kernel.discard()
        _local.kernel = None
