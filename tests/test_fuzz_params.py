"""Property-based tests of the parameter schema: any input ends in a result or a ``BriefingError``, nothing else.

Covers ``PackParams``, ``make_params``, ``read_parameters`` and ``load_meeting`` (meeting
files as arbitrary YAML text and as arbitrary mappings). Deterministic: examples are
derived from the test, not from a random seed, and nothing is stored between runs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.errors import BriefingError
from briefing.params import (FORMATS, MEETING_KEYS, PARAM_NAMES, Meeting, PackParams, load_meeting, make_params,
                             read_parameters)

FUZZ = settings(derandomize=True, database=None, deadline=None, max_examples=200,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Values an analyst, a YAML file or a papermill -p flag can produce, plus hostile text.
HOSTILE_TEXT = st.sampled_from([
    "", " ", "城关区", "2025", "2025-06-30", "2025-02-30", "0000-00-00", "../../etc/passwd", "/etc/passwd",
    '"; import os; os.system("id") #', "</script><script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    "{{ 7*7 }}", "${HOME}", "\u202e区关城", "城\u200b关区", "a\nb", "\x00", "x" * 5000, "nan", "-1", "1e9",
])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=40),
                    HOSTILE_TEXT, st.dates(), st.datetimes(), st.binary(max_size=8))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                      max_leaves=12)


def ends_well(fn, *args, **kwargs):
    """Call ``fn``: a result or a BriefingError (whose text is not empty) are both fine; anything else fails."""
    try:
        return fn(*args, **kwargs)
    except BriefingError as exc:
        assert str(exc).strip(), f"{type(exc).__name__} without a message"
        return exc


def check_params(p) -> None:
    """A PackParams that was accepted is well-typed: later stages can trust it."""
    if isinstance(p, PackParams):
        assert isinstance(p.region, str) and p.region.strip() == p.region and p.region
        assert isinstance(p.year, int) and not isinstance(p.year, bool) and 1949 <= p.year <= 2100
        for name in ("meeting", "meeting_date", "as_of", "data_dir"):
            assert isinstance(getattr(p, name), str), name
        if p.as_of:
            assert dt.date.fromisoformat(p.as_of).year == p.year
        assert set(p.to_papermill()) == set(PARAM_NAMES)


@FUZZ
@given(st.fixed_dictionaries({name: VALUES for name in ("region", "year")},
                             optional={name: VALUES for name in PARAM_NAMES if name not in ("region", "year")}))
def test_pack_params_accepts_or_explains(values):
    check_params(ends_well(PackParams, **values))


@FUZZ
@given(st.dictionaries(st.one_of(st.sampled_from(PARAM_NAMES), st.text(max_size=12)), VALUES, max_size=8))
def test_make_params_accepts_or_explains(values):
    check_params(ends_well(make_params, values))


@FUZZ
@given(st.dictionaries(st.one_of(st.sampled_from(PARAM_NAMES), st.sampled_from(["In", "Out", "_", "regoin"]),
                                 st.text(max_size=12)), VALUES, max_size=8))
def test_read_parameters_accepts_or_explains(namespace):
    check_params(ends_well(read_parameters, namespace))


def check_meeting(m) -> None:
    """An accepted meeting file gives well-typed fields, and every region's parameters can be built."""
    if isinstance(m, Meeting):
        assert isinstance(m.name, str) and isinstance(m.notebook, str)
        assert isinstance(m.year, int) and not isinstance(m.year, bool)
        assert all(isinstance(r, str) for r in m.regions)
        assert set(m.formats) <= set(FORMATS) and m.formats
        for text in (m.meeting_date, m.as_of, m.data_dir):
            assert isinstance(text, str)
        check_params(m.params_for("城关区"))


MEETING_VALUES = st.fixed_dictionaries(
    {"meeting": VALUES, "notebook": st.one_of(st.just("notebooks/annual_plenary.ipynb"), VALUES), "year": VALUES},
    optional={**{k: VALUES for k in MEETING_KEYS - {"meeting", "notebook", "year"}},
              "regions": st.one_of(VALUES, st.lists(st.text(max_size=6), max_size=3)),
              "formats": st.one_of(VALUES, st.lists(st.sampled_from(["html", "pdf", "docx"]), max_size=3)),
              "regoin": VALUES})


@FUZZ
@given(data=MEETING_VALUES)
def test_meeting_file_from_any_mapping_loads_or_explains(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("meeting") / "fuzz.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    check_meeting(ends_well(load_meeting, path))


@FUZZ
@given(text=st.one_of(st.text(max_size=300),
                      st.lists(st.sampled_from([
                          "meeting: 会议\n", "notebook: notebooks/annual_plenary.ipynb\n", "year: 2025\n", "year: [1]\n",
                          "formats: 5\n", "formats: [html, {a: 1}]\n", "regions: 城关区\n", "regions: [[1]]\n",
                          "as_of: 2025-06-30\n", "as_of: 2025-06-31\n", "meeting_date: 2026-01-20 08:00:00\n",
                          "data_dir: ~\n", "meeting: &a [x, x]\n", "notebook: *a\n", "? [a]\n: 1\n", "\t", "- 1\n",
                          "meeting: !!python/object/apply:os.system [id]\n", "year: !!binary aGk=\n", "%YAML 1.1\n---\n",
                          "meeting: !!set {a, b}\n", "year: .inf\n", "year: 0x7e9\n", "year: 2_025\n",
                      ]), max_size=8).map("".join)))
def test_meeting_file_from_any_text_loads_or_explains(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("meeting") / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    check_meeting(ends_well(load_meeting, path))


def test_meeting_file_that_is_not_utf8_is_explained(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("meeting: 会议\nnotebook: notebooks/annual_plenary.ipynb\nyear: 2025\n".encode("gbk"))
    result = ends_well(load_meeting, path)
    assert isinstance(result, BriefingError) and "UTF-8" in str(result)


def test_every_field_of_the_schema_is_fuzzed():
    # If a field is added to PackParams, the strategies above pick it up through PARAM_NAMES.
    assert {f.name for f in dataclasses.fields(PackParams)} == set(PARAM_NAMES)
