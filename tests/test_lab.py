"""JupyterLab for Chinese editors, offline: `briefing lab` opens in Chinese, asks nothing, fetches nothing."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from briefing.themes.lab import SETTINGS, lab_command

ROOT = Path(__file__).resolve().parents[1]


def test_lab_starts_with_the_projects_settings_chinese_and_no_news():
    argv, env = lab_command(port=8999, open_browser=False)
    assert f"--LabApp.app_settings_dir={SETTINGS}" in argv and "--LabApp.news_url=None" in argv
    overrides = json.loads((SETTINGS / "overrides.json").read_text(encoding="utf-8"))
    assert overrides["@jupyterlab/translation-extension:plugin"]["locale"] == "zh_CN"
    assert overrides["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false", "checkForUpdates": False}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_lab_opens_a_theme_in_chinese_with_the_network_refused(tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("Debian's chromium is not installed (scripts/setup.sh --test installs it)")
    port, token = free_port(), "briefing-test-token"
    argv, env = lab_command(port=port, open_browser=False)
    argv += [f"--IdentityProvider.token={token}", "--ServerApp.ip=127.0.0.1"]
    env = {**env, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "user-settings"), "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "ws")}
    checkpoints = ROOT / "notebooks" / ".ipynb_checkpoints"
    had_checkpoints = checkpoints.exists()
    argv += [f"--FileCheckpoints.checkpoint_dir={tmp_path / 'checkpoints'}"]   # Lab writes nothing into the project
    lab = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api?token={token}", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        outside = []
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(chromium), args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--disable-sync"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})

            def route(r):
                if r.request.url.startswith(f"http://127.0.0.1:{port}/"):
                    return r.continue_()
                outside.append(r.request.url)
                return r.abort()
            page.route("**/*", route)
            page.goto(f"http://127.0.0.1:{port}/lab/tree/notebooks/annual_plenary.ipynb?token={token}")
            page.wait_for_selector("#jp-MainMenu", timeout=120_000)
            page.wait_for_timeout(3000)   # time for a notification toast, if one were to come
            menus = page.locator("#jp-MainMenu .lm-MenuBar-itemLabel").all_inner_texts()
            (ROOT / "test-artifacts").mkdir(exist_ok=True)
            page.screenshot(path=str(ROOT / "test-artifacts" / "lab-zh.png"))
            toasts = page.locator(".Toastify__toast").all_inner_texts()
            browser.close()
        assert "文件" in menus and "编辑" in menus, menus
        assert not any("news" in t.lower() or "新闻" in t or "通知" in t for t in toasts), toasts
        assert outside == [], outside
    finally:
        lab.terminate()   # Lab stops its kernels first: give it time, then insist
        try:
            lab.wait(timeout=60)
        except subprocess.TimeoutExpired:
            lab.kill()
            lab.wait(timeout=30)
        if not had_checkpoints:
            shutil.rmtree(checkpoints, ignore_errors=True)
