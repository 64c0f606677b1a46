# Two commands on a fresh machine: `make demo` and `make test`.
# Both create .venv with pip when it is missing (no conda needed) and install the project.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast lint bench venv clean-cache fixtures demo-data

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The public registers (step 10): the real downloads in REGISTERS_DIR when present, else the
# committed synthetic extract (every figure it drives is labelled simulated).
REGISTERS_DIR ?= ../shared/data/registers
REAL_CH := $(wildcard $(REGISTERS_DIR)/BasicCompanyData*.zip)
REAL_CC := $(wildcard $(REGISTERS_DIR)/publicextract.charity.zip)
EXTRACT := tests/data/registers
ifneq ($(REAL_CH),)
REGISTERS := --companies-house $(REAL_CH) $(if $(REAL_CC),--charities $(REAL_CC))
else
REGISTERS := --companies-house $(EXTRACT)/BasicCompanyDataAsOneFile-2026-11-01.csv --charities $(EXTRACT)/publicextract.charity.txt
endif

demo: $(STAMP)
	$(BIN)/anchor data check-demo
	$(BIN)/anchor place data/places/lancashire.yml
	test -f outputs/lancashire/data/ledger.parquet || $(BIN)/anchor ingest collaboratives/lancashire.yml
	@$(if $(REAL_CH),echo "Public registers: $(REAL_CH) $(REAL_CC)",echo "Public registers: the real downloads are absent from $(REGISTERS_DIR); using the synthetic test extract $(EXTRACT)/ (its figures are labelled simulated)")
	$(BIN)/anchor suppliers enrich collaboratives/lancashire.yml $(REGISTERS) --quiet
	$(BIN)/anchor run collaboratives/lancashire.yml
	@echo "The demo site: $(CURDIR)/outputs/index.html"

test: $(STAMP) lint
	scripts/install-browser
	$(BIN)/python -m pytest -q

# ruff (configured in pyproject.toml): lint, and the formatting the code was written in.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Everything but the site tests (notebooks, end-to-end demo run, browser): minutes faster.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not site"

# Rebuild the committed demo extract data/demo/ from the full sources (needs ../shared or ANCHOR_DATA_DIR).
demo-data: $(STAMP)
	$(BIN)/anchor data build-demo

# The bench extra (DuckDB, the register benchmark's reference read) on top of the test install,
# in its own stamp so `make test`/`make demo` never install it.
BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks

fixtures: $(STAMP)
	$(BIN)/python tests/fixtures/make_fixtures.py

clean-cache:
	rm -rf .cache
