# The two commands of the quick start, and a few more.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The demo gets a virtualenv of its own, with only what the example site needs.
DEMO_VENV := .venv-demo
DEMO_STAMP := $(DEMO_VENV)/.installed
PORT ?= 8000

# The newest interpreter under $(pyenv root)/versions, if pyenv is there.
PYENV_ROOT ?= $(shell pyenv root 2>/dev/null)
NEWEST_PYTHON := $(if $(PYENV_ROOT),$(lastword $(shell ls -d $(PYENV_ROOT)/versions/3.*/bin/python3 2>/dev/null | sort -V)))
NEWEST_PYTHON_IS_RECENT := $(if $(NEWEST_PYTHON),$(shell $(NEWEST_PYTHON) -c "import sys; print(sys.version_info >= (3, 12))" 2>/dev/null))
PYENV_PATH := $(subst $(eval) ,:,$(wildcard $(PYENV_ROOT)/versions/3.*/bin))

.PHONY: demo test test-sqlite test-postgresql test-django6 docs style tox bench bench-quick clean screenshots .venv-thumbor

$(STAMP): pyproject.toml requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[s3,thumbor]" -r requirements-test.txt
	touch $(STAMP)

# The package is installed as users install it, again when its sources change.
$(DEMO_STAMP): pyproject.toml $(shell find gallery -type f -not -path "*/__pycache__/*")
	test -x $(DEMO_VENV)/bin/python || $(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(DEMO_VENV)/bin/python -m pip install --quiet ".[demo]"
	touch $(DEMO_STAMP)

# The example site on http://127.0.0.1:$(PORT)/, for example `make demo PORT=8080`.
demo: $(DEMO_STAMP)
	$(DEMO_VENV)/bin/python example/demo.py --port $(PORT)

# The SQLite, PostgreSQL and Django 6 runs go side by side (most of their time
# is spent waiting on servers and subprocesses); the access-control oracle
# explores 100 worlds in the first two, 200 different ones, and 20 more under
# Django 6, whose run is there to catch what Django 6 breaks.
test: $(STAMP) .venv-thumbor/bin/thumbor
	$(MAKE) -j3 --output-sync=target test-sqlite test-postgresql test-django6
	$(MAKE) docs style
	$(PY) -m django makemigrations --check --dry-run --settings=tests.settings

test-sqlite: $(STAMP) .venv-thumbor/bin/thumbor
	GALLERY_ORACLE_WORLDS=$(or $(GALLERY_ORACLE_WORLDS),100) $(PY) -m pytest

# The database-bound tests again, on a throwaway PostgreSQL server.
test-postgresql: $(STAMP)
	GALLERY_ORACLE_WORLDS=$(or $(GALLERY_ORACLE_WORLDS),100) GALLERY_ORACLE_SEED=100000 \
		$(PY) tests/postgres.py \
		$(PY) -m pytest -m "not browser" -p no:cacheprovider

# The suite but the browser tests under the newest Django 6 on the newest
# Python of $(pyenv root)/versions, if it is 3.12 or newer (Django 6 needs it),
# so that a break on Django 6 fails here and not on a user's site.
test-django6: $(STAMP)
ifeq ($(NEWEST_PYTHON_IS_RECENT),True)
	PATH="$(PYENV_PATH):$$PATH" GALLERY_NEWEST_PYTHON="$(NEWEST_PYTHON)" \
		GALLERY_ORACLE_WORLDS=$(or $(GALLERY_ORACLE_WORLDS),20) GALLERY_ORACLE_SEED=200000 \
		$(PY) -m tox -e newest-django6 -- -m "not browser"
else
	@echo "test-django6: skipped: Django 6 needs Python 3.12 or newer, and none was found" \
		"under $(or $(PYENV_ROOT),\$$(pyenv root))/versions"
endif

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

tox: $(STAMP)
	PATH="$(PYENV_PATH):$$PATH" GALLERY_NEWEST_PYTHON="$(or $(NEWEST_PYTHON),python3.13)" \
		$(PY) -m tox $(TOX_ARGS)

clean:
	rm -rf $(VENV) $(DEMO_VENV) .tox docs/_build example/var .pytest_cache .hypothesis

# thumbor requires Pillow<13, so it gets a virtualenv of its own; the thumbor
# tests start its server from there (tests/fixtures/thumbor.py).
.venv-thumbor: .venv-thumbor/bin/thumbor
.venv-thumbor/bin/thumbor:
	$(PYTHON) -m venv .venv-thumbor
	.venv-thumbor/bin/pip install --quiet thumbor
