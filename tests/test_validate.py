"""Validation: the corpus of bad inputs and their messages, and the vectorised checks against compute's rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
import yaml

from briefing.data import validate
from briefing.data.catalog import load_catalog
from briefing.compute import values_at
from briefing.errors import DataError, Finding, ValidationError
from briefing.data.excel import check_workbook, read_workbook
from briefing.data import load_dataset
from briefing.data.folder import load_regions
from briefing.data.sql import load_dataset_sql, save_dataset_sql
from briefing.data.validate import check_dataset, raise_on_errors

from .conftest import make_dataset
from .fixtures.workbooks import build_workbook

CORPUS = sorted((Path(__file__).parent / "bad_inputs").glob("*.yaml"))


def _findings_csv(case: dict, tmp: Path) -> list[Finding]:
    folder = make_dataset(tmp / "data", [("A1", 2025, "", "new_unions", 1)])
    for name, text in case.get("files", {}).items():
        (folder / name).write_bytes(text.encode(case.get("encoding", "utf-8")))
    return _findings(lambda: load_dataset(folder))


def _findings_excel(case: dict, tmp: Path) -> list[Finding]:
    catalog = load_catalog("data/sample/indicators.csv")
    regions = load_regions(Path("data/sample")) if case.get("regions") == "sample" else None
    data = case["bytes"].encode() if "bytes" in case else build_workbook(case["sheets"])
    try:
        result = read_workbook(data, catalog, regions, name="return.xlsx")
    except DataError as exc:
        return [Finding("error", str(exc))]
    return check_workbook(result, catalog, regions)


def _findings_sql(case: dict, tmp: Path) -> list[Finding]:
    url = f"sqlite:///{tmp / 'case.db'}"
    save_dataset_sql(load_dataset("data/sample"), url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for statement in case["statements"]:
            conn.execute(sa.text(statement))
    engine.dispose()
    return _findings(lambda: load_dataset_sql(url))


def _findings(load) -> list[Finding]:
    try:
        ds = load()
    except ValidationError as exc:
        return list(exc.findings)
    except DataError as exc:
        return [Finding("error", str(exc))]
    return check_dataset(ds)


def test_the_corpus_is_large_enough_and_covers_every_loader():
    cases = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in CORPUS]
    assert len(cases) >= 30
    assert {c["kind"] for c in cases} == {"csv", "excel", "sql"}
    assert all(c.get("what") and c.get("expect") for c in cases)


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_bad_input_gives_its_message(path, tmp_path):
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    findings = {"csv": _findings_csv, "excel": _findings_excel, "sql": _findings_sql}[case["kind"]](case, tmp_path)
    texts = [(f.level, f.text()) for f in findings]
    for want in case["expect"]:
        assert any(level == want["level"] and want["text"] in text for level, text in texts), \
            f"{case['what']}: expected {want['level']} “{want['text']}”; got:\n" + "\n".join(t for _, t in texts)
    if case.get("exact", True):
        for level in ("error", "warning"):
            expected = sum(w["level"] == level for w in case["expect"])
            got = [t for lv, t in texts if lv == level]
            assert len(got) == expected, f"{case['what']}: {len(got)} {level}(s), expected {expected}:\n" + "\n".join(got)
    for _, text in texts:  # every message is Chinese and says where
        assert text.startswith(("文件", "数据库", "工作表")) or "数据库" in text, text


def test_checks_agree_with_compute_values_at(tiny):
    """The vectorised roll-up in validate follows compute's rules: same rates and children sums."""
    ds = load_dataset(tiny)
    fig = pd.concat([ds.figures, ds.figures.iloc[[0]].assign(region="C0", value=99.0, file_row=99)],
                    ignore_index=True)  # the city also reports one figure of its own
    ds = type(ds)(**{**ds.__dict__, "figures": fig})
    for (year, as_of), _ in ds.figures.groupby(["year", "as_of"]):
        expected = values_at(ds, int(year), as_of).set_index(["region", "indicator"])
        got = validate._values_at_all(ds)
        got = got[got["as_of"] == as_of].set_index(["region", "indicator"])
        common = expected.index.intersection(got.index)
        assert len(common) == len(expected)
        np.testing.assert_allclose(got.loc[common, "value"], expected.loc[common, "value"])
        np.testing.assert_allclose(got.loc[common, "children_sum"].astype(float),
                                   expected.loc[common, "children_sum"].astype(float))


def test_sample_data_and_inputs_are_left_alone():
    ds = load_dataset("data/sample")
    before = ds.figures.copy(), ds.targets.copy(), ds.regions.copy()
    assert [f for f in check_dataset(ds) if f.level == "error"] == []
    pd.testing.assert_frame_equal(ds.figures, before[0])
    pd.testing.assert_frame_equal(ds.targets, before[1])
    pd.testing.assert_frame_equal(ds.regions, before[2])


def test_raise_on_errors_returns_warnings_and_raises_on_errors():
    warn, err = Finding("warning", "提示"), Finding("error", "错误", file="figures.csv", row=3)
    assert raise_on_errors([warn]) == [warn]
    with pytest.raises(ValidationError, match="文件 figures.csv，第 3 行：错误"):
        raise_on_errors([warn, err])


def test_many_bad_cells_are_counted_not_all_listed(tmp_path, monkeypatch):
    monkeypatch.setattr(validate, "LISTED_PER_CHECK", 3)
    figures = [("A1", 2025, "", "petitions", -i) for i in range(1, 3)] + \
              [("A2", y, "", "petitions", -1) for y in range(2016, 2021)]
    findings = check_dataset(load_dataset(make_dataset(tmp_path / "d", figures)))
    negatives = [f for f in findings if "为负数" in f.message]
    assert len(negatives) == 3
    assert any("同类问题（负数）另有 4 处未逐条列出" in f.message for f in findings)


def test_stated_rate_within_its_own_rounding_is_accepted(tmp_path):
    folder = make_dataset(tmp_path / "d", [
        ("A1", 2025, "", "members", 853), ("A1", 2025, "", "workers", 1000), ("A1", 2025, "", "membership_rate", 85),
        ("A2", 2025, "", "members", 853), ("A2", 2025, "", "workers", 1000), ("A2", 2025, "", "membership_rate", 85.3),
        ("A3", 2025, "", "members", 853), ("A3", 2025, "", "workers", 1000), ("A3", 2025, "", "membership_rate", 85.2),
    ])
    warnings = [f for f in check_dataset(load_dataset(folder)) if f.level == "warning"]
    assert [f.region for f in warnings] == ["A3"]  # 85 and 85.3 round from 85.3%; 85.2 does not
