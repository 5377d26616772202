# misper — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
# Django 6 needs Python 3.12 or newer: take the first one found on PATH or under pyenv.
PYTHON ?= $(shell for p in python3.12 python3.13 /root/.pyenv/versions/3.12*/bin/python3.12 /usr/bin/python3.12 /usr/local/bin/python3.12; do $$p -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1 && { echo $$p; break; }; done)
DEPS_HASH := $(shell cat pyproject.toml constraints.txt 2>/dev/null | sha256sum | cut -c1-12)
STAMP := $(VENV)/.installed-$(DEPS_HASH)
DEV_STAMP := $(VENV)/.installed-dev-$(DEPS_HASH)

.PHONY: help install install-dev run serve test test-sqlite test-postgres lint audit bench browser-deps clean

help:
	@echo "make run    install, migrate, seed a demo force and serve on http://127.0.0.1:$(PORT)/"
	@echo "make test   install test tools and run the whole suite (SQLite, then PostgreSQL)"
	@echo "make bench  run the benchmarks under bench/ (not part of make test)"

$(STAMP):
	@test -n "$(PYTHON)" || { echo "misper needs Python 3.12 or newer (Django 6). Install python3.12."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade "pip>=25" setuptools wheel
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e .
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP) $@

install-dev: $(DEV_STAMP)

run: install
	@mkdir -p var
	$(BIN)/misper migrate --no-input -v 0
	$(BIN)/misper compilecatalogue -v 0
	$(BIN)/misper seed --if-empty
	$(BIN)/misper national demo --if-empty --out var/national-demo
	bash scripts/run.sh --port $(PORT)

browser-deps:
	@bash scripts/ensure-chromium.sh

lint: install-dev
	$(BIN)/ruff check misper bench tests
	$(BIN)/ruff format --check misper bench tests
	$(BIN)/mypy

test-sqlite: install-dev browser-deps
	env -u DATABASE_URL $(BIN)/pytest -q

test-postgres: install-dev
	@bash scripts/ensure-postgres.sh
	DATABASE_URL=$${TEST_POSTGRES_URL:-$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/misper}} $(BIN)/pytest -q -m "not browser"

# Known vulnerabilities in the pinned dependencies: pip-audit when a service answers, else the committed
# offline snapshot (scripts/audit-deps.sh, docs/trust.md). Never needs the network.
audit: install-dev
	sh scripts/audit-deps.sh

test: lint audit test-sqlite
	@if [ "$${CI:-}" = "true" ] || [ -n "$${TEST_POSTGRES_URL:-}" ] || [[ "$${DATABASE_URL:-}" == postgres* ]] || pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then \
		$(MAKE) --no-print-directory test-postgres; \
	else echo "PostgreSQL run skipped: no server at 127.0.0.1:5432 and TEST_POSTGRES_URL unset (CI makes it mandatory)."; fi

bench: install-dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var/*.sqlite3* var/static
