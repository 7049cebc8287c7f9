"""``briefing check``: run a theme for every region, in parallel on warm kernels, and say which cell failed and why."""

from __future__ import annotations

import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .. import config, progress
from ..data import load_dataset
from ..errors import ParameterError
from ..params import load_meeting
from ..export.workers import start_workers, warmup_for
from .notebook import Problem, check_indicator_ids, check_notebook, check_pairing, read_notebook

CHECK_FOLDER = "_check"
# The kernel's own start-up warnings (plain-TCP transport) mean nothing to an editor.
_QUIET_KERNEL = ["--IPKernelApp.log_level=ERROR"]
DEFAULT_TIMEOUT = 300
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# Plain-words hints for the exceptions an editor meets most, shown before the exception's own message.
_HINTS = {
    "NameError": "用到了没有定义的名称，多半是拼写错误",
    "AttributeError": "调用的函数或属性不存在，多半是函数名拼写错误",
    "SyntaxError": "语法错误（括号、引号或缩进不对）",
    "IndentationError": "缩进不对：每行代码应顶格书写",
    "TypeError": "函数的参数个数或类型不对",
    "KeyError": "找不到这个名称（如指标编号、地区名称写错）",
    "ParameterError": "参数有误",
    "DataError": "数据文件有误",
    "ValidationError": "数据检查发现错误",
    "BriefingError": "笔记本中的设置有误",
    "ModuleNotFoundError": "导入了本项目没有的模块；笔记本只应使用 briefing",
    "CellTimeoutError": "单元格运行超时",
    "DeadKernelError": "内核意外退出",
}


# ---------------------------------------------------------------- running

@dataclass
class RegionRun:
    """How one region's run of a theme went."""

    region: str
    ok: bool
    seconds: float = 0.0
    cell: int | None = None          # counts every cell from 1, as in JupyterLab
    first_line: str = ""
    error: str = ""                  # exception name and message, no traceback
    partial: str = ""                # the partly executed notebook kept for a failure

    def describe(self) -> str:
        """The failure in plain words: region, cell, its first line, and why."""
        if self.ok:
            return f"{self.region}：通过（{self.seconds:.1f} 秒）"
        where = f"第 {self.cell} 个单元格出错" if self.cell else "无法运行"
        lines = [f"{self.region}：{where}"]
        if self.first_line:
            lines.append(f"    单元格第一行：{self.first_line}")
        reason = self.error.replace("\n", "\n          ")
        lines.append(f"    原因：{reason}")
        if self.partial:
            lines.append(f"    部分执行的笔记本（可在 JupyterLab 中打开查看）：{self.partial}")
        return "\n".join(lines)


def explain(ename: str, evalue: str) -> str:
    """An exception as an editor reads it: a hint in Chinese, then the exception's own message.

    >>> explain("NameError", "name 'pak' is not defined")
    "用到了没有定义的名称，多半是拼写错误（NameError: name 'pak' is not defined）"
    >>> explain("ParameterError", "参数 year（年度）应为整数年份")
    '参数有误：参数 year（年度）应为整数年份'
    """
    evalue = _ANSI.sub("", str(evalue)).strip()
    hint = _HINTS.get(ename)
    if ename in ("ParameterError", "DataError", "ValidationError", "BriefingError"):
        return f"{hint}：{evalue}"
    if hint:
        return f"{hint}（{ename}: {evalue}）" if evalue else f"{hint}（{ename}）"
    return f"{ename}: {evalue}" if evalue else ename


def _first_line(source: str | list) -> str:
    if isinstance(source, list):  # a notebook read as plain JSON keeps a cell's source as a list of lines
        source = "".join(source)
    for line in source.splitlines():
        if line.strip():
            return line.strip()[:120]
    return ""


def locate_failure(executed: nbformat.NotebookNode) -> tuple[int | None, str, str, str]:
    """Find the failed cell of a partly executed notebook: (cell number in the theme, first line, ename, evalue).

    The cells papermill adds (the injected parameters, the red error banners) are not
    counted, so the number is the one the editor sees in the theme notebook.
    """
    number = 0
    for cell in executed.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags or "papermill-error-cell-tag" in tags:
            continue
        number += 1
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        status = cell.get("metadata", {}).get("papermill", {}).get("status")
        if errors:
            return number, _first_line(cell.source), errors[0].get("ename", ""), errors[0].get("evalue", "")
        if status in ("failed", "running"):
            return number, _first_line(cell.source), "", ""
    return None, "", "", ""


def run_region(notebook: str, parameters: dict, timeout: float = DEFAULT_TIMEOUT, keep: str = "",
               warm: bool = True, pdf: bool = False) -> RegionRun:
    """Execute ``notebook`` for one region with papermill and export its HTML (with ``pdf``, print it too) in
    memory, as ``briefing render`` would; never raises. A failure keeps the partial notebook in ``keep``.

    ``warm`` runs on this process's warm kernel, reset between regions, as ``briefing render``
    does (export/kernel); otherwise papermill starts a kernel of its own, as on the command line.
    """
    import papermill as pm

    from ..export import kernel as kernels

    region = str(parameters.get("region", ""))
    t0 = time.perf_counter()
    run_kw = dict(parameters=parameters, progress_bar=False, log_output=False, execution_timeout=timeout)
    executed = None
    with kernels.lent() as kernel, tempfile.TemporaryDirectory(prefix="briefing-check-") as tmp:
        out = Path(tmp) / "run.ipynb"
        try:
            if warm:
                nb = pm.execute_notebook(notebook, None, engine_name=kernels.ENGINE, warm=kernel.ready(), **run_kw)
                kernel.release()
            else:
                nb = pm.execute_notebook(notebook, str(out), cwd=str(config.project_root()),
                                         extra_arguments=_QUIET_KERNEL, **run_kw)
            error = _export(nb, parameters, pdf)
            if not error:
                return RegionRun(region, True, round(time.perf_counter() - t0, 2))
            return RegionRun(region, False, round(time.perf_counter() - t0, 2), error=error)
        except pm.PapermillExecutionError as exc:
            error = explain(exc.ename, exc.evalue)
        except Exception as exc:  # noqa: BLE001 - timeouts, a dead kernel, an unreadable notebook
            name = type(exc).__name__
            error = explain(name, f"超过 {timeout:g} 秒" if name == "CellTimeoutError" else str(exc))
        if warm:
            executed = kernel.last_nb
            kernel.discard()  # a kernel that failed is not reused
        elif out.is_file():
            executed = nbformat.read(out, as_version=4)
    run = RegionRun(region, False, round(time.perf_counter() - t0, 2), error=error)
    if executed is not None:
        run.cell, run.first_line, _, _ = locate_failure(executed)
        if keep:
            target = Path(keep) / f"{_safe(region)}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(executed, target)
            run.partial = config.terminal_path(target)
    return run


def _export(nb, parameters: dict, pdf: bool) -> str:
    """The executed notebook exported as a pack's HTML (and printed, with ``pdf``), in memory: "" or why it failed."""
    from ..export.html import export_html
    region, meeting = parameters.get("region", ""), parameters.get("meeting", "")
    step = "导出网页版"
    try:
        html = export_html(nb, title=f"{meeting or '工作会议'} · {region}", running_head=f"{meeting} · {region} · 内部资料")
        if pdf:
            from ..export.pdf import html_to_pdf
            step = "打印 PDF"
            html_to_pdf(html)
    except Exception as exc:  # noqa: BLE001 - said as a failure of this region, never raised
        return f"{step}时出错：" + explain(type(exc).__name__, str(exc))
    return ""


def _safe(text: str) -> str:
    return re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]', "_", text).strip(" .") or "_"


@dataclass
class CheckResult:
    """What ``check_theme`` found: the static problems and each region's run."""

    notebook: str
    problems: list[Problem]
    runs: list[RegionRun]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def failed(self) -> list[RegionRun]:
        return [r for r in self.runs if not r.ok]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.failed


def _regions(ds, wanted: list[str] | None) -> list[str]:
    if wanted:
        return [ds.regions.at[ds.region_code(r), "name"] for r in wanted]
    return list(ds.regions.sort_values(["depth", "order"])["name"])



def check_theme(notebook: str | Path, regions: list[str] | None = None, *, workers: int | None = None,
                timeout: float = DEFAULT_TIMEOUT, warm: bool = True, pdf: bool = False, meeting: str | Path | None = None,
                echo=print) -> CheckResult:
    """Check a theme: the parameters cell and calls first, then a run for every region (or ``regions``).

    Runs use the notebook's own parameter defaults with ``region`` changed, so what is
    checked is what JupyterLab shows. They run on the workers of ``briefing render`` (export/workers):
    started while the data is read, each warmed once and reusing one kernel, reset between regions
    (``warm=False``: a new kernel per region). Each run's HTML is exported in memory; ``pdf`` prints it
    too. Failed runs keep their partial notebook under outputs/_check/<theme>/. ``meeting``: a meeting file whose
    year, date and data folder the runs take instead of the notebook's defaults (an editor's own data).
    """
    path = config.resolve(notebook)
    shown = config.display_path(path)
    nb = read_notebook(path)
    problems, defaults = check_notebook(nb)
    problems = check_pairing(path) + problems
    echo(f"检查 {shown}")
    own = config.resolve(f"params/{path.stem}.yaml")
    if meeting:
        m = load_meeting(meeting)
        taken = {k: v for k, v in {"year": m.year, "meeting": m.name, "meeting_date": m.meeting_date, "as_of": m.as_of,
                                   "data_dir": m.data_dir}.items() if v not in ("", None) and k in defaults}
        defaults = {**defaults, **taken}
        echo(f"  参数取自会议文件 {config.display_path(config.resolve(meeting))}：{m.year}年"
             f"{'，截至 ' + m.as_of if m.as_of else ''}，数据 {m.data_dir}")
    elif own.is_file():
        echo(f"  提示：用的是笔记本中的默认参数（数据 {defaults.get('data_dir', '')}）。要用这个主题的会议文件的数据和年份，"
             f"请加 --meeting {config.display_path(own)}")
    result = CheckResult(shown, problems, [])
    if not result.errors:   # the defaults are sound: warm the workers up while their data folder is read
        parameters = {**defaults, "region": (regions or ["全部"])[0]}
        warmup = warmup_for(("html", "pdf") if pdf else ("html",), parameters, kernel=warm)
        with start_workers(workers or os.cpu_count() or 1, warmup,
                           expected=len(regions) if regions else None) as pool:
            return _check_regions(path, nb, result, defaults, regions, pool, timeout=timeout, warm=warm, pdf=pdf,
                                  echo=echo)
    return _report(result, echo)


def _report(result: CheckResult, echo) -> CheckResult:
    for p in result.problems:
        echo(f"  {'错误' if p.level == 'error' else '提示'}：{p.text()}")
    if result.errors:
        echo(f"结果：笔记本有 {len(result.errors)} 处错误，未运行。请按上面的提示改正后重新检查。")
    return result


def _check_regions(path: Path, nb, result: CheckResult, defaults: dict, regions, pool, *, timeout, warm, pdf,
                   echo) -> CheckResult:
    ds = load_dataset(defaults["data_dir"])
    result.problems += check_indicator_ids(nb, ds.catalog.index)
    if _report(result, echo).errors:
        return result
    echo(f"  参数单元格：{len(defaults)} 个参数，名称、类型和默认值正确。")
    if path.suffix == ".py":
        ipynb = path.with_suffix(".ipynb")
        if not ipynb.is_file():
            raise ParameterError(f"{result.notebook} 没有配对的 {config.display_path(ipynb)}，请先运行 make notebooks。")
        path = ipynb
    names = _regions(ds, regions)
    keep = config.outputs_dir() / CHECK_FOLDER / _safe(path.stem)
    workers = max(1, min(pool.workers, len(names)))
    echo(f"  运行 {len(names)} 个地区（{defaults.get('year')}年"
         f"{'，截至 ' + defaults['as_of'] if defaults.get('as_of') else ''}，并行 {workers} 个进程"
         f"{'，含 PDF' if pdf else ''}）……")
    jobs = [(str(path), {**defaults, "region": name}, timeout, str(keep), warm, pdf) for name in names]
    runs: dict[str, RegionRun] = {}
    started = time.perf_counter()
    progress.start(echo, len(jobs), "检查地区")
    try:
        with pool.running(len(jobs)):
            futures = {pool.submit(run_region, *job): job for job in jobs}
            for future in pool.completed(futures):
                job = futures[future]
                try:
                    run = future.result()
                except Exception as exc:  # noqa: BLE001 - the worker process itself died
                    run = RegionRun(job[1]["region"], False, error=explain(type(exc).__name__, str(exc)))
                runs[run.region] = run
                failed = sum(not r.ok for r in runs.values())
                eta = (time.perf_counter() - started) / len(runs) * (len(jobs) - len(runs))
                progress.step(echo, run.region, run.ok, len(runs), len(jobs), failed, eta,
                              "  " + ("✓ " if run.ok else "✗ ") + run.describe())
    finally:
        progress.stop(echo)
    result.runs = [runs[n] for n in names]
    for run in result.runs:
        if run.ok:
            (keep / f"{_safe(run.region)}.ipynb").unlink(missing_ok=True)
    if result.failed:
        echo(f"结果：{len(result.runs) - len(result.failed)} 个地区通过，{len(result.failed)} 个地区失败："
             f"{'、'.join(r.region for r in result.failed)}。")
    else:
        echo(f"结果：全部 {len(result.runs)} 个地区通过。")
    return result
