# spmo: every target does its own set-up (an idempotent .venv).
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLE := examples/northwind.json

.PHONY: setup run test lint bench bench-quick bench-load clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

run: setup
	$(BIN)/spmo solve $(EXAMPLE)

# the store's tests run on SQLite and on PostgreSQL: tests/postgres.sh installs,
# starts and prepares a local server unless SPMO_TEST_POSTGRES_URL names one;
# tests/chromium.sh installs Debian's chromium for the pages drawn in a browser
test: setup
	tests/chromium.sh
	url="$${SPMO_TEST_POSTGRES_URL:-$$(tests/postgres.sh)}" && \
	SPMO_TEST_POSTGRES_URL="$$url" $(BIN)/python -m pytest -n 2 tests

lint: setup
	$(BIN)/ruff check .

bench: setup
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/load.py

bench-quick: setup
	$(BIN)/python benchmarks/run.py --quick
	$(BIN)/python benchmarks/load.py --quick

# the HTTP load run alone (20 clients; SECONDS=120 by default)
bench-load: setup
	$(BIN)/python benchmarks/load.py --duration $${SECONDS_LOAD:-120}

clean:
	rm -rf $(VENV) build *.egg-info
