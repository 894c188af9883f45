# Dais: `make run` serves the demo city, `make test` runs every test.
# Both set themselves up from nothing: virtual environment, packages, database.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
export HOST PORT
JOBS ?= auto

.PHONY: run worker messages test test-fast test-sqlite test-postgres install install-test migration translations clean bench

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed tests/requirements.txt tests/js/package.json
	$(PY) -m pip install --quiet -r tests/requirements.txt
	cd tests/js && npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed translations

install-test: install $(VENV)/.installed-test
	@if [ "$$CI" = "true" ] && ! command -v chromium >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

# After adding user-facing strings: extract them and merge into the Spanish catalog.
messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -k N_ -o /tmp/dais-messages.pot .
	$(VENV)/bin/pybabel update -i /tmp/dais-messages.pot -d app/translations

translations: $(VENV)/.installed
	$(VENV)/bin/pybabel -q compile -d app/translations

run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@# The packet worker runs beside the web server and stops with it.
	$(PY) -m app.packets.worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; $(PY) wsgi.py

worker: install
	$(PY) -m app.packets.worker

# The whole suite on SQLite, then again on PostgreSQL (when reachable; always in CI).
test: install-test
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite:
	DAIS_TEST_DB=sqlite $(PY) -m pytest -n $(JOBS) $(PYTEST_ARGS)

test-postgres:
	@if [ "$$CI" = "true" ] || $(PY) -c "from tests.dbs import postgres_reachable as r; raise SystemExit(0 if r() else 1)"; then \
		DAIS_TEST_DB=postgresql $(PY) -m pytest -n $(JOBS) $(PYTEST_ARGS); \
	else echo "PostgreSQL not reachable: skipping the PostgreSQL run"; fi

test-fast: install-test
	DAIS_TEST_DB=sqlite $(PY) -m pytest -n $(JOBS) -m "not e2e" $(PYTEST_ARGS)

# After changing models: regenerate a migration, then read and fix it.
migration: install
	$(FLASK) db migrate -m "$(MESSAGE)"

bench: install-test
	$(PY) -m bench

clean:
	rm -rf $(VENV) tests/js/node_modules instance/dais.sqlite3
