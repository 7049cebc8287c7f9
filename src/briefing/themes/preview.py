"""``briefing preview``: one region's pack as an editor sees it, written to outputs/_preview/ and opened in the browser.

The editor's loop is: change a theme, look at one region. The preview renders that region on
a worker of ``briefing render`` (export/workers), warmed up while the data is read, as HTML only
(``--formats`` adds PDF), with the analysts' notes but without versions, and never touches the
meeting's own packs, index or manifest. With ``--watch`` it stays and renders the region again on
the same warm kernel each time the theme, meeting file, data or notes are saved: one warm pack a
time. ``briefing render … --open`` opens what a render wrote.
"""

from __future__ import annotations

import dataclasses
import os
import time
import webbrowser
from pathlib import Path

from .. import config
from ..compute import compute_metrics
from ..data import check_dataset, load_dataset, raise_on_errors
from ..errors import BriefingError
from ..export import additions
from ..export.files import safe_name
from ..export.workers import render_one, start_workers, warmup_for
from ..params import FORMATS, load_meeting
from ..periods import SOURCE_DATE_EPOCH, epoch_of

PREVIEW_FOLDER = "_preview"


@dataclasses.dataclass
class Preview:
    """What a preview wrote: the pack's folder, its HTML, its result and the seconds it took in all."""

    region: str
    html: Path | None
    result: object
    seconds: float


def preview_region(meeting_file: str | Path, region: str, *, formats: list[str] | None = None,
                   timeout: float | None = 600, open_browser: bool = True, watch: bool = False,
                   poll: float = 0.2, echo=print) -> Preview:
    """Render ``region`` of a meeting into outputs/_preview/<meeting>/<region>/ and open its HTML.

    With ``watch``, stay: render again on the same warm worker whenever the theme notebook, the meeting file,
    its data or notes change (each time one warm pack), until Ctrl+C; returns the last preview.

    >>> preview_region("params/sample-annual-2025.yaml", "城关区", open_browser=False)   # doctest: +SKIP
    """
    t0 = time.perf_counter()
    meeting = load_meeting(meeting_file)
    formats = tuple(dict.fromkeys(formats or ["html"]))
    bad = [f for f in formats if f not in FORMATS]
    if bad or "html" not in formats:
        raise BriefingError(f"预览的输出格式 {'、'.join(bad) or '、'.join(formats)} 不可用：须含 html，可加 "
                            f"{'、'.join(f for f in FORMATS if f != 'html')}（如 --formats html,pdf）。")
    if meeting.render_date:
        os.environ[SOURCE_DATE_EPOCH] = epoch_of(meeting.render_date)
    warmup = warmup_for(formats, meeting.params_for(region).to_papermill())
    with start_workers(1, warmup) as pool:   # warms up while the data is read
        seen = _inputs_stamp(meeting_file)
        prepared = _prepare(meeting, region)
        preview = _render(meeting, prepared, formats, timeout, pool, t0, echo)
        if open_browser and preview.html:
            open_in_browser(preview.html, echo)
        if watch:
            echo("正在监视主题笔记本、会议文件、数据和分析人员的文字：保存后自动重新生成，刷新浏览器即可看到。按 Ctrl+C 结束。")
            try:
                while True:
                    while (now := _inputs_stamp(meeting_file)) == seen:
                        time.sleep(poll)
                    started = time.perf_counter()
                    try:
                        # A saved theme alone renders on the data and notes already read and checked.
                        if prepared is None or _beyond_notebook(now) != _beyond_notebook(seen):
                            prepared = None
                            meeting = load_meeting(meeting_file)
                            prepared = _prepare(meeting, region)
                        seen = now
                        preview = _render(meeting, prepared, formats, timeout, pool, started, echo)
                    except BriefingError as exc:   # a half-saved meeting file or data: say so, keep watching
                        seen, prepared = now, None
                        echo(f"错误：{exc}")
            except KeyboardInterrupt:
                echo("预览已结束。")
    return preview


def _prepare(meeting, region: str) -> tuple[str, dict, tuple | None]:
    """The region's name as the data spells it, its analysts' notes, and (ds, metrics, code) when the meeting file
    lists it under data_missing and it has no figures: its preview is the 数据缺失 page, as render makes it."""
    from ..batch import data_missing_regions
    ds = load_dataset(meeting.data_dir)
    raise_on_errors(check_dataset(ds))
    code = ds.region_code(region)
    metrics = compute_metrics(ds, meeting.year, meeting.as_of or None)
    adds = additions.prepare(meeting, ds, metrics)
    missing = (ds, metrics, code) if code in data_missing_regions(meeting, ds, metrics, lambda _: None) else None
    return ds.regions.at[code, "name"], adds.notes_for(code), missing


def _render(meeting, prepared: tuple[str, dict], formats: tuple, timeout, pool, t0: float, echo) -> Preview:
    """One preview on the pool's (warm) worker."""
    name, notes, missing = prepared
    folder = config.outputs_dir() / PREVIEW_FOLDER / safe_name(meeting.slug) / safe_name(name)
    echo(f"预览：{meeting.name} · {name}（{'、'.join(formats)}）→ {config.terminal_path(folder)}")
    if missing:   # data_missing: the 数据缺失 page render would write, no kernel
        from ..export.missing import write_missing_pack
        result = write_missing_pack(dataclasses.replace(meeting, formats=formats), *missing, folder, "preview")
    else:
        pool.start(1)
        result = pool.submit(render_one, meeting.notebook, meeting.params_for(name), str(folder), formats, "preview",
                             timeout, True, str(config.project_root()), notes, None).result()
    seconds = time.perf_counter() - t0
    if result.status != "ok":
        where = f"第 {result.failed_cell} 个单元格" if result.failed_cell else "执行过程"
        echo(f"失败：{name}，{where}：{result.error}"
             + (f"（部分执行的笔记本：{result.partial_notebook}）" if result.partial_notebook else ""))
        return Preview(name, None, result, seconds)
    html = folder / config.PACK_HTML
    echo(f"完成：用时 {seconds:.1f} 秒（执行 {result.seconds.get('execute', 0):.1f} 秒，"
         f"导出 {result.seconds.get('export', 0):.1f} 秒）。网页版：{config.terminal_path(html)}")
    return Preview(name, html, result, seconds)


def _beyond_notebook(stamp: tuple) -> tuple:
    """A stamp without its notebook's entry (the second): what the data, notes and region name depend on."""
    return stamp[:1] + stamp[2:]


def _inputs_stamp(meeting_file: str | Path) -> tuple:
    """What a preview depends on besides the code, as (path, mtime, size): the meeting file, its notebook, the
    files of its data folder and of its notes folder. Changes when any of them is saved."""
    paths = [config.resolve(meeting_file)]
    meeting = _meeting_as_saved(paths[0])
    if meeting is not None:
        paths.append(config.resolve(meeting.notebook))
        for folder in (meeting.data_dir, meeting.notes_dir):
            if folder and "://" not in folder:
                where = config.resolve(folder)
                paths += sorted(where.iterdir()) if where.is_dir() else [where]
    stamp = []
    for path in paths:
        try:
            st = path.stat()
            stamp.append((str(path), st.st_mtime_ns, st.st_size))
        except OSError:
            stamp.append((str(path), 0, 0))
    return tuple(stamp)


_read_meetings: dict[Path, tuple] = {}


def _meeting_as_saved(path: Path):
    """The meeting file as last saved (None while it cannot be read); parsed again only when it was saved again,
    so that watching costs a few stat calls a poll."""
    try:
        st = path.stat()
        key = (st.st_mtime_ns, st.st_size)
    except OSError:
        return None
    if _read_meetings.get(path, (None,))[0] != key:
        try:
            _read_meetings[path] = (key, load_meeting(path))
        except BriefingError:
            _read_meetings[path] = (key, None)
    return _read_meetings[path][1]


def open_in_browser(path: Path, echo=print) -> bool:
    """Open a pack or index page in the system's browser; say where it is when there is none."""
    try:
        opened = webbrowser.open(Path(path).resolve().as_uri())
    except webbrowser.Error:
        opened = False
    if not opened:
        echo(f"没有找到可用的浏览器，请手动打开：{path}")
    return opened


def open_rendered(batch, echo=print) -> bool:
    """After ``briefing render --open``: the pack's HTML when the run had one region, else the index page."""
    packs = [p for p in batch.packs if not p.earlier and p.status != "failed"]
    if len(packs) == 1 and packs[0].files.get("html"):   # its folder, found as batch made it (outputs may lie
        return open_in_browser(batch.out_dir / safe_name(packs[0].region) / config.PACK_HTML, echo)  # elsewhere)
    return open_in_browser(batch.out_dir / "index.html", echo)
