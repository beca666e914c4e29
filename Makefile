# Peta Sentra UMKM Kota Malang: make run (start the app), make test (lint + all tests).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# The install is redone when pyproject.toml changes (stamp named after its hash).
STAMP  := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-16)

.PHONY: install run test lint system-deps

install: $(STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $@

run: install
	$(PY) -m geo demo --if-empty
	$(PY) -m streamlit run server.py --server.headless true --browser.gatherUsageStats false

system-deps:
	bash scripts/ensure-system-deps.sh

# Ruff, then the layer contract of geo/ ([tool.importlinter] in pyproject.toml).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

test: install system-deps lint
	$(PY) -m pytest -n 2
