"""Packs travel: HTML, PDF, the executed notebook and the meeting's index and manifest carry no absolute path
of the analyst's machine, no user or host name and no environment variable.

Tracebacks stay in a failed region's notebook (the analyst needs them) but show paths relative
to the project or to ``~``. The slow test renders under a home folder, a user name and a secret
environment variable made for the test, with the data and the theme under that home folder.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from briefing.export.scrub import scrub_notebook as _scrub, scrub_text
from briefing.export.failures import describe_failure

ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- scrubbing, without a kernel

def test_project_and_home_paths_become_relative(monkeypatch, tmp_path):
    home = tmp_path / "home" / "zhangsan"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USER", "zhangsan")
    monkeypatch.setenv("LOGNAME", "zhangsan")
    assert scrub_text(f'File {ROOT}/src/briefing/pack.py:144, in open_pack') == "File src/briefing/pack.py:144, in open_pack"
    assert scrub_text(f"cwd = {ROOT}") == "cwd = ."
    assert scrub_text(f"'{home}/数据/2025/figures.csv'") == "'~/数据/2025/figures.csv'"
    assert scrub_text(f"{home}x/file") == f"{home}x/file"  # another folder that merely starts the same
    assert scrub_text("/srv/share/zhangsan/data.csv") == "/srv/share/_/data.csv"  # the user name as a folder
    assert scrub_text("postgresql://union:s3cret@db.example.invalid/stats") == "postgresql://union:***@db.example.invalid/stats"
    assert scrub_text("城关区新建基层工会 120 家") == "城关区新建基层工会 120 家"


def test_a_home_with_chinese_characters_is_hidden_in_papermills_escaped_form_too(monkeypatch, tmp_path):
    home = tmp_path / "张三"
    monkeypatch.setenv("HOME", str(home))
    escaped = str(home).encode("unicode_escape").decode("ascii")
    assert scrub_text(f'data_dir = "{escaped}/数据"'.replace("数据", "\\u6570\\u636e")) == 'data_dir = "~/\\u6570\\u636e"'


def test_a_root_home_folder_does_not_erase_text(monkeypatch):
    monkeypatch.setenv("HOME", "/")
    assert scrub_text("/usr/share/fonts 与 /tmp") == "/usr/share/fonts 与 /tmp"


def test_failed_notebook_is_scrubbed_everywhere(monkeypatch, tmp_path):
    home = tmp_path / "home" / "lisi"
    monkeypatch.setenv("HOME", str(home))
    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {"input_path": str(home / "theme.ipynb"), "output_path": str(tmp_path / "x.ipynb"),
                                "environment_variables": {"SECRET": "v"}, "parameters": {"data_dir": str(home / "d")}}
    cell = nbformat.v4.new_code_cell(f'data_dir = "{home}/d"')
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text=f"{ROOT}/src/briefing/compute.py:12: FutureWarning\n"),
        nbformat.v4.new_output("error", ename="FileNotFoundError", evalue=f"[Errno 2] '{home}/d/figures.csv'",
                               traceback=[f"\x1b[32m{ROOT}/src/briefing/load.py:57\x1b[39m", f"File {home}/.local/x.py"]),
    ]
    nb.cells = [cell]
    _scrub(nb, home / "theme.ipynb", tmp_path / "out" / "briefing.failed.ipynb")
    text = nbformat.writes(nb)
    assert str(home) not in text and str(ROOT) not in text and str(tmp_path) not in text and "SECRET" not in text
    assert "src/briefing/load.py:57" in text and "~/d/figures.csv" in text and "~/.local/x.py" in text


def test_failure_messages_name_files_without_machine_paths(monkeypatch, tmp_path):
    import errno
    monkeypatch.setenv("HOME", str(tmp_path))
    full = OSError(errno.ENOSPC, "No space left on device", str(ROOT / "outputs" / "m" / "城关区" / "briefing.pdf"))
    assert describe_failure(full).startswith("无法写入 outputs/m/城关区/briefing.pdf：磁盘空间已满。")
    other = describe_failure(RuntimeError(f"cannot open {tmp_path}/secret.csv"))
    assert str(tmp_path) not in other and "~/secret.csv" in other


# --------------------------------------------------------------------------- a real render, grepped

def private_needles(home: Path, user: str, canary: str, tmp: Path) -> dict[str, re.Pattern]:
    """What must not appear in anything shipped: as literal text or, for names, as a whole word."""
    literal = {
        "repository path": str(ROOT), "repository path (resolved)": os.path.realpath(ROOT),
        "test home": str(home), "test home (escaped)": str(home).encode("unicode_escape").decode("ascii"),
        "secret environment value": canary, "temporary folder": str(tmp),
        "python prefix": sys.prefix,
    }
    real_home = os.path.expanduser("~")
    if len(real_home) > 1:
        literal["real home"] = real_home
    needles = {k: re.compile(re.escape(v)) for k, v in literal.items()}
    # Made-up names are grepped as words; this machine's real ones (often plain words such as "root",
    # which Vega also uses as a class name) as a folder in a path, or as a word when long enough to be unusual.
    needles["test user name"] = re.compile(rf"(?<![\w-]){re.escape(user)}(?![\w-])")
    needles["real user name"] = re.compile(rf"/{re.escape(getpass.getuser())}(?![\w.-])")
    host = socket.gethostname()
    if len(host) >= 6:
        needles["host name"] = re.compile(rf"(?<![\w.-]){re.escape(host)}(?![\w-])")
    return needles


def shipped_texts(meeting_dir: Path) -> dict[str, str]:
    texts = {}
    for path in sorted(meeting_dir.rglob("*")):
        if not path.is_file():
            continue
        name = str(path.relative_to(meeting_dir))
        if path.suffix == ".pdf":
            texts[name + " (text)"] = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                                     check=True).stdout
            texts[name + " (bytes)"] = path.read_bytes().decode("latin-1")
        else:
            texts[name] = path.read_text(encoding="utf-8", errors="replace")
    return texts


def privacy_theme(home: Path) -> Path:
    """The annual theme plus what an editor really adds while debugging, and a library call that fails for 新华区."""
    nb = nbformat.read(ROOT / "notebooks" / "annual_plenary.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import os\nprint('工作目录', os.getcwd(), '数据', data_dir)"))
    nb.cells.append(nbformat.v4.new_code_cell(
        'if region == "新华区":\n    briefing.load_dataset(data_dir + "/缺少的文件夹")'))
    path = home / "主题" / "privacy.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    return path


@pytest.mark.slow
def test_packs_carry_no_paths_user_host_or_environment(tmp_path):
    user = "zhangsan" + secrets.token_hex(3)
    home = tmp_path / "home" / user
    data = home / "数据" / "sample"
    shutil.copytree(ROOT / "data" / "sample", data)
    theme = privacy_theme(home)
    meeting = home / "会议" / "privacy.yaml"
    meeting.parent.mkdir()
    meeting.write_text(f"meeting: 隐私检查会议\nnotebook: {theme}\nyear: 2025\nmeeting_date: 2026-01-20\n"
                       f"data_dir: {data}\nregions: [城关区, 新华区]\nformats: [html, pdf]\n", encoding="utf-8")
    canary = "canary-" + secrets.token_hex(12)
    outputs = tmp_path / "outputs"
    env = {**os.environ, "HOME": str(home), "USER": user, "LOGNAME": user, "BRIEFING_PRIVACY_CANARY": canary,
           "BRIEFING_OUTPUTS": str(outputs)}
    env.pop("BRIEFING_ROOT", None)
    run = subprocess.run([sys.executable, "-m", "briefing.cli", "render", str(meeting), "--workers", "2"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 1, run.stderr  # 新华区 fails on purpose
    meeting_dir = outputs / "privacy"
    assert (meeting_dir / "城关区" / "briefing.pdf").is_file()
    failed = meeting_dir / "新华区" / "briefing.failed.ipynb"
    assert failed.is_file() and "DataError" in failed.read_text(encoding="utf-8")

    texts = shipped_texts(meeting_dir)
    assert {"index.html", "manifest.json", "城关区/briefing.ipynb", "新华区/briefing.failed.ipynb"} <= set(texts)
    leaks = [(name, label) for name, text in texts.items()
             for label, needle in private_needles(home, user, canary, tmp_path).items() if needle.search(text)]
    assert leaks == []
    for name, text in texts.items():  # no environment variable of the run, by name=value or by value
        for key, value in env.items():
            if len(value) >= 12 and not value.isdigit():
                assert value not in text, (name, key)
    # what the analyst needs is still there, relative
    nb = texts["新华区/briefing.failed.ipynb"]
    assert "src/briefing/data/" in nb and "~/数据/sample" in json.loads(texts["manifest.json"])["data_dir"]
    assert "工作目录 ." in texts["城关区/briefing.ipynb"]


def test_a_data_folder_outside_project_and_home_is_shown_by_its_own_name():
    """A data folder on a Windows drive under WSL (/mnt/c/Users/<name>/…) must not carry the Windows user name
    into a notebook or manifest: it is shown by its own folder name; any other /Users/<name>/ loses the name."""
    folder = "/mnt/c/Users/张三/县区数据"
    assert scrub_text(f"FileNotFoundError: {folder}/figures.csv", [folder]) == "FileNotFoundError: 县区数据/figures.csv"
    escaped = folder.encode("unicode_escape").decode("ascii")   # as papermill quotes it in the parameters cell
    assert scrub_text(f'data_dir = "{escaped}"', [folder]) == 'data_dir = "县区数据"'
    assert "张三" not in scrub_text("/mnt/d/Users/张三/other/x.xlsx") and "李四" not in scrub_text("/Users/李四/a/b")
