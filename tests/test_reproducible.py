"""Reproducible packs: the same data, meeting file and render date give the same HTML, whatever the clock says."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.periods import SOURCE_DATE_EPOCH, epoch_of, today

ROOT = Path(__file__).resolve().parents[1]


def test_the_day_a_pack_shows_comes_from_the_render_date_not_the_clock(monkeypatch):
    monkeypatch.setenv(SOURCE_DATE_EPOCH, epoch_of("2026-01-20"))
    assert today() == dt.date(2026, 1, 20)
    monkeypatch.delenv(SOURCE_DATE_EPOCH)
    assert today() == dt.date.today()


@pytest.mark.slow
def test_one_region_rendered_on_two_days_is_byte_identical(tmp_path):
    """Two renders of 城关区 with --render-date, the second on another "day" (the process clock moved by faking the
    time zone a day ahead): identical HTML that shows the render date, not the clock's."""
    meeting = ROOT / "params" / "sample-annual-2025.yaml"
    htmls = []
    for n, tz in enumerate(("UTC", "Etc/GMT-14")):   # 14 hours ahead: another calendar day for part of every day
        out = tmp_path / f"out{n}"
        env = {**os.environ, "BRIEFING_OUTPUTS": str(out), "TZ": tz}
        env.pop(SOURCE_DATE_EPOCH, None)
        run = subprocess.run([sys.executable, "-m", "briefing", "render", str(meeting), "--regions", "城关区",
                              "--formats", "html", "--render-date", "2026-01-20", "--workers", "1"],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stdout + run.stderr
        htmls.append((out / "sample-annual-2025" / "城关区" / "briefing.html").read_bytes())
    assert htmls[0] == htmls[1]
    assert "生成日期：2026年1月20日" in htmls[0].decode("utf-8")
