# An Sinh: `make run` starts the app with demo data, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# Python keeps compiled modules (and pytest its rewritten tests) in __pycache__ unless this variable is
# set, as it is on some machines: then every worker, app server and CLI subprocess compiles the code again.
KEEP_BYTECODE := env -u PYTHONDONTWRITEBYTECODE

.PHONY: run test test-fast bench lint screens system-deps chromium

$(BIN)/ansinh: pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

# Debian's python3 needs python3-venv for `python -m venv`; installed when missing and run as root.
system-deps:
	@$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv; \
	  else echo "Cần cài python3-venv (sudo apt-get install python3-venv)"; exit 1; fi; }

# Browser tests drive Debian's Chromium; installed when missing and run as root.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Cần cài chromium (sudo apt-get install chromium)"; exit 1; fi; }

run: $(BIN)/ansinh
	$(KEEP_BYTECODE) $(BIN)/ansinh db init --demo
	$(KEEP_BYTECODE) $(BIN)/streamlit run app.py --server.port $(PORT) --server.maxUploadSize $${ANSINH_MAX_UPLOAD_MB:-20}

# The suite runs on one worker more than the machine has cores (pytest-xdist; TEST_WORKERS=1 runs it in one
# process): the browser tests wait on the browser and the server about half the time, so a third worker
# on 2 cores finished the suite in 397 s against 483 s with two (and 554 s with four); on a faster 2-core
# machine 262 s with three against 290 s with four. Each worker has its own PostgreSQL database, SQLite
# files and e2e server; the template databases are built once per run.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))

test: $(BIN)/ansinh chromium
	$(KEEP_BYTECODE) $(BIN)/python -m pytest -n $(TEST_WORKERS)

# Everything but the browser tests, for a quick loop while editing.
test-fast: $(BIN)/ansinh
	$(KEEP_BYTECODE) $(BIN)/python -m pytest -n $(TEST_WORKERS) --ignore=tests/e2e

bench: $(BIN)/ansinh
	$(BIN)/python -m bench

# Screenshots of every page for every demo role in OUT (default: a new temporary folder); error boxes and
# English words are printed, and an error box fails the command.
screens: $(BIN)/ansinh chromium
	$(BIN)/python -m tests.e2e.screens $(OUT)

lint: $(BIN)/ansinh
	$(BIN)/ruff check .
