"""Commands for editors of theme notebooks: read a theme without running it, check it for every region, scaffold one, open Lab."""

from .check import CheckResult, RegionRun, check_theme, explain, locate_failure, run_region
from .lab import lab_command
from .notebook import Problem, check_indicator_ids, check_notebook, check_pairing, read_notebook
from .scaffold import available_themes, check_theme_name, find_meeting_file, new_theme

__all__ = ["CheckResult", "Problem", "RegionRun", "available_themes", "check_indicator_ids", "check_notebook",
           "check_pairing", "check_theme", "check_theme_name", "explain", "find_meeting_file", "lab_command",
           "locate_failure", "new_theme", "read_notebook", "run_region"]
