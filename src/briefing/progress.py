"""What a long run tells the person waiting: a live bar in a terminal, plain lines in a log or under CI.

A ``Reporter`` is what the commands (``briefing render``, ``briefing check``) print through. In a
terminal it shows one live bar (done, failed, remaining, time left) with failures printed above it;
when the output goes to a file, a pipe or CI it prints the same plain line per pack as before, so
logs stay readable. ``quiet`` keeps only the summary and the failures; ``verbose`` adds each pack's
timings. Anything that is not a Reporter (``print``, a test's lambda) gets the plain lines.
"""

from __future__ import annotations

import os
import sys

# Lines a quiet run still prints: the outcome, failures, incomplete data, outdated packs, errors.
KEEP_WHEN_QUIET = ("完成：", "结果：", "  失败", "  ✗", "  数据不全", "  待核实", "  已过时", "错误", "提示：", "索引页")


def is_terminal(stream) -> bool:
    """A person is watching: a terminal that is not dumb, and not a CI job."""
    return (hasattr(stream, "isatty") and stream.isatty() and os.environ.get("TERM") != "dumb"
            and not os.environ.get("CI"))


class Reporter:
    """Prints a command's messages and its progress; see the module's docstring."""

    def __init__(self, *, quiet: bool = False, verbose: bool = False, stream=None, live: bool | None = None):
        self.stream = stream or sys.stdout
        self.quiet, self.verbose = quiet, verbose
        self.live = (is_terminal(self.stream) if live is None else live) and not quiet
        self._bar = self._task = None

    def __call__(self, text: str) -> None:
        if self.quiet and not text.startswith(KEEP_WHEN_QUIET):
            return
        if self._bar is not None:
            self._bar.console.print(text, markup=False, highlight=False)
        else:
            print(text, file=self.stream, flush=True)

    # -- progress

    def start(self, total: int, what: str) -> None:
        if not self.live or total <= 0:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                             TextColumn("完成 {task.fields[ok]}  失败 {task.fields[failed]}  剩余 {task.fields[left]}"),
                             TextColumn("预计还需"), TimeRemainingColumn(),
                             console=Console(file=self.stream), transient=True)
        self._bar.start()
        self._task = self._bar.add_task(what, total=total, ok=0, failed=0, left=total)

    def step(self, name: str, ok: bool, done: int, total: int, failed: int, eta: float, line: str,
             detail: str = "") -> None:
        """One pack (or region) finished: ``line`` is the plain line a log gets, ``detail`` what ``verbose`` adds."""
        if self._bar is not None:
            self._bar.update(self._task, completed=done, ok=done - failed, failed=failed, left=total - done)
            if not ok:   # a failure is printed whole above the bar: what failed and why stays on the screen
                self._bar.console.print(line, markup=False, highlight=False)
            elif self.verbose and detail:
                self._bar.console.print(f"✓ {name}  {detail}", markup=False, highlight=False)
            return
        if self.quiet and ok:
            return
        print(line + (f"  {detail}" if self.verbose and detail else ""), file=self.stream, flush=True)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = self._task = None


def start(echo, total: int, what: str) -> None:
    """Begin a bar of ``total`` items when ``echo`` is a Reporter in a terminal; nothing otherwise."""
    if isinstance(echo, Reporter):
        echo.start(total, what)


def stop(echo) -> None:
    """End the bar that ``start`` began (safe to call when there is none)."""
    if isinstance(echo, Reporter):
        echo.stop()


def step(echo, name: str, ok: bool, done: int, total: int, failed: int, eta: float, line: str, detail: str = ""):
    """Report one finished item through ``echo``: a Reporter's ``step``, or the plain line for anything else."""
    if isinstance(echo, Reporter):
        echo.step(name, ok, done, total, failed, eta, line, detail)
    else:
        echo(line)
