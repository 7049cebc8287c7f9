"""Benchmarks of the briefing workbook and the national-scale synthetic data they run on (not part of the package)."""
