# The two commands of the quick start, and a few more.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-sqlite test-postgresql docs style bench clean .venv-thumbor

$(STAMP): setup.py pyproject.toml requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[s3,thumbor]" -r requirements-test.txt
	touch $(STAMP)

demo: $(STAMP)
	$(PY) example/demo.py

test: test-sqlite test-postgresql docs style
	$(PY) -m django makemigrations --check --dry-run --settings=tests.settings

test-sqlite: $(STAMP)
	$(PY) -m pytest

# The database-bound tests again, on a throwaway PostgreSQL server.
test-postgresql: $(STAMP)
	$(PY) tests/postgres.py $(PY) -m pytest -m "not browser" -p no:cacheprovider

docs: $(STAMP)
	$(PY) -m sphinx -W -q -b html docs docs/_build/html

style: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

clean:
	rm -rf $(VENV) .tox docs/_build example/var .pytest_cache .hypothesis

# thumbor requires Pillow<13, so it gets a virtualenv of its own; the thumbor
# tests start its server from there (tests/fixtures/thumbor.py).
.venv-thumbor: .venv-thumbor/bin/thumbor
.venv-thumbor/bin/thumbor:
	$(PYTHON) -m venv .venv-thumbor
	.venv-thumbor/bin/pip install --quiet thumbor
