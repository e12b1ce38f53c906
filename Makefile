# The three commands of the README. Each one sets up .venv first (only when it is missing or
# older than requirements.txt / package-lock.json), so a fresh clone needs Python 3.11+ only.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.setup-done
export NO_MKDOCS_2_WARNING := 1
# The build and the tests do many small matrix operations: one BLAS thread each is fastest.
export OPENBLAS_NUM_THREADS ?= 1


.PHONY: setup serve build test clean

setup: $(STAMP)

$(STAMP): requirements.txt package.json package-lock.json
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed, found " + sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/npm ci --no-audit --no-fund --loglevel=error
	touch $@

# --dirty: an edit rebuilds only the pages it affects (hooks/serve_incremental.py); overrides/
# (theme templates) is watched too.
serve: $(STAMP)
	$(BIN)/mkdocs serve --dirty --watch overrides --dev-addr 127.0.0.1:$(PORT)

build: $(STAMP)
	$(BIN)/mkdocs build --strict --site-dir site

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf site .cache .pytest_cache .hypothesis
