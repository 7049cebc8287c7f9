"""Excel returns: one module per stage of reading a sheet (grid → header and period → rows → totals) and the workbook.

``read_workbook`` reads every sheet of a workbook into tidy figures with a report per
sheet; ``load_dataset_excel`` gives the ``Dataset`` of a workbook.
"""

from .workbook import WorkbookImport, check_workbook, load_dataset_excel, read_returns, read_workbook, workbook_dataset

__all__ = ["WorkbookImport", "check_workbook", "load_dataset_excel", "read_returns", "read_workbook", "workbook_dataset"]
