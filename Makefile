# Set-up and everyday commands. `make compare` runs the main job, `make test` the tests;
# both create the virtual environment in .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The wheels of a plain `pip install sklstm` and of its build backend, so that
# tests/test_wheel.py builds and installs the package in a fresh virtual environment
# offline (nothing downloads in the tests).
WHEELHOUSE := $(VENV)/wheelhouse
WHEELHOUSE_STAMP := $(WHEELHOUSE)/.complete
# Development and CI pin the CPU build of torch; where a local wheel folder exists, use it.
TORCH_PIN ?= torch==2.13.0
FIND_LINKS := $(if $(wildcard /opt/wheels),--find-links /opt/wheels)
PYTEST_ARGS ?=
# In this project the IMDB archive lies in ../shared/datasets.
ifneq ($(wildcard ../shared/datasets/aclImdb_v1.tar.gz),)
export SKLSTM_DATA ?= $(abspath ../shared/datasets)
endif

.PHONY: setup test test-fast compare bench bench-accuracy docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check $(FIND_LINKS) "$(TORCH_PIN)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check $(FIND_LINKS) -e ".[dev]" "$(TORCH_PIN)"
	touch $@

# `pip download .` resolves the runtime dependencies of the plain install from
# pyproject.toml (it saves no sklstm file itself), with the CPU build of torch;
# setuptools is the build backend of [build-system] (about 300 MB in all).
$(WHEELHOUSE_STAMP): pyproject.toml $(STAMP)
	rm -rf $(WHEELHOUSE)
	$(BIN)/python -m pip download --quiet --disable-pip-version-check --only-binary=:all: \
		--dest $(WHEELHOUSE) $(FIND_LINKS) . "$(TORCH_PIN)" "setuptools>=64"
	touch $@

setup: $(STAMP) $(WHEELHOUSE_STAMP)

test: $(STAMP) $(WHEELHOUSE_STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

compare: $(STAMP)
	$(BIN)/sklstm compare --dataset imdb $(ARGS)

# Performance figures of issue 4 (about 10 minutes; --quick for a smoke run).
bench: $(STAMP)
	$(BIN)/python benchmarks/perf.py $(ARGS)

# Accuracy figures of issue 5: one IMDB model per run, e.g. ARGS="lstm_default nbsvm".
bench-accuracy: $(STAMP)
	$(BIN)/python benchmarks/accuracy.py $(ARGS)

# The HTML documentation, in docs/_build/html; warnings are errors, as in the tests.
docs: $(STAMP)
	$(BIN)/python -m sphinx -W --keep-going -b html docs docs/_build/html

clean:
	rm -rf docs/_build docs/generated $(VENV) .pytest_cache .hypothesis build *.egg-info
