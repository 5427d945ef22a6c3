# Pappus: the two commands that matter are `make run` and `make test`.
#   make run        install into .venv, migrate, load demo data, serve on http://127.0.0.1:$(PORT)
#                   beside the local Stripe-compatible server (127.0.0.1:$(STRIPE_PORT))
#   make test       every test: import contracts, migration check + suite on SQLite, the same
#                   on a throwaway PostgreSQL (when its binaries exist), then the browser tests
# Smaller pieces: make venv | db-upgrade | demo | test-imports | test-migrations | test-sqlite |
#                 test-postgres | test-e2e | clean
# Pass pytest options with PYTEST_ARGS, e.g. `make test-sqlite PYTEST_ARGS='-x -k login'`.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
# Phases share the terminal and (for PostgreSQL) a server: run them one after another.
.NOTPARALLEL:

PORT ?= 5000
# The local Stripe-compatible server (devtools/stripe_server.py) that `make run` starts.
STRIPE_PORT ?= 8420
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask
PYTEST := $(BIN)/pytest
PYTEST_ARGS ?=
export FLASK_APP := wsgi

# The machine's pip config names extra local indexes that may not exist; pip warns about
# each on every run. Drop only that line; every other warning and error stays visible.
PIP_NOISE := is ignored: it is neither a file nor a directory

.PHONY: help venv translations run db-upgrade demo test test-imports test-migrations test-sqlite test-postgres \
        test-postgres-inner test-e2e clean

help:
	@sed -n '1,/^$$/s/^# \{0,1\}//p' $(firstword $(MAKEFILE_LIST))

venv: $(VENV)/.installed translations

# Compiled message catalogs (.mo) from the translators' .po files, rebuilt only when a .po
# is newer. A no-op when the .mo files are already there and current.
PO_FILES := $(wildcard marketplace/translations/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)
translations: $(MO_FILES)
%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel -q compile -i $< -o $@

# Reinstalls whenever either requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	@if [ ! -x $(BIN)/python ]; then \
	  echo "Creating $(VENV) with $(PYTHON) ($$($(PYTHON) --version 2>&1))"; \
	  $(PYTHON) -m venv $(VENV); \
	fi
	@echo "Installing requirements-dev.txt into $(VENV)"
	@$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt 2>&1 \
	  | { grep -v -F '$(PIP_NOISE)' || true; }
	@touch $@

# ---- running ----------------------------------------------------------------------------

db-upgrade: venv
	@mkdir -p instance
	$(FLASK) db upgrade

demo: db-upgrade
	$(FLASK) demo load

# Development config: instance/pappus.db unless DATABASE_URL says otherwise. Data is kept
# between runs (upgrade and demo load are both safe to repeat). honcho runs the Procfile:
# the web server and the local Stripe server, each line prefixed with its name.
run: demo
	@echo "Pappus is running at http://127.0.0.1:$(PORT)  (Ctrl-C stops it, the local Stripe server and the scheduler)"
	@STRIPE_PORT=$(STRIPE_PORT) WEB_PORT=$(PORT) \
	  PAPPUS_STRIPE_API_BASE=http://127.0.0.1:$(STRIPE_PORT) \
	  PAPPUS_STRIPE_JS_URL=http://127.0.0.1:$(STRIPE_PORT)/js.stripe.com/v3/ \
	  $(BIN)/honcho start -f Procfile -p $(PORT)

# ---- testing ----------------------------------------------------------------------------

# Every phase runs even when an earlier one fails, so one run shows every problem; the
# summary at the end lists each phase's result and time, and any failure fails the build.
test: venv
	@export PHASE_SUMMARY=$$(mktemp); trap 'rm -f "$$PHASE_SUMMARY" "$$PHASE_SUMMARY.out"' EXIT; rc=0; \
	scripts/phase.sh "import contracts (layers, no cycles)" $(MAKE) --no-print-directory test-imports || rc=1; \
	scripts/phase.sh "migration check (SQLite)" $(MAKE) --no-print-directory test-migrations || rc=1; \
	scripts/phase.sh "test suite (SQLite)" $(MAKE) --no-print-directory test-sqlite || rc=1; \
	scripts/phase.sh "migration check + test suite (PostgreSQL)" $(MAKE) --no-print-directory test-postgres || rc=1; \
	scripts/phase.sh "browser tests (Chromium)" $(MAKE) --no-print-directory test-e2e || rc=1; \
	echo; echo "make test summary:"; cat "$$PHASE_SUMMARY"; \
	if [ $$rc -eq 0 ]; then echo "make test: every phase passed."; else echo "make test: FAILED" >&2; fi; \
	scripts/test-totals.sh "$$PHASE_SUMMARY.out"; \
	exit $$rc

# The layer order and the no-cycles rule (.importlinter): a few seconds, no database.
test-imports: venv
	$(BIN)/lint-imports --no-logo --no-cache

# On a throwaway SQLite file unless DATABASE_URL is set (test-postgres sets it).
test-migrations: venv
	@scripts/check-migrations.sh

# The suite's conftest uses TEST_DATABASE_URL when set; unset it so this run is SQLite.
# pytest exits 5 when it collects nothing, which fails the build like any other error.
test-sqlite: venv
	env -u TEST_DATABASE_URL -u DATABASE_URL $(PYTEST) tests --ignore=tests/e2e $(PYTEST_ARGS)

test-postgres: venv
	@scripts/with-postgres.sh $(MAKE) --no-print-directory test-postgres-inner

# Runs inside scripts/with-postgres.sh, which exports DATABASE_URL and TEST_DATABASE_URL.
test-postgres-inner:
	@test -n "$${TEST_DATABASE_URL:-}" || { echo "run this through scripts/with-postgres.sh" >&2; exit 2; }
	@rc=0; scripts/check-migrations.sh || rc=1; \
	echo "$(PYTEST) tests --ignore=tests/e2e $(PYTEST_ARGS)"; \
	$(PYTEST) tests --ignore=tests/e2e $(PYTEST_ARGS) || rc=1; \
	exit $$rc

test-e2e: venv
	@env -u TEST_DATABASE_URL -u DATABASE_URL scripts/run-e2e.sh $(PYTEST_ARGS)

# Generated files only; instance/pappus.db (your local data) and .venv are kept.
# `make clean-all` also removes those.
clean:
	rm -rf .pytest_cache tests/e2e/artifacts
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

.PHONY: clean-all
clean-all: clean
	rm -rf $(VENV) instance/pappus.db instance/localstripe
