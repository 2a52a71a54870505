# heard: `make demo` serves a demo workspace; `make test` runs every test on SQLite and PostgreSQL.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/heard
DEMO_DB ?= $(CURDIR)/heard-demo.sqlite3
PYTEST_ARGS ?=

.PHONY: install demo test test-sqlite test-postgres lint bench browser postgres nginx clean screenshots

$(BIN)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11+ is required (python3.11 or python3 on PATH)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

install: $(BIN)/.installed

demo: install
	HEARD_DB_PATH=$(DEMO_DB) $(BIN)/heard migrate --verbosity 0
	HEARD_DB_PATH=$(DEMO_DB) $(BIN)/heard demo
	@echo "Open http://127.0.0.1:8000/ and log in as owner@demo.heard.example / heard-demo-2026"
	HEARD_DB_PATH=$(DEMO_DB) $(BIN)/heard serve --host 127.0.0.1 --port 8000 --with-worker

browser:
	@scripts/ensure-chromium.sh

# The proxy tests run a real nginx in front of `heard serve`.
nginx:
	@scripts/ensure-nginx.sh

# Every main page of the demo in light, dark and at 390 px, into screenshots/ (git ignores it).
screenshots: install browser
	$(BIN)/python scripts/screenshots.py --out screenshots

postgres:
	@scripts/ensure-postgres.sh

test: install browser postgres nginx
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: install
	@echo "== tests on SQLite"
	env -u DATABASE_URL $(BIN)/pytest -n 2 $(PYTEST_ARGS)

test-postgres: install postgres
	@echo "== tests on PostgreSQL ($(PG_URL))"
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/python scripts/import_cycles.py

bench: install
	@command -v wrk >/dev/null || { echo 'bench/http_load.py needs wrk: apt-get install wrk'; exit 1; }
	$(BIN)/python bench/feedback.py --rows 100000
	$(BIN)/python bench/import_tickets.py --rows 1000000
	$(BIN)/python bench/import_tickets.py --rows 1000000 --database-url $(PG_URL)_bench
	$(BIN)/python bench/import_crash_rerun.py --rows 200000
	$(BIN)/python bench/import_crash_rerun.py --rows 200000 --database-url $(PG_URL)_bench_crash
	$(BIN)/python bench/themes.py --rows 100000
	$(BIN)/python bench/themes.py --rows 1000000
	$(BIN)/python bench/themes.py --rows 100000 --rerun
	$(BIN)/python bench/themes.py --rows 1000000 --rerun
	$(BIN)/python bench/home.py
	$(BIN)/python bench/home.py --database-url $(PG_URL)_bench_home
	$(BIN)/python bench/http_load.py
	$(BIN)/python bench/http_load.py --database-url $(PG_URL)_bench_http
	$(BIN)/python bench/themes_quality.py --csv ../shared/data/banking77.csv.gz --text-col text --label-col label
	$(BIN)/python bench/health.py --feedback 1000000 --sessions 100000 --seats 2000000
	$(BIN)/python bench/health.py --feedback 1000000 --sessions 100000 --seats 2000000 --database-url $(PG_URL)_bench

clean:
	rm -rf $(VENV) .staticfiles heard.sqlite3* heard-demo.sqlite3*
