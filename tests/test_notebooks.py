"""Notebooks reach git as reviewable text: no outputs, and each .ipynb in step with its paired .py."""

from pathlib import Path

import jupytext
import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: 请先清除输出再提交"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_paired_text_file_matches(path):
    text = path.with_suffix(".py")
    assert text.is_file(), f"{path.name} 缺少配对的 {text.name}（运行 make notebooks）"
    a = nbformat.read(path, as_version=4)
    b = jupytext.read(text)
    assert [(c.cell_type, c.source) for c in a.cells] == [(c.cell_type, c.source) for c in b.cells], \
        f"{path.name} 与 {text.name} 不一致：运行 make notebooks"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_is_typed_and_commented(path):
    nb = nbformat.read(path, as_version=4)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    for line in params[0].source.splitlines():
        if line.strip():
            assert ":" in line.split("=")[0] and "#" in line, f"参数行缺少类型或注释：{line}"
