# Two commands for a fresh machine (see the README): `make demo` and `make test`.
# Both create .venv and install Porch with its test tools on first use.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: demo test lint site

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/porch demo

test: $(STAMP)
	$(VENV)/bin/pytest -n auto

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

site: $(STAMP)
	$(VENV)/bin/porch site build
