# The two commands of the quick start, and a few more.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-sqlite test-postgresql docs style tox bench bench-quick clean screenshots .venv-thumbor

$(STAMP): setup.py pyproject.toml requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[s3,thumbor,heif]" -r requirements-test.txt
	touch $(STAMP)

demo: $(STAMP)
	$(PY) example/demo.py

# The SQLite and PostgreSQL runs go side by side, each on its own core; the
# access-control oracle explores 100 worlds in each, 200 different ones in all.
test: $(STAMP) .venv-thumbor/bin/thumbor
	$(MAKE) -j2 --output-sync=target test-sqlite test-postgresql
	$(MAKE) docs style
	$(PY) -m django makemigrations --check --dry-run --settings=tests.settings

test-sqlite: $(STAMP) .venv-thumbor/bin/thumbor
	GALLERY_ORACLE_WORLDS=$(or $(GALLERY_ORACLE_WORLDS),100) $(PY) -m pytest

# The database-bound tests again, on a throwaway PostgreSQL server.
test-postgresql: $(STAMP)
	GALLERY_ORACLE_WORLDS=$(or $(GALLERY_ORACLE_WORLDS),100) GALLERY_ORACLE_SEED=100000 \
		$(PY) tests/postgres.py \
		$(PY) -m pytest -m "not browser" -p no:cacheprovider

docs: $(STAMP)
	$(PY) -m sphinx -W -q -b html docs docs/_build/html

# Refresh the screenshots of the documentation (docs/_static/screenshots/).
screenshots: $(STAMP)
	GALLERY_UPDATE_SCREENSHOTS=1 $(PY) -m pytest -p no:cacheprovider \
		tests/pages/test_browser.py -k "walks or in_the_browser" tests/test_example.py

style: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# Every benchmark, side by side with myks-gallery 0.9.1 in GALLERY_BASELINE_VENV
# (default .venv-baseline, created on first use); the table goes into the docs.
bench: $(STAMP)
	$(PY) tests/benchmarks/run_all.py $(BENCH_ARGS)

bench-quick: $(STAMP)
	$(PY) tests/benchmarks/run_all.py --quick $(BENCH_ARGS)

# The newest interpreter under $(pyenv root)/versions, if pyenv is there.
PYENV_ROOT ?= $(shell pyenv root 2>/dev/null)
NEWEST_PYTHON := $(lastword $(shell ls -d $(PYENV_ROOT)/versions/3.*/bin/python3 2>/dev/null | sort -V))
PYENV_PATH := $(subst $(eval) ,:,$(wildcard $(PYENV_ROOT)/versions/3.*/bin))

tox: $(STAMP)
	PATH="$(PYENV_PATH):$$PATH" GALLERY_NEWEST_PYTHON="$(or $(NEWEST_PYTHON),python3.13)" \
		$(PY) -m tox $(TOX_ARGS)

clean:
	rm -rf $(VENV) .tox docs/_build example/var .pytest_cache .hypothesis

# thumbor requires Pillow<13, so it gets a virtualenv of its own; the thumbor
# tests start its server from there (tests/fixtures/thumbor.py).
.venv-thumbor: .venv-thumbor/bin/thumbor
.venv-thumbor/bin/thumbor:
	$(PYTHON) -m venv .venv-thumbor
	.venv-thumbor/bin/pip install --quiet thumbor
