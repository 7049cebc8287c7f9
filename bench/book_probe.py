"""Time to bind a rendered meeting's packs into the meeting book (汇编), in a fresh process.

    python -m bench.book_probe bench/data/meeting-render-n24.yaml --out bench/results/outputs

Prints one JSON line: seconds (the book alone: reading the packs' PDFs, its own pages, stamping page
numbers, bookmarks, writing), its pages and the number of packs bound.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import types
from pathlib import Path


def probe(meeting_file: str, outputs: str) -> dict:
    from briefing import config
    from briefing.data import load_dataset
    from briefing.export.book import FINGERPRINT, write_book
    from briefing.export.files import safe_name
    from briefing.params import load_meeting
    meeting = load_meeting(meeting_file)
    ds = load_dataset(meeting.data_dir)
    out_dir = Path(outputs) / safe_name(meeting.slug)
    names = [n for n in ds.regions["name"] if (out_dir / safe_name(n) / config.PACK_PDF).is_file()]
    batch = types.SimpleNamespace(meeting=meeting, out_dir=out_dir, packs=[types.SimpleNamespace(region=n) for n in names])
    (out_dir / FINGERPRINT).unlink(missing_ok=True)   # build it, never skip
    t0 = time.perf_counter()
    info = write_book(batch, ds)
    seconds = time.perf_counter() - t0
    return {"seconds": round(seconds, 3), "pages": info.get("pages", 0), "packs": len(info.get("starts", {})),
            "own_pages": info.get("own_pages", 0), "bytes": (out_dir / config.BOOK_PDF).stat().st_size}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.book_probe")
    parser.add_argument("meeting")
    parser.add_argument("--out", required=True, help="the outputs folder the meeting was rendered into")
    args = parser.parse_args(argv)
    print(json.dumps(probe(args.meeting, args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
