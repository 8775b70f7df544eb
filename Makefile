# Thementisch Metall portal. `make run` and `make test` work on a fresh machine
# with Python 3.11+; everything else they need is installed into .venv.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export DEBUG ?= 1
PYTEST_ARGS ?=

.PHONY: help install run migrate demo test lint format worker beat messages check-deploy bench clean

help:
	@echo "make run      set up, migrate, load demo data and serve on http://$(HOST):$(PORT)"
	@echo "make test     run every check and test (what CI runs)"
	@echo "make worker   Celery worker (needs CELERY_BROKER_URL)"
	@echo "make beat     Celery beat scheduler (needs CELERY_BROKER_URL)"
	@echo "make messages update and compile translations"
	@echo "make lint     ruff"
	@echo "make bench    benchmarks on PostgreSQL with wrk (SMOKE=1 for a quick run)"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || (echo "Python 3.11 or newer is needed" && exit 1)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

run: demo
	$(PY) manage.py runserver $(HOST):$(PORT)

test: export DEBUG = 0
test: install
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run --settings=thementisch.settings.test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

worker: install
	$(VENV)/bin/celery -A thementisch worker --loglevel=INFO --concurrency=$${CELERY_CONCURRENCY:-2}

beat: install
	$(VENV)/bin/celery -A thementisch beat --loglevel=INFO --schedule=$${CELERY_BEAT_SCHEDULE_FILE:-.celerybeat-schedule}

messages: install
	$(PY) manage.py makemessages --locale=de --locale=en --ignore=.venv --ignore=tests --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

check-deploy: install
	DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	ALLOWED_HOSTS=portal.example.org SITE_URL=https://portal.example.org \
	$(PY) manage.py check --deploy --fail-level WARNING

# Benchmarks against a separate PostgreSQL database (BENCH_DATABASE_URL,
# default postgres://postgres@127.0.0.1:5432/thementisch_bench) with wrk.
# SMOKE=1: tiny data and a few seconds of load (CI runs this).
bench: install
	$(PY) bench/run.py $(if $(SMOKE),--smoke,) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
