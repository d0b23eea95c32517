# The two commands of the README: `make run` (a demo shop at http://127.0.0.1:8000)
# and `make test`. Both create .venv and install into it when needed; an install runs
# again only when its requirements file changes (stamp files in .venv).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
COV := --cov=notifications --cov=accounts --cov=catalog --cov=sales --cov=returns --cov=petshop --cov=audit

.DEFAULT_GOAL := help
.PHONY: help run serve test lint migrate seed check ci clean bench bench-quick

help:
	@echo "make run    - install, migrate, seed the demo shop, serve it on http://$(HOST):$(PORT) with a task worker"
	@echo "make serve  - the production server (serve.py: granian) on \$$PORT with the current environment"
	@echo "make test   - install the dev requirements and run the whole test suite with coverage"
	@echo "make lint   - ruff (lint + format check) and the import layers (lint-imports)"
	@echo "make check  - Django's system checks and the missing-migrations check"
	@echo "make ci     - what CI runs (.ci/run: both databases, deploy checks, .ci/checks/*.sh)"
	@echo "make bench  - build 1k- and 100k-product shops in PostgreSQL, load them with wrk, print the table"
	@echo "make bench-quick - the same on the 1k-product shop only, short runs (BENCH_QUICK=1)"
	@echo "make clean  - remove the virtualenv, the SQLite database and collected static files"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Runtime requirements only (enough to run the shop).
$(VENV)/.installed-runtime: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

# Tests and tooling on top (requirements-dev.txt includes requirements.txt).
$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@ $(VENV)/.installed-runtime

migrate: $(VENV)/.installed-runtime
	$(BIN)/python manage.py migrate --no-input

seed: migrate
	PORT=$(PORT) $(BIN)/python manage.py seed_demo

# The web server and a background worker (emails...), both stopped by one Ctrl-C.
run: seed
	PYTHON=$(BIN)/python HOST=$(HOST) PORT=$(PORT) scripts/run_dev.sh

# Production: granian configured from the environment (serve.py, .env.example). Migrate and
# collectstatic are release steps (README, "Deploying"), not part of starting a server.
serve: $(VENV)/.installed-runtime
	PORT=$(PORT) $(BIN)/python serve.py

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(COV) --cov-report=term-missing:skip-covered $(PYTEST_ARGS)

# Fast (seconds): CI runs it before the tests. The layers are in .importlinter.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

check: $(VENV)/.installed-runtime
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

ci:
	bash .ci/run

# Needs PostgreSQL and Redis on 127.0.0.1 and wrk; serves the shop with serve.py (bench/).
# Databases, port and Redis from BENCH_DB_PREFIX, BENCH_PORT, BENCH_REDIS_URL.
bench: $(VENV)/.installed-runtime
	bench/run.sh

bench-quick: $(VENV)/.installed-runtime
	BENCH_QUICK=1 bench/run.sh

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-shm db.sqlite3-wal staticfiles .coverage
