"""Parameters, declared once and typed: the notebook, the meeting file, the CLI and the tests share them.

A notebook's ``parameters`` cell declares the same names with type hints; the next
cell calls ``read_parameters(globals())``, so a bad or misspelt value fails on the
first line with a message an analyst can act on (papermill itself only warns).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import types
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import config
from .errors import ParameterError

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class PackParams:
    """What one pack needs. Every field has a Chinese description used in messages."""

    region: str = field(metadata={"help": "地区名称或代码（与 regions.csv 一致），如 示例市、城关区"})
    year: int = field(metadata={"help": "年度，如 2025"})
    meeting: str = field(default="", metadata={"help": "会议名称，显示在封面和页眉"})
    meeting_date: str = field(default="", metadata={"help": "会议日期，YYYY-MM-DD"})
    as_of: str = field(default="", metadata={"help": "数据截止日期，YYYY-MM-DD；留空表示全年（12月31日）"})
    data_dir: str = field(default="data/sample", metadata={"help": "数据目录（相对于项目根目录），也可以是 .xlsx 报表或 sqlite:/// 等数据库地址"})

    def __post_init__(self):
        if not isinstance(self.region, str) or not self.region.strip():
            raise ParameterError("参数 region（地区）不能为空。请填写 regions.csv 中的地区名称，如 -p region 城关区。")
        if isinstance(self.year, bool) or not isinstance(self.year, int):
            try:
                year = int(str(self.year).strip())
            except ValueError:
                raise ParameterError(f"参数 year（年度）应为整数年份，如 2025，现为“{self.year}”。") from None
            object.__setattr__(self, "year", year)
        if not 1949 <= self.year <= 2100:
            raise ParameterError(f"参数 year（年度）={self.year} 不是合理的年份。")
        for name in ("meeting", "meeting_date", "as_of", "data_dir"):
            value = getattr(self, name)
            if isinstance(value, (dt.date, dt.datetime)):
                object.__setattr__(self, name, value.strftime("%Y-%m-%d"))
            elif value is None:
                object.__setattr__(self, name, "")
            elif not isinstance(value, str):
                raise ParameterError(f"参数 {name}（{_help(name)}）应为文字，现为 {value!r}。")
        object.__setattr__(self, "region", self.region.strip())
        for name in ("meeting_date", "as_of"):
            value = getattr(self, name).strip()
            object.__setattr__(self, name, value)
            if value and not _valid_date(value):
                raise ParameterError(f"参数 {name}（{_help(name)}）“{value}”不是有效日期，请写成 YYYY-MM-DD，如 2026-06-30。")
        if self.as_of and int(self.as_of[:4]) != self.year:
            raise ParameterError(f"参数 as_of（数据截止日期）{self.as_of} 不在参数 year 指定的 {self.year} 年内。")
        if not self.data_dir.strip():
            raise ParameterError("参数 data_dir（数据目录）不能为空，示例数据为 data/sample。")

    def to_papermill(self) -> dict:
        return dataclasses.asdict(self)


def _valid_date(text: str) -> bool:
    if not _DATE.match(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _help(name: str) -> str:
    return next(f.metadata["help"] for f in dataclasses.fields(PackParams) if f.name == name)


PARAM_NAMES = tuple(f.name for f in dataclasses.fields(PackParams))
# Names IPython itself puts in a kernel's namespace.
_KERNEL_NAMES = {"In", "Out", "exit", "quit", "get_ipython", "open"}


def parameters_help() -> str:
    return "\n".join(f"  {f.name}: {f.metadata['help']}" for f in dataclasses.fields(PackParams))


def make_params(values: dict) -> PackParams:
    """Build ``PackParams`` from a mapping; unknown names are an error, not a warning."""
    unknown = sorted(set(values) - set(PARAM_NAMES))
    if unknown:
        raise ParameterError(f"未知参数 {'、'.join(unknown)}。可用参数：\n{parameters_help()}\n请检查拼写。")
    missing = [n for n in ("region", "year") if n not in values]
    if missing:
        raise ParameterError(f"缺少参数 {'、'.join(missing)}。\n{parameters_help()}")
    return PackParams(**values)


def read_parameters(namespace: dict) -> PackParams:
    """Collect the parameters a notebook's first cells defined, refusing misspelt extra ones.

    Call it as ``params = briefing.read_parameters(globals())`` right after the
    parameters cell: names papermill injected that the schema does not know (a
    misspelling such as ``regoin``) stop the notebook with the list of valid names.
    """
    values, unknown = {}, []
    # Names present at the first call: on a second "Run All" in JupyterLab, names made by later
    # cells (pack, …) are already in the namespace and are not parameters.
    first = namespace.get("_briefing_first_names")
    for name, value in namespace.items():
        if name.startswith("_") or name in _KERNEL_NAMES or isinstance(value, (types.ModuleType, type)) or callable(value):
            continue
        if name in PARAM_NAMES:
            values[name] = value
        elif first is None or name in first:
            unknown.append(name)
    namespace["_briefing_first_names"] = first or frozenset(namespace)
    if unknown:
        raise ParameterError(f"未知参数 {'、'.join(sorted(unknown))}。可用参数：\n{parameters_help()}\n"
                             "请检查 papermill -p 或会议文件中的参数名拼写。")
    return make_params(values)


@dataclass(frozen=True)
class Meeting:
    """One meeting file (params/<meeting>.yaml): which notebook, which regions, which formats."""

    name: str
    slug: str
    notebook: str
    year: int
    meeting_date: str = ""
    as_of: str = ""
    data_dir: str = "data/sample"
    regions: tuple[str, ...] = ()
    formats: tuple[str, ...] = ("html", "pdf")
    source: str = ""
    render_date: str = ""          # the 生成日期 every pack shows (reproducible packs); "" = the day of rendering
    notes_dir: str = ""          # params/<meeting>/notes/ beside the meeting file (the analysts' own words)
    data_missing: tuple[str, ...] = ()   # regions with no figures for the period, rendered as 数据缺失 packs

    def params_for(self, region: str) -> PackParams:
        return PackParams(region=region, year=self.year, meeting=self.name, meeting_date=self.meeting_date,
                          as_of=self.as_of, data_dir=self.data_dir)


MEETING_KEYS = {"meeting", "notebook", "year", "meeting_date", "as_of", "data_dir", "regions", "formats", "render_date",
                "data_missing"}
FORMATS = ("html", "pdf", "docx", "onepage")
DEFAULT_FORMATS = ("html", "pdf")


class _TextDates(yaml.SafeLoader):
    """The safe YAML loader, but a date stays text (2026-13-40 is then refused by key, in Chinese, not by PyYAML)."""


_TextDates.yaml_implicit_resolvers = {k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
                                      for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def load_meeting(path: str | Path) -> Meeting:
    """Read and check a meeting file; every problem names the file and the key."""
    path = config.resolve(path)
    shown = config.display_path(path)
    if not path.is_file():
        raise ParameterError(f"找不到会议文件 {shown}。会议文件放在 params/ 目录下，如 params/sample-annual-2025.yaml。")
    try:
        text_of_file = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ParameterError(f"会议文件 {shown} 不是 UTF-8 编码。请在编辑器中另存为 UTF-8 后重试。") from None
    for number, line in enumerate(text_of_file.splitlines(), start=1):
        if re.match(r"^\s*[A-Za-z_]+\s*：", line):   # 全角冒号: YAML's own message points at the next line, in English
            raise ParameterError(f"会议文件 {shown} 第 {number} 行“{line.strip()[:40]}”用了全角冒号“：”。"
                                 "请改为半角冒号加一个空格，如“year: 2025”。")
    try:
        data = yaml.load(text_of_file, Loader=_TextDates)   # safe: tags such as !!python/object are refused
    except (yaml.YAMLError, ValueError, OverflowError, RecursionError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列附近" if mark is not None else ""
        raise ParameterError(f"会议文件 {shown} {where}不是有效的 YAML（{getattr(exc, 'problem', None) or type(exc).__name__}）。"
                             "请对照 params/sample-annual-2025.yaml 检查冒号、引号和缩进。") from None
    if not isinstance(data, dict):
        raise ParameterError(f"会议文件 {shown} 应为“键: 值”的形式。")
    unknown = sorted(set(map(str, data)) - MEETING_KEYS)
    if unknown:
        raise ParameterError(f"会议文件 {shown} 中有未知的键 {'、'.join(unknown)}。可用的键：{'、'.join(sorted(MEETING_KEYS))}。")
    for key in ("meeting", "notebook", "year"):
        if key not in data or data[key] in (None, ""):
            raise ParameterError(f"会议文件 {shown} 缺少“{key}”。")
    for key in sorted(MEETING_KEYS - {"regions", "formats", "data_missing"}):
        # Lists, mappings, sets and binary are refused before anything prints them (a YAML alias bomb stays small).
        if key in data and not isinstance(data[key], (str, int, float, dt.date, type(None))):
            raise ParameterError(f"会议文件 {shown} 中“{key}”应为一个值（文字、数字或日期），现为 {type(data[key]).__name__}。")
    regions = data.get("regions") or []
    if isinstance(regions, str) or not isinstance(regions, list) or not all(isinstance(r, str) for r in regions):
        raise ParameterError(f"会议文件 {shown} 中 regions 应为地区名称的列表（或留空表示全部地区）。")
    missing = data.get("data_missing") or []
    if isinstance(missing, str) or not isinstance(missing, list) or not all(isinstance(r, str) for r in missing):
        raise ParameterError(f"会议文件 {shown} 中 data_missing 应为地区名称的列表，如 [城关区]：这些地区本期没有数字时，"
                             "生成注明“数据缺失”的简报。")
    formats = data.get("formats") or list(DEFAULT_FORMATS)
    if not isinstance(formats, list) or not all(isinstance(f, str) for f in formats):
        raise ParameterError(f"会议文件 {shown} 中 formats 应为格式的列表，如 [html, pdf]。")
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ParameterError(f"会议文件 {shown} 中 formats 含不支持的格式 {'、'.join(map(str, bad))}；可选 {'、'.join(FORMATS)}。")
    notebook = str(data["notebook"])
    try:
        found = config.resolve(notebook).is_file()
    except OSError:  # a name too long for the file system
        found = False
    if not found:
        raise ParameterError(f"会议文件 {shown} 指定的笔记本 {notebook} 不存在。")

    def text(key):
        v = data.get(key, "")
        return v.strftime("%Y-%m-%d") if isinstance(v, (dt.date, dt.datetime)) else ("" if v is None else str(v))

    meeting = Meeting(name=str(data["meeting"]), slug=path.stem, notebook=notebook,
                      year=data["year"], meeting_date=text("meeting_date"), as_of=text("as_of"),
                      data_dir=text("data_dir") or "data/sample", regions=tuple(regions),
                      formats=tuple(formats), source=shown, render_date=text("render_date"),
                      notes_dir=str(path.with_suffix("") / "notes"), data_missing=tuple(missing))
    if meeting.render_date and not _valid_date(meeting.render_date):
        raise ParameterError(f"会议文件 {shown} 中 render_date（生成日期）“{meeting.render_date}”不是有效日期，请写成 YYYY-MM-DD。")
    try:
        checked = meeting.params_for("_check_")
    except ParameterError as exc:
        raise ParameterError(f"会议文件 {shown}：{exc}") from None
    return dataclasses.replace(meeting, year=checked.year)  # "2025" in the file is the year 2025
