"""The benchmark suite: one command measures every speed and memory goal and writes bench/results.md.

    python -m bench.run               # the full suite (the 3,000-region render takes long)
    python -m bench.run --quick       # smaller N, for routine runs
    python -m bench.run --only render,data

Sections, all on synthetic data from bench/synth.py (generated into bench/data/, reused
while the generator is unchanged) and the annual plenary notebook:

- render: the same meeting rendered three ways, interleaved, each repeated — (a) the naive
  loop (bench/naive_loop.sh: papermill CLI, nbconvert CLI, WeasyPrint CLI per region, one
  after another), (b) ``briefing render <meeting> --force``, (c) the no-kernel floor
  (bench/floor.py) with as many worker processes as (b);
- scale: ``briefing render`` over 500 and 3,000 regions with the RSS of every worker and
  its kernels sampled from /proc;
- data: load + validate and all-region metrics on the 3,000-region set, in fresh processes;
- incremental: re-render with nothing changed, per 100 regions;
- book: bind the packs (b) rendered into the meeting book (汇编), in fresh processes;
- first, editor, dask, floor (bench/waits.py, on the sample meeting): a first render after set-up vs a
  warm re-render and each worker's first pack vs the median pack; ``briefing check`` vs ``render
  --formats html`` and ``briefing preview``; ``--scheduler`` on a cluster started from the command
  line vs local, per pack; the no-kernel floor of this tree vs that of commit 5c7b44b.

Raw numbers go to bench/results/results.json (merged across ``--only`` runs of the same
profile); the report is rewritten from them. Packs go to bench/results/, never to outputs/.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import synth, waits
from bench.report import render_report
from briefing.export.files import safe_name

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NOTEBOOK = "notebooks/annual_plenary.ipynb"
YEAR, MEETING_DATE = 2025, "2026-01-20"
MEETING_NAME = "合成数据全国工会年度工作会议"
SECTIONS = ("render", "scale", "data", "incremental", "book", "first", "editor", "dask", "floor")


@dataclasses.dataclass(frozen=True)
class Profile:
    """How big each section runs."""

    name: str
    render_n: int                          # regions in the render benchmark's data set
    render_regions: int                    # regions rendered by (a), (b) and (c)
    repeats: int                           # runs of each of (a), (b), (c)
    scale: tuple[tuple[int, tuple[str, ...]], ...]   # (regions, formats) per scale run
    scale_limit: int | None                # render only this many regions of each scale set
    data_n: int
    data_repeats: int
    incremental_repeats: int
    sample_regions: tuple[str, ...] | None = None   # first, editor, dask, floor: these regions of data/sample (None: all 17)
    wait_rounds: int = 3                   # interleaved rounds of first, editor, dask, floor
    dask_workers: int = 2                  # dask worker --nworkers (and local --workers) in the dask section
    floor_base: str | None = "5c7b44b"     # floor: the commit whose floor this tree's is compared with (None: skipped)


QUICK_REGIONS = ("示例市", "城关区", "新华区", "湖滨区", "市教育工会", "市卫生工会")
PROFILES = {
    # render: a province-level meeting of 24 regions (one 省, two 市 with their 县(市)区 and 产业工会)
    "full": Profile("full", 24, 24, 3, ((500, ("html", "pdf")), (3000, ("html",))), None, 3000, 3, 3),
    "quick": Profile("quick", 12, 6, 3, ((60, ("html", "pdf")), (200, ("html",))), None, 300, 3, 3,
                     QUICK_REGIONS, 2, 2, None),
    "smoke": Profile("smoke", 12, 1, 1, ((12, ("html",)),), 1, 12, 1, 1, ("城关区",), 1, 1, None),
}


# ---------------------------------------------------------------- helpers

@dataclasses.dataclass(frozen=True)
class Code:
    """Which briefing the measured commands run: the live tree, or a snapshot taken at the start."""

    package_dir: Path                      # src/briefing (or its snapshot)
    notebook: str                          # the theme notebook, as meeting files name it
    pythonpath: str = ""                   # puts the snapshot ahead of the editable install
    snapshot: bool = False


def take_snapshot(work: Path) -> Code:
    """Copy src/briefing and notebooks/ under ``work``: a long run then measures one version of the code,
    even while someone edits the tree (packs would otherwise be legitimately out of date mid-run)."""
    root = work / "snapshot"
    shutil.rmtree(root, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    shutil.copytree(ROOT / "src" / "briefing", root / "src" / "briefing", ignore=ignore)
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=ignore)
    return Code(package_dir=root / "src" / "briefing", notebook=_rel(root / NOTEBOOK),
                pythonpath=str((root / "src").resolve()), snapshot=True)


LIVE = Code(package_dir=ROOT / "src" / "briefing", notebook=NOTEBOOK)


def _env(code: Code, **extra) -> dict:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("BRIEFING_ROOT", None)
    # Every row measures the packs' own work, as before the chart cache: the cache's rows turn it on themselves.
    env["BRIEFING_CHART_CACHE"] = "off"
    if code.pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (code.pythonpath, env.get("PYTHONPATH", "")) if p)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _rel(path: Path) -> str:
    """A path as meeting files and messages show it: relative to the repository when inside it."""
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path.resolve())


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def settle(max_wait: float, threshold: float, echo=print) -> float:
    """Wait (at most ``max_wait`` s) until the 1-minute load average is below ``threshold``; return it."""
    deadline = time.monotonic() + max_wait
    load = _load()
    if load >= threshold and max_wait > 0:
        echo(f"  等待机器空闲（1 分钟负载 {load} ≥ {threshold}，最多 {max_wait:.0f} 秒）…")
    while load >= threshold and time.monotonic() < deadline:
        time.sleep(5)
        load = _load()
    return load


def timed(cmd: list[str], *, env: dict, log: Path, timeout: float | None = None,
          sampler_factory=None) -> dict:
    """Run ``cmd`` from the repository root; its wall time, exit code and (optionally) memory samples."""
    log.parent.mkdir(parents=True, exist_ok=True)
    load = _load()
    with open(log, "ab") as out:
        out.write(f"\n$ {' '.join(cmd)}\n".encode())
        out.flush()
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        sampler = sampler_factory(proc.pid).start() if sampler_factory else None
        timed_out = False
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                code = proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                code = proc.wait()
        seconds = time.perf_counter() - t0
        if sampler:
            sampler.stop()
    result = {"seconds": round(seconds, 3), "exit": code, "timed_out": timed_out, "load_at_start": load}
    if sampler:
        result["memory"] = sampler.summary()
    return result


def _tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _stamp(n: int, seed: int) -> str:
    h = hashlib.sha256()
    h.update((ROOT / "bench" / "synth.py").read_bytes())
    h.update(synth.SAMPLE_CATALOG.read_bytes())
    h.update(f"{n}:{seed}".encode())
    return h.hexdigest()[:16]


def ensure_data(data_root: Path, n: int, seed: int = synth.SEED, echo=print) -> Path:
    """The synthetic data folder for ``n`` regions, generated unless an identical one is there."""
    folder = data_root / f"n{n}"
    stamp = folder / ".synth-stamp"
    want = _stamp(n, seed)
    if stamp.is_file() and stamp.read_text().strip() == want:
        return folder
    echo(f"  生成合成数据：{n} 个地区 → {_rel(folder)}")
    info = synth.write_dataset(folder, n, seed)
    stamp.write_text(want)
    echo(f"    {info['regions']} 个地区，{info['figures']} 条数字，{info['targets']} 条目标")
    return folder


def write_meeting(path: Path, data_dir: Path, regions: list[str], formats: tuple[str, ...],
                  notebook: str = NOTEBOOK) -> Path:
    """A meeting file for the benchmark (data_dir relative to the repository root when inside it)."""
    listed = "[]" if not regions else "\n" + "".join(f"  - {r}\n" for r in regions).rstrip("\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "# 基准测试用会议文件，由 bench/run.py 生成，勿手工修改。\n"
        f"meeting: {MEETING_NAME}\nnotebook: {notebook}\nyear: {YEAR}\nmeeting_date: {MEETING_DATE}\n"
        f'as_of: ""\ndata_dir: {_rel(data_dir)}\nregions: {listed}\nformats: [{", ".join(formats)}]\n',
        encoding="utf-8")
    return path


def region_names(folder: Path, count: int | None = None) -> list[str]:
    """Region names in rendering order (as ``briefing render`` orders them), the first ``count``."""
    from briefing.data.folder import load_regions
    table = load_regions(folder)
    names = list(table.sort_values(["depth", "order"])["name"])
    return names[:count] if count else names


def _spread(values: list[float]) -> dict:
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3),
            "max": round(max(values), 3), "runs": [round(v, 3) for v in values]}


def _count(folder: Path, name: str) -> int:
    return sum(1 for _ in folder.rglob(name)) if folder.exists() else 0


_CLOCK = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")


def same_pack(a: Path, b: Path) -> bool:
    """Whether two pack HTML files are the same, apart from clock times (a render time in the data note).

    >>> same_pack(Path("x/briefing.html"), Path("y/briefing.html"))   # doctest: +SKIP
    True
    """
    if not (a.is_file() and b.is_file()):
        return False
    return _CLOCK.sub("", a.read_text(encoding="utf-8")) == _CLOCK.sub("", b.read_text(encoding="utf-8"))


def _manifest_seconds(path: Path) -> dict:
    """Median per-pack seconds by step from a meeting's manifest.json (whatever steps it records)."""
    try:
        packs = json.loads(path.read_text(encoding="utf-8")).get("packs", [])
    except (OSError, ValueError):
        return {}
    steps: dict[str, list[float]] = {}
    for p in packs:
        for k, v in (p.get("seconds") or {}).items():
            if isinstance(v, (int, float)):
                steps.setdefault(k, []).append(v)
    return {k: round(statistics.median(v), 3) for k, v in steps.items()}


# ---------------------------------------------------------------- sections

def bench_render(profile: Profile, work: Path, data_root: Path, opts, echo=print) -> dict:
    """(a) naive loop, (b) briefing render, (c) no-kernel floor: interleaved, ``profile.repeats`` times each."""
    folder = ensure_data(data_root, profile.render_n, echo=echo)
    names = region_names(folder, profile.render_regions)
    all_regions = len(names) == len(region_names(folder))
    meeting = write_meeting(data_root / f"meeting-render-n{profile.render_n}.yaml", folder,
                            [] if all_regions else names, ("html", "pdf"), opts.code.notebook)
    regions_file = work / "render-regions.txt"
    regions_file.parent.mkdir(parents=True, exist_ok=True)
    regions_file.write_text("\n".join(names) + "\n", encoding="utf-8")
    workers = os.cpu_count() or 1
    outputs = work / "outputs"
    naive_out, floor_out = work / "naive", work / "floor"
    log = work / "logs" / "render.log"
    log.unlink(missing_ok=True)
    runs = {"a": [], "b": [], "c": []}
    commands = {
        "a": ["bash", "bench/naive_loop.sh", _rel(regions_file), _rel(naive_out), str(YEAR), _rel(folder),
              MEETING_NAME, MEETING_DATE, opts.code.notebook],
        "b": [str(BIN / "briefing"), "render", _rel(meeting), "--force"],
        "c": [sys.executable, "-m", "bench.floor", _rel(meeting), "--out", _rel(floor_out), "--workers", str(workers)],
    }
    for i in range(profile.repeats):
        for way in ("a", "b", "c"):
            settle(opts.settle, opts.quiet_load, echo)
            shutil.rmtree({"a": naive_out, "b": outputs / meeting.stem, "c": floor_out}[way], ignore_errors=True)
            r = timed(commands[way], env=_env(opts.code, BRIEFING_OUTPUTS=outputs), log=log)
            done = {"a": _count(naive_out, "*.pdf"), "b": _count(outputs / meeting.stem, "briefing.pdf"),
                    "c": _count(floor_out, "briefing.pdf")}[way]
            r.update(packs=done, s_per_pack=round(r["seconds"] / len(names), 3))
            runs[way].append(r)
            echo(f"  第 {i + 1}/{profile.repeats} 轮 ({way})：{r['seconds']:.1f} 秒，{done}/{len(names)} 份，"
                 f"{r['s_per_pack']:.2f} 秒/份（负载 {r['load_at_start']}）")
            if r["exit"] != 0 or done != len(names):
                return {"error": f"({way}) 退出码 {r['exit']}，生成 {done}/{len(names)} 份。日志末尾：\n{_tail(log)}",
                        "runs": runs, "regions": len(names)}
    ok = all(r["exit"] == 0 and r["packs"] == len(names) for way in runs for r in runs[way])
    per = {way: [r["s_per_pack"] for r in runs[way]] for way in runs}
    ratio_ab = [a / b for a, b in zip(per["a"], per["b"])]
    ratio_bc = [b / c for b, c in zip(per["b"], per["c"])]
    same = sum(same_pack(outputs / meeting.stem / safe_name(n) / "briefing.html",
                         floor_out / safe_name(n) / "briefing.html") for n in names)
    return {
        "data": _rel(folder), "regions": len(names), "region_names": names, "workers": workers,
        "formats": ["html", "pdf"], "ok": ok, "runs": runs,
        "s_per_pack": {way: _spread(v) for way, v in per.items()},
        "ratio_a_b": _spread(ratio_ab), "ratio_b_c": _spread(ratio_bc),
        "b_steps": _manifest_seconds(outputs / meeting.stem / "manifest.json"),
        "floor_html_identical": same,
    }


def bench_scale(profile: Profile, work: Path, data_root: Path, opts, echo=print) -> dict:
    """``briefing render`` over each scale set, with RSS per worker; then the incremental re-runs."""
    from bench.monitor import TreeSampler
    out: dict = {"runs": []}
    for n, formats in profile.scale:
        folder = ensure_data(data_root, n, echo=echo)
        names = region_names(folder, profile.scale_limit)
        meeting = write_meeting(data_root / f"meeting-scale-n{n}.yaml", folder,
                                names if profile.scale_limit else [], formats, opts.code.notebook)
        outputs = work / "outputs"
        shutil.rmtree(outputs / meeting.stem, ignore_errors=True)
        settle(opts.settle, opts.quiet_load, echo)
        echo(f"  {len(names)} 个地区（{'、'.join(formats)}），最长 {opts.scale_minutes:.0f} 分钟…")
        log = work / "logs" / f"scale-n{n}.log"
        log.unlink(missing_ok=True)
        started_with = code_hash(meeting, opts.code.package_dir)
        r = timed([str(BIN / "briefing"), "render", _rel(meeting)], env=_env(opts.code, BRIEFING_OUTPUTS=outputs),
                  log=log, timeout=opts.scale_minutes * 60, sampler_factory=lambda pid: TreeSampler(pid, opts.sample_interval))
        packs = _count(outputs / meeting.stem, "briefing.html")
        r.update(n=n, regions=len(names), formats=list(formats), packs=packs,
                 s_per_pack=round(r["seconds"] / max(packs, 1), 3),
                 steps=_manifest_seconds(outputs / meeting.stem / "manifest.json"),
                 complete=(r["exit"] == 0 and packs == len(names)))
        if not r["complete"]:
            r["log_tail"] = _tail(log)
        mem = r["memory"]
        echo(f"    {r['seconds']:.0f} 秒，{packs}/{len(names)} 份，{r['s_per_pack']:.2f} 秒/份；"
             f"单个工作进程（含内核）峰值 {mem['worker_peak_mib']} MiB，首末增长 {mem['worker_growth']}")
        out["runs"].append(r)
        r["code_changed_during"] = code_hash(meeting, opts.code.package_dir) != started_with
        r["code_hash"] = started_with
        if "incremental" in opts.sections and r["complete"]:
            r["incremental"] = bench_incremental(profile, meeting, outputs, len(names), work, opts, echo,
                                                 rendered_with=started_with)
    return out


def code_hash(meeting: Path, package_dir: Path) -> str:
    """A hash of what a pack's fingerprint covers besides the data: the package's files and the notebook.

    In a tree where others are editing src/briefing, a pack rendered a minute ago may be
    legitimately out of date; the incremental benchmark uses this to tell the two apart.
    """
    from briefing import config
    from briefing.params import load_meeting
    h = hashlib.sha256()
    for path in sorted(package_dir.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.as_posix().encode())
            h.update(path.read_bytes())
    h.update(config.resolve(load_meeting(meeting).notebook).read_bytes())
    return h.hexdigest()[:16]


def bench_incremental(profile: Profile, meeting: Path, outputs: Path, regions: int, work: Path, opts,
                      echo=print, rendered_with: str = "") -> dict:
    """Re-render a meeting whose packs are all up to date: seconds per 100 regions.

    When src/briefing or the notebook changed since the packs were rendered (other work in a
    shared tree), one untimed render brings them up to date first, and the run says so.
    """
    log = work / "logs" / f"incremental-{meeting.stem}.log"
    log.unlink(missing_ok=True)
    runs, current = [], rendered_with
    command, env = [str(BIN / "briefing"), "render", _rel(meeting)], _env(opts.code, BRIEFING_OUTPUTS=outputs)
    for _ in range(profile.incremental_repeats):
        refreshed = False
        if current and code_hash(meeting, opts.code.package_dir) != current:
            echo("    src/briefing 或笔记本在生成之后有改动：先不计时重新生成一遍…")
            timed(command, env=env, log=log)
            refreshed = True
        settle(opts.settle, opts.quiet_load, echo)
        current = code_hash(meeting, opts.code.package_dir)
        before = {p: p.stat().st_mtime_ns for p in (outputs / meeting.stem).rglob("briefing.html")}
        r = timed(command, env=env, log=log)
        after = {p: p.stat().st_mtime_ns for p in (outputs / meeting.stem).rglob("briefing.html")}
        r["rewritten"] = sum(before.get(p) != t for p, t in after.items())
        r["refreshed_first"] = refreshed
        r["code_changed_during"] = code_hash(meeting, opts.code.package_dir) != current
        r["per_100"] = round(r["seconds"] / regions * 100, 3)
        runs.append(r)
        echo(f"    无变化重跑：{r['seconds']:.1f} 秒（每 100 个地区 {r['per_100']:.2f} 秒），重写 {r['rewritten']} 份")
    return {"regions": regions, "runs": runs, "per_100": _spread([r["per_100"] for r in runs]),
            "ok": all(r["exit"] == 0 and r["rewritten"] == 0 for r in runs)}


def _probe(args: list[str], opts, echo, log: Path | None = None) -> dict:
    """One probe (``python -m bench.<probe> …``) in a fresh process once the machine is quiet: the JSON of its last
    line with the load at its start, or {"error": …}; its output appended to ``log``."""
    settle(opts.settle, opts.quiet_load, echo)
    load = _load()
    proc = subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=_env(opts.code), capture_output=True, text=True)
    if log is not None:
        with open(log, "a", encoding="utf-8") as f:
            f.write(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        return {"error": f"退出码 {proc.returncode}：{proc.stderr[-2000:]}"}
    return {**json.loads(proc.stdout.strip().splitlines()[-1]), "load_at_start": load}


def bench_data(profile: Profile, work: Path, data_root: Path, opts, echo=print) -> dict:
    """load + validate and compute_metrics on the data benchmark set, each repeat in a fresh process."""
    folder = ensure_data(data_root, profile.data_n, echo=echo)
    log = work / "logs" / "data.log"
    log.unlink(missing_ok=True)
    runs = []
    for i in range(profile.data_repeats):
        r = _probe(["bench.data_probe", _rel(folder), "--year", str(YEAR)], opts, echo, log)
        if "error" in r:
            return {**r, "runs": runs}
        runs.append(r)
        echo(f"  第 {i + 1}/{profile.data_repeats} 次：读取 {r['load_s']:.1f} 秒 + 校验 {r['check_s']:.1f} 秒，"
             f"峰值 {r['peak_load_check_mib']:.0f} MiB；全部指标 {r['compute_s']:.1f} 秒")
    first = runs[0]
    return {"data": _rel(folder), "figures": first["figures"], "targets": first["targets"],
            "regions": first["regions"], "indicators": first["indicators"], "errors": first["errors"],
            "warnings": first["warnings"], "runs": runs,
            "load_check_s": _spread([r["load_check_s"] for r in runs]),
            "load_s": _spread([r["load_s"] for r in runs]), "check_s": _spread([r["check_s"] for r in runs]),
            "peak_mib": _spread([r["peak_load_check_mib"] for r in runs]),
            "compute_s": _spread([r["compute_s"] for r in runs])}


def bench_book(profile: Profile, work: Path, data_root: Path, opts, echo=print) -> dict:
    """The meeting book from the packs the render section's (b) left: seconds, pages, packs (fresh process each)."""
    meeting = data_root / f"meeting-render-n{profile.render_n}.yaml"
    outputs = work / "outputs"
    if not meeting.is_file() or not list((outputs / meeting.stem).glob("*/briefing.pdf")):
        return {"error": "没有可以合订的简报 PDF：先运行 render 部分（--only render,book）。"}
    runs = []
    for i in range(profile.repeats):
        r = _probe(["bench.book_probe", _rel(meeting), "--out", _rel(outputs)], opts, echo)
        if "error" in r:
            return {**r, "runs": runs}
        runs.append(r)
        echo(f"  第 {i + 1}/{profile.repeats} 次：汇编 {r['packs']} 份简报、{r['pages']} 页，{r['seconds']:.2f} 秒")
    return {"runs": runs, "seconds": _spread([r["seconds"] for r in runs]), "pages": runs[0]["pages"],
            "packs": runs[0]["packs"]}


WAITS = {"first": waits.bench_first, "editor": waits.bench_editor, "dask": waits.bench_dask,
         "floor": waits.bench_floor_history}


# ---------------------------------------------------------------- machine

def machine() -> dict:
    """Cores, memory, CPU, OS and versions of everything that takes part."""
    from importlib.metadata import PackageNotFoundError, version
    import psutil
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    osname = platform.platform()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                osname = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    versions = {"python": platform.python_version()}
    for pkg in ("briefing", "pandas", "numpy", "pyarrow", "altair", "vl-convert-python", "papermill", "nbclient",
                "nbconvert", "nbformat", "jupyter_client", "ipykernel", "ipython", "weasyprint", "psutil"):
        try:
            versions[pkg] = version(pkg)
        except PackageNotFoundError:
            pass

    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    return {"cores": os.cpu_count(), "usable_cores": len(os.sched_getaffinity(0)),
            "memory_gib": round(psutil.virtual_memory().total / 2**30, 1), "cpu": cpu, "os": osname,
            "kernel": platform.release(), "versions": versions, "commit": git("rev-parse", "--short", "HEAD"),
            "uncommitted": bool(git("status", "--porcelain", "--", "src", "notebooks"))}


# ---------------------------------------------------------------- main

def run_suite(profile: Profile, sections: list[str], work: Path, data_root: Path, results_md: Path,
              opts, echo=print) -> dict:
    """Run the chosen sections, merge them into results.json, rewrite the report; return the results."""
    work.mkdir(parents=True, exist_ok=True)
    raw = work / "results.json"
    results = {}
    if raw.is_file():
        try:
            results = json.loads(raw.read_text(encoding="utf-8"))
        except ValueError:
            results = {}
        if results.get("profile") != profile.name:
            results = {}
    opts.code = take_snapshot(work) if opts.snapshot else LIVE
    results.update(profile=profile.name, machine=dict(machine(), snapshot=opts.code.snapshot),
                   settings={"settle_s": opts.settle, "quiet_load": opts.quiet_load,
                             "scale_minutes": opts.scale_minutes, "profile": dataclasses.asdict(profile)})
    started = time.strftime("%Y-%m-%d %H:%M")
    for section in sections:
        if section == "incremental" and "scale" in sections:
            continue   # measured right after each scale run, on its packs
        echo(f"== {section}")
        t0 = time.perf_counter()
        if section == "render":
            results["render"] = bench_render(profile, work, data_root, opts, echo)
        elif section == "scale":
            results["scale"] = bench_scale(profile, work, data_root, opts, echo)
        elif section == "data":
            results["data"] = bench_data(profile, work, data_root, opts, echo)
        elif section == "book":
            results["book"] = bench_book(profile, work, data_root, opts, echo)
        elif section in WAITS:
            if section == "floor" and not profile.floor_base:
                continue
            results[section] = WAITS[section](profile, work, data_root, opts, echo)
        elif section == "incremental":   # alone: on the packs a previous scale run left
            results.setdefault("scale", {"runs": []})
            for r in results["scale"]["runs"]:
                meeting = data_root / f"meeting-scale-n{r['n']}.yaml"
                if r.get("complete") and meeting.is_file():
                    r["incremental"] = bench_incremental(profile, meeting, work / "outputs", r["regions"], work,
                                                         opts, echo, rendered_with=r.get("code_hash", ""))
        results.setdefault("timing", {})[section] = {"started": started, "seconds": round(time.perf_counter() - t0, 1)}
        raw.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
        results_md.write_text(render_report(results), encoding="utf-8")
    echo(f"结果：{_rel(results_md)}（原始数据 {_rel(raw)}）")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description="基准测试：生成 bench/results.md。")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="小规模（日常运行）：渲染 6 个地区，规模 60/200 个地区，数据 300 个地区")
    size.add_argument("--smoke", action="store_true", help="最小规模（测试用）：1 个地区，各跑 1 次")
    parser.add_argument("--only", default="", help=f"只运行这些部分，逗号分隔：{','.join(SECTIONS)}")
    parser.add_argument("--work", default="bench/results", help="简报、日志和原始数据的目录（默认 bench/results）")
    parser.add_argument("--data", default="bench/data", help="合成数据和会议文件的目录（默认 bench/data）")
    parser.add_argument("--results", default="bench/results.md", help="报告文件（默认 bench/results.md）")
    parser.add_argument("--settle", type=float, default=60, help="每次计时前最多等待机器空闲的秒数（默认 60；0 不等待）")
    parser.add_argument("--quiet-load", type=float, default=0.5, help="视为空闲的 1 分钟负载（默认 0.5）")
    parser.add_argument("--scale-minutes", type=float, default=180, help="每次规模测试的最长分钟数，超时则停止并报告已完成部分")
    parser.add_argument("--sample-interval", type=float, default=0.25, help="内存采样间隔（秒）")
    parser.add_argument("--live", dest="snapshot", action="store_false",
                        help="测量工作区中正在编辑的代码（默认先复制 src/briefing 和 notebooks/ 的快照，整轮测量同一版本）")
    parser.add_argument("--repeats", type=int, default=None, help="渲染和数据测试的重复次数（默认：完整运行 3 次）")
    args = parser.parse_args(argv)
    profile = PROFILES["quick" if args.quick else "smoke" if args.smoke else "full"]
    sections = [s.strip() for s in args.only.split(",") if s.strip()] or list(SECTIONS)
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        parser.error(f"未知的部分 {'、'.join(unknown)}；可选 {','.join(SECTIONS)}")
    args.sections = sections
    if args.repeats is not None:
        if args.repeats < 1:
            parser.error("--repeats 至少为 1")
        profile = dataclasses.replace(profile, repeats=args.repeats, data_repeats=args.repeats,
                                      incremental_repeats=args.repeats, wait_rounds=args.repeats)

    def path(p):
        return Path(p) if Path(p).is_absolute() else ROOT / p

    run_suite(profile, sections, path(args.work), path(args.data), path(args.results), args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
