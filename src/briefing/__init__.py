"""briefing — 工会会议简报材料工作簿: yearly union figures in, one briefing pack per region out.

Notebooks import from here only: this module is their face, listed in ``__all__``. The
package is laid out as the pipeline (docs/architecture.md), imports running one way:
ground floor (config, errors, params, formatting) → data/ → compute → present/ → export/
→ commands (batch, themes/, cli).
"""

import importlib as _importlib
import sys as _sys

# jsonschema (under Altair and nbformat) imports rfc3987_syntax when it is installed, and that compiles a Lark
# grammar at import: 1.3 to 3.6 s of CPU in every process (command, worker, kernel), only to check strings of the
# "iri" formats, which neither the Vega-Lite nor the notebook schema uses. Left out unless already imported.
_sys.modules.setdefault("rfc3987_syntax", None)

from .config import VERSION as __version__  # noqa: E402

# The face, read on first use: a command or a worker that needs only part of the package (the worker printing
# PDFs needs no pandas or Altair) imports only that part. ``from briefing import x`` and ``briefing.x`` work as before.
_FACE = {
    ".errors": ("BriefingError", "DataError", "ParameterError", "RenderError", "ValidationError"),   # ground floor
    ".formatting": ("format_amount", "format_number", "format_percent", "format_points", "round_half_up"),
    ".params": ("PackParams", "load_meeting", "read_parameters"),
    ".data": ("Dataset", "check_dataset", "load_catalog", "load_dataset"),                          # data in
    ".compute": ("compute_metrics", "compute_series", "values_at"),                                 # arithmetic
    ".present.charts": ("chart_completion", "chart_peers", "chart_trend", "chart_yoy"),             # what a pack shows
    ".present.pack": ("Pack", "open_pack", "show_cover", "show_data_note", "show_headlines", "show_narrative",
                      "show_problems", "show_table"),
    ".present.sections": ("show_next_targets", "show_next_year_tasks", "show_pacing", "show_remaining",
                          "show_topic_overview", "show_topic_problems", "show_topic_table", "topic_indicators",
                          "topic_metrics"),
}
_WHERE = {name: module for module, names in _FACE.items() for name in names}

__all__ = [*_WHERE, "__version__"]


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'briefing' has no attribute '{name}'")
    value = getattr(_importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
