# tongket: two commands for a new user (`make demo`, `make test`), plus helpers for developers.
SHELL := /bin/sh
PYTHON ?= $(shell scripts/find-python)
VENV := .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: demo test test-long venv venv-test venv-bench lint format check bench clean messages

# The venv is rebuilt when pyproject.toml changes; the stamp files record what was installed.
$(BIN)/python:
	@test -n "$(PYTHON)" || { scripts/find-python; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.stamp-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.stamp-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.stamp-run

$(VENV)/.stamp-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@touch $@ $(VENV)/.stamp-test $(VENV)/.stamp-run

venv: $(VENV)/.stamp-run
venv-test: $(VENV)/.stamp-test
venv-bench: $(VENV)/.stamp-bench

# The PDF reports need LibreOffice: installed with apt-get when missing and run as root.
demo: $(VENV)/.stamp-run
	@scripts/system-packages --pdf
	$(BIN)/tongket demo $(ARGS)

test: $(VENV)/.stamp-test
	$(BIN)/python -m pytest $(ARGS)

# The reliability tests that take minutes: API fuzzing, the bad-file corpus, kill -9 during an
# import, backup round trips, the read replica. .ci/run calls it after `make test`.
test-long: $(VENV)/.stamp-test
	$(BIN)/python -m pytest -m long $(ARGS)

lint: $(VENV)/.stamp-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.stamp-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: $(VENV)/.stamp-test
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# Regenerates the gettext catalogues (needs GNU gettext) and compiles them with Babel.
messages: $(VENV)/.stamp-test
	$(BIN)/python manage.py makemessages -l en -l vi --ignore=.venv --ignore=tests --ignore=bench --ignore=var --no-obsolete
	$(BIN)/python -m tongket.core.i18n_compile

bench: $(VENV)/.stamp-bench
	@scripts/system-packages --bench
	$(BIN)/python -m bench $(ARGS)

clean:
	rm -rf $(VENV) var/test-*
