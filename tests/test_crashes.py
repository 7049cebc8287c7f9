"""Crashes during a batch: kill -9 at random points (repeated), a driver killed alone, a worker that dies, a kernel
that dies, a notebook that hangs, a full disk and a read-only output folder.

Every case ends with a clear message, never a half-written pack over a good one, no process left
behind, and a re-run that completes the rest without redoing finished packs. (tests/test_batch.py
has the first kill -9, the in-process lock and failure isolation; these extend them.)
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import random
import resource
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from briefing.batch import render_meeting
from briefing.cli import main as cli_main
from briefing.export.failures import describe_failure
from briefing.export.files import staged_writes, write_atomic

ROOT = Path(__file__).resolve().parents[1]
MEETING = "params/sample-annual-2025.yaml"
SLUG = "sample-annual-2025"
REGIONS = ["城关区", "新华区", "湖滨区", "高新区"]
FINGERPRINT = ".inputs.sha256"


# --------------------------------------------------------------------------- helpers

def complete(path: Path) -> bool:
    """A pack file that a reader can open whole."""
    data = path.read_bytes()
    if path.suffix == ".html":
        return data.rstrip().endswith(b"</html>")
    if path.suffix == ".pdf":
        return data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    if path.suffix == ".ipynb":
        return len(nbformat.reads(data.decode("utf-8"), as_version=4).cells) > 0
    return True


def assert_no_half_pack(meeting_dir: Path) -> set[str]:
    """Every pack file present is complete; a folder marked up to date has all of its files. Returns those folders."""
    done = set()
    if not meeting_dir.is_dir():
        return done
    for folder in (p for p in meeting_dir.iterdir() if p.is_dir()):
        for name in ("briefing.html", "briefing.pdf", "briefing.ipynb"):
            if (folder / name).exists():
                assert complete(folder / name), f"{folder.name}/{name} is half-written"
        if (folder / FINGERPRINT).exists():
            assert all((folder / n).is_file() for n in ("briefing.html", "briefing.pdf", "briefing.ipynb")), folder.name
            done.add(folder.name)
    return done


def children_by_parent() -> dict[int, list[int]]:
    table: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            text = stat.read_text()
            table.setdefault(int(text[text.rindex(")") + 2:].split()[1]), []).append(int(stat.parent.name))
    return table


def descendants(pid: int) -> set[int]:
    table, found, todo = children_by_parent(), set(), [pid]
    while todo:
        for child in table.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return text[text.rindex(")") + 2] != "Z"  # a zombie has already ended


def wait_until_gone(pids: set[int], limit: float = 60) -> set[int]:
    """The processes still running after ``limit`` seconds (killed then, so a failing test leaves nothing behind)."""
    end = time.monotonic() + limit
    while time.monotonic() < end and any(alive(p) for p in pids):
        time.sleep(0.5)
    left = {p for p in pids if alive(p)}
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return left


def start_render(outputs: Path, *args: str, preexec=None) -> subprocess.Popen:
    env = {**os.environ, "BRIEFING_OUTPUTS": str(outputs)}
    return subprocess.Popen([sys.executable, "-m", "briefing.cli", "render", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=preexec)


def run_render(outputs: Path, *args: str, preexec=None) -> subprocess.CompletedProcess:
    proc = start_render(outputs, *args, preexec=preexec)
    try:
        out, err = proc.communicate(timeout=900)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # a hung batch must not outlive its test
        proc.communicate()
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


# --------------------------------------------------------------------------- staged writes (no kernel)

def failing_fsync(fail_on: int):
    calls = {"n": 0}
    real = os.fsync

    def fsync(fd):
        calls["n"] += 1
        if calls["n"] == fail_on:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd)
    return fsync


def test_a_full_disk_while_staging_leaves_every_old_file_and_no_temporary(tmp_path, monkeypatch):
    folder = tmp_path / "城关区"
    write_atomic(folder / "briefing.html", "旧网页")
    write_atomic(folder / "briefing.pdf", b"%PDF old %%EOF")
    monkeypatch.setattr(os, "fsync", failing_fsync(2))  # the second file of the pack hits a full disk
    with pytest.raises(OSError) as caught:
        with staged_writes() as stage:
            stage(folder / "briefing.html", "新网页")
            stage(folder / "briefing.pdf", b"%PDF new %%EOF")
    assert caught.value.errno == errno.ENOSPC and caught.value.filename.endswith("briefing.pdf")
    assert (folder / "briefing.html").read_text(encoding="utf-8") == "旧网页"  # not half new, half old
    assert (folder / "briefing.pdf").read_bytes() == b"%PDF old %%EOF"
    assert sorted(p.name for p in folder.iterdir()) == ["briefing.html", "briefing.pdf"]
    assert describe_failure(caught.value).startswith("无法写入 briefing.pdf：磁盘空间已满。")


def test_failure_messages_are_chinese_and_actionable():
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    assert "执行超时" in describe_failure(CellTimeoutError("A cell timed out"), 30) and "--timeout" in \
        describe_failure(CellTimeoutError("x"), 30)
    assert "内核意外退出" in describe_failure(DeadKernelError("Kernel died"))
    for code, words in ((errno.EROFS, "只读"), (errno.EACCES, "没有写入权限"), (errno.EDQUOT, "配额"),
                        (errno.EFBIG, "文件超过")):
        assert words in describe_failure(OSError(code, "x", "outputs/m/a/briefing.pdf"))


# --------------------------------------------------------------------------- read-only output folder

FS_IOC_GETFLAGS, FS_IOC_SETFLAGS, FS_IMMUTABLE_FL = 0x80086601, 0x40086602, 0x10


def _immutable(path: Path, on: bool) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0))
    try:
        flags = struct.unpack("l", fcntl.ioctl(fd, FS_IOC_GETFLAGS, struct.pack("l", 0)))[0]
        flags = flags | FS_IMMUTABLE_FL if on else flags & ~FS_IMMUTABLE_FL
        fcntl.ioctl(fd, FS_IOC_SETFLAGS, struct.pack("l", flags))
    finally:
        os.close(fd)


@contextlib.contextmanager
def read_only(tree: Path):
    """Make a folder tree read-only for this process: permissions for a user, the immutable flag for root."""
    paths = [tree, *tree.rglob("*")]
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in paths}
        for p in paths:
            p.chmod(modes[p] & ~0o222)
        try:
            yield
        finally:
            for p in reversed(paths):
                p.chmod(modes[p])
        return
    done = []
    try:
        for p in reversed(paths):
            _immutable(p, True)
            done.append(p)
    except OSError as exc:
        for p in done:
            _immutable(p, False)
        pytest.skip(f"this file system cannot make a folder read-only for root ({exc})")
    try:
        yield
    finally:
        for p in done:
            _immutable(p, False)


def test_a_read_only_output_folder_ends_in_a_clear_message_and_touches_nothing(tmp_path, monkeypatch, capsys):
    outputs = tmp_path / "outputs"
    meeting_dir = outputs / SLUG
    (meeting_dir / "城关区").mkdir(parents=True)
    (meeting_dir / "城关区" / "briefing.html").write_text("<html>上次的简报</html>", encoding="utf-8")
    (meeting_dir / ".render.lock").touch()
    monkeypatch.setenv("BRIEFING_OUTPUTS", str(outputs))
    with read_only(outputs):
        code = cli_main(["render", MEETING, "--regions", "城关区", "--workers", "1"])
    err = capsys.readouterr().err
    assert code == 2 and "无法写入" in err and ("没有写入权限" in err or "只读" in err) and "Traceback" not in err
    assert (meeting_dir / "城关区" / "briefing.html").read_text(encoding="utf-8") == "<html>上次的简报</html>"
    assert sorted(p.name for p in meeting_dir.rglob("*")) == [".render.lock", "briefing.html", "城关区"]


# --------------------------------------------------------------------------- kill -9, repeated

@pytest.mark.slow
def test_kill_minus_9_at_random_points_repeatedly_then_a_rerun_completes(tmp_path, monkeypatch):
    outputs = tmp_path / "outputs"
    monkeypatch.setenv("BRIEFING_OUTPUTS", str(outputs))  # for the final, in-process re-run
    meeting_dir = outputs / SLUG
    args = (MEETING, "--regions", ",".join(REGIONS), "--workers", "2")
    rng = random.Random(20260120)  # the same kill points on every run of the test
    for round_ in range(4):
        proc = start_render(outputs, *args)
        if round_ == 0:
            # While it runs, a second render of the same meeting is refused and changes nothing.
            while not (meeting_dir / ".render.lock").exists():  # a fresh folder: the lock appears when it is held
                assert proc.poll() is None, proc.communicate()
                time.sleep(0.2)
            second = run_render(outputs, *args)
            assert second.returncode == 2 and "正在由另一个 briefing render 生成" in second.stderr
        time.sleep(rng.uniform(0.5, 20))
        family = descendants(proc.pid)  # workers and their kernels
        if round_ % 2 == 0:
            os.killpg(proc.pid, signal.SIGKILL)  # the whole batch, as a terminal or a scheduler would
        else:
            os.kill(proc.pid, signal.SIGKILL)  # the driver alone: its workers and kernels must not live on
        proc.communicate(timeout=120)  # the workers share its output: they must end too
        assert wait_until_gone(family) == set(), "processes of the killed batch left running"
        assert_no_half_pack(meeting_dir)

    done_before = assert_no_half_pack(meeting_dir)
    lines: list[str] = []
    batch = render_meeting(MEETING, regions=REGIONS, workers=2, echo=lines.append)
    status = {p.region: p.status for p in batch.packs if p.region in REGIONS}
    assert set(status.values()) <= {"ok", "skipped"}, lines
    assert {r for r, s in status.items() if s == "skipped"} == done_before  # finished packs are not redone
    assert assert_no_half_pack(meeting_dir) == set(REGIONS)
    assert not list(meeting_dir.glob("**/.*.tmp")) and not list(meeting_dir.glob("**/.*.partial.ipynb"))


@pytest.mark.slow
def test_a_worker_that_dies_fails_its_regions_clearly_and_a_rerun_completes(tmp_path, monkeypatch):
    outputs = tmp_path / "outputs"
    monkeypatch.setenv("BRIEFING_OUTPUTS", str(outputs))  # for the in-process re-run
    meeting_dir = outputs / SLUG
    proc = start_render(outputs, MEETING, "--regions", ",".join(REGIONS), "--workers", "2")
    while not list(meeting_dir.glob(f"*/{FINGERPRINT}")):  # one pack done, others under way
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    family = descendants(proc.pid)
    workers = [pid for pid in family if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]
    assert workers
    victim = workers[0]
    kernels = descendants(victim)
    os.kill(victim, signal.SIGKILL)
    out, err = proc.communicate(timeout=900)
    assert proc.returncode == 1, err
    assert "工作进程异常退出" in out and "重新运行将只生成未完成的地区" in out and "Traceback" not in err
    assert wait_until_gone(kernels) == set(), "the dead worker's kernel was left running"
    done_before = assert_no_half_pack(meeting_dir)
    assert 1 <= len(done_before) < len(REGIONS)

    batch = render_meeting(MEETING, regions=REGIONS, workers=2, echo=lambda s: None)
    status = {p.region: p.status for p in batch.packs if p.region in REGIONS}
    assert {r for r, s in status.items() if s == "skipped"} == done_before
    assert set(status.values()) <= {"ok", "skipped"} and assert_no_half_pack(meeting_dir) == set(REGIONS)


# --------------------------------------------------------------------------- hanging and dying notebooks

def crash_theme(tmp_path: Path) -> Path:
    """A theme that hangs for 新华区 (a busy loop), kills its own kernel for 湖滨区 and works for the others."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('region: str = "示例市"  # 地区\nyear: int = 2025  # 年度\nmeeting: str = ""  # 会议\n'
                                       'meeting_date: str = ""  # 日期\nas_of: str = ""  # 截止\ndata_dir: str = "data/sample"  # 数据')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params,
                nbformat.v4.new_code_cell("import os, signal\nfrom IPython.display import HTML\n"
                                          'if region == "新华区":\n    while True:\n        pass\n'
                                          'if region == "湖滨区":\n    os.kill(os.getpid(), signal.SIGKILL)'),
                nbformat.v4.new_markdown_cell("## 一、概览"),
                nbformat.v4.new_code_cell('HTML(f"<p>{region} 正常</p>")')]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "crash.ipynb")
    meeting = tmp_path / "crash.yaml"
    meeting.write_text(f"meeting: 测试会议\nnotebook: {tmp_path / 'crash.ipynb'}\nyear: 2025\n"
                       "regions: [城关区, 新华区, 湖滨区, 高新区]\nformats: [html]\n", encoding="utf-8")
    return meeting


@pytest.mark.slow
def test_a_hanging_notebook_and_a_dying_kernel_fail_their_region_only(tmp_path):
    outputs = tmp_path / "outputs"
    run = run_render(outputs, str(crash_theme(tmp_path)), "--workers", "2", "--timeout", "20")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "失败：新华区" in run.stdout and "执行超时" in run.stdout and " 20 秒内" in run.stdout
    assert "失败：湖滨区" in run.stdout and "内核意外退出" in run.stdout
    folder = outputs / "crash"
    for region in ("城关区", "高新区"):
        assert f"{region} 正常" in (folder / region / "briefing.html").read_text(encoding="utf-8")
    partial = folder / "新华区" / "briefing.failed.ipynb"
    assert partial.is_file() and "失败：新华区，第 3 个单元格：执行超时" in run.stdout  # after the injected parameters
    assert not (folder / "新华区" / "briefing.html").exists() and not (folder / "湖滨区" / "briefing.html").exists()


# --------------------------------------------------------------------------- a full disk during a batch

def file_size_limit(limit: int):
    """Run the render as on a nearly full disk: any file written past ``limit`` bytes fails (EFBIG)."""
    def apply():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.slow
def test_a_full_disk_leaves_the_last_good_pack_whole_and_a_rerun_completes(tmp_path):
    outputs = tmp_path / "outputs"
    folder = outputs / SLUG / "城关区"
    first = run_render(outputs, MEETING, "--regions", "城关区", "--workers", "1")
    assert first.returncode == 0, first.stderr
    good = {n: (folder / n).read_bytes() for n in ("briefing.ipynb", "briefing.html", "briefing.pdf")}
    limit = 500_000   # the pack's notebook and HTML (~0.3 MB each, wide and narrow charts) fit; its PDF (~0.7 MB) does not
    assert len(good["briefing.pdf"]) > limit > max(len(good["briefing.html"]), len(good["briefing.ipynb"]))

    full = run_render(outputs, MEETING, "--regions", "城关区", "--workers", "1", "--force",
                      preexec=file_size_limit(limit))  # the notebook and HTML fit; the PDF does not
    assert full.returncode == 1 and "Traceback" not in full.stderr
    assert "失败：城关区" in full.stdout and "无法写入 briefing.pdf" in full.stdout and "文件超过" in full.stdout
    assert {n: (folder / n).read_bytes() for n in good} == good  # not one file replaced: no new-and-old mix
    assert not list(folder.glob(".*.tmp")) and not (folder / FINGERPRINT).exists()

    again = run_render(outputs, MEETING, "--regions", "城关区", "--workers", "1")
    assert again.returncode == 0 and "生成 1 份" in again.stdout  # redone (it was not marked up to date)
    assert assert_no_half_pack(outputs / SLUG) == {"城关区"}
