#!/usr/bin/env bash
# The loop an analyst writes without `briefing render`: for each region, one after another,
# run the notebook with the papermill CLI, export it with the nbconvert CLI (no code shown),
# then print the HTML to PDF with the WeasyPrint CLI. bench/run.py times it as way (a).
#
#   bench/naive_loop.sh REGIONS_FILE OUT_DIR YEAR DATA_DIR MEETING MEETING_DATE [NOTEBOOK]
#
# REGIONS_FILE holds one region name a line. Run it from the repository root with the
# project's .venv/bin on PATH (`. .venv/bin/activate`).
set -euo pipefail
regions_file=$1 out=$2 year=$3 data_dir=$4 meeting=$5 meeting_date=$6
notebook=${7:-notebooks/annual_plenary.ipynb}

mkdir -p "$out"
mapfile -t regions < "$regions_file"
for region in "${regions[@]}"; do
  papermill "$notebook" "$out/$region.ipynb" \
    -p region "$region" -p year "$year" -p data_dir "$data_dir" \
    -p meeting "$meeting" -p meeting_date "$meeting_date"
  jupyter nbconvert --to html --no-input "$out/$region.ipynb"
  weasyprint "$out/$region.html" "$out/$region.pdf"
done
