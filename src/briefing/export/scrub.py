"""What a pack carries away from this machine: executed notebooks and messages without its paths, user or passwords."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat

from .. import config


def scrub_notebook(nb: nbformat.NotebookNode, notebook: Path, final: Path, extra_paths=()) -> None:
    """Keep the executed notebook free of this machine's paths and environment (it ships with the pack).

    Tracebacks stay (the analyst needs them) but show paths relative to the project or to ``~``; a folder
    outside both (``extra_paths``, e.g. a data folder on a Windows drive under WSL) by its own name.
    """
    meta = nb.metadata.get("papermill", {})
    meta["input_path"] = config.display_path(notebook)
    meta["output_path"] = config.display_path(final)
    meta.pop("environment_variables", None)
    _scrub_strings(nb, _private_paths(extra_paths))


def _scrub_strings(node, sub) -> object:
    if isinstance(node, str):
        return sub(node)
    if isinstance(node, dict):
        for key in node:
            node[key] = _scrub_strings(node[key], sub)
    elif isinstance(node, list):
        node[:] = [_scrub_strings(v, sub) for v in node]
    return node


_CREDENTIALS = re.compile(r"(\b[a-z][\w+.-]*://[^\s:/@]+:)[^\s@/]+@", re.I)


# a Windows or macOS user's folder a path may come from: /mnt/c/Users/<name>/, /Users/<name>/ (this machine's
# own home and user name are handled above)
_USER_FOLDER = re.compile(r"(?<=/)(Users|users)/(?!_/)([^/\s\"'\\]+)(?=/)")


def _private_paths(extra_paths=()):
    """A function hiding this machine's project folder, home folder and user name in a text, and URL passwords;
    each of ``extra_paths`` outside the project and home becomes its own folder name."""
    shown = {}
    for path in extra_paths:
        if not path or "://" in str(path):
            continue
        full = os.path.abspath(os.path.expanduser(str(config.resolve(path))))
        if not _inside(full, str(config.project_root())) and not _inside(full, os.path.expanduser("~")):
            for variant in (full, os.path.realpath(full)):
                if len(variant.rstrip("/")) > 1:
                    shown.setdefault(variant.rstrip("/"), os.path.basename(variant.rstrip("/")) or "_")
                    shown.setdefault(variant.rstrip("/").encode("unicode_escape").decode("ascii"),
                                     os.path.basename(variant.rstrip("/")) or "_")
    for path, replacement in ((os.path.expanduser("~"), "~"), (str(config.project_root()), "")):
        for variant in (path, os.path.realpath(path)):
            variant = variant.rstrip("/")
            if len(variant) > 1:
                shown.setdefault(variant, replacement)
                shown.setdefault(variant.encode("unicode_escape").decode("ascii"), replacement)  # as papermill quotes it
    users = {u for u in (os.environ.get("USER"), os.environ.get("LOGNAME"), _user_name()) if u and len(u) > 2}
    prefixes = re.compile("(" + "|".join(map(re.escape, sorted(shown, key=len, reverse=True))) + r")(/|(?![\w.-]))"
                          ) if shown else None
    user_dirs = re.compile(r"(?<=/)(" + "|".join(map(re.escape, sorted(users))) + r")(?=/)") if users else None

    def sub(text: str) -> str:
        if prefixes is not None:
            text = prefixes.sub(lambda m: (shown[m.group(1)] + "/" if shown[m.group(1)] else "") if m.group(2)
                                else (shown[m.group(1)] or "."), text)
        if user_dirs is not None:
            text = user_dirs.sub("_", text)
        text = _USER_FOLDER.sub(lambda m: f"{m.group(1)}/_", text)
        return _CREDENTIALS.sub(r"\1***@", text)
    return sub


def _inside(path: str, folder: str) -> bool:
    folder = os.path.realpath(folder)
    return os.path.realpath(path) == folder or os.path.realpath(path).startswith(folder.rstrip("/") + "/")


def _user_name() -> str:
    try:
        import getpass
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is fine
        return ""


def scrub_text(text: str, extra_paths=()) -> str:
    """``text`` without this machine's project folder, home folder, user name or URL passwords (packs travel);
    a folder of ``extra_paths`` outside project and home by its own name.

    >>> scrub_text(os.path.expanduser("~") + "/数据/2025.csv")
    '~/数据/2025.csv'
    >>> scrub_text("读取 /mnt/c/Users/张三/县区报表/2025 失败", extra_paths=["/mnt/c/Users/张三/县区报表"])
    '读取 县区报表/2025 失败'
    """
    return _private_paths(extra_paths)(str(text))

