# Everything runs from the project's own virtualenv, built from requirements.txt.
VENV   ?= .venv
PYTHON ?= python3
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed-$(shell sha256sum requirements.txt | cut -c1-12)

.PHONY: venv plan test bench clean

venv: $(STAMP)

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

## Render all three stacks offline (no CLI, backend or credentials) and print their tables.
plan: venv
	$(PY) -m tools.synth --stack all --format markdown

## The test suite (what CI runs), on every core.
test: venv
	$(PY) -m pytest -q -n auto

## The benchmark: writes bench/results.md (a script, not a timed test).
bench: venv
	$(PY) -m tools.bench

clean:
	rm -rf $(VENV) .pytest_cache
