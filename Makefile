# Everything runs from the project's own virtualenv, built from requirements.txt, with the
# contract package `vital` installed from pyproject.toml (editable).
VENV   ?= .venv
PYTHON ?= python3
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | sha256sum | cut -c1-12)

.PHONY: venv plan doctor bootstrap test bench mutate clean

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

## Render all three stacks offline (no CLI, backend or credentials) and print their tables.
plan: venv
	$(PY) -m tools.synth --stack all --format markdown

## Preflight before the first `pulumi up`: what would stop the CLI, each with its fix (exit 1 when anything would).
doctor: venv
	$(PY) -m tools.doctor --stack all

## The state backend and the CI's identities (bootstrap/): an operator's first run and every later one (docs/bootstrap.md).
bootstrap: venv
	bootstrap/run.sh

## The test suite (what CI runs), on every core.
test: venv
	$(PY) -m pytest -q -n auto

## The benchmark: writes bench/results.md (a script, not a timed test).
bench: venv
	$(PY) -m tools.bench

## Mutation testing of the rules, the policies and the config: writes bench/mutation.md (a report, not a gate: it takes a while).
mutate: venv
	$(PY) -m tools.mutate

clean:
	rm -rf $(VENV) .pytest_cache
