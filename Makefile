# Ecosys — two commands: `make run` (set up and start) and `make test` (set up and test).
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?= -n 2

.PHONY: run test test-postgres lint bench browser clean messages help

help:
	@echo "make run    set up (venv, dependencies, database, IMM programme, admin) and start on http://127.0.0.1:8000"
	@echo "make test   set up and run the whole test suite (SQLite; DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make lint   ruff, mypy (django-stubs), import-linter"
	@echo "make bench  run every benchmark under tests/bench/ and print the figures"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Ecosys needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements/prod.lock requirements/dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements/dev.lock
	$(BIN)/python -m pip install --disable-pip-version-check -q --no-deps -e .
	@touch $@

run: $(STAMP)
	$(BIN)/ecosys run

browser:
	@scripts/ensure-chromium

test: $(STAMP) browser
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: $(STAMP) browser
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m tests.bench

messages: $(STAMP)
	cd src/ecosys && ECOSYS_VAR_DIR=$$(mktemp -d) ../../$(BIN)/django-admin makemessages -l fr -l ar -l en --no-obsolete --no-location --settings=ecosys.config.settings
	cd src/ecosys && ECOSYS_VAR_DIR=$$(mktemp -d) ../../$(BIN)/django-admin compilemessages --settings=ecosys.config.settings

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
