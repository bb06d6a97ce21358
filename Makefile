# Two commands for a new machine with Python 3.11+:
#   make serve   build and serve the site with the example visits at http://127.0.0.1:8000
#   make test    lint, type-check and run the test suite
# The first run creates .venv and installs everything; later runs reuse it.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The generator compiled to bytecode whenever a source file changes: where Python writes none
# of its own (PYTHONDONTWRITEBYTECODE, as in some CI images), every command would compile it
# again (about 0.1 s of `handbook check`).
BYTECODE := $(VENV)/.compiled
SOURCES  := $(wildcard generator/*.py generator/*/*.py)

export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build check test lint schema bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=python3.12 for example)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

$(BYTECODE): $(STAMP) $(SOURCES)
	@$(BIN)/python -m compileall -q generator
	@touch $@

serve: $(STAMP) $(BYTECODE)
	$(BIN)/handbook serve

build: $(STAMP) $(BYTECODE)
	$(BIN)/handbook build

check: $(STAMP) $(BYTECODE)
	$(BIN)/handbook check

schema: $(STAMP) $(BYTECODE)
	$(BIN)/handbook schema

lint: $(STAMP) $(BYTECODE)
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

# make bench SIZES="100 1000 3000" (default 100 1000); benchmarks/bench_build.py says more.
bench: $(STAMP) $(BYTECODE)
	$(BIN)/python benchmarks/bench_build.py $(SIZES)

clean:
	rm -rf site site-preview .handbook-build-* .pytest_cache .mypy_cache .ruff_cache
