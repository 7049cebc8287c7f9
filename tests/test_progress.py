"""What a long run prints: a live bar in a terminal, today's plain lines in a log, ``--quiet`` and ``--verbose``."""

from __future__ import annotations

import io
from concurrent.futures import Future
from contextlib import contextmanager
from types import SimpleNamespace

import pytest

from briefing import progress
from briefing.batch import _run_jobs
from briefing.export.render import PackResult
from briefing.progress import Reporter


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


class Pool:
    """Stands in for the worker pool: each job is already rendered, ``ok`` or not by its region's name."""

    @contextmanager
    def running(self, n):
        yield

    def submit(self, fn, notebook, params, folder, *rest):
        future = Future()
        status = "failed" if params.region.startswith("坏") else "ok"
        future.set_result(PackResult(region=params.region, folder=folder, status=status,
                                     error="第 3 个单元格出错" if status == "failed" else "",
                                     seconds={"execute": 2.5, "export": 1.5}))
        return future

    def completed(self, futures):
        return list(futures)


def jobs(*names):
    return [("nb.ipynb", SimpleNamespace(region=n), f"out/{n}") for n in names]


def test_a_log_gets_one_plain_line_per_pack_as_before():
    log = io.StringIO()
    _run_jobs(jobs("城关区", "坏区", "新华区"), Pool(), Reporter(stream=log), 0.0)
    lines = log.getvalue().splitlines()
    assert [line.split(" — ")[0] for line in lines] == ["[1/3] 城关区 完成", "[2/3] 坏区 失败", "[3/3] 新华区 完成"]
    assert "完成 2，失败 1，剩余 0" in lines[-1] and "\x1b[" not in log.getvalue()


def test_anything_that_is_not_a_reporter_gets_the_same_lines():
    lines = []
    _run_jobs(jobs("城关区"), Pool(), lines.append, 0.0)
    assert lines[0].startswith("[1/1] 城关区 完成 — 完成 1，失败 0，剩余 0")


def test_a_terminal_gets_a_live_bar_with_failures_above_it(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    screen = FakeTerminal()
    reporter = Reporter(stream=screen)
    assert reporter.live
    _run_jobs(jobs("城关区", "坏区", "新华区"), Pool(), reporter, 0.0)
    shown = screen.getvalue()
    assert "[2/3] 坏区 失败" in shown and "[1/3]" not in shown   # the bar, and the failure whole above it
    assert "完成 2" in shown and "失败 1" in shown and "剩余 0" in shown and "预计还需" in shown
    assert reporter._bar is None                               # stopped: later lines print plainly
    reporter("完成：生成 2 份")
    assert screen.getvalue().endswith("完成：生成 2 份\n")


@pytest.mark.parametrize("env", [{"CI": "true", "TERM": "xterm"}, {"TERM": "dumb"}])
def test_no_bar_under_ci_or_a_dumb_terminal(monkeypatch, env):
    monkeypatch.delenv("CI", raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert not Reporter(stream=FakeTerminal()).live
    assert not progress.is_terminal(io.StringIO())


def test_quiet_keeps_the_outcome_and_the_failures_only():
    log = io.StringIO()
    quiet = Reporter(stream=log, quiet=True)
    _run_jobs(jobs("城关区", "坏区"), Pool(), quiet, 0.0)
    for line in ("会议：示例", "共 2 个地区：2 个需要生成", "完成：生成 1 份，失败 1 份", "  失败：坏区，第 3 个单元格出错",
                 "  数据不全：新华区——1个县未报", "  ✓ 城关区：通过", "结果：全部 2 个地区通过。"):
        quiet(line)
    assert log.getvalue().splitlines() == ["[2/2] 坏区 失败 — 完成 1，失败 1，剩余 0，预计还需 0 秒",
                                           "完成：生成 1 份，失败 1 份", "  失败：坏区，第 3 个单元格出错",
                                           "  数据不全：新华区——1个县未报", "结果：全部 2 个地区通过。"]
    assert not Reporter(stream=FakeTerminal(), quiet=True, live=True).live   # quiet: no bar either


def test_verbose_adds_each_packs_timings():
    log = io.StringIO()
    _run_jobs(jobs("城关区"), Pool(), Reporter(stream=log, verbose=True), 0.0)
    assert "执行 2.5 秒" in log.getvalue() and "导出 1.5 秒" in log.getvalue()


def test_render_and_check_take_quiet_or_verbose_but_not_both():
    from briefing.cli import build_parser
    parser = build_parser()
    assert parser.parse_args(["render", "m.yaml", "-q"]).quiet
    assert parser.parse_args(["check", "n.ipynb", "--verbose"]).verbose
    with pytest.raises(SystemExit):
        parser.parse_args(["render", "m.yaml", "--quiet", "--verbose"])
