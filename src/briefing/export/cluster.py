"""Packs on a Dask cluster: the pool interface on a scheduler, and the worker plugin that keeps warm kernels in every Dask worker.

The plugin is registered by each ``briefing render --scheduler`` as it starts, before the data is
read: every Dask worker (and any that joins later) warms up in the background as a local worker
does (``workers.warm_up``), one kernel per thread. Its kernels outlive the batch, so the next
batch finds them warm; they are reset before every pack exactly as locally, started again when
the environment or the package changed, and shut down when the Dask worker closes.
"""

from __future__ import annotations

import contextlib
import threading

from distributed import Client, as_completed
from distributed.diagnostics.plugin import WorkerPlugin

from . import kernel as kernels
from .workers import Warmup, apply_env, quiet_logs, set_warm_thread, warm_up, warmup_for

PLUGIN_NAME = "briefing-warm"


class DaskWorkers:
    """The pool interface of ``workers.LocalWorkers`` on an existing Dask cluster; each pack runs with the
    environment of this command (the 生成日期 of ``--render-date``)."""

    def __init__(self, scheduler: str, warmup: Warmup | None):
        self.workers = 1
        self.client = Client(scheduler, timeout="30s")
        self.warmup = warmup or warmup_for(("html",), None)
        self._registered = False

    def start(self, count: int | None = None) -> "DaskWorkers":
        if not self._registered:
            self._registered = True
            self.client.register_plugin(WarmWorker(self.warmup), name=PLUGIN_NAME)   # returns at once: warms in the background
        return self

    @contextlib.contextmanager
    def running(self, jobs: int):
        yield self.start()

    def submit(self, fn, *args):
        return self.client.submit(_with_env, self.warmup.env, fn, *args, pure=False)

    def completed(self, futures):
        return as_completed(futures)

    def close(self) -> None:
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _with_env(env: tuple, fn, *args):
    """A task on a Dask worker: the command's environment, then the pack."""
    apply_env(Warmup(env=env))
    return fn(*args)


class WarmWorker(WorkerPlugin):
    """Warm a Dask worker up in the background (one kernel per thread) when registered; keep its kernels when
    the next batch registers the plugin again; shut them down only when the worker closes."""

    def __init__(self, warmup: Warmup):
        self.warmup = warmup

    def setup(self, worker=None):
        import atexit
        quiet_logs()
        atexit.register(kernels.shutdown_all)
        threads = getattr(getattr(worker, "state", None), "nthreads", None) or getattr(worker, "nthreads", 1) or 1
        thread = threading.Thread(target=warm_up, args=(self.warmup, threads), daemon=True, name="briefing-warm-up")
        set_warm_thread(thread)
        thread.start()

    def teardown(self, worker=None):
        if "clos" in str(getattr(worker, "status", "")):   # closing, not merely a new batch registering again
            kernels.shutdown_all()
