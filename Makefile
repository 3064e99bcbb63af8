# make demo   trains the course's flower network, writes plots and the model to out/
# make test   lint, type-check and run the whole test suite
# make notebooks  installs JupyterLab into .venv and opens notebooks/ (the course's assignments)
# make notebook-outputs  runs the worked notebooks as the tests do and stores them with their outputs
# make docs       builds the documentation site into site/ (strict: a warning fails it; offline)
# make docs-serve serves the site on http://127.0.0.1:8000, rebuilding as files change
# Each creates .venv on first use and installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HASH   := $(shell cksum pyproject.toml | cut -d' ' -f1)
DEMO_STAMP := $(VENV)/.demo-$(HASH)
TEST_STAMP := $(VENV)/.test-$(HASH)
LAB_STAMP  := $(VENV)/.lab-$(HASH)
DOCS_STAMP := $(VENV)/.docs-$(HASH)
# Material for MkDocs prints a notice about MkDocs 2.0 on every build; the site does not use it
MKDOCS := NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs

.PHONY: demo test lint typecheck pytest clean notebooks notebook-outputs docs docs-serve

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[all]"
	rm -f $(VENV)/.demo-*
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	rm -f $(VENV)/.test-* $(VENV)/.demo-*
	touch $@ $(DEMO_STAMP)

$(LAB_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[lab]"
	rm -f $(VENV)/.lab-*
	touch $@

$(DOCS_STAMP): pyproject.toml | $(BIN)/python
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 11) and "make docs needs \
	Python 3.11 or newer (Material for MkDocs and mkdocstrings do): make clean, then \
	make docs PYTHON=python3.11")'
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	rm -f $(VENV)/.docs-*
	touch $@

notebooks: $(LAB_STAMP)
	$(BIN)/jupyter lab notebooks/

notebook-outputs: $(TEST_STAMP)
	$(BIN)/python tests/notebook_outputs.py

docs: $(DOCS_STAMP)
	$(MKDOCS) build --strict --site-dir site

docs-serve: $(DOCS_STAMP)
	$(MKDOCS) serve --strict

demo: $(DEMO_STAMP)
	@echo "The course's flower (planar assignment): 4 tanh units, learning rate 1.2, 10,000 iterations,"
	@echo "seed 2 and float64 as in the course, so the costs printed are the course's: 0.693048 at"
	@echo "iteration 0, 0.288083 at 1000, ... (figures after 7000 vary with the CPU's BLAS, see docs/course.md)"
	$(BIN)/nndl train --data planar --hidden 4 --activation tanh --lr 1.2 --epochs 10000 \
		--seed 2 --dtype float64 --plots out --save out/flower.npz

lint: $(TEST_STAMP)
	$(BIN)/ruff check $(wildcard src tests benchmarks docs/hooks)
	$(BIN)/ruff format --check $(wildcard src tests benchmarks docs/hooks)
	$(BIN)/lint-imports

typecheck: $(TEST_STAMP)
	$(BIN)/mypy

pytest: $(TEST_STAMP)
	$(BIN)/python -m pytest

test: lint typecheck pytest

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis out site
