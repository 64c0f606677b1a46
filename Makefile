# Two commands on a fresh machine: `make demo` and `make test`.
# Both create .venv with pip when it is missing (no conda needed) and install the project.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench venv clean-cache fixtures

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/anchor data check
	$(BIN)/anchor place data/places/lancashire.yml
	$(BIN)/anchor run collaboratives/lancashire.yml
	@echo "The demo site: $(CURDIR)/outputs/index.html"

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m anchorlib.bench

fixtures: $(STAMP)
	$(BIN)/python tests/fixtures/make_fixtures.py

clean-cache:
	rm -rf .cache
