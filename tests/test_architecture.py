"""The package is laid out as the pipeline, and its imports run one way (docs/architecture.md).

ground floor (config, errors, params, formatting) → data/ → compute → present/ → export/ → commands
(batch, themes/, cli). A module may import its own layer or a lower one, never a higher one, and no
set of modules imports each other in a circle. The notebooks' face (``briefing/__init__.py``) lists
the ground floor up to present/; only a command may read it (``briefing check`` checks a notebook's calls
against it).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "briefing"
LAYERS = [  # (name, module prefixes), lowest first
    ("ground floor", ["briefing.config", "briefing.errors", "briefing.params", "briefing.formatting", "briefing.periods",
                      "briefing.progress"]),
    ("data", ["briefing.data"]),
    ("compute", ["briefing.compute"]),
    ("present", ["briefing.present"]),
    ("export", ["briefing.export"]),
    ("commands", ["briefing.batch", "briefing.themes", "briefing.cli", "briefing.__main__"]),
]
MAX_MODULE_LINES = 420      # the "about 400"
MAX_FUNCTION_LINES = 90     # "about 80"; a long function that is one clear sequence may stay (listed below)
LONG_SEQUENCES = {
    # name: why it may be long
    "briefing.compute.metrics.compute_metrics": "one vectorised pass: values, targets, YoY, ranks, flags, in the order of the rules",
}


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that ``name`` imports (``from . import x`` counts x, not the package)."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else [])) \
                if node.level else (node.module or "")
            subs = {f"{base}.{a.name}" for a in node.names} & known
            if subs:
                out |= subs
                if node.module:           # from .data import x: the package itself too
                    out.add(base)
            elif base in known:
                out.add(base)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name in known}
    out.discard(name)
    return out


def layer(name: str) -> int:
    for rank, (_, prefixes) in enumerate(LAYERS):
        if any(name == p or name.startswith(p + ".") for p in prefixes):
            return rank
    raise AssertionError(f"{name} belongs to no layer: add it to LAYERS and to docs/architecture.md")


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {m: imports_of(m, p, set(mods)) for m, p in mods.items()}


def test_every_module_has_a_layer_and_no_module_imports_a_higher_one():
    upward = []
    for mod, targets in graph().items():
        if mod == "briefing":
            continue
        for target in targets:
            if target == "briefing":
                if layer(mod) < len(LAYERS) - 1:
                    upward.append(f"{mod} imports the notebooks' face briefing/__init__.py")
            elif layer(target) > layer(mod):
                upward.append(f"{mod} ({LAYERS[layer(mod)][0]}) imports {target} ({LAYERS[layer(target)][0]})")
    assert upward == []


def test_no_modules_import_each_other_in_a_circle():
    edges = graph()
    # a package's face importing its own children is how it lists them; the children must not import it back
    index, low, stack, on, circles = {}, {}, [], set(), []

    def strong(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                circles.append(sorted(comp))

    for v in edges:
        if v not in index:
            strong(v)
    assert circles == []


def test_the_checks_see_real_edges():
    """The graph is not empty by mistake: known imports are found."""
    edges = graph()
    assert "briefing.data.dataset" in edges["briefing.compute.values"]
    assert "briefing.present.charts" in edges["briefing.present.pack"]
    assert "briefing.export.render" in edges["briefing.batch"]
    assert layer("briefing.data.excel.table") == 1 and layer("briefing.export.word.tables") == 4


def test_modules_and_functions_stay_short():
    long_modules, long_functions = [], []
    for mod, path in modules().items():
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            long_modules.append(f"{mod}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES and f"{mod}.{node.name}" not in LONG_SEQUENCES:
                    long_functions.append(f"{mod}.{node.name}: {length} lines")
    assert long_modules == [] and long_functions == []


@pytest.mark.parametrize("mod", sorted(modules()))
def test_every_module_says_its_job_in_its_docstring(mod):
    doc = ast.get_docstring(ast.parse(modules()[mod].read_text(encoding="utf-8")))
    assert doc and doc.strip(), f"{mod} has no module docstring"


def test_architecture_map_names_every_module():
    text = (PACKAGE.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    # a module is named by its path below src/briefing, or by its last two parts (excel/grid) in a nested list
    missing = [m for m in modules() if m != "briefing"
               and m.split(".", 1)[1].replace(".", "/") not in text and "/".join(m.split(".")[-2:]) not in text]
    assert missing == [], "docs/architecture.md does not mention: " + ", ".join(missing)
