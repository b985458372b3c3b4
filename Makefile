# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit install clean diagrams bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/propdesk demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

test: lint typecheck unit

# The benchmark suite (issue #6; docs/benchmarks.md): writes bench/results/latest.json and
# latest.md, prints a summary and records the figures in docs/benchmarks.md. A smoke run on
# tiny sizes: `make bench BENCH_FLAGS=--quick` (bench/results/quick.json; docs untouched).
BENCH_FLAGS ?= --update-docs
bench: $(STAMP)
	$(BIN)/python bench/suite.py $(BENCH_FLAGS)

diagrams: $(STAMP)
	$(BIN)/propdesk lifecycle --docs > docs/lifecycles.md

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
