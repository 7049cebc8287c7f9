"""The one exception tree: every error names what is wrong, where, and what to do (in Chinese)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One problem found in the data: where it is, what it is, what to do.

    ``level`` is "error" (stops a render) or "warning" (goes into the pack's data note).
    ``file`` starting with "数据库" names a database table rather than a file.
    """

    level: str
    message: str
    file: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    region: str = ""
    indicator: str = ""
    sheet: str = ""  # worksheet of an Excel return
    cell: str = ""   # cell address in that sheet, e.g. "C7"

    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file if self.file.startswith("数据库") else f"文件 {self.file}")
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.cell:
            parts.append(f"单元格 {self.cell}")
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"“{self.column}”列")
        if self.value != "":
            parts.append(f"值“{self.value}”")
        return "，".join(parts)

    def text(self) -> str:
        where = self.where()
        return f"{where}：{self.message}" if where else self.message


class BriefingError(Exception):
    """Base of every error briefing raises on purpose; its text is meant for the analyst."""


class ParameterError(BriefingError, ValueError):
    """A notebook or meeting parameter is missing, misspelt or has a bad value."""


class DataError(BriefingError, ValueError):
    """An input data file cannot be read as it is; the message names file, row and column."""

    def __init__(self, message: str, *, file: str = "", row: int | None = None,
                 column: str = "", value: object = None):
        self.file, self.row, self.column, self.value = file, row, column, value
        where = []
        if file:
            where.append(f"文件 {file}")
        if row is not None:
            where.append(f"第 {row} 行")
        if column:
            where.append(f"“{column}”列")
        prefix = "，".join(where)
        super().__init__(f"{prefix}：{message}" if prefix else message)


class ValidationError(BriefingError):
    """The data has errors that stop a render; ``findings`` lists each one, ``warnings`` the hints found with them."""

    def __init__(self, findings: list, warnings: list | None = None):
        self.findings, self.warnings = findings, list(warnings or [])
        lines = [f"数据检查发现 {len(findings)} 个错误，简报未生成。请改正后重新运行："]
        lines += [f"  - {f.text()}" for f in findings[:50]]
        if len(findings) > 50:
            lines.append(f"  ……另有 {len(findings) - 50} 个错误未列出（运行 briefing validate 查看全部）")
        super().__init__("\n".join(lines))


class RenderError(BriefingError):
    """A pack could not be rendered; names the region, the failing cell and the partial notebook."""
