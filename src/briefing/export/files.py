"""Files out, safely: atomic writes, several files replaced together, folder names that stay where they are put."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path


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


WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.I)


def safe_name(text: str) -> str:
    """A folder name from a region name that cannot leave its parent folder (nor hide, nor be too long), and that
    survives a copy to Windows (no reserved name such as CON or COM1.txt, no trailing dot or space).

    >>> safe_name("../../城关区"), safe_name(".城关区"), safe_name("城关\u202e区"), safe_name("CON"), safe_name("Lpt1.x")
    ('_.._城关区', '城关区', '城关_区', '_CON', '_Lpt1.x')
    """
    cleaned = re.sub(r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]', "_",
                     text).strip(" .")[:80]
    while len(cleaned.encode("utf-8")) > 200:  # file systems allow 255 bytes; some characters take 4
        cleaned = cleaned[:-1]
    cleaned = cleaned.rstrip(" .") or "_"
    return "_" + cleaned if WINDOWS_RESERVED.match(cleaned) else cleaned
