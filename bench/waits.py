"""Where people wait: the bench sections for a first run, the editor's loop, a Dask cluster and the floor's history.

On the sample meeting (data/sample, the annual plenary notebook; a few regions in the smoke
profile), every comparison interleaved in one run, wall and CPU seconds side by side:

- first: a first ``briefing render`` as after set-up (no ``__pycache__`` in the code, an empty
  cache folder, empty outputs) against a warm ``--force`` re-render just after it; and, in each, the
  first pack of every worker against the median pack (execute + export, from the manifest); and the same
  warm re-render reading the chart cache the first run filled (every other row: chart cache off);
- editor: ``briefing check`` of the theme against ``briefing render --formats html`` of the same
  regions; ``briefing preview`` once (cold) and ``briefing preview --watch`` after a save (one
  warm pack), against the median pack of the HTML render, and once more with the chart cache on;
- dask: a real ``dask scheduler`` and ``dask worker --nworkers N --nthreads 1`` started from the
  command line, ``briefing render --scheduler`` against a local ``briefing render``, per pack;
- floor: the no-kernel floor of this tree against that of an older commit (``git archive``).

CPU seconds are user + system of the command and every process it waited for (``os.wait4``); for
the Dask workers, which the command does not own, the CPU their process trees used during the run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SAMPLE_DATA = ROOT / "data" / "sample"
_DONE = re.compile(r"完成：用时 ([0-9.]+) 秒")


# ---------------------------------------------------------------- measuring

def run_cpu(cmd: list[str], *, env: dict, log: Path, cwd: Path = ROOT, timeout: float | None = 1800) -> dict:
    """Run ``cmd``; its wall seconds, CPU seconds (it and the processes it waited for), exit code, load at start."""
    log.parent.mkdir(parents=True, exist_ok=True)
    load = round(os.getloadavg()[0], 2)
    with open(log, "ab") as out:
        out.write(f"\n$ {' '.join(map(str, cmd))}\n".encode())
        out.flush()
        t0 = time.perf_counter()
        proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout if timeout else None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if deadline and time.monotonic() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
    return {"seconds": round(time.perf_counter() - t0, 3), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "exit": proc.returncode, "load_at_start": load}


def tree_cpu(pid: int) -> float:
    """CPU seconds used so far by a running process and everything below it (children it reaped included)."""
    import psutil
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.Error:
            pass
    return total


def pack_times(manifest: Path) -> list[dict]:
    """Each rendered pack of a manifest: its seconds (execute + export) and which worker, which of its packs."""
    try:
        packs = json.loads(manifest.read_text(encoding="utf-8")).get("packs", [])
    except (OSError, ValueError):
        return []
    out = []
    for p in packs:
        s = p.get("seconds") or {}
        if p.get("status") == "ok" and "execute" in s:
            w = p.get("worker") or {}
            out.append({"region": p["region"], "s": round(s.get("execute", 0) + s.get("export", 0), 3),
                        "pid": w.get("pid"), "n": w.get("pack"), "warmup_s": w.get("warmup_s"),
                        "waited_s": w.get("waited_s", 0)})
    return out


def first_vs_median(packs: list[dict]) -> dict:
    """The first pack of each worker against the median pack of the run: the worst ratio, and each worker's.

    >>> first_vs_median([{"s": 3, "pid": 1, "n": 1}, {"s": 2, "pid": 1, "n": 2}, {"s": 2, "pid": 2, "n": 1}])
    {'median_s': 2, 'firsts': [3, 2], 'worst': 1.5, 'warmups': []}
    """
    if not packs:
        return {}
    median = statistics.median(p["s"] for p in packs)
    firsts = [p["s"] for p in packs if p.get("n") == 1]
    warmups = sorted({p["warmup_s"] for p in packs if p.get("warmup_s") is not None})
    return {"median_s": median, "firsts": firsts, "worst": round(max(firsts) / median, 3) if firsts and median else None,
            "warmups": warmups}


def spread(values: list[float]) -> dict:
    values = [v for v in values if v is not None]
    if not values:
        return {}
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3),
            "max": round(max(values), 3), "runs": [round(v, 3) for v in values]}


def fresh_start(package_dir: Path, cache: Path) -> None:
    """As just after set-up: no compiled bytecode of the package, an empty cache folder (chart fonts, fontconfig)."""
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir(parents=True)
    for folder in list(package_dir.rglob("__pycache__")):
        shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------- sections

def sample_meeting(data_root: Path, regions: tuple[str, ...] | None, notebook: str, formats=("html", "pdf")) -> Path:
    from bench.run import write_meeting
    return write_meeting(data_root / "meeting-sample.yaml", SAMPLE_DATA, list(regions or []), formats, notebook)


WAYS = {"first": "首次", "warm": "再次 --force", "cached": "再次 --force，图表缓存"}


def bench_first(profile, work: Path, data_root: Path, opts, echo=print) -> dict:
    """A first render as after set-up against a warm ``--force`` re-render, interleaved; first pack vs median."""
    from bench.run import _env, settle
    meeting = sample_meeting(data_root, profile.sample_regions, opts.code.notebook)
    outputs, cache, log = work / "first-outputs", work / "first-cache", work / "logs" / "first.log"
    log.unlink(missing_ok=True)
    env = _env(opts.code, BRIEFING_OUTPUTS=outputs, XDG_CACHE_HOME=cache)
    manifest = outputs / meeting.stem / "manifest.json"
    # The chart cache, as a user has it: empty for the first run, which fills it; "cached" is the warm re-render
    # reading it. "warm" draws every chart (cache off), as before the cache, so first/warm still measures warm-up.
    charts = cache / "briefing" / "charts"
    ways = {"first": dict(env, BRIEFING_CHART_CACHE=str(charts)), "warm": env,
            "cached": dict(env, BRIEFING_CHART_CACHE=str(charts))}
    runs: dict[str, list] = {way: [] for way in ways}
    for i in range(profile.wait_rounds):
        for way, way_env in ways.items():
            settle(opts.settle, opts.quiet_load, echo)
            if way == "first":
                shutil.rmtree(outputs, ignore_errors=True)
                fresh_start(opts.code.package_dir, cache)
            cmd = [BIN / "briefing", "render", meeting] + (["--force"] if way != "first" else [])
            r = run_cpu(cmd, env=way_env, log=log)
            r["packs"] = pack_times(manifest)
            r["first_vs_median"] = first_vs_median(r["packs"])
            runs[way].append(r)
            echo(f"  第 {i + 1}/{profile.wait_rounds} 轮（{WAYS[way]}）："
                 f"{r['seconds']:.1f} 秒，CPU {r['cpu_s']:.1f} 秒，首份/中位 {r['first_vs_median'].get('worst')}")
            if r["exit"] not in (0, 3):
                return {"error": f"退出码 {r['exit']}，见 {log}", "runs": runs}
    return {"meeting": "data/sample", "regions": len(runs["first"][0]["packs"]), "runs": runs,
            "ratio_wall": spread([f["seconds"] / w["seconds"] for f, w in zip(runs["first"], runs["warm"])]),
            "ratio_cpu": spread([f["cpu_s"] / w["cpu_s"] for f, w in zip(runs["first"], runs["warm"])]),
            "cached_wall": spread([c["seconds"] / w["seconds"] for c, w in zip(runs["cached"], runs["warm"])]),
            "cached_cpu": spread([c["cpu_s"] / w["cpu_s"] for c, w in zip(runs["cached"], runs["warm"])]),
            "first_pack": {way: spread([r["first_vs_median"].get("worst") for r in rs]) for way, rs in runs.items()}}


def bench_editor(profile, work: Path, data_root: Path, opts, echo=print) -> dict:
    """``briefing check`` vs ``briefing render --formats html`` (same regions), interleaved; ``briefing preview``."""
    from bench.run import _env, settle
    regions = profile.sample_regions
    meeting = sample_meeting(data_root, regions, opts.code.notebook)
    outputs, log = work / "editor-outputs", work / "logs" / "editor.log"
    log.unlink(missing_ok=True)
    env = _env(opts.code, BRIEFING_OUTPUTS=outputs)
    check = [BIN / "briefing", "check", opts.code.notebook] + (["--regions", ",".join(regions)] if regions else [])
    render = [BIN / "briefing", "render", meeting, "--formats", "html", "--force"]
    preview_region = (regions or ("城关区",))[0]
    preview = [BIN / "briefing", "preview", meeting, preview_region, "--no-open"]
    runs: dict[str, list] = {"check": [], "render": [], "preview": []}
    for i in range(profile.wait_rounds):
        for way, cmd in (("check", check), ("render", render), ("preview", preview)):
            settle(opts.settle, opts.quiet_load, echo)
            r = run_cpu(cmd, env=env, log=log)
            if way == "render":
                r["packs"] = pack_times(outputs / meeting.stem / "manifest.json")
            runs[way].append(r)
            echo(f"  第 {i + 1}/{profile.wait_rounds} 轮（{way}）：{r['seconds']:.1f} 秒，CPU {r['cpu_s']:.1f} 秒")
            if r["exit"] not in (0, 3):
                return {"error": f"({way}) 退出码 {r['exit']}，见 {log}", "runs": runs}
    pack_median = spread([statistics.median(p["s"] for p in r["packs"]) for r in runs["render"] if r["packs"]])
    settle(opts.settle, opts.quiet_load, echo)
    watch = watch_preview(meeting, preview_region, env, Path(opts.code.notebook), work / "logs" / "watch.log",
                          saves=profile.wait_rounds, echo=echo)
    settle(opts.settle, opts.quiet_load, echo)   # the same, with the chart cache on (filled by its first render)
    charts = work / "editor-chart-cache"
    shutil.rmtree(charts, ignore_errors=True)
    watch["cached"] = watch_preview(meeting, preview_region, dict(env, BRIEFING_CHART_CACHE=str(charts)),
                                    Path(opts.code.notebook), work / "logs" / "watch-cached.log",
                                    saves=profile.wait_rounds, echo=echo)
    return {"meeting": "data/sample", "regions": len(regions) if regions else None, "runs": runs, "watch": watch,
            "ratio_check_render": spread([c["seconds"] / r["seconds"] for c, r in zip(runs["check"], runs["render"])]),
            "ratio_check_render_cpu": spread([c["cpu_s"] / r["cpu_s"] for c, r in zip(runs["check"], runs["render"])]),
            "pack_median_s": pack_median,
            "preview_s": spread([r["seconds"] for r in runs["preview"]])}


def watch_preview(meeting: Path, region: str, env: dict, notebook: Path, log: Path, saves: int = 1,
                  echo=print) -> dict:
    """``briefing preview --watch``: the seconds of each re-render after the notebook is saved (touched)."""
    notebook = notebook if notebook.is_absolute() else ROOT / notebook
    log.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([str(BIN / "briefing"), "preview", str(meeting), region, "--no-open", "--watch"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    seconds, first, lines = [], None, []
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and len(seconds) < saves:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            done = _DONE.search(line)
            if done:
                if first is None:
                    first = float(done.group(1))
                else:
                    seconds.append(float(done.group(1)))
                    echo(f"  预览（--watch，保存后）：{seconds[-1]:.1f} 秒")
                if len(seconds) < saves:
                    time.sleep(1)
                    os.utime(notebook)   # as an editor's save
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            rest, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            rest, _ = proc.communicate()
        log.write_text("".join(lines) + (rest or ""), encoding="utf-8")
    return {"first_s": first, "after_save_s": spread(seconds), "ok": len(seconds) == saves}


def bench_dask(profile, work: Path, data_root: Path, opts, echo=print) -> dict:
    """``briefing render --scheduler`` on a cluster started from the command line vs a local render, per pack."""
    from bench.run import _env, settle
    meeting = sample_meeting(data_root, profile.sample_regions, opts.code.notebook)
    outputs, log = work / "dask-outputs", work / "logs" / "dask.log"
    log.unlink(missing_ok=True)
    env = _env(opts.code, BRIEFING_OUTPUTS=outputs)
    n = profile.dask_workers
    cluster = start_cluster(work, env, n, log)
    if "error" in cluster:
        return cluster
    runs: dict[str, list] = {"local": [], "dask": [], "cold": []}
    try:
        plan = [("cold", "dask")] + [(way, way) for _ in range(profile.wait_rounds) for way in ("local", "dask")]
        for label, way in plan:
            settle(opts.settle, opts.quiet_load, echo)
            cmd = [BIN / "briefing", "render", meeting, "--force", "--workers", str(n)]
            if way == "dask":
                cmd += ["--scheduler", cluster["address"]]
            before = tree_cpu(cluster["worker_pid"])
            r = run_cpu(cmd, env=env, log=log)
            r["cluster_cpu_s"] = round(tree_cpu(cluster["worker_pid"]) - before, 2) if way == "dask" else 0.0
            r["packs"] = pack_times(outputs / meeting.stem / "manifest.json")
            r["pack_median_s"] = statistics.median(p["s"] for p in r["packs"]) if r["packs"] else None
            r["s_per_pack"] = round(r["seconds"] / max(len(r["packs"]), 1), 3)
            runs[label].append(r)
            echo(f"  {label}：{r['seconds']:.1f} 秒，{r['s_per_pack']:.2f} 秒/份，每份中位 {r['pack_median_s']:.2f} 秒，"
                 f"CPU {r['cpu_s'] + r['cluster_cpu_s']:.1f} 秒")
            if r["exit"] not in (0, 3):
                return {"error": f"({label}) 退出码 {r['exit']}，见 {log}", "runs": runs}
    finally:
        stop_cluster(cluster)
    pairs = list(zip(runs["local"], runs["dask"]))
    return {"meeting": "data/sample", "workers": n, "runs": runs,
            "ratio_pack": spread([d["pack_median_s"] / loc["pack_median_s"] for loc, d in pairs]),
            "ratio_wall": spread([d["s_per_pack"] / loc["s_per_pack"] for loc, d in pairs]),
            "ratio_cpu": spread([(d["cpu_s"] + d["cluster_cpu_s"]) / loc["cpu_s"] for loc, d in pairs])}


def start_cluster(work: Path, env: dict, workers: int, log: Path) -> dict:
    """``dask scheduler`` and ``dask worker --nworkers N --nthreads 1``, as an administrator starts them."""
    sched_file = work / "dask-scheduler.json"
    sched_file.unlink(missing_ok=True)
    space = work / "dask-space"
    space.mkdir(parents=True, exist_ok=True)
    out = open(log, "ab")
    scheduler = subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                                  "--no-dashboard", "--scheduler-file", str(sched_file)],
                                 cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    cluster = {"scheduler": scheduler, "worker": None, "log": out}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not sched_file.is_file():
        time.sleep(0.2)
    try:
        address = json.loads(sched_file.read_text())["address"]
    except (OSError, ValueError, KeyError):
        stop_cluster(cluster)
        return {"error": "dask scheduler 未能启动"}
    worker = subprocess.Popen([str(BIN / "dask"), "worker", address, "--nworkers", str(workers), "--nthreads", "1",
                               "--no-dashboard", "--local-directory", str(space)],
                              cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    cluster.update(worker=worker, worker_pid=worker.pid, address=address)
    from distributed import Client
    try:
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(workers, timeout=180)
    except Exception as exc:  # noqa: BLE001
        stop_cluster(cluster)
        return {"error": f"dask worker 未能启动：{exc}"}
    return cluster


def stop_cluster(cluster: dict) -> None:
    for key in ("worker", "scheduler"):
        proc = cluster.get(key)
        if proc is None or proc.poll() is not None:
            continue
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    cluster["log"].close()


def bench_floor_history(profile, work: Path, data_root: Path, opts, echo=print) -> dict:
    """The no-kernel floor of an older commit (``profile.floor_base``) against this tree's, interleaved, CPU per pack."""
    from bench.run import _env, settle
    base = profile.floor_base
    old = work / f"floor-base-{base}"
    if not (old / "src").is_dir():
        old.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", base], cwd=ROOT, capture_output=True)
        if archive.returncode != 0:
            return {"error": f"git archive {base} 失败：{archive.stderr.decode(errors='replace')[:300]}"}
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
    meeting = sample_meeting(data_root, profile.sample_regions, opts.code.notebook)
    log = work / "logs" / "floor-history.log"
    log.unlink(missing_ok=True)
    old_env = dict(_env(opts.code), PYTHONPATH=f"{old / 'src'}{os.pathsep}{old}")
    old_env.pop("BRIEFING_ROOT", None)
    regions = ["--regions", ",".join(profile.sample_regions)] if profile.sample_regions else []
    commands = {
        "old": ([sys.executable, "-m", "bench.floor", "params/sample-annual-2025.yaml", "--workers", "2",
                 "--out", str(work / "floor-old"), *regions], old_env, old),
        "new": ([sys.executable, "-m", "bench.floor", str(meeting), "--workers", "2",
                 "--out", str(work / "floor-new"), *regions], _env(opts.code), ROOT),
    }
    runs: dict[str, list] = {"old": [], "new": []}
    for i in range(profile.wait_rounds):
        for way, (cmd, env, cwd) in commands.items():
            settle(opts.settle, opts.quiet_load, echo)
            shutil.rmtree(work / f"floor-{way}", ignore_errors=True)
            r = run_cpu(cmd, env=env, log=log, cwd=cwd)
            r["packs"] = sum(1 for _ in (work / f"floor-{way}").rglob("briefing.pdf"))
            r["cpu_per_pack"] = round(r["cpu_s"] / max(r["packs"], 1), 3)
            runs[way].append(r)
            echo(f"  第 {i + 1}/{profile.wait_rounds} 轮（{way}）：{r['seconds']:.1f} 秒，CPU {r['cpu_per_pack']:.2f} 秒/份")
            if r["exit"] != 0:
                return {"error": f"({way}) 退出码 {r['exit']}，见 {log}", "runs": runs}
    return {"base": base, "runs": runs,
            "cpu_per_pack": {w: spread([r["cpu_per_pack"] for r in rs]) for w, rs in runs.items()},
            "ratio_cpu": spread([n["cpu_per_pack"] / o["cpu_per_pack"] for o, n in zip(runs["old"], runs["new"])]),
            "ratio_wall": spread([n["seconds"] / o["seconds"] for o, n in zip(runs["old"], runs["new"])])}
