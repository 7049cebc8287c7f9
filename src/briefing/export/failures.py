"""Why a pack failed, in a sentence an analyst can act on: timeouts, a dead kernel, a full disk, a raised cell."""

from __future__ import annotations

import errno
import os

from .. import config
from .scrub import scrub_text


def first_line(text: str) -> str:
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[0] if len(lines) == 1 else "\n".join(lines[:12])



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
    return scrub_text(f"{type(exc).__name__}: {first_line(str(exc))}")


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


def last_started_cell(nb) -> int | None:
    """The execution count of the cell that was running when the notebook stopped (papermill marks start times)."""
    if nb is None:
        return None
    started = [c for c in nb.cells if c.cell_type == "code" and c.get("metadata", {}).get("papermill", {}).get("start_time")]
    return started[-1].get("execution_count") if started else None
