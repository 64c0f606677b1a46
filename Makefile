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

demo: $(STAMP)
	$(BIN)/anchor data check-demo
	$(BIN)/anchor place data/places/lancashire.yml
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

bench: $(STAMP)
	$(BIN)/python -m benchmarks

fixtures: $(STAMP)
	$(BIN)/python tests/fixtures/make_fixtures.py

clean-cache:
	rm -rf .cache
