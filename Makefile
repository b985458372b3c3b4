# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit install clean diagrams docs bench lock mutation catalogues screenshots

# Every dependency, the build backend included, comes from requirements.lock: exact
# versions with their hashes, so a clone installs next month what it installs today.
# `make lock` writes it anew from pyproject.toml (README: updating the dependencies).
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
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

# The benchmark suite (docs/benchmarks.md): writes bench/results/latest.json and
# latest.md, prints a summary and records the figures in docs/benchmarks.md. A smoke run on
# tiny sizes: `make bench BENCH_FLAGS=--quick` (bench/results/quick.json; docs untouched).
BENCH_FLAGS ?= --update-docs
bench: $(STAMP)
	$(BIN)/python bench/suite.py $(BENCH_FLAGS)

# Mutation testing (docs/testing.md): cosmic-ray, plus statement deletion from
# tools/mutation, over the SLA rules, the calendar and the lifecycle tables, one mutant
# at a time against the tests that cover each module. Not part of `make test`.
# One module: `make mutation MUTATION_MODULES=calendar`; after adding tests, only the
# mutants that survived the last run: `make mutation MUTATION_FLAGS=--survivors`.
MUTATION_MODULES ?=
MUTATION_FLAGS ?=
$(VENV)/.mutation-operators: $(STAMP) tools/mutation/pyproject.toml
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e tools/mutation
	touch $@

mutation: $(VENV)/.mutation-operators
	$(BIN)/python tools/mutation/run.py $(MUTATION_FLAGS) $(MUTATION_MODULES)

diagrams: $(STAMP)
	$(BIN)/propdesk lifecycle --docs > docs/lifecycles.md

# The generated documents: the lifecycle diagrams and the table of commands.
docs: diagrams
	$(BIN)/python -m workflow.command_docs > docs/commands.md

# The console's message catalogues (docs/console.md): extracts the interface's text from
# its templates and code into messages.pot and merges it into each language's catalogue;
# then translate the entries left empty in zh_CN (the tests fail until every one is).
LOCALE := src/api/console/locale
catalogues: $(STAMP)
	$(BIN)/pybabel extract -F pyproject.toml -k N_ -k translate:2 --no-location \
		--sort-output --omit-header -o $(LOCALE)/messages.pot .
	for lang in zh_CN en; do \
		$(BIN)/pybabel update -i $(LOCALE)/messages.pot -d $(LOCALE) -l $$lang \
			--no-fuzzy-matching --omit-header --ignore-obsolete || exit 1; \
	done

# A PNG of each console page on demo data, into docs/console/ (scripts/screenshots.py):
# Playwright drives Debian's Chromium (apt-get install chromium fonts-noto-cjk libatomic1).
screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) .lock-env .mypy_cache .ruff_cache .pytest_cache .hypothesis .mutation

# uv resolves; pip installs. uv runs from a throwaway environment of its own, pinned here.
UV_VERSION := 0.13.9
lock:
	test -x .lock-env/bin/uv || ($(PYTHON) -m venv .lock-env && .lock-env/bin/python -m pip install --quiet uv==$(UV_VERSION))
	.lock-env/bin/uv pip compile pyproject.toml requirements-build.in --extra dev \
		--generate-hashes --universal --python-version 3.11 --quiet -o requirements.lock
