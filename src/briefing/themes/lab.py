"""``briefing lab``: JupyterLab on the project with its own kernel, working with no network."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .. import config

SETTINGS = Path(__file__).resolve().parent / "lab_settings"   # overrides.json: Chinese interface, no news, no updates


def lab_command(port: int | None = None, open_browser: bool = True) -> tuple[list[str], dict]:
    """The command and environment that open JupyterLab on the project with the project's own kernel.

    The kernel is the python3 kernel of the environment briefing runs in (the .venv),
    found before any kernel of the same name in the user's folders; Lab does not look
    for news, updates or extensions online, so it works with no network, and it speaks Chinese
    (the zh_CN language pack, made the default in ``lab_settings/overrides.json``, which also
    answers "never" to the news question Lab would otherwise ask on an intranet machine).
    """
    root = config.project_root()
    share = Path(sys.prefix) / "share" / "jupyter"
    argv = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=None", "--LabApp.extension_manager=readonly",
            f"--LabApp.app_settings_dir={SETTINGS}",
            "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--allow-root")  # containers and shared servers often run as root; Lab refuses otherwise
    if port:
        argv.append(f"--ServerApp.port={port}")
    if not open_browser:
        argv.append("--no-browser")
    env = dict(os.environ)
    env["JUPYTER_PREFER_ENV_PATH"] = "1"
    env["JUPYTER_PATH"] = os.pathsep.join([str(share), *filter(None, [os.environ.get("JUPYTER_PATH")])])
    env["BRIEFING_ROOT"] = str(root)
    return argv, env
