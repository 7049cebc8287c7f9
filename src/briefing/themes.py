"""Theme notebooks for editors: scaffold a new theme from an existing one, check a theme for every region, open JupyterLab.

``check_notebook`` reads a theme without running it (the parameters cell against
``PackParams``, syntax, calls into ``briefing``); ``check_theme`` then executes it with
papermill for each region, in parallel, and says in plain Chinese which region failed
at which cell and why. ``new_theme`` copies a theme's notebook pair and meeting file.
"""

from __future__ import annotations

import ast
import concurrent.futures as cf
import dataclasses
import difflib
import json
import multiprocessing
import os
import re
import sys
import tempfile
import time
import typing
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from . import config
from .errors import BriefingError, ParameterError
from .params import PARAM_NAMES, PackParams, make_params

CHECK_FOLDER = "_check"
# The kernel's own start-up warnings (plain-TCP transport) mean nothing to an editor.
_QUIET_KERNEL = ["--IPKernelApp.log_level=ERROR"]
DEFAULT_TIMEOUT = 300
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_NAME = re.compile(r"^[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9_\-\u4e00-\u9fff]{0,59}$")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
_TITLE = re.compile(r"主题：[^。\n]*。")

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


# ---------------------------------------------------------------- static checks

@dataclass(frozen=True)
class Problem:
    """One finding about a theme notebook; ``cell`` counts every cell from 1, as they appear in JupyterLab."""

    level: str                 # "error" or "warning"
    message: str
    cell: int | None = None
    line: int | None = None

    def text(self) -> str:
        where = ""
        if self.cell is not None:
            where = f"第 {self.cell} 个单元格" + (f"第 {self.line} 行" if self.line else "") + "："
        return where + self.message


def _expected_types() -> dict[str, type]:
    return typing.get_type_hints(PackParams)


def _suggest(name: str, choices) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f"是否想写 {close[0]}？" if close else ""


def _parameter_lines(cell: nbformat.NotebookNode, number: int) -> tuple[list[Problem], dict]:
    """Each line of the parameters cell: a known name, the schema's type hint, a literal of that type, a comment."""
    problems, values, seen = [], {}, set()
    source = cell.source
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        return [Problem("error", f"参数单元格有语法错误（{exc.msg}）。", number, exc.lineno)], {}
    types = _expected_types()
    lines = source.splitlines()
    for node in tree.body:
        line = node.lineno
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            seen.add(name)
            hint = types.get(name)
            problems.append(Problem("error", f"参数 {name} 缺少类型标注，应写成 "
                                             f"“{name}: {hint.__name__ if hint else '类型'} = 值  # 说明”。", number, line))
            continue
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None):
            problems.append(Problem("error", "参数单元格中每行只能写一个参数：“名称: 类型 = 值  # 说明”；"
                                             "其他代码请放到后面的单元格。", number, line))
            continue
        name = node.target.id
        if name not in PARAM_NAMES:
            problems.append(Problem("error", f"“{name}”不是已知参数。{_suggest(name, PARAM_NAMES)}"
                                             f"可用参数：{'、'.join(PARAM_NAMES)}。", number, line))
            continue
        if name in seen:
            problems.append(Problem("error", f"参数 {name} 写了两次，请删去一行。", number, line))
            continue
        seen.add(name)
        expected = types[name]
        hint = ast.unparse(node.annotation)
        if hint != expected.__name__:
            problems.append(Problem("error", f"参数 {name} 的类型应为 {expected.__name__}，现为 {hint}。", number, line))
        try:
            value = ast.literal_eval(node.value)
        except (ValueError, SyntaxError):
            problems.append(Problem("error", f"参数 {name} 的默认值应是一个固定的值（如 \"城关区\" 或 2025），"
                                             f"现为 {ast.unparse(node.value)}。", number, line))
            continue
        if isinstance(value, bool) or not isinstance(value, expected):
            kind = "文字（加引号）" if expected is str else "整数（不加引号）"
            problems.append(Problem("error", f"参数 {name} 的默认值应为{kind}，现为 {value!r}。", number, line))
            continue
        tail = lines[node.end_lineno - 1].encode("utf-8")[node.end_col_offset:].decode("utf-8", "replace")
        if "#" not in tail:
            problems.append(Problem("error", f"参数 {name} 这一行缺少说明注释（“# …”），"
                                             "papermill --help-notebook 和编辑人员都靠它。", number, line))
        values[name] = value
    for name in PARAM_NAMES:
        if name not in seen:
            field = next(f for f in dataclasses.fields(PackParams) if f.name == name)
            problems.append(Problem("error", f"参数单元格缺少 {name}（{field.metadata['help']}），"
                                             f"请补上一行“{name}: {types[name].__name__} = …  # 说明”。", number))
    return problems, values


def _calls_read_parameters(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "read_parameters"
                and node.args and isinstance(node.args[0], ast.Call) and isinstance(node.args[0].func, ast.Name)
                and node.args[0].func.id == "globals"):
            return True
    return False


def check_notebook(notebook: nbformat.NotebookNode) -> tuple[list[Problem], dict]:
    """Check a theme notebook without running it; returns the problems and the parameter defaults.

    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('regoin: str = "城关区"  # 地区',
    ...                                       metadata={"tags": ["parameters"]})])
    >>> problems, _ = check_notebook(nb)
    >>> problems[0].text()
    '第 1 个单元格第 1 行：“regoin”不是已知参数。是否想写 region？可用参数：region、year、meeting、meeting_date、as_of、data_dir。'
    """
    import briefing
    public = set(briefing.__all__)
    problems: list[Problem] = []
    cells = notebook.cells
    tagged = [i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    defaults: dict = {}
    if not tagged:
        problems.append(Problem("error", "没有参数单元格：第一个代码单元格应带 parameters 标签，"
                                         "逐行声明 region、year 等参数（可从现有主题复制）。"))
    elif len(tagged) > 1:
        problems.append(Problem("error", "有多个带 parameters 标签的单元格（第 "
                                         f"{'、'.join(str(i + 1) for i in tagged)} 个），只能有一个。"))
    else:
        found, defaults = _parameter_lines(cells[tagged[0]], tagged[0] + 1)
        problems += found
        if not found:
            try:
                make_params(defaults)
            except ParameterError as exc:
                problems.append(Problem("error", f"参数默认值有误：{exc}", tagged[0] + 1))
    reads = False
    has_outputs = False
    for i, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        has_outputs = has_outputs or bool(cell.get("outputs")) or cell.get("execution_count") is not None
        if i in tagged:
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError as exc:
            problems.append(Problem("error", f"语法错误（{exc.msg}），请检查括号、引号和缩进。", i + 1, exc.lineno))
            continue
        if tagged and i > tagged[0] and _calls_read_parameters(tree):
            reads = True
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "briefing"
                    and node.attr not in public and not node.attr.startswith("__")):
                problems.append(Problem("error", f"briefing 中没有 {node.attr}。{_suggest(node.attr, public)}"
                                                 "可用的函数见 docs/编辑指南.md。", i + 1, node.lineno))
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                if any(m.split(".")[0] != "briefing" for m in mods):
                    problems.append(Problem("warning", f"导入了 {'、'.join(mods)}：主题笔记本只应调用 briefing 的函数，"
                                                       "计算请写进 src/briefing/。", i + 1, node.lineno))
    if tagged and len(tagged) == 1 and not reads:
        problems.append(Problem("error", "参数单元格之后没有调用 briefing.read_parameters(globals())：写错的参数名将不会被发现。"
                                         "请保留“pack = briefing.open_pack(briefing.read_parameters(globals()))”这一行。"))
    if has_outputs:
        problems.append(Problem("warning", "笔记本中保存了运行结果（输出）。提交前请在 JupyterLab 中选“编辑 → 清除所有输出”"
                                           "（Edit → Clear Outputs of All Cells）后保存。"))
    return problems, defaults


def check_pairing(path: str | Path) -> list[Problem]:
    """A theme's .ipynb and its paired .py must hold the same cells (what is reviewed is what runs)."""
    path = config.resolve(path)
    ipynb, text = path.with_suffix(".ipynb"), path.with_suffix(".py")
    if not (ipynb.is_file() and text.is_file()):
        return []
    a, b = read_notebook(ipynb), read_notebook(text)
    if [(c.cell_type, c.source) for c in a.cells] == [(c.cell_type, c.source) for c in b.cells]:
        return []
    return [Problem("error", f"{config.display_path(ipynb)} 与配对的 {config.display_path(text)} 内容不一致。"
                             "请在 JupyterLab 中打开笔记本保存一次，或运行 make notebooks（以较新的文件为准），再检查。")]


def read_notebook(path: str | Path) -> nbformat.NotebookNode:
    """A theme notebook from its .ipynb (or its paired .py), with a Chinese message when it cannot be read."""
    path = config.resolve(path)
    shown = config.display_path(path)
    if not path.is_file():
        raise ParameterError(f"找不到笔记本 {shown}。主题笔记本在 notebooks/ 下，如 notebooks/annual_plenary.ipynb。")
    try:
        if path.suffix == ".py":
            import jupytext
            return jupytext.read(path)
        return nbformat.read(path, as_version=4)
    except Exception as exc:  # noqa: BLE001 - any unreadable file gets the same plain answer
        raise ParameterError(f"笔记本 {shown} 无法读取（{type(exc).__name__}: {exc}）。"
                             "如果改过 .ipynb 文件的文字，请改用配对的 .py 文件，然后运行 make notebooks。") from None


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
               warm: bool = True) -> RegionRun:
    """Execute ``notebook`` for one region with papermill; never raises. A failure keeps the partial notebook in ``keep``.

    ``warm`` runs on this thread's warm kernel, reset between regions, as ``briefing render``
    does (briefing.kernel); otherwise papermill starts a kernel of its own, as on the command line.
    """
    import papermill as pm

    from . import kernel as kernels

    region = str(parameters.get("region", ""))
    t0 = time.perf_counter()
    run_kw = dict(parameters=parameters, progress_bar=False, log_output=False, execution_timeout=timeout)
    kernel = kernels.for_this_thread() if warm else None
    executed = None
    with tempfile.TemporaryDirectory(prefix="briefing-check-") as tmp:
        out = Path(tmp) / "run.ipynb"
        try:
            if kernel is not None:
                pm.execute_notebook(notebook, None, engine_name=kernels.ENGINE, warm=kernel.ready(), **run_kw)
                kernel.release()
            else:
                pm.execute_notebook(notebook, str(out), cwd=str(config.project_root()), extra_arguments=_QUIET_KERNEL,
                                    **run_kw)
            return RegionRun(region, True, round(time.perf_counter() - t0, 2))
        except pm.PapermillExecutionError as exc:
            error = explain(exc.ename, exc.evalue)
        except Exception as exc:  # noqa: BLE001 - timeouts, a dead kernel, an unreadable notebook
            name = type(exc).__name__
            error = explain(name, f"超过 {timeout:g} 秒" if name == "CellTimeoutError" else str(exc))
        if kernel is not None:
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
            inside = target.resolve().is_relative_to(config.project_root())
            run.partial = config.display_path(target) if inside else str(target)
    return run


def _worker_init(driver: int | None = None) -> None:
    """A check worker: quiet, and no kernel left behind when it ends or its driver is killed (as in a batch)."""
    from .batch import _worker_init as batch_worker_init
    batch_worker_init(driver)


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


# Functions whose indicator id (a quoted id in the call) would otherwise just draw an empty chart.
_INDICATOR_ARGS = {"chart_peers": (2, "indicator")}


def check_indicator_ids(notebook: nbformat.NotebookNode, catalog_ids) -> list[Problem]:
    """Quoted indicator ids in calls such as ``briefing.chart_peers(..., "new_members", ...)`` must be in the catalogue.

    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
    ...     'briefing.chart_peers(pack.metrics, pack.region, "new_member", pack.dataset.regions)')])
    >>> check_indicator_ids(nb, ["new_members", "new_unions"])[0].text()
    '第 1 个单元格第 1 行：指标编号“new_member”不在指标目录（indicators.csv 第一列）中。是否想写 new_members？'
    """
    known = set(catalog_ids)
    problems = []
    for i, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue  # reported by check_notebook
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in _INDICATOR_ARGS):
                continue
            position, keyword = _INDICATOR_ARGS[node.func.attr]
            args = [node.args[position]] if len(node.args) > position else []
            args += [k.value for k in node.keywords if k.arg == keyword]
            for arg in args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value not in known:
                    problems.append(Problem("error", f"指标编号“{arg.value}”不在指标目录（indicators.csv 第一列）中。"
                                                     f"{_suggest(arg.value, known)}", i + 1, arg.lineno))
    return problems


def check_theme(notebook: str | Path, regions: list[str] | None = None, *, workers: int | None = None,
                timeout: float = DEFAULT_TIMEOUT, warm: bool = True, echo=print) -> CheckResult:
    """Check a theme: the parameters cell and calls first, then a run for every region (or ``regions``).

    Runs use the notebook's own parameter defaults with ``region`` changed, so what is
    checked is what JupyterLab shows; each worker reuses one kernel, reset between regions,
    as ``briefing render`` does (``warm=False``: a new kernel per region). Failed runs keep
    their partial notebook under outputs/_check/<theme>/.
    """
    path = config.resolve(notebook)
    shown = config.display_path(path)
    nb = read_notebook(path)
    problems, defaults = check_notebook(nb)
    problems = check_pairing(path) + problems
    echo(f"检查 {shown}")
    from .load import load_dataset
    ds = None
    if not any(p.level == "error" for p in problems):  # the defaults are sound: read their data folder
        ds = load_dataset(defaults["data_dir"])
        problems += check_indicator_ids(nb, ds.catalog.index)
    for p in problems:
        echo(f"  {'错误' if p.level == 'error' else '提示'}：{p.text()}")
    result = CheckResult(shown, problems, [])
    if result.errors:
        echo(f"结果：笔记本有 {len(result.errors)} 处错误，未运行。请按上面的提示改正后重新检查。")
        return result
    echo(f"  参数单元格：{len(defaults)} 个参数，名称、类型和默认值正确。")
    if path.suffix == ".py":
        ipynb = path.with_suffix(".ipynb")
        if not ipynb.is_file():
            raise ParameterError(f"{shown} 没有配对的 {config.display_path(ipynb)}，请先运行 make notebooks。")
        path = ipynb
    names = _regions(ds, regions)
    keep = config.outputs_dir() / CHECK_FOLDER / _safe(path.stem)
    workers = max(1, min(workers or os.cpu_count() or 1, len(names)))
    echo(f"  运行 {len(names)} 个地区（{defaults.get('year')}年"
         f"{'，截至 ' + defaults['as_of'] if defaults.get('as_of') else ''}，并行 {workers} 个进程）……")
    jobs = [(str(path), {**defaults, "region": name}, timeout, str(keep), warm) for name in names]
    runs: dict[str, RegionRun] = {}
    if workers == 1:
        from . import kernel as kernels
        try:
            for job in jobs:
                run = run_region(*job)
                runs[run.region] = run
                echo("  " + ("✓ " if run.ok else "✗ ") + run.describe())
        finally:
            kernels.shutdown_this_thread()
    else:
        with cf.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                    initializer=_worker_init, initargs=(os.getpid(),)) as pool:
            futures = {pool.submit(run_region, *job): job for job in jobs}
            for future in cf.as_completed(futures):
                job = futures[future]
                try:
                    run = future.result()
                except Exception as exc:  # noqa: BLE001 - the worker process itself died
                    run = RegionRun(job[1]["region"], False, error=explain(type(exc).__name__, str(exc)))
                runs[run.region] = run
                echo("  " + ("✓ " if run.ok else "✗ ") + run.describe())
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


# ---------------------------------------------------------------- new theme

def check_theme_name(name: str) -> str:
    """A new theme's name: a safe file name (letters, digits, Chinese, _ and -), or ``ParameterError``.

    >>> check_theme_name("midyear_2026")
    'midyear_2026'
    """
    name = (name or "").strip()
    if name.endswith((".ipynb", ".py")):
        name = name.rsplit(".", 1)[0]
    if not _NAME.match(name) or name.lower() in _RESERVED:
        raise ParameterError(f"主题名称“{name}”不能用作文件名。请只用字母、数字、汉字、下划线和连字符，"
                             "以字母、数字或汉字开头，不超过 60 个字符，如 topic_organising 或 专题-建会入会。")
    return name


def _theme_stem(source: str) -> str:
    stem = Path(source).name
    for suffix in (".ipynb", ".py"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
    return stem


def available_themes() -> list[str]:
    return sorted(p.stem for p in config.notebooks_dir().glob("*.ipynb"))


def find_meeting_file(notebook: Path) -> Path | None:
    """The first meeting file in params/ whose ``notebook`` is this theme (by file name order)."""
    want = config.resolve(notebook).resolve()
    for path in sorted(config.params_dir().glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        if isinstance(data, dict) and data.get("notebook") and config.resolve(str(data["notebook"])).resolve() == want:
            return path
    return None


def _meeting_text(defaults: dict, notebook: str, params_path: str) -> str:
    lines = [f"# 会议文件。运行：briefing render {params_path}",
             f"meeting: {defaults.get('meeting') or '工会工作会议'}",
             f"notebook: {notebook}",
             f"year: {defaults.get('year')}",
             f"meeting_date: \"{defaults.get('meeting_date', '')}\"",
             f"as_of: \"{defaults.get('as_of', '')}\"          # 留空：全年数据（12月31日）",
             f"data_dir: {defaults.get('data_dir') or 'data/sample'}",
             "regions: []                # 留空：数据中的全部地区（含全市）",
             "formats: [html, pdf]", ""]
    return "\n".join(lines)


def _yaml_text(text: str) -> str:
    """A one-line YAML string, quoted only when YAML would read it as something else."""
    return text if yaml.safe_load(f"k: {text}") == {"k": text} else json.dumps(text, ensure_ascii=False)


def new_theme(name: str, source: str, title: str = "") -> list[str]:
    """Copy theme ``source`` to notebooks/<name>.py + .ipynb (paired, no outputs) and params/<name>.yaml.

    Refuses to overwrite anything; returns the created paths as shown to people.

    >>> new_theme("topic_organising", "annual_plenary", "建会入会专题会议")   # doctest: +SKIP
    ['notebooks/topic_organising.py', 'notebooks/topic_organising.ipynb', 'params/topic_organising.yaml']
    """
    import jupytext

    name = check_theme_name(name)
    stem = _theme_stem(source)
    src_py = config.notebooks_dir() / f"{stem}.py"
    src_nb = config.notebooks_dir() / f"{stem}.ipynb"
    if not src_py.is_file() and not src_nb.is_file():
        raise ParameterError(f"找不到主题“{source}”。现有主题：{'、'.join(available_themes()) or '无'}。"
                             "请写 notebooks/ 中的笔记本名称，如 --from annual_plenary。")
    new_py = config.notebooks_dir() / f"{name}.py"
    new_nb = config.notebooks_dir() / f"{name}.ipynb"
    new_params = config.params_dir() / f"{name}.yaml"
    existing = [config.display_path(p) for p in (new_py, new_nb, new_params) if p.exists()]
    if existing:
        raise ParameterError(f"{'、'.join(existing)} 已存在，没有做任何修改。请换一个主题名称，或先把已有文件改名。")

    if src_py.is_file():
        text = src_py.read_text(encoding="utf-8")
    else:
        text = jupytext.writes(jupytext.read(src_nb), fmt="py:percent")
    given_title = (title or "").strip().replace("。", "，").replace("\n", " ").replace("-->", "")
    title = given_title or name
    fresh = f"主题：{title}（复制自 {stem}）。"
    if _TITLE.search(text):
        text = _TITLE.sub(lambda _: fresh, text, count=1)
    nb = jupytext.reads(text, fmt="py:percent")
    if not _TITLE.search(text):
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(
            f"<!-- {fresh}编辑说明见 docs/编辑指南.md；本单元格不会出现在简报中。 -->"))
    nb.metadata.setdefault("jupytext", {})["formats"] = "ipynb,py:percent"
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    problems, defaults = check_notebook(nb)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise ParameterError(f"主题 {stem} 本身有错误，请先改正（briefing check notebooks/{stem}.ipynb）：\n"
                             + "\n".join(f"  - {p.text()}" for p in errors))

    src_meeting = find_meeting_file(src_nb)
    shown_params = config.display_path(new_params)
    shown_nb = config.display_path(new_nb)
    if src_meeting is not None:
        meeting = src_meeting.read_text(encoding="utf-8")
        meeting = re.sub(r"(?m)^(notebook:[ \t]*)\S+", lambda m: m.group(1) + shown_nb, meeting, count=1)
        if given_title:  # the cover shows the meeting's name: the old one would be wrong for the new theme
            meeting = re.sub(r"(?m)^(meeting:[ \t]*).*$", lambda m: m.group(1) + _yaml_text(given_title), meeting, count=1)
        head = f"# {title}：复制自 {config.display_path(src_meeting)}。运行：briefing render {shown_params}"
        meeting = head + "\n" + meeting[meeting.index("\n") + 1:] if meeting.startswith("#") else head + "\n" + meeting
    else:
        meeting = _meeting_text(defaults, shown_nb, shown_params)

    config.params_dir().mkdir(parents=True, exist_ok=True)
    jupytext.write(nb, new_py, fmt="py:percent")
    jupytext.write(nb, new_nb, fmt="ipynb")
    new_params.write_text(meeting, encoding="utf-8")
    from .params import load_meeting
    load_meeting(new_params)  # the copy must load exactly as the original does
    return [config.display_path(p) for p in (new_py, new_nb, new_params)]


# ---------------------------------------------------------------- JupyterLab

def lab_command(port: int | None = None, open_browser: bool = True) -> tuple[list[str], dict]:
    """The command and environment that open JupyterLab on the project with the project's own kernel.

    The kernel is the python3 kernel of the environment briefing runs in (the .venv),
    found before any kernel of the same name in the user's folders; Lab does not look
    for news, updates or extensions online, so it works with no network.
    """
    root = config.project_root()
    share = Path(sys.prefix) / "share" / "jupyter"
    argv = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=None", "--LabApp.extension_manager=readonly",
            "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--allow-root")  # containers and shared servers often run as root; Lab refuses otherwise
    if port:
        argv.append(f"--ServerApp.port={port}")
    if not open_browser:
        argv.append("--no-browser")
    env = dict(os.environ)
    env["JUPYTER_PREFER_ENV_PATH"] = "1"
    env["JUPYTER_PATH"] = os.pathsep.join([str(share), *filter(None, [os.environ.get("JUPYTER_PATH")])])
    env["BRIEFING_ROOT"] = str(root)
    return argv, env
