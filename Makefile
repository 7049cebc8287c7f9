# briefing — the README's commands. `make help` lists them.
.DEFAULT_GOAL := help
VENV := .venv/bin
MEETING ?= params/sample-annual-2025.yaml

help:  ## List the commands
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup:  ## Install system packages and the .venv (what rendering needs)
	scripts/setup.sh

sample: setup  ## Install, then render the sample meeting (every region, HTML + PDF) into outputs/
	$(VENV)/briefing render $(MEETING)

render: setup  ## Render a meeting: make render MEETING=params/<meeting>.yaml
	$(VENV)/briefing render $(MEETING)

test:  ## Install what the tests need, then run the whole test suite (slow end-to-end tests included), one worker per core
	scripts/setup.sh --test
	$(VENV)/python -m pytest -n auto

test-fast: ## Run the tests without the slow end-to-end ones
	$(VENV)/python -m pytest -n auto -m "not slow"

lab:  ## Open JupyterLab on the project with its kernel, to edit theme notebooks (works offline)
	$(VENV)/briefing lab

bench: setup  ## Install, then run the benchmark suite and write bench/results.md (long; make bench QUICK=1 for a short run)
	@$(VENV)/python -c "import psutil" 2>/dev/null || $(VENV)/python -m pip install -q -c requirements/test.lock psutil  # the bench extra, at its locked version
	$(VENV)/python -m bench.run $(if $(QUICK),--quick)

notebooks:  ## Regenerate the .ipynb files from their paired .py (jupytext) files
	$(VENV)/jupytext --sync notebooks/*.py

bundle: setup  ## Make the offline bundle for machines with no network (see README): dist/briefing-offline-<version>-<commit>/ and .tar
	$(VENV)/python scripts/bundle.py

lock:  ## Refresh requirements/*.lock (exact versions + hashes) from pyproject.toml; make lock UPGRADE=1 moves every package to the newest allowed
	scripts/lock.sh

golden:  ## Rewrite the golden files under tests/golden/ (metrics, chart specs, narrative) after a deliberate change; review with git diff
	$(VENV)/python scripts/refresh_golden.py
	BRIEFING_UPDATE_GOLDEN=1 $(VENV)/python -m pytest -q tests/test_presentation.py

.PHONY: help setup sample render test test-fast notebooks lab golden bench lock bundle
