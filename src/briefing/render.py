"""Turn a theme notebook into one region's pack: execute (papermill), export HTML (nbconvert), print PDF (WeasyPrint).

The HTML is one self-contained file (inline styles, inline SVG charts, no scripts, no
external references); the PDF is printed from that same HTML, so both show the same
content. Every file appears only complete: written under a temporary name, then renamed.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import os
import re
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import nbformat

from . import config
from .errors import RenderError
from .params import PackParams

_CSS = None
_EXPORTER = None
_H2 = re.compile(r"<h2(?:\s[^>]*)?>(.*?)</h2>", re.S)
_TAG = re.compile(r"<[^>]+>")
_ANCHOR = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)


def pack_css() -> str:
    global _CSS
    if _CSS is None:
        _CSS = (config.TEMPLATES_DIR / "briefing" / "pack.css").read_text(encoding="utf-8")
    return _CSS


def _exporter():
    global _EXPORTER
    if _EXPORTER is None:
        from nbconvert import HTMLExporter
        from nbconvert.exporters.templateexporter import TemplateExporter
        from nbconvert.filters.highlight import Highlight2HTML
        from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

        class PackExporter(HTMLExporter):
            """nbconvert's HTML exporter without its final BeautifulSoup pass: that pass re-parses the whole page
            (about 0.04 s a pack) only to add alt texts and tabindex to JupyterLab classes this template does
            not use, and it lower-cases SVG attributes (viewBox becomes viewbox), so the charts were no longer
            valid SVG outside an HTML parser."""

            def from_notebook_node(self, nb, resources=None, **kw):
                langinfo = nb.metadata.get("language_info", {})
                lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
                self.register_filter("highlight_code",
                                     self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
                resources = self._init_resources(resources)
                self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                    notebook_metadata=self._nb_metadata, parent=self, resources=resources))
                return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

        _EXPORTER = PackExporter(template_name="briefing", extra_template_basedirs=[str(config.TEMPLATES_DIR)],
                                 exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                                 exclude_anchor_links=True)
    return _EXPORTER


def export_html(nb: nbformat.NotebookNode, *, title: str, running_head: str) -> str:
    """The pack's HTML from an executed notebook: no code, a contents list after the cover."""
    resources = {"briefing_css": pack_css(), "briefing_title": title, "briefing_running_head": running_head}
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return add_contents(_ANCHOR.sub("", body))


def add_contents(html: str) -> str:
    """Number the section headings (h2) and put a contents list (目录) after the cover."""
    entries = []

    def number(match: re.Match) -> str:
        anchor = f"sec-{len(entries) + 1}"
        text = _TAG.sub("", match.group(1)).strip()
        entries.append((anchor, text))
        return f'<h2 id="{anchor}">{match.group(1)}</h2>'

    html = _H2.sub(number, html)
    if not entries:
        return html
    items = "".join(f'<li><a href="#{a}">{t}</a></li>' for a, t in entries)  # t is already escaped markup text
    toc = f'<nav class="toc"><h2 class="toc-title">目录</h2><ol>{items}</ol></nav>'
    cover_end = html.find("</section>")
    if cover_end == -1:
        return html.replace('<main class="pack">', '<main class="pack">' + toc, 1)
    cut = html.find("</div>", cover_end) + len("</div>")  # end of the cover's output block
    cut = html.find("</div>", cut) + len("</div>")        # end of its cell
    return html[:cut] + toc + html[cut:]


def html_to_pdf(html: str) -> bytes:
    """An A4 PDF of the pack (print styles from the same stylesheet), with real Chinese text."""
    from weasyprint import HTML
    return HTML(string=charts_as_images(html), base_url=str(config.project_root())).write_pdf()


_CHART_SVG = re.compile(r'(<figure class="chart[^"]*">)(<svg\b.*?</svg>)(</figure>)', re.S)


def charts_as_images(html: str) -> str:
    """The page with each inline SVG chart given as an SVG image (``<img src="data:image/svg+xml;…">``).

    WeasyPrint draws both the same way, as vector graphics with real text, but an inline chart's
    hundreds of elements also go through its HTML parser and CSS cascade: as images, a 4-chart
    pack prints in about 11% less time. A chart that is not well-formed XML stays inline.

    >>> charts_as_images('<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg"></svg></figure>')[:65]
    '<figure class="chart"><img alt="" src="data:image/svg+xml;base64,'
    """
    def image(match: re.Match) -> str:
        svg = match.group(2)
        try:
            root = ET.fromstring(svg)
        except ET.ParseError:
            return match.group(0)
        if root.tag != "{http://www.w3.org/2000/svg}svg":
            return match.group(0)
        data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        return f'{match.group(1)}<img alt="" src="data:image/svg+xml;base64,{data}">{match.group(3)}'
    return _CHART_SVG.sub(image, html)


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write a file so that readers see the old complete file or the new complete file, never half of one."""
    with staged_writes() as stage:
        stage(path, data)


@contextlib.contextmanager
def staged_writes():
    """Replace several files together: each is first written in full under a temporary name (a full
    disk fails there, before any existing file is touched), then all are renamed at the end.

    >>> with staged_writes() as stage:          # doctest: +SKIP
    ...     stage(folder / "briefing.html", html)
    ...     stage(folder / "briefing.pdf", pdf)
    """
    staged: list[tuple[Path, Path]] = []
    try:
        yield lambda path, data: staged.append((_stage(path, data), path))
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)  # nothing left there once renamed


def _stage(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and not exc.filename:  # a failed write() does not say which file
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise
    return Path(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def safe_name(text: str) -> str:
    """A folder name from a region name that cannot leave its parent folder (nor hide, nor be too long).

    >>> safe_name("../../城关区"), safe_name(".城关区"), safe_name("城关\u202e区")
    ('_.._城关区', '城关区', '城关_区')
    """
    cleaned = re.sub(r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]', "_",
                     text).strip(" .")[:80]
    while len(cleaned.encode("utf-8")) > 200:  # file systems allow 255 bytes; some characters take 4
        cleaned = cleaned[:-1]
    return cleaned.rstrip(" .") or "_"


@dataclass
class PackResult:
    region: str
    folder: str
    status: str = "ok"                   # ok | failed | skipped
    files: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    error: str = ""
    failed_cell: int | None = None
    partial_notebook: str = ""
    earlier: bool = False                # listed from an earlier run of the meeting, not rendered now


def render_pack(notebook: str | Path, params: PackParams, out_dir: Path, formats=("html", "pdf"),
                kernel=None, timeout: float | None = None) -> PackResult:
    """Execute ``notebook`` for one region and write the executed notebook, HTML and PDF into ``out_dir``.

    ``kernel`` is an optional ``briefing.kernel.WarmKernel`` reused between packs (batch
    rendering); without it papermill starts and stops a kernel of its own, as on the command
    line. ``timeout`` limits the execution of the whole notebook for this region, in seconds
    (a hanging cell ends in a failed pack, not a stuck batch). Never leaves a half-written file,
    and never a pack whose files come from two different runs.
    """
    import papermill as pm

    notebook = config.resolve(notebook)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = PackResult(region=params.region, folder=config.display_path(out_dir))
    final_nb = out_dir / config.PACK_NOTEBOOK
    tmp_nb = out_dir / f".{os.getpid()}.{threading.get_ident()}.partial.ipynb"
    t0 = time.perf_counter()
    run = dict(parameters=params.to_papermill(), progress_bar=False, log_output=False,
               request_save_on_cell_execute=False, execution_timeout=timeout)
    if kernel is not None:
        from .kernel import ENGINE
        run.update(engine_name=ENGINE, warm=kernel.ready())
        target = None  # nothing written while running; a failed notebook is written below
    else:
        run.update(cwd=str(config.project_root()))
        target = str(tmp_nb)
    if timeout:
        # One budget for the whole pack: each cell may use what the cells before it left (nbclient's timeout_func).
        deadline = time.monotonic() + timeout
        run["timeout_func"] = lambda cell: max(1, int(deadline - time.monotonic()))
    try:
        nb = pm.execute_notebook(str(notebook), target, **run)
    except BaseException as exc:  # a cell raised or timed out, the kernel died, bad notebook file, interrupted …
        partial = None
        if kernel is not None:
            partial = kernel.last_nb
            kernel.discard()
        elif tmp_nb.exists():
            with contextlib.suppress(Exception):
                partial = nbformat.read(tmp_nb, as_version=4)
        tmp_nb.unlink(missing_ok=True)
        if not isinstance(exc, Exception):
            raise
        result.status = "failed"
        if isinstance(exc, pm.PapermillExecutionError):
            result.failed_cell = exc.exec_count
            result.error = scrub_text(f"{exc.ename}: {_first_line(exc.evalue)}")
        else:
            result.failed_cell = _last_started_cell(partial)
            result.error = describe_failure(exc, timeout)
        if partial is not None:
            with contextlib.suppress(OSError):  # a full disk must not hide why the pack failed
                failed = out_dir / "briefing.failed.ipynb"
                _scrub(partial, notebook, failed)
                write_atomic(failed, nbformat.writes(partial))
                result.partial_notebook = config.display_path(failed)
        return result
    tmp_nb.unlink(missing_ok=True)
    if kernel is not None:
        kernel.release()
    result.seconds["execute"] = round(time.perf_counter() - t0, 3)
    _scrub(nb, notebook, final_nb)

    t1 = time.perf_counter()
    title = f"{params.meeting or '工作会议'} · {params.region}"
    html = export_html(nb, title=title, running_head=f"{params.meeting} · {params.region} · 内部资料")
    pdf = html_to_pdf(html) if "pdf" in formats else None
    docx = None
    if "docx" in formats:
        from .word import html_to_docx  # python-docx only when a Word copy is asked for
        docx = html_to_docx(html)
    result.seconds["export"] = round(time.perf_counter() - t1, 3)
    # Stage every file in full first (a full disk fails here, before a good file is touched), then rename
    # them together: a pack is never half new and half old.
    with staged_writes() as stage:
        stage(final_nb, nbformat.writes(nb))
        result.files["ipynb"] = config.display_path(final_nb)
        if "html" in formats:
            stage(out_dir / config.PACK_HTML, html)
            result.files["html"] = config.display_path(out_dir / config.PACK_HTML)
        if pdf is not None:
            stage(out_dir / config.PACK_PDF, pdf)
            result.files["pdf"] = config.display_path(out_dir / config.PACK_PDF)
        if docx is not None:
            stage(out_dir / config.PACK_DOCX, docx)
            result.files["docx"] = config.display_path(out_dir / config.PACK_DOCX)
    (out_dir / "briefing.failed.ipynb").unlink(missing_ok=True)
    return result


def _first_line(text: str) -> str:
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[0] if len(lines) == 1 else "\n".join(lines[:12])


def _scrub(nb: nbformat.NotebookNode, notebook: Path, final: Path) -> None:
    """Keep the executed notebook free of this machine's paths and environment (it ships with the pack).

    Tracebacks stay (the analyst needs them) but show paths relative to the project or to ``~``.
    """
    meta = nb.metadata.get("papermill", {})
    meta["input_path"] = config.display_path(notebook)
    meta["output_path"] = config.display_path(final)
    meta.pop("environment_variables", None)
    _scrub_strings(nb, _private_paths())


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


def _private_paths():
    """A function hiding this machine's project folder, home folder and user name in a text, and URL passwords."""
    shown = {}
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
        return _CREDENTIALS.sub(r"\1***@", text)
    return sub


def _user_name() -> str:
    try:
        import getpass
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is fine
        return ""


def scrub_text(text: str) -> str:
    """``text`` without this machine's project folder, home folder, user name or URL passwords (packs travel).

    >>> scrub_text(os.path.expanduser("~") + "/数据/2025.csv")
    '~/数据/2025.csv'
    """
    return _private_paths()(str(text))


def describe_failure(exc: BaseException, timeout: float | None = None) -> str:
    """Why a pack failed, in a sentence an analyst can act on (no machine paths).

    >>> from nbclient.exceptions import DeadKernelError
    >>> describe_failure(DeadKernelError("Kernel died"))
    '内核意外退出（可能内存不足或被外部终止）。重新运行将重试该地区。'
    """
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    if isinstance(exc, (CellTimeoutError, TimeoutError)):
        limit = f" {timeout:g} 秒内" if timeout else "时限内"
        return (f"执行超时：该地区的笔记本未能在{limit}完成，已停止。"
                "请检查是否有单元格卡住或数据量过大，或用 --timeout 放宽时限后重新运行。")
    if isinstance(exc, DeadKernelError):
        return "内核意外退出（可能内存不足或被外部终止）。重新运行将重试该地区。"
    if isinstance(exc, OSError):
        return describe_os_error(exc)
    return scrub_text(f"{type(exc).__name__}: {_first_line(str(exc))}")


_DISK_ERRORS = {errno.ENOSPC: "磁盘空间已满", errno.EDQUOT: "磁盘配额已用完", errno.EFBIG: "文件超过了磁盘或配额允许的大小",
                errno.EROFS: "所在磁盘是只读的", errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限"}


def describe_os_error(exc: OSError) -> str:
    """A file-system error as a sentence: which file or folder, why, and what to do.

    >>> describe_os_error(OSError(errno.ENOSPC, "No space left on device", "outputs/会议/城关区/briefing.pdf"))  # doctest: +SKIP
    '无法写入 outputs/会议/城关区/briefing.pdf：磁盘空间已满。请腾出磁盘空间或检查文件夹权限后重新运行；…'
    """
    name = exc.filename if isinstance(exc.filename, (str, os.PathLike)) else ""
    where = config.display_path(name) if name else "输出文件夹"
    reason = _DISK_ERRORS.get(exc.errno)
    if reason:
        return (f"无法写入 {where}：{reason}。请腾出磁盘空间或检查文件夹权限后重新运行；"
                "已有的完整简报不会被未写完的文件覆盖。")
    return scrub_text(f"读写 {where} 失败：{exc.strerror or exc}。请检查该文件或文件夹后重新运行。")


def _last_started_cell(nb) -> int | None:
    """The execution count of the cell that was running when the notebook stopped (papermill marks start times)."""
    if nb is None:
        return None
    started = [c for c in nb.cells if c.cell_type == "code" and c.get("metadata", {}).get("papermill", {}).get("start_time")]
    return started[-1].get("execution_count") if started else None
