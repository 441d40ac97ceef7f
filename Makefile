# Two virtualenvs' worth of pins, both locked with hashes by pip-compile (`make lock`):
# requirements.txt, the runtime (the program, both policy packs, the tools CI's privileged jobs run),
# and requirements-dev.txt, the runtime plus tests and operator tools. `make venv` installs the
# second (every target below), `make runtime` only the first (infra-deploy and infra-drift). pip's
# hash-checking mode is all-or-nothing per invocation: each file is installed by one of its own.
VENV   ?= .venv
PYTHON ?= python3
PY      = $(VENV)/bin/python
PIP     = $(PY) -m pip install --quiet --disable-pip-version-check
DEV     = $(VENV)/.installed-dev-$(shell cat requirements.txt requirements-dev.txt pyproject.toml | sha256sum | cut -c1-12)
RUNTIME = $(VENV)/.installed-runtime-$(shell cat requirements.txt pyproject.toml | sha256sum | cut -c1-12)
# pip-tools, only to write the two locks (not part of either).
PIP_TOOLS = pip-tools==7.6.2
LOCK      = $(VENV)-lock/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
            --no-emit-index-url --no-emit-find-links --resolver backtracking

.PHONY: venv runtime lock plan doctor bootstrap lint test bench mutate clean

venv: $(DEV)

$(DEV): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) --require-hashes -r requirements-dev.txt
	$(PIP) --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $@

## The runtime only, every package pinned and hashed: what infra-deploy and infra-drift install (never the test toolchain).
runtime: $(RUNTIME)

$(RUNTIME): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) --require-hashes -r requirements.txt
	$(PIP) --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $@

## Re-lock both requirement files from requirements.in and requirements-dev.in (needs PyPI; keeps existing pins unless an .in file changes them).
lock:
	$(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/python -m pip install --quiet --disable-pip-version-check $(PIP_TOOLS)
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK) --output-file requirements.txt requirements.in
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK) --output-file requirements-dev.txt requirements-dev.in

## Render all three stacks offline (no CLI, backend or credentials) and print their tables.
plan: venv
	$(PY) -m tools.synth --stack all --format markdown

## Preflight before the first `pulumi up`: what would stop the CLI, each with its fix (exit 1 when anything would).
doctor: venv
	$(PY) -m tools.doctor --stack all

## The state backend and the CI's identities (bootstrap/): an operator's first run and every later one (docs/bootstrap.md).
bootstrap: venv
	bootstrap/run.sh

## ruff (lint and format check) and mypy over everything but tests/ (pyproject.toml configures both); CI runs it.
lint: venv
	$(VENV)/bin/ruff check --quiet .
	$(VENV)/bin/ruff format --check --quiet .
	$(VENV)/bin/mypy
	for entry in __main__.py policies/__main__.py bootstrap/__main__.py bootstrap/policies/__main__.py; do \
	    $(VENV)/bin/mypy "$$entry" || exit 1; done

## The test suite (what CI runs), on every core.
# Bytecode is written even where the environment sets PYTHONDONTWRITEBYTECODE: otherwise every python
# subprocess the tests start compiles this project's modules again, and each worker rewrites every
# test module's asserts again (bench/README.md, "The suite's time", has the measurements).
test: venv
	env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest -q -n auto

## The benchmark: writes bench/results.md (a script, not a timed test).
bench: venv
	$(PY) -m dev.bench

## Mutation testing of the rules, the policies and the config: writes bench/mutation.md (a report, not a gate: it takes a while).
mutate: venv
	$(PY) -m dev.mutate

clean:
	rm -rf $(VENV) $(VENV)-lock .pytest_cache
