"""briefing — 工会会议简报材料工作簿: yearly union figures in, one briefing pack per region out.

Notebooks import from here only: this module is their face, listed in ``__all__``. The
package is laid out as the pipeline (docs/architecture.md), imports running one way:
ground floor (config, errors, params, formatting) → data/ → compute → present/ → export/
→ commands (batch, themes/, cli).
"""

# ground floor
from .config import VERSION as __version__
from .errors import BriefingError, DataError, ParameterError, RenderError, ValidationError
from .formatting import format_amount, format_number, format_percent, format_points, round_half_up
from .params import PackParams, load_meeting, read_parameters
# data in
from .data import Dataset, check_dataset, load_catalog, load_dataset
# arithmetic
from .compute import compute_metrics, compute_series, values_at
# what a pack shows
from .present.charts import chart_completion, chart_peers, chart_trend, chart_yoy
from .present.pack import (Pack, open_pack, show_cover, show_data_note, show_headlines, show_narrative,
                           show_next_targets, show_problems, show_table)
from .present.sections import (show_next_year_tasks, show_pacing, show_remaining, show_topic_overview,
                               show_topic_problems, show_topic_table, topic_indicators, topic_metrics)

__all__ = [
    "BriefingError", "DataError", "Dataset", "Pack", "PackParams", "ParameterError", "RenderError",
    "ValidationError", "chart_completion", "chart_peers", "chart_trend", "chart_yoy", "check_dataset",
    "compute_metrics", "compute_series", "format_amount", "format_number", "format_percent",
    "format_points", "load_catalog", "load_dataset", "load_meeting", "open_pack", "read_parameters",
    "round_half_up", "show_cover", "show_data_note", "show_headlines", "show_narrative",
    "show_next_targets", "show_problems", "show_table", "values_at", "__version__",
    "show_next_year_tasks", "show_pacing", "show_remaining", "show_topic_overview", "show_topic_problems",
    "show_topic_table", "topic_indicators", "topic_metrics",
]
