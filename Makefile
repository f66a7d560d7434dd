# Thi đua — the two commands a developer needs: `make run` and `make test`.
# Everything else (venv, install, migrate, demo data) happens on the way.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
DEMO_BRANCHES ?= 2000
# Translations are compiled only when a catalogue is newer than its .mo (saves a Django start-up).
PO := $(wildcard locale/*/LC_MESSAGES/*.po)
MO := $(PO:.po=.mo)

# Compiled modules (and pytest's rewritten test modules) are cached under .venv, outside the work
# tree, even where the environment turns bytecode writing off: otherwise every pytest worker and
# every manage.py command compiles the whole project again (~2 s of CPU each).
export PYTHONPYCACHEPREFIX := $(abspath $(VENV))/pycache
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run serve worker test lint check messages migrate demo bench clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --disable-pip-version-check -q -r requirements-dev.txt
	touch $(STAMP)

var:
	mkdir -p var

messages: $(MO)

$(MO): %.mo: %.po | $(STAMP)
	$(PY) manage.py compile_translations

migrate: $(STAMP) var messages
	$(PY) manage.py migrate --noinput -v 0

demo: migrate
	$(PY) manage.py demo_setup --branches $(DEMO_BRANCHES)

run: demo
	$(PY) manage.py collectstatic --noinput -v 0
	@echo "Thi đua: http://$(HOST):$(PORT)/"
	$(PY) manage.py runserver $(HOST):$(PORT)

# Production: gunicorn (gunicorn.conf.py) with static files from WhiteNoise, compressed. Run the
# background worker beside it (`make worker`); docs/deploy.md has the whole topology.
serve: migrate
	$(PY) manage.py collectstatic --noinput -v 0
	$(VENV)/bin/gunicorn thidua.wsgi

# With CELERY_BROKER_URL set: a Celery worker with the minute's jobs (beat); without a broker,
# tasks run inside the web process and `run_jobs --loop` sends the reminders. At a lower CPU
# priority (nice 10): on a shared VM, a deadline burst's uploads come first, their e-mails after.
worker: migrate
	@if [ -n "$$CELERY_BROKER_URL" ]; then nice -n 10 $(VENV)/bin/celery -A thidua worker -B -l info; \
	else $(PY) manage.py run_jobs --loop; fi

# Coverage is measured on every run, with a floor (configured in pyproject.toml).
test: $(STAMP) var messages
	$(PY) manage.py makemigrations --check --dry-run -v 1
	$(PY) -m ruff check .
	$(PY) -m ruff format --check -q .
	$(PY) -m pytest -q -n auto --cov=thidua --cov-report=term-missing:skip-covered --cov-fail-under=90

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# Small sizes by default (a couple of minutes); `make bench BENCH_ARGS=--full` for those of docs/benchmarks.md.
bench: $(STAMP) messages
	$(PY) bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var staticfiles
