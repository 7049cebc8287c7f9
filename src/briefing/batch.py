"""Render every region of a meeting: in parallel, one failure never stopping the rest, with a manifest and an index page.

A region is re-rendered only when something that affects its pack changed (data,
catalogue, targets, meeting parameters, notebook, library version), judged by
content fingerprint, never by timestamps.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import time
from pathlib import Path


from . import config, progress
from .compute import compute_metrics, incomplete_data, regions_without_figures
from .data import check_dataset, load_dataset, raise_on_errors
from .errors import BriefingError
from .params import FORMATS, Meeting, _valid_date, load_meeting
from .periods import SOURCE_DATE_EPOCH, epoch_of
from .export.failures import describe_os_error
from .export.files import safe_name
from .export.meeting import write_index, write_manifest
from .export import additions
from .export.missing import write_missing_pack
from .export.render import PackResult
from .export.workers import render_one, start_workers, warmup_for

FINGERPRINT_FILE = config.PACK_FINGERPRINT


@dataclasses.dataclass
class BatchResult:
    meeting: Meeting
    out_dir: Path
    packs: list[PackResult]
    seconds: float
    incomplete: dict = dataclasses.field(default_factory=dict)   # region → why its pack rests on incomplete data
    outdated: list = dataclasses.field(default_factory=list)     # earlier packs the data has moved past (regions)
    doubtful: dict = dataclasses.field(default_factory=dict)     # region → indicators its pack shows as 待核实
    extras: dict = dataclasses.field(default_factory=dict)   # the 通报 and the meeting book (export/additions)

    @property
    def failed(self) -> list[PackResult]:
        return [p for p in self.packs if p.status == "failed" and not p.earlier]


def _inputs_fingerprint(meeting: Meeting, region: str, data_fingerprint: str, notes: str = "") -> str:
    h = hashlib.sha256()
    h.update(notes.encode())  # the analyst's notes this pack shows (params/<meeting>/notes/)
    h.update(json.dumps(dataclasses.asdict(meeting.params_for(region)), ensure_ascii=False, sort_keys=True).encode())
    h.update(json.dumps(list(meeting.formats)).encode())
    h.update(meeting.render_date.encode())   # the 生成日期 the pack shows
    h.update(data_fingerprint.encode())
    h.update(config.resolve(meeting.notebook).read_bytes())
    h.update(config.VERSION.encode())
    for path in sorted(config.PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".j2", ".css", ".json"):
            h.update(path.read_bytes())
    return h.hexdigest()


def _up_to_date(folder: Path, fingerprint: str, formats) -> bool:
    marker = folder / FINGERPRINT_FILE
    names = [config.PACK_NOTEBOOK] + [{"html": config.PACK_HTML, "pdf": config.PACK_PDF,
                                       "docx": config.PACK_DOCX, "onepage": config.PACK_ONEPAGE}[f] for f in formats]
    return (marker.is_file() and marker.read_text().strip() == fingerprint
            and all((folder / n).is_file() for n in names))


class MeetingLock:
    """Refuse a second render of the same meeting while one is running (two writers would interleave packs)."""

    def __init__(self, out_dir: Path):
        self.path = out_dir / ".render.lock"
        self.handle = None

    def __enter__(self):
        import fcntl
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.handle = open(self.path, "a+")
        except OSError as exc:  # a read-only or full output folder: say so before any work is done
            raise BriefingError(describe_os_error(exc)) from None
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.handle.close()
            raise BriefingError(f"本会议的简报正在由另一个 briefing render 生成（{config.display_path(self.path)} 已锁定）。"
                                "请等它结束后再运行；若确认没有其他生成任务，可删除该锁文件。") from None
        return self

    def __exit__(self, *exc):
        import fcntl
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()

    @staticmethod
    def held(out_dir: Path) -> bool:
        """Whether another render of this meeting holds the lock now (a quick look; taking it is what decides)."""
        import fcntl
        try:
            with open(out_dir / ".render.lock", "rb") as handle:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError as exc:
            return not isinstance(exc, FileNotFoundError)
        return False


def _clean_stale(out_dir: Path) -> int:
    """Remove temporary files a killed run left behind (never a finished pack)."""
    removed = 0
    for pattern in (".*.tmp", ".*.partial.ipynb"):
        for path in [*out_dir.glob(f"*/{pattern}"), *out_dir.glob(f"*/v*/{pattern}")]:  # v*: versions kept
            path.unlink(missing_ok=True)
            removed += 1
        for path in out_dir.glob(pattern):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def render_meeting(meeting_file: str | Path, *, workers: int | None = None, regions: list[str] | None = None,
                   force: bool = False, scheduler: str | None = None, timeout: float | None = None,
                   formats: list[str] | None = None, render_date: str = "", echo=print) -> BatchResult:
    """Render the packs of a meeting into outputs/<meeting>/<region>/ and write manifest.json and index.html.

    Regions run in parallel (``workers`` processes, default one per core, or an existing Dask
    cluster at ``scheduler``); a failing region becomes an error entry while the rest finish;
    unchanged regions are skipped unless ``force``. ``render_date`` (or the meeting's) is the 生成日期 every pack
    shows, so the same inputs give byte-identical packs on any day; manifest.json keeps the real time.
    """
    t0 = time.perf_counter()
    meeting = load_meeting(meeting_file)
    if render_date:
        if not _valid_date(render_date):
            raise BriefingError(f"--render-date “{render_date}”不是有效日期，请写成 YYYY-MM-DD，如 2026-01-20。")
        meeting = dataclasses.replace(meeting, render_date=render_date)
    if meeting.render_date:   # workers, their kernels and papermill's own kernels all inherit it
        os.environ[SOURCE_DATE_EPOCH] = epoch_of(meeting.render_date)
    if formats:
        bad = [f for f in formats if f not in FORMATS]
        if bad:
            raise BriefingError(f"不支持的输出格式 {'、'.join(bad)}；可选 {'、'.join(FORMATS)}（如 --formats html,pdf,docx）。")
        meeting = dataclasses.replace(meeting, formats=tuple(dict.fromkeys(formats)))
    workers = max(1, workers or os.cpu_count() or 1)
    # The workers start now and warm up (kernels, the first chart, WeasyPrint) while the data is read below.
    warm = warmup_for(meeting.formats, meeting.params_for((regions or meeting.regions or ["全部"])[0]).to_papermill())
    with _workers(workers, scheduler, warm, now=_work_likely(meeting, force),
                  expected=len(regions or meeting.regions) or None) as pool:
        return _render_meeting(meeting, pool, t0, regions=regions, force=force, timeout=timeout,
                               scheduler=scheduler, workers=workers, echo=echo)


def _render_meeting(meeting: Meeting, pool, t0: float, *, regions, force, timeout, scheduler, workers,
                    echo) -> BatchResult:
    ds = load_dataset(meeting.data_dir)
    warnings = raise_on_errors(check_dataset(ds))
    wanted = list(regions or meeting.regions) or list(ds.regions.sort_values(["depth", "order"])["name"])
    codes = list(dict.fromkeys(ds.region_code(r) for r in wanted))
    out_dir = config.outputs_dir() / safe_name(meeting.slug)
    check_folders(ds)
    metrics = compute_metrics(ds, meeting.year, meeting.as_of or None)
    adds = additions.prepare(meeting, ds, metrics)  # notes read and checked before anything is rendered
    as_missing = data_missing_regions(meeting, ds, metrics, echo)
    with MeetingLock(out_dir):
        _clean_stale(out_dir)
        jobs, results = [], []
        for code in codes:
            name = ds.regions.at[code, "name"]
            folder = out_dir / safe_name(name)
            fp = _inputs_fingerprint(meeting, name, ds.fingerprint, adds.fingerprint(code))
            if code in as_missing:   # no kernel: nothing to compute, the pack says 数据缺失 and lists what is true
                with _output_errors():
                    results.append(write_missing_pack(meeting, ds, metrics, code, folder, fp))
                continue
            if not force and _up_to_date(folder, fp, meeting.formats):
                results.append(PackResult(region=name, folder=config.display_path(folder), status="skipped",
                                          files=_pack_files(folder, meeting.formats)))
                continue
            jobs.append((meeting.notebook, meeting.params_for(name), str(folder), meeting.formats, fp, timeout,
                         True, str(config.project_root()), *adds.for_job(code, folder, ds.fingerprint)))

        where = f"Dask 集群 {scheduler}" if scheduler else f"并行 {min(workers, max(len(jobs), 1))} 个进程"
        echo(f"会议：{meeting.name}（{meeting.source}）")
        missing = f"，{len(as_missing)} 个数据缺失（只列目标和上年数字）" if as_missing else ""
        echo(f"共 {len(codes)} 个地区：{len(jobs)} 个需要生成，{sum(r.status == 'skipped' for r in results)} 个未变化已跳过"
             f"{missing}；{where}。")
        if jobs:
            results += _run_jobs(jobs, pool, echo, t0)
        ok = sum(r.status == "ok" for r in results)
        skipped = sum(r.status == "skipped" for r in results)
        results += _earlier_packs(out_dir, {r.region for r in results}, ds)
        for r in results:
            if r.earlier and r.status != "failed":
                r.outdated = adds.outdated(ds.region_code(r.region), out_dir / safe_name(r.region))
        all_codes = ds.regions.sort_values(["depth", "order"]).index
        order = {ds.regions.at[c, "name"]: i for i, c in enumerate(all_codes)}
        results.sort(key=lambda r: order.get(r.region, 1e9))
        batch = BatchResult(meeting=meeting, out_dir=out_dir, packs=results, seconds=time.perf_counter() - t0,
                            outdated=[r.region for r in results if r.outdated])
        incomplete = incomplete_data(ds, metrics)
        incomplete.update({c: "本期数据缺失（会议文件 data_missing），简报只列出已下达的目标和上年数字" for c in as_missing})
        shown = {r.region for r in results if r.status != "failed"}
        batch.incomplete = {ds.regions.at[c, "name"]: why for c, why in incomplete.items()
                            if ds.regions.at[c, "name"] in shown}
        doubt = metrics[metrics["doubtful"].fillna(False).astype(bool) & metrics["value"].notna()]
        for code, rows in doubt.groupby("region", sort=False):
            if ds.regions.at[code, "name"] in shown:
                batch.doubtful[ds.regions.at[code, "name"]] = list(rows["name"])
        with _output_errors():
            batch.extras = additions.write_meeting_files(batch, ds, metrics, echo)  # 通报, 汇编
            write_manifest(batch, ds, warnings)
            write_index(batch, ds, metrics)
    echo(f"完成：生成 {ok} 份，跳过 {skipped} 份，失败 {len(batch.failed)} 份，用时 {batch.seconds:.1f} 秒。")
    echo(f"索引页：{config.terminal_path(out_dir / 'index.html')}")
    for region, why in batch.incomplete.items():
        echo(f"  数据不全：{region}——{why}。简报中已注明；数字报齐后请重新生成。")
    for region, names in batch.doubtful.items():
        echo(f"  待核实：{region}——{'、'.join(names)}（同比变动异常等，疑为录入错误）。简报中已标明“待核实”，"
             "未计入成效和排名；核实后改正数据并重新生成。")
    if batch.outdated:
        names = "、".join(batch.outdated)
        echo(f"  已过时：{names} 的简报是此前生成的，数据改过之后其中的数字（含图表中的同级数字）已与现有数据不符，"
             f"本次没有重新生成{'（汇编中也是旧的）' if 'pdf' in batch.meeting.formats else ''}。"
             f"请不加 --regions 重新运行，或加 --regions {','.join(batch.outdated)}。")
    for r in batch.failed:
        where = f"第 {r.failed_cell} 个单元格" if r.failed_cell else "执行过程"
        echo(f"  失败：{r.region}，{where}：{r.error}" + (f"（部分执行的笔记本：{r.partial_notebook}）" if r.partial_notebook else ""))
    return batch


def data_missing_regions(meeting: Meeting, ds, metrics, echo) -> set[str]:
    """The regions of the meeting file's ``data_missing`` that indeed have no figures for the period (their packs
    say 数据缺失); one listed that has figures by now is treated as any other region, and the analyst is told."""
    silent, out = set(regions_without_figures(metrics)), set()
    for name in meeting.data_missing:
        try:
            code = ds.region_code(name)
        except BriefingError as exc:
            raise BriefingError(f"会议文件 {meeting.source} 的 data_missing：{exc}") from None
        if code in silent:
            out.add(code)
        else:
            echo(f"提示：会议文件 data_missing 列出的{ds.regions.at[code, 'name']}已有本期数字，不按数据缺失处理（在本次生成之列时照常生成）；"
                 "请从 data_missing 中删去。")
    return out


def _workers(workers: int, scheduler: str | None, warm, now: bool, expected: int | None):
    """Local worker processes (export/workers), or the Dask cluster at ``scheduler`` (export/cluster)."""
    if scheduler:
        from .export.cluster import DaskWorkers   # distributed only when a cluster is asked for
        return DaskWorkers(scheduler, warm).start()
    return start_workers(workers, warm, now=now, expected=expected)


def _work_likely(meeting: Meeting, force: bool) -> bool:
    """Whether to start the workers before the data is read: yes, unless this meeting was rendered after the last
    change to everything its packs read (then the check after reading most likely finds every pack up to date)."""
    out_dir = config.outputs_dir() / safe_name(meeting.slug)
    manifest = out_dir / "manifest.json"
    if MeetingLock.held(out_dir):
        return False   # refused below, before any work
    if force or not manifest.is_file() or "://" in meeting.data_dir:
        return True
    data = config.resolve(meeting.data_dir)
    notes = Path(meeting.notes_dir) if meeting.notes_dir else None
    inputs = [config.resolve(meeting.source), config.resolve(meeting.notebook), data,
              *(data.iterdir() if data.is_dir() else ()), *config.PACKAGE_DIR.rglob("*.py"),
              *(notes.iterdir() if notes and notes.is_dir() else ())]
    since = manifest.stat().st_mtime_ns
    return any(not p.exists() or p.stat().st_mtime_ns > since for p in inputs)


RESERVED_NAMES = {"index.html", "manifest.json", config.BOOK_PDF, config.BULLETIN_HTML, config.BULLETIN_PDF}


def check_folders(ds) -> None:
    """Refuse region names whose pack folders would collide (with each other or the meeting's own files).

    >>> check_folders(load_dataset("data/sample"))   # doctest: +SKIP
    """
    seen: dict[str, str] = {}
    for name in ds.regions.sort_values("order")["name"]:
        folder = safe_name(name)
        if folder in RESERVED_NAMES:
            raise BriefingError(f"regions.csv 中地区“{name}”的名称与会议文件夹中的 {folder} 同名，无法作为简报文件夹。"
                                "请在 regions.csv 中修改该地区名称。")
        if folder in seen:
            raise BriefingError(f"regions.csv 中地区“{seen[folder]}”和“{name}”的简报文件夹名相同（{folder}），"
                                "两份简报会互相覆盖。请在 regions.csv 中修改其中一个地区的名称。")
        seen[folder] = name


@contextlib.contextmanager
def _output_errors():
    """A full disk or read-only folder while writing the meeting's own files ends in a clear message."""
    try:
        yield
    except OSError as exc:
        raise BriefingError(describe_os_error(exc) + " 已完成的各地区简报保留。") from None


def _earlier_packs(out_dir: Path, rendered: set[str], ds) -> list[PackResult]:
    """Packs of this meeting from earlier runs (e.g. before ``--regions``), so the index lists the whole meeting."""
    path = out_dir / "manifest.json"
    if not path.is_file():
        return []
    try:
        previous = json.loads(path.read_text(encoding="utf-8")).get("packs", [])
    except (OSError, ValueError):
        return []
    known = set(ds.regions["name"])
    keep = []
    for entry in previous:
        name = entry.get("region")
        if name in rendered or name not in known:
            continue
        fields = {f.name for f in dataclasses.fields(PackResult)}
        pack = PackResult(**{k: v for k, v in entry.items() if k in fields})
        if pack.status == "ok":
            pack.status = "skipped"  # not redone in this run
        pack.earlier = True
        keep.append(pack)
    return keep


def _pack_files(folder: Path, formats) -> dict:
    names = {"ipynb": config.PACK_NOTEBOOK, "html": config.PACK_HTML, "pdf": config.PACK_PDF,
             "docx": config.PACK_DOCX, "onepage": config.PACK_ONEPAGE}
    return {k: config.display_path(folder / n) for k, n in names.items() if k == "ipynb" or k in formats}


def _run_jobs(jobs: list, pool, echo, t0: float) -> list[PackResult]:
    results: list[PackResult] = []
    started = time.perf_counter()
    progress.start(echo, len(jobs), "生成简报")
    with pool.running(len(jobs)), _stopping(echo):
        futures = {pool.submit(render_one, *job): job for job in jobs}
        completed = pool.completed(futures)
        for future in completed:
            job = futures[future]
            try:
                res = future.result()
            except Exception as exc:  # noqa: BLE001 - the worker process itself died
                res = PackResult(region=job[1].region, folder=config.display_path(Path(job[2])), status="failed",
                                 error=f"工作进程异常退出（{type(exc).__name__}）。重新运行将只生成未完成的地区。")
            results.append(res)
            done = len(results)
            failed = sum(r.status == "failed" for r in results)
            eta = (time.perf_counter() - started) / done * (len(jobs) - done)
            mark = "失败" if res.status == "failed" else "完成"
            line = (f"[{done}/{len(jobs)}] {res.region} {mark} — 完成 {done - failed}，失败 {failed}，"
                    f"剩余 {len(jobs) - done}，预计还需 {eta:.0f} 秒")
            progress.step(echo, res.region, res.status != "failed", done, len(jobs), failed, eta, line,
                          _timings(res))
    return results


@contextlib.contextmanager
def _stopping(echo):
    """The live bar ends with the run, whatever ends it (Ctrl+C included)."""
    try:
        yield
    finally:
        progress.stop(echo)


def _timings(res: PackResult) -> str:
    """What ``--verbose`` adds to a pack's line: where its time went, and which worker rendered it."""
    parts = [f"{label} {res.seconds[key]:.1f} 秒" for key, label in (("execute", "执行"), ("export", "导出"))
             if key in res.seconds]
    if res.worker.get("pid"):
        parts.append(f"进程 {res.worker['pid']} 的第 {res.worker.get('pack', '?')} 份")
    return "，".join(parts)
