# The README's quick start uses exactly these targets. Only Python 3.11+ is needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Development settings, said explicitly: servers (backend.wsgi/asgi) default to production.
SETTINGS ?= backend.settings.local
MANAGE := DJANGO_SETTINGS_MODULE=$(SETTINGS) $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run serve worker test sweep faults multihost lint format schema check migrate demo bench fuzz load messages docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# migrate also applies the periodic job schedules (workers/schedules.py, a post_migrate handler).
migrate: install
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) seed_demo

# API on $(HOST):$(PORT) and a django-q2 worker beside it; Ctrl-C or SIGTERM (to make or to
# its process group) stops both: workers/launcher.py hands each one signal, once, and waits.
run: demo
	@echo "API on http://$(HOST):$(PORT)/api/v1/  (docs: /api/v1/docs/)  worker: django-q2"
	@exec env DJANGO_SETTINGS_MODULE=$(SETTINGS) $(BIN)/python -m workers.launcher \
	  -- $(BIN)/python manage.py qcluster \
	  -- $(BIN)/python manage.py runserver $(HOST):$(PORT) --noreload

serve: install
	$(MANAGE) runserver $(HOST):$(PORT)

worker: install
	$(MANAGE) qcluster

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

# The permission and privacy sweeps alone (also part of `make test`): every operation of
# schema.yml with an object id refused to everyone who may not reach it; no secret kept,
# logged or queued (README "The API contract").
sweep: install
	$(BIN)/pytest tests/api/sweep $(PYTEST_ARGS)

# Workers and database connections killed (tests/faults, marker `faults`; README "Fault tests"):
# real processes on PostgreSQL, on DATABASE_URL or this database.
FAULTS_DATABASE_URL := $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/membership_faults)
faults: install
	DATABASE_URL=$(FAULTS_DATABASE_URL) $(BIN)/pytest -m faults tests/faults $(PYTEST_ARGS)

# The Onnuri journey across three hosts that share no disk (tests/multihost, marker `multihost`;
# docs "Deployment"): the Procfile's web twice and worker once, on PostgreSQL
# (MULTIHOST_DATABASE_URL, dropped and created), Redis (MULTIHOST_REDIS_URL, emptied) and an S3
# server the test starts (moto, a dev extra).
multihost: install
	$(BIN)/pytest -m multihost tests/multihost $(PYTEST_ARGS)

# ruff, then the layers contract of pyproject.toml (import-linter; docs/decisions/layers.md).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

schema: install
	$(MANAGE) spectacular --lang en --file schema.yml --validate --fail-on-warn

messages: install
	$(MANAGE) makemessages -l ko --no-location --ignore '.venv/*' --ignore 'tests/*' --ignore 'var/*'
	$(MANAGE) compilemessages

check: lint
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	@tmp=$$(mktemp); $(MANAGE) spectacular --lang en --file $$tmp --validate --fail-on-warn && \
	  diff -u schema.yml $$tmp >/dev/null || { echo "schema.yml is out of date: run make schema"; rm -f $$tmp; exit 1; }; rm -f $$tmp

bench: install
	$(BIN)/python bench/run.py

# schemathesis against a live API and worker it starts on a throwaway database (SQLite, or
# PostgreSQL with DATABASE_URL), every operation of schema.yml as each role (README "Fuzzing").
# Bounded: FUZZ_SECONDS per role (default 60); FUZZ_EXAMPLES per operation (default 10).
fuzz: install
	$(BIN)/python -m tests.fuzz.run

# A bounded load run (bench/load.py): `make run`'s SQLite stack with 20 clients, then gunicorn on
# PostgreSQL + Redis with 100, 60 s each (LOAD_SETUPS, LOAD_CLIENTS, LOAD_SECONDS, LOAD_PORT).
load: install
	$(BIN)/python bench/load.py

# The docs/ site (mkdocs.yml, mkdocs-material) into site/, git-ignored; --strict fails on a broken
# link or anchor. NO_MKDOCS_2_WARNING quiets Material's banner about its successor.
docs: install
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

clean:
	rm -rf $(VENV) var
