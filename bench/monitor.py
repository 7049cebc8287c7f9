"""Memory of a running batch: RSS of a process, its workers and their kernels, sampled from /proc (psutil).

A *worker* is a direct child of the watched process (the ``briefing render`` command);
a kernel (``ipykernel_launcher``) or any other process below a worker counts towards that
worker. RSS counts shared pages in every process that maps them, so sums are an upper bound.
"""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass, field

import psutil

MIB = 1024 * 1024
IGNORED = ("multiprocessing.resource_tracker", "multiprocessing.forkserver")


@dataclass
class Sample:
    t: float                                    # seconds since the sampler started
    root: int                                   # RSS of the watched process itself
    workers: dict[int, int]                     # worker pid -> RSS of the worker alone
    below: dict[int, int]                       # worker pid -> RSS of its kernels and other descendants


@dataclass
class TreeSampler:
    """Sample the RSS of a process tree every ``interval`` seconds in a background thread.

    >>> sampler = TreeSampler(os.getpid()).start()      # doctest: +SKIP
    >>> ...; summary = sampler.stop().summary()          # doctest: +SKIP
    """

    pid: int
    interval: float = 0.25
    samples: list[Sample] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _roles: dict[int, str] = field(default_factory=dict)

    def start(self) -> "TreeSampler":
        self._t0 = time.perf_counter()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> "TreeSampler":
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        return self

    def _role(self, proc: psutil.Process) -> str:
        if proc.pid not in self._roles:
            try:
                cmd = " ".join(proc.cmdline())
            except psutil.Error:
                cmd = ""
            self._roles[proc.pid] = "ignored" if any(s in cmd for s in IGNORED) else "process"
        return self._roles[proc.pid]

    def sample(self) -> Sample | None:
        """One sample of the tree now (None when the watched process is gone)."""
        try:
            root = psutil.Process(self.pid)
            root_rss = root.memory_info().rss
            children = root.children()
        except psutil.Error:
            return None
        workers, below = {}, {}
        for child in children:
            if self._role(child) == "ignored":
                continue
            try:
                workers[child.pid] = child.memory_info().rss
                total = 0
                for grandchild in child.children(recursive=True):
                    try:
                        total += grandchild.memory_info().rss
                    except psutil.Error:
                        pass
                below[child.pid] = total
            except psutil.Error:
                workers.pop(child.pid, None)
        return Sample(time.perf_counter() - self._t0, root_rss, workers, below)

    def _run(self) -> None:
        while not self._stop.is_set():
            s = self.sample()
            if s is None:
                return
            self.samples.append(s)
            self._stop.wait(self.interval)

    def summary(self, window: float = 0.1) -> dict:
        """Peak RSS of the command and of each worker (with its kernels), and first-vs-last memory.

        For each worker, ``first_mib`` and ``last_mib`` are its peak RSS (worker plus kernels) early
        and late in its lifetime: in the second ``window`` share (the first one is start-up: imports,
        first kernel) and in the last one; ``growth`` is last ÷ first − 1.
        """
        per: dict[int, list[tuple[float, int, int]]] = {}
        for s in self.samples:
            for pid, rss in s.workers.items():
                per.setdefault(pid, []).append((s.t, rss, s.below.get(pid, 0)))
        workers = []
        for pid, series in per.items():
            if len(series) < 2:
                continue
            start, end = series[0][0], series[-1][0]
            span = max(end - start, 1e-9)
            first = [w + k for t, w, k in series if start + window * span <= t <= start + 2 * window * span]
            last = [w + k for t, w, k in series if t >= end - window * span]
            if not first or not last:
                continue
            workers.append({
                "pid": pid, "seconds": round(span, 1), "samples": len(series),
                "peak_mib": round(max(w + k for _, w, k in series) / MIB, 1),
                "peak_worker_mib": round(max(w for _, w, _ in series) / MIB, 1),
                "peak_kernels_mib": round(max(k for _, _, k in series) / MIB, 1),
                "first_mib": round(max(first) / MIB, 1), "last_mib": round(max(last) / MIB, 1),
                "growth": round(max(last) / max(first) - 1, 3) if max(first) else None,
            })
        workers.sort(key=lambda w: -w["seconds"])
        roots = [s.root for s in self.samples]
        return {
            "samples": len(self.samples), "interval": self.interval,
            "command_peak_mib": round(max(roots) / MIB, 1) if roots else None,
            "tree_peak_mib": round(max((s.root + sum(s.workers.values()) + sum(s.below.values()))
                                       for s in self.samples) / MIB, 1) if self.samples else None,
            "workers": workers,
            "worker_peak_mib": max((w["peak_mib"] for w in workers), default=None),
            "worker_growth": max((w["growth"] for w in workers if w["growth"] is not None), default=None),
            "median_worker_peak_mib": round(statistics.median(w["peak_mib"] for w in workers), 1) if workers else None,
        }
