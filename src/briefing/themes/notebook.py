"""A theme notebook read without running it: the parameters cell against ``PackParams``, syntax, indicator ids, pairing."""

from __future__ import annotations

import ast
import dataclasses
import difflib
import typing
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .. import config
from ..errors import ParameterError
from ..params import PARAM_NAMES, PackParams, make_params

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

