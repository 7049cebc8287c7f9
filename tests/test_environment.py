"""pyproject.toml, environment.yml and the locks (requirements/run.lock, test.lock) agree.

pyproject.toml keeps ranges (for installing into an environment of one's own); scripts/setup.sh installs
the exact versions of the locks; conda users get environment.yml. After changing one: `make lock`, and
edit environment.yml by hand. Fast and offline: reads files only.
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
RUN_LOCK = ROOT / "requirements" / "run.lock"
TEST_LOCK = ROOT / "requirements" / "test.lock"
BUILD_IN = ROOT / "requirements" / "build.in"
# environment.yml entries that are conda packages with no PyPI counterpart in pyproject.toml.
CONDA_ONLY = {
    "python": "the interpreter itself (checked against requires-python and the lock's target below)",
    "pip": "to install the project with pip install -e . --no-deps",
    "harfbuzz": "the C library WeasyPrint loads for fast font subsetting (Debian: libharfbuzz-subset0)",
}


def parse_lock(path: Path) -> dict[str, tuple[str, list[str]]]:
    """name → (version, hashes). Refuses anything but ``name==version`` lines with sha256 hashes."""
    text = path.read_text(encoding="utf-8")
    entries: dict[str, tuple[str, list[str]]] = {}
    for stmt in re.sub(r"\\\n", " ", text).splitlines():
        stmt = stmt.strip()
        if not stmt or stmt.startswith("#"):
            continue
        head, *options = stmt.split(" --")
        m = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!]+)", head.strip())
        assert m, f"{path.name}: not an exact pin without markers or URLs: {stmt[:120]!r}"
        hashes = [o.strip() for o in options]
        assert hashes and all(re.fullmatch(r"hash=sha256:[0-9a-f]{64}", h) for h in hashes), \
            f"{path.name}: {head} needs --hash=sha256:… and nothing else, got {hashes[:3]}"
        name = canonicalize_name(m.group(1))
        assert name not in entries, f"{path.name}: {name} pinned twice"
        entries[name] = (m.group(2), [h.split(":", 1)[1] for h in hashes])
    return entries


RUN = parse_lock(RUN_LOCK)
TEST = parse_lock(TEST_LOCK)


def requirements(group: str | None) -> list[Requirement]:
    project = PYPROJECT["project"]
    return [Requirement(r) for r in (project["dependencies"] if group is None
                                     else project["optional-dependencies"][group])]


def test_locks_are_exact_pins_with_hashes_and_no_machine_paths():
    for path, entries in ((RUN_LOCK, RUN), (TEST_LOCK, TEST)):
        text = path.read_text(encoding="utf-8")
        assert len(entries) > 50
        assert "make lock" in text.splitlines()[1], f"{path.name}: header should name the command that refreshes it"
        # No index URLs, find-links, editable or local paths: the lock installs the same anywhere.
        assert not re.search(r"^\s*(-e|--index-url|--extra-index-url|--find-links|-f|-i)\b", text, re.M)
        local = ["r" + "oot", "ho" + "me", "o" + "pt"]   # spelt apart: this test names no machine path itself
        assert "file:" not in text and not re.search("/(?:%s)\\b" % "|".join(local), text)
        for name, (version, _) in entries.items():
            Version(version)  # a valid version, not a range


def test_run_lock_is_a_subset_of_test_lock_with_identical_pins():
    missing = sorted(set(RUN) - set(TEST))
    assert not missing, f"in run.lock but not test.lock: {missing}"
    differ = {n: (RUN[n][0], TEST[n][0]) for n in RUN if RUN[n][0] != TEST[n][0]}
    assert not differ, f"run.lock and test.lock pin these differently (run, test): {differ}; run make lock"
    hashes = [n for n in RUN if set(RUN[n][1]) != set(TEST[n][1])]
    assert not hashes, f"same version, different hashes in the two locks: {hashes}; run make lock"


@pytest.mark.parametrize("group", [None, "dask", "bench", "test"])
def test_every_pyproject_dependency_is_locked_inside_its_range(group):
    locks = {"run.lock": RUN, "test.lock": TEST} if group is None else {"test.lock": TEST}
    for req in requirements(group):
        for lock_name, lock in locks.items():
            name = canonicalize_name(req.name)
            assert name in lock, f"{req} ({group or 'dependencies'}) is not in {lock_name}: run make lock"
            version = lock[name][0]
            assert req.specifier.contains(version, prereleases=True), \
                f"{lock_name} pins {name}=={version}, outside pyproject's {req}: run make lock"
            for extra in req.extras:  # psycopg[binary] → psycopg-binary, at the same version
                if name == "psycopg" and extra == "binary":
                    assert lock.get("psycopg-binary", ("?",))[0] == version, f"{lock_name}: psycopg-binary"


def test_locks_hold_what_installs_the_project_itself_offline():
    build = [Requirement(r) for r in PYPROJECT["build-system"]["requires"]]
    build_in = [Requirement(line) for line in BUILD_IN.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]
    assert {canonicalize_name(r.name) for r in build} == {canonicalize_name(r.name) for r in build_in}
    for req in build + build_in:
        for lock in (RUN, TEST):
            assert req.specifier.contains(lock[canonicalize_name(req.name)][0])


def test_lock_target_python_matches_pyproject_and_environment_yml():
    assert SpecifierSet(PYPROJECT["project"]["requires-python"]).contains("3.11")
    assert "python=3.11" in ENV_SPECS
    for path in (RUN_LOCK, TEST_LOCK):
        assert "CPython 3.11" in path.read_text(encoding="utf-8").splitlines()[2]


def conda_specs() -> list[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    specs = []
    for item in env["dependencies"]:
        if isinstance(item, dict):
            assert set(item) == {"pip"}, item
            specs += item["pip"]
        else:
            specs.append(item)
    return specs


ENV_SPECS = conda_specs()


def split_conda(spec: str) -> tuple[str, str]:
    m = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)", spec.strip())
    assert m, spec
    return canonicalize_name(m.group(1)), m.group(2).replace(" ", "")


def test_environment_yml_lists_the_pyproject_packages_with_the_same_ranges():
    pyproject = {}
    for group in (None, *PYPROJECT["project"]["optional-dependencies"]):
        for req in requirements(group):
            spec = str(req.specifier)
            assert pyproject.get(canonicalize_name(req.name), spec) == spec, f"{req.name}: two ranges in pyproject"
            pyproject[canonicalize_name(req.name)] = spec
    env = {}
    for spec in ENV_SPECS:
        name, rng = split_conda(spec)
        assert name not in env, f"environment.yml lists {name} twice"
        env[name] = rng
    for name in CONDA_ONLY:
        env.pop(name, None)
    assert set(env) - set(pyproject) == set(), \
        f"environment.yml has packages pyproject.toml lacks: {sorted(set(env) - set(pyproject))}"
    assert set(pyproject) - set(env) == set(), \
        f"pyproject.toml has packages environment.yml lacks: {sorted(set(pyproject) - set(env))}"
    for name, rng in env.items():
        assert SpecifierSet(rng) == SpecifierSet(pyproject[name]), \
            f"{name}: environment.yml says {rng!r}, pyproject.toml {pyproject[name]!r}"
        assert name in TEST and SpecifierSet(rng).contains(TEST[name][0], prereleases=True)


@pytest.mark.skipif(Path(sys.prefix).resolve() != (ROOT / ".venv").resolve(),
                    reason="only in the project's .venv, which scripts/setup.sh --test installs from test.lock")
def test_the_project_venv_has_exactly_the_locked_versions():
    wrong = {}
    for name, (version, _) in TEST.items():
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            have = None
        if have is None or Version(have) != Version(version):
            wrong[name] = (have, version)
    assert not wrong, f"installed vs locked: {wrong}; run scripts/setup.sh --test"
