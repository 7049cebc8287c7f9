"""bench/results.md from the raw results of a suite run: machine, versions, each figure, its goal, and whether it holds."""

from __future__ import annotations

import statistics

GOAL_AB = 10.0          # (a)/(b): briefing render at least 10× faster than the naive loop
GOAL_BC = 1.25          # (b)/(c): at most 25% slower than the no-kernel floor
GOAL_LOAD_CHECK_S = 5.0
GOAL_PEAK_MIB = 2048.0
GOAL_COMPUTE_S = 3.0
GOAL_INCREMENTAL_S = 2.0
GOAL_FLAT = 0.10        # a worker's peak RSS in the last tenth of a run ≤ 1.10 × that in the second tenth
GOAL_FIRST_RUN = 1.3    # a first render after set-up ≤ 1.3 × a warm --force re-render
GOAL_FIRST_PACK = 1.5   # a worker's first pack ≤ 1.5 × the median pack
GOAL_CHECK = 1.2        # briefing check ≤ 1.2 × briefing render --formats html of the same regions
GOAL_PREVIEW = 1.2      # briefing preview --watch after a save ≈ one warm pack (≤ 1.2 × the median pack)
GOAL_DASK = 1.2         # a pack on a Dask cluster ≤ 1.2 × a pack of a local render


def _regions(n: int) -> str:
    return f"{n:,} region" + ("" if n == 1 else "s")


def _holds(ok: bool | None) -> str:
    return "not measured" if ok is None else ("**yes**" if ok else "**no**")


def _s(spread: dict, unit: str = "s", digits: int = 2) -> str:
    if not spread:
        return "—"
    runs = spread.get("runs", [])
    if len(runs) > 1:
        return f"{spread['median']:.{digits}f} {unit} ({spread['min']:.{digits}f}–{spread['max']:.{digits}f})"
    return f"{spread['median']:.{digits}f} {unit}"


def _x(spread: dict) -> str:
    if not spread:
        return "—"
    runs = spread.get("runs", [])
    extra = f" ({spread['min']:.2f}–{spread['max']:.2f})" if len(runs) > 1 else ""
    return f"{spread['median']:.2f}×{extra}"


def summary_rows(results: dict) -> list[tuple[str, str, str, str]]:
    """(figure, measured, goal, holds) for every goal, in the order of the issues."""
    rows = []
    render = results.get("render")
    if render and "s_per_pack" in render:
        n, w = render["regions"], render["workers"]
        sp = render["s_per_pack"]
        rows += [
            (f"(a) naive loop: papermill → nbconvert → weasyprint CLIs per region ({_regions(n)}, HTML+PDF)",
             _s(sp["a"], "s/pack"), "—", ""),
            (f"(b) `briefing render --force` ({w} workers)", _s(sp["b"], "s/pack"), "—", ""),
            (f"(c) no-kernel floor ({w} worker processes)", _s(sp["c"], "s/pack"), "—", ""),
            ("(a)/(b), per interleaved run", _x(render["ratio_a_b"]), f"≥ {GOAL_AB:g}",
             _holds(render["ratio_a_b"]["median"] >= GOAL_AB)),
            ("(b)/(c), per interleaved run", _x(render["ratio_b_c"]), f"≤ {GOAL_BC:g}",
             _holds(render["ratio_b_c"]["median"] <= GOAL_BC)),
        ]
        ceiling = _ratio_a_c(render)
        if ceiling:
            rows.append(("(a)/(c), per interleaved run: the most any way of running the notebooks could gain "
                         "over (a) with this pack on this machine", _x(ceiling), "—", ""))
    elif render:
        rows.append(("render benchmark", "failed: " + render.get("error", "").splitlines()[0], "—", "**no**"))
    for r in (results.get("scale") or {}).get("runs", []):
        label = f"scale: `briefing render`, {r['regions']} regions ({'+'.join(f.upper() for f in r['formats'])})"
        done = "" if r["complete"] else f"; stopped after {r['packs']}/{r['regions']} packs" + (
            " (time limit)" if r.get("timed_out") else f" (exit {r['exit']})")
        rows.append((label + ": total time", f"{r['seconds']:.0f} s = {r['s_per_pack']:.2f} s/pack{done}", "—",
                     "" if r["complete"] else "**incomplete**"))
        mem = r.get("memory") or {}
        if mem.get("workers"):
            rows.append((f"scale {r['regions']}: peak RSS per worker, worker + its kernels (max over workers)",
                         f"{mem['worker_peak_mib']:.0f} MiB (command itself {mem['command_peak_mib']:.0f} MiB)", "—", ""))
            first = max(w["first_mib"] for w in mem["workers"])
            last = max(w["last_mib"] for w in mem["workers"])
            growth = mem["worker_growth"]
            rows.append((f"scale {r['regions']}: memory flat — a worker's peak RSS early (2nd tenth) vs last tenth of the run, worst worker",
                         f"{first:.0f} → {last:.0f} MiB (worst growth {growth:+.1%})",
                         f"flat (≤ +{GOAL_FLAT:.0%})", _holds(growth <= GOAL_FLAT)))
        inc = r.get("incremental")
        if inc:
            rows.append((f"incremental: re-render {inc['regions']} regions with nothing changed, per 100 regions",
                         _s(inc["per_100"]) + ("" if inc["ok"] else " (some packs were rewritten!)"),
                         f"≤ {GOAL_INCREMENTAL_S:g} s", _holds(inc["ok"] and inc["per_100"]["median"] <= GOAL_INCREMENTAL_S)))
    data = results.get("data")
    if data and "load_check_s" in data:
        size = f"{data['regions']:,} regions, {data['figures']:,} figures, {data['targets']:,} targets"
        rows += [
            (f"data: load_dataset + check_dataset ({size})", _s(data["load_check_s"]),
             f"≤ {GOAL_LOAD_CHECK_S:g} s", _holds(data["load_check_s"]["median"] <= GOAL_LOAD_CHECK_S)),
            ("data: peak memory of load + validate (process peak RSS)", _s(data["peak_mib"], "MiB", 0),
             f"≤ {GOAL_PEAK_MIB / 1024:g} GiB", _holds(data["peak_mib"]["max"] <= GOAL_PEAK_MIB)),
            (f"data: compute_metrics for all {data['regions']:,} regions", _s(data["compute_s"]),
             f"≤ {GOAL_COMPUTE_S:g} s", _holds(data["compute_s"]["median"] <= GOAL_COMPUTE_S)),
        ]
    elif data:
        rows.append(("data benchmark", "failed: " + data.get("error", "").splitlines()[0], "—", "**no**"))
    rows += wait_rows(results)
    book = results.get("book")
    if book and "seconds" in book:
        rows.append((f"book: bind {book['packs']} packs into the meeting book with pypdf ({book['pages']} pages: cover, "
                     "contents, page numbers, bookmarks)", _s(book["seconds"]), "—", ""))
    elif book:
        rows.append(("book benchmark", "failed: " + book.get("error", "").splitlines()[0], "—", "**no**"))
    return rows


def _ratio_a_c(render: dict) -> dict | None:
    """(a)/(c) per interleaved run: (c) has no kernel at all, so no runner of the same pack can beat it."""
    runs = render.get("runs") or {}
    pairs = [(a["s_per_pack"], c["s_per_pack"]) for a, c in zip(runs.get("a", []), runs.get("c", []))
             if c.get("s_per_pack")]
    if not pairs:
        return None
    values = [a / c for a, c in pairs]
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": values}


def render_report(results: dict) -> str:
    """The whole report as Markdown."""
    m = results.get("machine", {})
    profile = results.get("profile", "")
    out = ["# Benchmark results", "",
           "Written by `make bench` (`python -m bench.run`); do not edit by hand. "
           "Method and how to run it: README, section Benchmarks; code in `bench/`.", ""]
    if profile != "full":
        out += [f"> **{profile} run**: smaller sizes than the goals are stated for; the \"holds\" column is "
                "indicative only. Run `make bench` for the real figures.", ""]
    out += ["## Machine", "",
            f"- {m.get('usable_cores')} usable cores ({m.get('cores')} online), {m.get('memory_gib')} GiB memory; "
            f"{m.get('cpu') or 'CPU model unknown'}",
            f"- {m.get('os')}, Linux {m.get('kernel')}",
            f"- commit {m.get('commit')}" + (" with uncommitted changes in src/ or notebooks/" if m.get("uncommitted") else "")
            + ("; every command ran a snapshot of src/briefing and notebooks/ copied at the start of the run"
               if m.get("snapshot") else ""),
            "- versions: " + ", ".join(f"{k} {v}" for k, v in (m.get("versions") or {}).items()), ""]
    loads = _loads(results)
    if loads:
        out += [f"1-minute load average at the start of the timed runs: {min(loads):.2f}–{max(loads):.2f} "
                f"(the suite waits up to {results.get('settings', {}).get('settle_s', 0):.0f} s for it to fall below "
                f"{results.get('settings', {}).get('quiet_load', 0):g} before each run; other work on the machine "
                "slows every figure).", ""]
    out += ["## Figures and goals", "", "Medians over the runs, range in parentheses.", "",
            "| Figure | Measured | Goal | Holds |", "|---|---|---|---|"]
    out += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in summary_rows(results)]
    out += [""]
    out += _render_details(results.get("render"))
    out += _scale_details(results.get("scale"))
    out += _data_details(results.get("data"))
    out += wait_details(results)
    return "\n".join(out).rstrip() + "\n"


def _loads(results: dict) -> list[float]:
    loads = []
    render = results.get("render") or {}
    for runs in (render.get("runs") or {}).values():
        loads += [r["load_at_start"] for r in runs]
    loads += [r["load_at_start"] for r in (results.get("book") or {}).get("runs", [])]
    for r in (results.get("scale") or {}).get("runs", []):
        loads.append(r["load_at_start"])
        loads += [i["load_at_start"] for i in (r.get("incremental") or {}).get("runs", [])]
    loads += [r["load_at_start"] for r in (results.get("data") or {}).get("runs", [])]
    for section in ("first", "editor", "dask", "floor"):
        for runs in ((results.get(section) or {}).get("runs") or {}).values():
            loads += [r["load_at_start"] for r in runs]
    return loads


def _render_details(render: dict | None) -> list[str]:
    if not render or "runs" not in render:
        return []
    out = ["## Render: three ways to the same packs", ""]
    if "error" in render:
        return out + ["Failed:", "", "```", render["error"], "```", ""]
    names = "、".join(render["region_names"])
    out += [f"Data `{render['data']}`, notebook `notebooks/annual_plenary.ipynb`, year 2025, HTML and PDF, "
            f"{_regions(render['regions'])} ({names}). The three ways run interleaved (a, b, c, a, b, c, …) so that "
            "a change in machine load hits all three alike; each run starts from an empty output folder "
            "(`--force` for (b)).", "",
            "- (a) `bench/naive_loop.sh`: for each region, one after another, `papermill` CLI, "
            "`jupyter nbconvert --to html --no-input`, `weasyprint` CLI.",
            f"- (b) `briefing render <meeting> --force` with its default workers ({render['workers']}); "
            "the time includes its start (load and validate the data once), the index page and the manifest.",
            f"- (c) `python -m bench.floor`: the notebook's code cells run in-process in {render['workers']} worker "
            "processes, a fresh namespace per region, outputs captured as a kernel sends them, then "
            "`briefing.export.html.export_html` and `html_to_pdf`; a worker keeps what a Python process keeps between "
            "regions (imports, the data cache of `open_pack`).",
            f"- (c) wrote the same HTML as (b), apart from clock times, for "
            f"{render['floor_html_identical']}/{render['regions']} regions.", ""]
    if render.get("b_steps"):
        out += ["(b) per-pack seconds by step (medians, from its manifest): "
                + ", ".join(f"{k} {v:.2f}" for k, v in render["b_steps"].items()), ""]
    out += ["| Run | (a) s | (b) s | (c) s | (a)/(b) | (b)/(c) | load at start (a/b/c) |", "|---|---|---|---|---|---|---|"]
    runs = render["runs"]
    for i, (a, b, c) in enumerate(zip(runs["a"], runs["b"], runs["c"]), start=1):
        out.append(f"| {i} | {a['seconds']:.1f} | {b['seconds']:.1f} | {c['seconds']:.1f} | "
                   f"{a['seconds'] / b['seconds']:.2f} | {b['seconds'] / c['seconds']:.2f} | "
                   f"{a['load_at_start']:.2f} / {b['load_at_start']:.2f} / {c['load_at_start']:.2f} |")
    return out + [""]


def _scale_details(scale: dict | None) -> list[str]:
    if not scale or not scale.get("runs"):
        return []
    out = ["## Scale and memory", "",
           "`briefing render <meeting>` from empty outputs. RSS of the command, of each worker process and of "
           "everything below it (its kernels) sampled from /proc every "
           f"{scale['runs'][0].get('memory', {}).get('interval', 0.25)} s; RSS counts shared pages once per "
           "process, so a worker-plus-kernel sum is an upper bound. *First* and *last* are a worker's peak in "
           "the second tenth of its lifetime (the first tenth is start-up) and in the last tenth.", ""]
    for r in scale["runs"]:
        fmt = "+".join(f.upper() for f in r["formats"])
        note = ""
        if "pdf" not in r["formats"]:
            note = (" HTML only: PDF printing at this size would make the run too long to repeat routinely; "
                    "the PDF cost per pack is measured by the render benchmark and the PDF scale run.")
        out += [f"### {r['regions']} regions ({fmt})", "",
                f"{r['seconds']:.0f} s in all, {r['packs']}/{r['regions']} packs, {r['s_per_pack']:.2f} s/pack, "
                f"exit {r['exit']}{' (stopped at the time limit)' if r.get('timed_out') else ''}.{note}", ""]
        if r.get("code_changed_during"):
            out += ["src/briefing or the notebook changed while this run was going (other work in the tree).", ""]
        if r.get("steps"):
            out += ["Per-pack seconds by step (medians, from the manifest): "
                    + ", ".join(f"{k} {v:.2f}" for k, v in r["steps"].items()), ""]
        mem = r.get("memory") or {}
        if mem.get("workers"):
            out += [f"Command peak {mem['command_peak_mib']:.0f} MiB; whole tree peak {mem['tree_peak_mib']:.0f} MiB.", "",
                    "| Worker pid | Lifetime s | Peak worker + kernels MiB | Worker alone | Kernels | First | Last | Growth |",
                    "|---|---|---|---|---|---|---|---|"]
            for w in mem["workers"]:
                growth = f"{w['growth']:+.1%}" if w["growth"] is not None else "—"
                out.append(f"| {w['pid']} | {w['seconds']:.0f} | {w['peak_mib']:.0f} | {w['peak_worker_mib']:.0f} | "
                           f"{w['peak_kernels_mib']:.0f} | {w['first_mib']:.0f} | {w['last_mib']:.0f} | {growth} |")
            out.append("")
        if r.get("log_tail"):
            out += ["Log tail:", "", "```", r["log_tail"], "```", ""]
        inc = r.get("incremental")
        if inc:
            runs = ", ".join(f"{x['seconds']:.1f} s" for x in inc["runs"])
            rewritten = sum(x["rewritten"] for x in inc["runs"])
            out += [f"Incremental: `briefing render <meeting>` again with nothing changed: {runs} for "
                    f"{inc['regions']} regions ({_s(inc['per_100'])} per 100 regions); packs rewritten: {rewritten}.", ""]
            if any(x.get("refreshed_first") for x in inc["runs"]):
                out += ["src/briefing or the notebook changed after the packs were rendered (other work in the tree), "
                        "so an untimed render brought them up to date before the timed re-run.", ""]
            if any(x.get("code_changed_during") for x in inc["runs"]):
                out += ["src/briefing or the notebook changed *during* a timed re-run: its packs were legitimately "
                        "out of date, and that run's time is not an incremental figure.", ""]
    return out


def _data_details(data: dict | None) -> list[str]:
    if not data or "runs" not in data:
        return []
    out = ["## Data: load, validate, compute", ""]
    if "error" in data:
        return out + ["Failed:", "", "```", data["error"], "```", ""]
    out += [f"`python -m bench.data_probe {data['data']}` in a fresh process per run: `load_dataset`, "
            "`check_dataset`, then `compute_metrics(ds, 2025)` (one frame for all regions). Peak memory is the "
            f"process's peak RSS (interpreter and imports included). The set has {data['regions']:,} regions, "
            f"{data['indicators']} indicators, {data['figures']:,} figures and {data['targets']:,} targets; "
            f"the checks report {data['errors']} errors and {data['warnings']} warnings (expected: 0 errors and "
            "the few planted warnings).", "",
            "| Run | load s | check s | load+check s | peak MiB | compute_metrics s | load at start |",
            "|---|---|---|---|---|---|---|"]
    for i, r in enumerate(data["runs"], start=1):
        out.append(f"| {i} | {r['load_s']:.2f} | {r['check_s']:.2f} | {r['load_check_s']:.2f} | "
                   f"{r['peak_load_check_mib']:.0f} | {r['compute_s']:.2f} | {r['load_at_start']:.2f} |")
    return out + [""]


# ---------------------------------------------------------------- where people wait (bench/waits.py)

def _failed(name: str, section: dict) -> list[tuple[str, str, str, str]]:
    return [(f"{name} benchmark", "failed: " + section.get("error", "").splitlines()[0], "—", "**no**")]


def wait_rows(results: dict) -> list[tuple[str, str, str, str]]:
    """Rows of the sections first, editor, dask and floor (each interleaved, sample meeting)."""
    rows = []
    first = results.get("first")
    if first and "ratio_wall" in first:
        n = first["regions"]
        rows += [
            (f"first `briefing render` after set-up vs a warm `--force` re-render (sample meeting, {_regions(n)}, "
             "HTML+PDF), wall", _x(first["ratio_wall"]) + f"; CPU {_x(first['ratio_cpu'])}",
             f"≤ {GOAL_FIRST_RUN:g}", _holds(first["ratio_wall"]["median"] <= GOAL_FIRST_RUN)),
            ("first pack of a worker vs the median pack (worst worker), first run",
             _x(first["first_pack"]["first"]), f"≤ {GOAL_FIRST_PACK:g}",
             _holds((first["first_pack"]["first"] or {}).get("median", 99) <= GOAL_FIRST_PACK)),
            ("first pack of a worker vs the median pack (worst worker), warm re-render",
             _x(first["first_pack"]["warm"]), f"≤ {GOAL_FIRST_PACK:g}",
             _holds((first["first_pack"]["warm"] or {}).get("median", 99) <= GOAL_FIRST_PACK)),
        ]
        if first.get("cached_wall"):
            rows.append(("warm `--force` re-render with the chart cache (charts drawn before are read) vs without, wall",
                         _x(first["cached_wall"]) + f"; CPU {_x(first['cached_cpu'])}", "—", ""))
    elif first:
        rows += _failed("first-run", first)
    editor = results.get("editor")
    if editor and "ratio_check_render" in editor:
        rows += [("`briefing check` vs `briefing render --formats html`, same regions, wall",
                  _x(editor["ratio_check_render"]) + f"; CPU {_x(editor['ratio_check_render_cpu'])}",
                  f"≤ {GOAL_CHECK:g}", _holds(editor["ratio_check_render"]["median"] <= GOAL_CHECK)),
                 ("`briefing preview` of one region (HTML, a fresh command)", _s(editor["preview_s"]), "—", "")]
        watch, pack = editor.get("watch") or {}, editor.get("pack_median_s") or {}
        if watch.get("after_save_s") and pack:
            ratio = watch["after_save_s"]["median"] / pack["median"]
            rows.append(("`briefing preview --watch`: the region again after a save, vs the median warm pack "
                         f"({pack['median']:.2f} s, HTML)", f"{_s(watch['after_save_s'])} = {ratio:.2f}×",
                         f"≤ {GOAL_PREVIEW:g}", _holds(ratio <= GOAL_PREVIEW)))
            cached = (watch.get("cached") or {}).get("after_save_s")
            if cached:
                rows.append(("`briefing preview --watch` after a save, with the chart cache on (the charts are unchanged)",
                             f"{_s(cached)} = {cached['median'] / pack['median']:.2f}×", "—", ""))
    elif editor:
        rows += _failed("editor", editor)
    dask = results.get("dask")
    if dask and "ratio_pack" in dask:
        rows += [(f"a pack on a Dask cluster (`dask worker --nworkers {dask['workers']} --nthreads 1`) vs a local "
                  "render: median pack seconds", _x(dask["ratio_pack"]), f"≤ {GOAL_DASK:g}",
                  _holds(dask["ratio_pack"]["median"] <= GOAL_DASK)),
                 ("Dask vs local: whole run per pack (wall); CPU incl. the Dask workers'",
                  _x(dask["ratio_wall"]) + f"; CPU {_x(dask['ratio_cpu'])}", "—", "")]
    elif dask:
        rows += _failed("dask", dask)
    floor = results.get("floor")
    if floor and "ratio_cpu" in floor:
        rows.append((f"no-kernel floor, this tree vs commit {floor['base']}: CPU per pack",
                     f"{_s(floor['cpu_per_pack']['old'])} → {_s(floor['cpu_per_pack']['new'])} = "
                     f"{_x(floor['ratio_cpu'])}; wall {_x(floor['ratio_wall'])}", "—", ""))
    elif floor:
        rows += _failed("floor history", floor)
    return rows


def _runs_table(header: str, runs: dict, ways: list[str]) -> list[str]:
    out = [header, "|" + "---|" * (1 + 2 * len(ways) + 1)]
    for i, group in enumerate(zip(*(runs[w] for w in ways)), start=1):
        cells = [f"{r['seconds']:.1f} | {r['cpu_s'] + r.get('cluster_cpu_s', 0):.1f}" for r in group]
        loads = " / ".join(f"{r['load_at_start']:.2f}" for r in group)
        out.append(f"| {i} | " + " | ".join(cells) + f" | {loads} |")
    return out + [""]


def wait_details(results: dict) -> list[str]:
    out = []
    first = results.get("first")
    if first and "runs" in first and "ratio_wall" in first:
        out += ["## First run and first packs", "",
                "`briefing render` of the sample meeting as just after set-up (no `__pycache__` in the package, an "
                "empty `XDG_CACHE_HOME`, empty outputs), then `--force` at once (warm), interleaved. *First pack*: "
                "execute + export seconds of each worker's first pack (manifest) over the median pack of the run; "
                "the workers warm up before it, while the command reads the data.", "",
                ]
        ways = [w for w in ("first", "warm", "cached") if first["runs"].get(w)]
        out += _runs_table("| Round | first s | first CPU s | warm s | warm CPU s |"
                           + (" warm, chart cache s | CPU s |" if "cached" in ways else "") + " load |",
                           first["runs"], ways)
        for way in ("first", "warm"):
            for i, r in enumerate(first["runs"][way], start=1):
                f = r["first_vs_median"]
                out.append(f"- {way} {i}: median pack {f.get('median_s', 0):.2f} s, first packs "
                           + ", ".join(f"{x:.2f}" for x in f.get("firsts", [])) + " s, warm-ups "
                           + ", ".join(f"{x:.1f}" for x in f.get("warmups", [])) + " s")
        out.append("")
    editor = results.get("editor")
    if editor and "runs" in editor and "ratio_check_render" in editor:
        out += ["## The editor's loop", "",
                "`briefing check <theme>` (execute + HTML in memory, no PDF) and `briefing render <meeting> --formats "
                "html --force` of the same regions and `briefing preview <meeting> <region> --no-open` (a fresh "
                "command each time), interleaved; then `briefing preview --watch` with the notebook saved (touched) "
                "once per round, the seconds it reports for the pack again.", ""]
        out += _runs_table("| Round | check s | check CPU s | render s | render CPU s | preview s | preview CPU s | load |",
                           editor["runs"], ["check", "render", "preview"])
    dask = results.get("dask")
    if dask and "runs" in dask and "ratio_pack" in dask:
        cold = dask["runs"]["cold"][0] if dask["runs"].get("cold") else None
        out += ["## Dask vs local", "",
                f"`dask scheduler` and `dask worker --nworkers {dask['workers']} --nthreads 1` started from the command "
                "line on this machine; `briefing render --force --scheduler …` against `briefing render --force "
                f"--workers {dask['workers']}`, interleaved. CPU of a Dask run adds what the Dask workers' process "
                "trees used during it."
                + (f" The first run on the fresh cluster (workers warming up, not compared): {cold['seconds']:.1f} s, "
                   f"median pack {cold['pack_median_s']:.2f} s." if cold and cold.get("pack_median_s") else ""), ""]
        out += _runs_table("| Round | local s | local CPU s | Dask s | Dask CPU s | load |", dask["runs"], ["local", "dask"])
    floor = results.get("floor")
    if floor and "runs" in floor and "ratio_cpu" in floor:
        out += [f"## Floor: commit {floor['base']} vs this tree", "",
                f"`python -m bench.floor` of each tree (its own code, notebook and sample data; `git archive "
                f"{floor['base']}`), 2 worker processes, interleaved.", ""]
        out += _runs_table("| Round | old s | old CPU s | new s | new CPU s | load |", floor["runs"], ["old", "new"])
    return out
