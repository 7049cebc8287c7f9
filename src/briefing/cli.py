"""The ``briefing`` command: render a meeting's packs, validate a data folder, check and scaffold theme notebooks."""

from __future__ import annotations

import argparse
import sys

from .errors import BriefingError

# Exit codes (README): 0 all well; 1 errors (nothing rendered or imported for them); 2 a usage or set-up problem;
# 3 done, but some figures need checking before the meeting (flagged 待核实, or packs resting on incomplete data).
EXIT_NEEDS_CHECKING = 3


def _from_here(path: str) -> str:
    """A path given on the command line, taken from the current folder as every command-line tool does (a
    database URL as it is)."""
    if not path or "://" in path:
        return path
    from pathlib import Path
    return str(Path(path).expanduser().resolve())


def _reporter(args):
    """How a long command talks: a live bar in a terminal, plain lines in a log; --quiet, --verbose."""
    from .progress import Reporter
    return Reporter(quiet=args.quiet, verbose=args.verbose)


def _talk(parser) -> None:
    """--quiet and --verbose, for the commands that run many packs."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-q", "--quiet", action="store_true", help="只显示结果、失败和需要核实之处（没有进度条）")
    group.add_argument("-v", "--verbose", action="store_true", help="另外列出每个地区的用时（执行、导出）和所在进程")


def _render(args) -> int:
    from .batch import render_meeting
    regions = [r.strip() for r in args.regions.split(",") if r.strip()] if args.regions else None
    batch = render_meeting(_from_here(args.meeting), workers=args.workers, regions=regions, force=args.force,
                           scheduler=args.scheduler or None, timeout=args.timeout,
                           formats=[f.strip() for f in args.formats.split(",") if f.strip()] or None,
                           render_date=args.render_date, echo=_reporter(args))
    if args.open:
        from .themes.preview import open_rendered
        open_rendered(batch)
    return 1 if batch.failed else EXIT_NEEDS_CHECKING if batch.incomplete or batch.outdated or batch.doubtful else 0


def _preview(args) -> int:
    from .themes.preview import preview_region
    formats = [f.strip() for f in args.formats.split(",") if f.strip()] or None
    done = preview_region(_from_here(args.meeting), args.region, formats=formats, timeout=args.timeout,
                          open_browser=not args.no_open, watch=args.watch)
    return 0 if done.html else 1


def _folder_findings(ds) -> tuple[list, list]:
    """What ``briefing validate`` reports of a data folder: its checks, and when they pass the flags a pack would
    show (typos, zero denominators, incomplete totals …); the second list holds those flags."""
    from .data import check_dataset
    findings = check_dataset(ds)
    flagged = []
    if not any(f.level == "error" for f in findings):
        from .compute import quality_findings
        flagged = quality_findings(ds)
    return findings + flagged, flagged


def _validate(args) -> int:
    from .errors import ValidationError
    from .data import load_dataset
    try:
        ds = load_dataset(_from_here(args.data) if args.data else None)
    except ValidationError as exc:
        for f in exc.findings:
            print(f"错误：{f.text()}")
        for f in exc.warnings:
            print(f"提示：{f.text()}")
        print(f"数据 {args.data} 无法读入：错误 {len(exc.findings)} 个"
              + (f"，提示 {len(exc.warnings)} 个" if exc.warnings else "") + "。请逐条改正后重新运行 briefing validate。")
        return 1
    findings, flagged = _folder_findings(ds)
    errors = [f for f in findings if f.level == "error"]
    for f in findings:
        print(f"{'错误' if f.level == 'error' else '提示'}：{f.text()}")
    print(f"数据 {ds.location}：{len(ds.figures)} 条数字，{len(ds.targets)} 条目标，"
          f"{len(ds.regions)} 个地区，{len(ds.catalog)} 个指标；错误 {len(errors)} 个，提示 {len(findings) - len(errors)} 个"
          + (f"（其中 {len(flagged)} 个在简报中将显示为“待核实”或“汇总不全”）" if flagged else "") + "。")
    return 1 if errors else EXIT_NEEDS_CHECKING if flagged else 0


def _import(args) -> int:
    from pathlib import Path

    from .data import load_dataset
    from .data.imports import import_returns
    out = Path(args.out).expanduser().resolve()   # a command line's paths are taken from the current folder
    kinds = {**{name: "targets" for name in args.targets}, **{name: "figures" for name in args.figures}}
    review = Path(args.review).expanduser().resolve() if args.review else out.parent / f"{out.name}-核对清单.xlsx"
    result = import_returns(args.returns, out, catalog=args.catalog or None, regions=args.regions or None,
                            parent=args.parent, year=args.year, kinds=kinds, include_hidden=args.include_hidden,
                            review=review)
    print(result.read.summary(extra=result.checks))
    for f in sorted(result.findings, key=lambda f: f.level != "error"):
        print(f"{'错误' if f.level == 'error' else '提示'}：{f.text()}")
    if result.review:
        kept = f"（{review.name} 已有，原样保留）" if result.review != review else ""
        print(f"核对清单（每个地区一张表，发回各单位核对）：{result.review}{kept}")
    if result.written is None:
        print(f"有 {len(result.errors)} 个错误，数据目录中什么都没有写入。请按上面的说明改正报表后重新导入。")
        return 1
    for line in result.changes:
        print(f"修改：{line}")
    written = result.written
    replaced = f"（替换了原有同期数字 {written['replaced']} 行）" if written.get("replaced") else ""
    targets = f"，targets.csv 本次 {written['targets']} 行" if written.get("targets") else ""
    print(f"已写入 {out}：figures.csv 本次 {written['figures']} 行{replaced}{targets}"
          + ("，regions.csv" if "regions" in written else "") + ("，indicators.csv" if "indicators" in written else "")
          + "。")
    findings, flagged = _folder_findings(load_dataset(out))   # the same counts as briefing validate
    errors = [f for f in findings if f.level == "error"]
    print(f"整个数据目录检查：错误 {len(errors)} 个，提示 {len(findings) - len(errors)} 个"
          + (f"（其中 {len(flagged)} 个在简报中将显示为“待核实”或“汇总不全”）" if flagged else "")
          + ("。" if not findings else f"；运行 briefing validate {out} 查看。"))
    return 1 if errors else 0   # written; what the packs would flag is validate's and render's exit code


def _check(args) -> int:
    from .themes import check_theme
    regions = [r.strip() for r in args.regions.split(",") if r.strip()] if args.regions else None
    try:
        result = check_theme(_from_here(args.notebook), regions, workers=args.workers, timeout=args.timeout,
                             warm=not args.fresh, pdf=args.pdf, meeting=_from_here(args.meeting) if args.meeting else None,
                             echo=_reporter(args))
    except KeyboardInterrupt:
        print("检查已中断。", file=sys.stderr)
        return 130
    return 0 if result.ok else 1


def _new_theme(args) -> int:
    from .themes import new_theme
    created = new_theme(args.name, args.source, args.title)
    print("已创建：" + "、".join(created))
    print(f"下一步：make lab 打开 {created[1]} 编辑；改完运行 briefing check {created[1]}；"
          f"再运行 briefing render {created[2]} 生成全部地区的简报。编辑说明见 docs/编辑指南.md。")
    return 0


def _lab(args) -> int:
    import subprocess
    from .themes import lab_command
    argv, env = lab_command(port=args.port, open_browser=not args.no_browser)
    print("正在启动 JupyterLab（按 Ctrl+C 两次关闭）。主题笔记本在 notebooks/ 下，编辑说明见 docs/编辑指南.md。")
    try:
        return subprocess.call(argv, env=env)
    except KeyboardInterrupt:
        print("JupyterLab 已关闭。")
        return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="briefing", description="工会会议简报材料：按地区生成 HTML 和 PDF 简报。")
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("render", help="按会议文件生成每个地区的简报")
    r.add_argument("meeting", help="会议文件，如 params/sample-annual-2025.yaml")
    r.add_argument("--workers", type=int, default=None, help="并行进程数（默认：CPU 核数）")
    r.add_argument("--regions", default="", help="只生成这些地区，逗号分隔，如 城关区,新华区")
    r.add_argument("--force", action="store_true", help="即使输入未变化也重新生成")
    r.add_argument("--formats", default="", help="输出格式，逗号分隔：html,pdf,docx,onepage（默认：会议文件中的 formats）")
    r.add_argument("--scheduler", default="", help="在已有的 Dask 集群上运行，如 tcp://10.0.0.5:8786")
    r.add_argument("--timeout", type=float, default=600, help="单份简报执行的最长秒数（默认 600），超时的地区记为失败，其余地区照常生成")
    r.add_argument("--render-date", default="", metavar="YYYY-MM-DD",
                   help="简报上的生成日期（默认：会议文件的 render_date，没有时为当天）；同样的输入在任何一天生成同样的简报")
    r.add_argument("--open", action="store_true", help="生成后在浏览器中打开（只有一个地区时打开它的简报，否则打开索引页）")
    _talk(r)
    r.set_defaults(func=_render)
    pv = sub.add_parser("preview", help="预览一个地区的简报：只生成网页版，写到 outputs/_preview/ 并在浏览器中打开")
    pv.add_argument("meeting", help="会议文件，如 params/sample-annual-2025.yaml")
    pv.add_argument("region", help="地区名称或代码，如 城关区")
    pv.add_argument("--formats", default="html", help="输出格式，逗号分隔（默认只有 html；可加 pdf、docx、onepage）")
    pv.add_argument("--no-open", action="store_true", help="不打开浏览器，只写文件")
    pv.add_argument("--watch", action="store_true", help="保持运行：主题笔记本、会议文件、数据或文字保存后自动重新生成（按 Ctrl+C 结束）")
    pv.add_argument("--timeout", type=float, default=600, help="执行的最长秒数（默认 600）")
    pv.set_defaults(func=_preview)
    v = sub.add_parser("validate", help="检查数据目录，列出错误和提示")
    v.add_argument("data", nargs="?", default="", help="数据目录、报表文件或数据库地址（默认：项目的 data/sample）")
    v.set_defaults(func=_validate)
    im = sub.add_parser("import", help="把报表（汇总表、各县区填报表、目标任务表；xlsx/xls/et/ods/csv）导入为数据目录")
    im.add_argument("returns", nargs="+", help="报表文件或文件夹，可多个，如 returns/*.xlsx 或 returns/")
    im.add_argument("--out", required=True, help="写入的数据目录，如 data/示例市/（已有的 regions.csv、indicators.csv 会用来核对）")
    im.add_argument("--catalog", default="", help="指标目录（默认：数据目录中的 indicators.csv，没有时用示例数据的目录）")
    im.add_argument("--regions", default="", help="地区表 regions.csv（默认：数据目录中的；没有时按表中的行生成）")
    im.add_argument("--parent", default="全市", help="按表中的行生成地区表时，上级地区的名称（默认：全市）")
    im.add_argument("--year", type=int, default=None, help="工作表名称、标题和说明中都没有年份时使用的年份")
    im.add_argument("--targets", action="append", default=[], metavar="工作表", help="把这张工作表作为目标表读入（可多次）")
    im.add_argument("--figures", action="append", default=[], metavar="工作表", help="把这张工作表作为完成数读入（可多次）")
    im.add_argument("--include-hidden", action="store_true", help="也读入隐藏的工作表（默认不读，并在报告中列出）")
    im.add_argument("--review", default="", help="核对清单的文件名（默认：数据目录旁的 <目录名>-核对清单.xlsx）")
    im.set_defaults(func=_import)
    c = sub.add_parser("check", help="检查主题笔记本：参数单元格，并为每个地区试运行一遍")
    c.add_argument("notebook", help="主题笔记本，如 notebooks/annual_plenary.ipynb")
    c.add_argument("--regions", default="", help="只检查这些地区，逗号分隔，如 城关区,示例市（默认：全部地区）")
    c.add_argument("--workers", type=int, default=None, help="并行进程数（默认：CPU 核数）")
    c.add_argument("--timeout", type=float, default=300, help="单个单元格的最长运行秒数（默认 300）")
    c.add_argument("--pdf", action="store_true", help="同时打印每个地区的 PDF（较慢；默认只导出网页版）")
    c.add_argument("--meeting", default="", help="用这个会议文件的年份、截止日期和数据目录试运行（默认用笔记本中的默认参数）")
    c.add_argument("--fresh", action="store_true", help="每个地区启动一个新内核（较慢；默认每个进程复用一个内核，与 render 相同）")
    _talk(c)
    c.set_defaults(func=_check)
    n = sub.add_parser("new-theme", help="从现有主题复制出一个新主题（笔记本和会议文件）")
    n.add_argument("name", help="新主题的名称（用作文件名），如 topic_organising")
    n.add_argument("--from", dest="source", required=True, help="复制哪个主题，如 annual_plenary")
    n.add_argument("--title", default="", help="新主题的中文标题，如 建会入会专题会议（默认用名称）")
    n.set_defaults(func=_new_theme)
    lab = sub.add_parser("lab", help="用本项目的内核打开 JupyterLab，编辑主题笔记本")
    lab.add_argument("--port", type=int, default=None, help="端口（默认 8888，被占用时自动换一个）")
    lab.add_argument("--no-browser", action="store_true", help="不自动打开浏览器（远程或无桌面时使用）")
    lab.set_defaults(func=_lab)
    return parser


class _StdoutToAClosedPipe:
    """sys.stdout that keeps the command going when the reader of its pipe has gone (``briefing import … | head``):
    the rest of the output goes to /dev/null, so an import still writes its data, and no traceback is printed."""

    def __init__(self, stream):
        self._stream = stream

    def _closed_pipe(self) -> None:
        import os
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, self._stream.fileno())
        finally:
            os.close(devnull)

    def write(self, text):
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._closed_pipe()
            return len(text)

    def flush(self):
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._closed_pipe()

    def __getattr__(self, name):
        return getattr(self._stream, name)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    stdout = sys.stdout
    if hasattr(stdout, "fileno"):
        try:
            stdout.fileno()
            sys.stdout = _StdoutToAClosedPipe(stdout)
        except (OSError, ValueError):   # pytest's capture and other in-memory streams: nothing to guard
            pass
    try:
        return args.func(args)
    except BriefingError as exc:
        from .errors import ValidationError
        print(f"错误：{exc}", file=sys.stderr)
        return 1 if isinstance(exc, ValidationError) else 2   # errors in the data: 1, as validate says them
    except KeyboardInterrupt:
        print("已中断。已完成的简报保留；重新运行将只生成未完成的部分。", file=sys.stderr)
        return 130
    finally:
        if isinstance(sys.stdout, _StdoutToAClosedPipe):
            sys.stdout.flush()
            sys.stdout = stdout


if __name__ == "__main__":
    sys.exit(main())
