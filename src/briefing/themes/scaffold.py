"""``briefing new-theme``: copy a theme's notebook pair and meeting file under a new name, ready to edit."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import yaml

from .. import config
from ..errors import ParameterError
from ..params import load_meeting
from .notebook import check_notebook

_NAME = re.compile(r"^[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9_\-\u4e00-\u9fff]{0,59}$")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
_TITLE = re.compile(r"主题：[^。\n]*。")


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
    load_meeting(new_params)  # the copy must load exactly as the original does
    return [config.display_path(p) for p in (new_py, new_nb, new_params)]

