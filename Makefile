# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' && { echo $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install setup demo lint lint-fix migrations-check test-sqlite test-postgres test-e2e test-topology test-faults system-deps messages bench clean

$(VENV)/.installed: requirements.lock
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed (python3.11, python3.12 or python3.13)."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

install: $(VENV)/.installed

## make run: install, migrate, load reference and demo data, serve on http://127.0.0.1:8000/
# Links the site writes (e-mails, certificates' QR codes) point where it is served, unless SITE_URL says otherwise.
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: setup
	@echo ""
	@echo "  RTCM platform: http://$(HOST):$(PORT)/  (admin workspace: http://$(HOST):$(PORT)/admin/)"
	@$(PY) manage.py demo_logins
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

setup: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_data

## make test: lint, migrations check, the suite on SQLite, again on PostgreSQL with a real Celery
## worker on Redis, the browser tests, a smoke run of the production topology and the fault tests.
test: install system-deps lint migrations-check test-sqlite test-postgres test-e2e test-topology test-faults
	@echo "make test: all stages finished."

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

lint-fix: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

test-sqlite: install
	@echo "== Test suite on SQLite (Celery eager) =="
	$(PY) -m pytest -m "not e2e and not topology and not faults" -p no:cacheprovider -q --durations=15

test-postgres: install
	@echo "== Test suite on PostgreSQL with a real Celery worker on Redis =="
	@status=0; $(PY) tests/services.py postgres redis || status=$$?; \
	if [ $$status -eq 0 ]; then \
	  DATABASE_URL=$${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/rtcm} \
	  CELERY_BROKER_URL=$${TEST_BROKER_URL:-redis://127.0.0.1:6379/14} RTCM_TEST_TASKS=worker \
	  $(PY) -m pytest -m "not e2e and not topology and not faults" -p no:cacheprovider -q --durations=15; \
	elif [ $$status -eq 2 ]; then exit 1; fi

test-e2e: install
	@echo "== Browser tests in headless Chromium =="
	@status=0; $(PY) tests/services.py chromium || status=$$?; \
	if [ $$status -eq 0 ]; then $(PY) -m pytest -m e2e -p no:cacheprovider -q --durations=15; elif [ $$status -eq 2 ]; then exit 1; fi

test-topology: install
	@echo "== Smoke run of the production topology (platform/) =="
	@status=0; $(PY) tests/services.py postgres redis || status=$$?; \
	if [ $$status -eq 0 ]; then $(PY) -m pytest -m topology -p no:cacheprovider -q --durations=15; elif [ $$status -eq 2 ]; then exit 1; fi

## Fault tests: each starts its own redis-server or PostgreSQL cluster on a free port, breaks it by PID and
## checks the site survives (tests/faults/). Never touches the machine's shared servers.
# Never connected to: it only makes the process start as a PostgreSQL one (the search index's models are chosen by
# the database's kind when Django starts); tests/faults/conftest.py then moves the test database to its own cluster.
FAULTS_DATABASE_URL = postgres://postgres@127.0.0.1:9/rtcm_faults_placeholder
test-faults: install
	@echo "== Fault tests (private redis-server and PostgreSQL, killed and restarted) =="
	@status=0; $(PY) tests/services.py redis-server postgres-server || status=$$?; \
	if [ $$status -eq 0 ]; then DATABASE_URL=$(FAULTS_DATABASE_URL) $(PY) -m pytest -m faults -p no:cacheprovider -q --durations=15; elif [ $$status -eq 2 ]; then exit 1; fi

## Debian packages the tests need (Chromium for the browser tests, poppler-utils for the PDF text); installed when missing and root.
system-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is not installed and this is not root: the browser tests will skip (CI must have it)."; fi; \
	fi
	@if ! command -v pdftotext >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's poppler-utils (pdftotext) for the PDF pack tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; \
	  else echo "pdftotext is not installed and this is not root: the PDF text tests will skip (CI must have it)."; fi; \
	fi
	@if ! command -v msgfmt >/dev/null 2>&1 && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; fi

## Regenerate the az and ru catalogues after changing strings, then translate and `make messages` again.
messages: install
	$(PY) manage.py makemessages -l az -l ru --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=media --ignore=var --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv

bench: install
	@shopt -s nullglob; scripts=(bench/*.py); [ $${#scripts[@]} -gt 0 ] || echo "No benchmark scripts yet (see bench/README.md)."; \
	for script in "$${scripts[@]}"; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
