# igny8: `make run` sets up and starts the app; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: install run test lint bench clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/flask db upgrade
	$(BIN)/flask catalogue seed
	$(BIN)/flask users ensure-admin
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# Browser tests drive Debian's Chromium; install it when missing (sudo unless root).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

$(CHROMIUM):
	$(SUDO) apt-get update
	$(SUDO) apt-get install -y chromium

test: $(STAMP) $(CHROMIUM)
	$(BIN)/pytest $(PYTEST_ARGS)

# flake8 (style, complexity, banned request globals) and lint-imports (the layer contracts).
lint: $(STAMP)
	$(BIN)/flake8 igny8 tests bench
	$(BIN)/lint-imports

# HTTP load benchmark (gunicorn + wrk, throwaway PostgreSQL database); BENCH_ARGS="--sqlite --duration 5".
bench: $(STAMP)
	$(BIN)/python bench/http_bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
