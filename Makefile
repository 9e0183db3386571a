# Sivuvirta: `make run` starts the site and its jobs' consumer on demo data, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export SPATIALITE_LIBRARY_PATH ?= mod_spatialite
PORT ?= 5000
TEST_DB ?= sivuvirta_test
PG_ADMIN_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
TEST_DB_URL ?= postgresql://postgres@127.0.0.1:5432/$(TEST_DB)

.PHONY: run test install install-test spatialite translations extract-messages postgis-test-db benchmarks prod-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed spatialite translations

install-test: $(VENV)/.installed-test spatialite translations

# SpatiaLite is a system library: apt-get when root on Debian/Ubuntu, else say how.
spatialite:
	@if ! $(BIN)/python -c "import pysqlite3.dbapi2 as s; c = s.connect(':memory:'); c.enable_load_extension(True); c.load_extension('$(SPATIALITE_LIBRARY_PATH)')" 2>/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing SpatiaLite with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libsqlite3-mod-spatialite >/dev/null; \
	  else \
	    echo "SpatiaLite is missing. Install it and run make again:"; \
	    echo "  Debian/Ubuntu: sudo apt-get install -y libsqlite3-mod-spatialite"; \
	    echo "  macOS (Homebrew): brew install libspatialite, then export SPATIALITE_LIBRARY_PATH=\$$(brew --prefix)/lib/mod_spatialite.dylib"; \
	    exit 1; \
	  fi; \
	fi

translations: $(BIN)/python
	$(BIN)/pybabel compile -d marketplace/translations -D messages

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --no-location --sort-output -o marketplace/translations/messages.pot marketplace matching templates
	$(BIN)/pybabel update -N -i marketplace/translations/messages.pot -d marketplace/translations -D messages

run: install
	$(BIN)/sivuvirta db upgrade
	$(BIN)/sivuvirta demo load
	@echo
	@echo "Sivuvirta runs at http://127.0.0.1:$(PORT)  (Ctrl-C stops it)"
	@$(BIN)/python -m marketplace.demo --sign-ins
	@# The queue's consumer beside the site (mail, large imports, match refreshes); Ctrl-C stops both.
	@$(BIN)/sivuvirta jobs worker & worker=$$!; \
	  trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/flask --app marketplace run --port $(PORT)

# A fresh PostGIS database for the tests when a local PostgreSQL answers. PostGIS is a
# system package: apt-get when root on Debian/Ubuntu, else the tests run on SpatiaLite only.
postgis-test-db:
	@if ! command -v psql >/dev/null || ! psql "$(PG_ADMIN_URL)" -qtAc 'select 1' >/dev/null 2>&1; then \
	  echo "No local PostgreSQL: the tests run on SpatiaLite only"; exit 0; \
	fi; \
	available() { [ -n "$$(psql "$(PG_ADMIN_URL)" -qtAc "select 1 from pg_available_extensions where name = 'postgis'")" ]; }; \
	spatialite_only() { \
	  echo "$$1: the tests run on SpatiaLite only."; \
	  echo "  To test on PostGIS too (Debian/Ubuntu): sudo apt-get install -y postgresql-$$major-postgis-3"; \
	  if [ -n "$$SIVUVIRTA_REQUIRE_POSTGIS" ]; then echo "SIVUVIRTA_REQUIRE_POSTGIS is set: stopping"; exit 1; fi; \
	  exit 0; \
	}; \
	major=$$(psql "$(PG_ADMIN_URL)" -qtAc 'show server_version_num' | cut -c1-2); \
	if ! available; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing PostGIS for PostgreSQL $$major with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-$$major-postgis-3 >/dev/null; \
	    available || spatialite_only "PostGIS could not be installed with apt-get"; \
	  else \
	    spatialite_only "PostgreSQL runs without PostGIS"; \
	  fi; \
	fi; \
	psql "$(PG_ADMIN_URL)" -qc 'DROP DATABASE IF EXISTS $(TEST_DB) WITH (FORCE)' >/dev/null && \
	psql "$(PG_ADMIN_URL)" -qc 'CREATE DATABASE $(TEST_DB)' >/dev/null || \
	  spatialite_only "The test database $(TEST_DB) could not be made"; \
	psql "$(TEST_DB_URL)" -qc 'CREATE EXTENSION postgis' >/dev/null || \
	  spatialite_only "PostGIS could not be enabled in $(TEST_DB)"; \
	echo "PostGIS test database $(TEST_DB) ready"

test: install-test postgis-test-db
	@if [ -z "$$SIVUVIRTA_TEST_POSTGIS_URL" ] && psql "$(TEST_DB_URL)" -qtAc 'select postgis_version()' >/dev/null 2>&1; then \
	  export SIVUVIRTA_TEST_POSTGIS_URL="$(TEST_DB_URL)"; \
	fi; \
	$(BIN)/python -m pytest $(PYTEST_ARGS)

benchmarks: install-test
	$(BIN)/python benchmarks/bench_matching.py
	$(BIN)/python benchmarks/bench_listings.py

# The README's production set-up on this machine (own PostgreSQL+PostGIS, Redis, gunicorn
# with four workers, the job consumer) under a 50-user load and faults: docs/operations.md.
prod-check: install
	$(BIN)/pip install --quiet -e '.[redis,load]'
	$(BIN)/python deploy/prod_check.py $(PROD_CHECK_ARGS)

clean:
	rm -rf $(VENV) instance *.egg-info
