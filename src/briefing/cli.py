"""The ``briefing`` command: render a meeting's packs, validate a data folder."""

from __future__ import annotations

import argparse
import sys

from .errors import BriefingError


def _render(args) -> int:
    from .batch import render_meeting
    regions = [r.strip() for r in args.regions.split(",") if r.strip()] if args.regions else None
    batch = render_meeting(args.meeting, workers=args.workers, regions=regions, force=args.force)
    return 1 if batch.failed else 0


def _validate(args) -> int:
    from .load import load_dataset
    from .validate import check_dataset
    ds = load_dataset(args.data)
    findings = check_dataset(ds)
    errors = [f for f in findings if f.level == "error"]
    for f in findings:
        print(f"{'错误' if f.level == 'error' else '提示'}：{f.text()}")
    print(f"数据目录 {ds.location}：{len(ds.figures)} 条数字，{len(ds.targets)} 条目标，"
          f"{len(ds.regions)} 个地区，{len(ds.catalog)} 个指标；错误 {len(errors)} 个，提示 {len(findings) - len(errors)} 个。")
    return 1 if errors else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="briefing", description="工会会议简报材料：按地区生成 HTML 和 PDF 简报。")
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("render", help="按会议文件生成每个地区的简报")
    r.add_argument("meeting", help="会议文件，如 params/sample-annual-2025.yaml")
    r.add_argument("--workers", type=int, default=None, help="并行进程数（默认：CPU 核数）")
    r.add_argument("--regions", default="", help="只生成这些地区，逗号分隔，如 城关区,新华区")
    r.add_argument("--force", action="store_true", help="即使输入未变化也重新生成")
    r.set_defaults(func=_render)
    v = sub.add_parser("validate", help="检查数据目录，列出错误和提示")
    v.add_argument("data", nargs="?", default="data/sample", help="数据目录（默认 data/sample）")
    v.set_defaults(func=_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BriefingError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。已完成的简报保留；重新运行将只生成未完成的部分。", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
