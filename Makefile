# The two documented commands: `make run` and `make test`. Everything else serves them.
SHELL := /bin/bash
# uv runs as a module of the machine's python3, wherever pip put it.
UV := python3 -m uv
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
# Python threads per worker: 8, so that publishes waiting for the write lock never hold every
# thread a read needs; granian's default (hundreds) costs ~50 MB of RSS per worker under load
# (docs/performance.md, "Threads per worker" and "Publishing"). A server that mostly translates
# runs THREADS=16: engine batches of up to 16 requests.
THREADS ?= 8
# Supported languages come from the one constant in app/i18n/locales.py.
LANGUAGES = $(shell $(PY) -c "from app.i18n.locales import SUPPORTED_LANGUAGES as L; print(' '.join(L))")
POT := locales/messages.pot
CATALOGS = $(foreach l,$(LANGUAGES),locales/$(l)/LC_MESSAGES/messages.po)

.PHONY: run test setup lint typecheck check pytest extract update-catalogs compile bench soak clean

# The compiled UI catalogs (found on disk: the venv that names the languages may not exist yet).
COMPILED = $(patsubst %.po,%.mo,$(wildcard locales/*/LC_MESSAGES/messages.po))

setup: .venv/.synced $(COMPILED)

.venv/.synced: pyproject.toml uv.lock
	$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv \
	  || python3 -m pip install --quiet --user --break-system-packages uv
	$(UV) sync --frozen
	touch $@

# pybabel workflow: extract → update → compile. Compiled .mo files are build output.
extract: .venv/.synced
	$(PY) -m babel.messages.frontend extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 \
	  -k lazy_gettext --sort-by-file --no-wrap --project dépêche -o $(POT) .

update-catalogs: extract
	for l in $(LANGUAGES); do $(PY) -m babel.messages.frontend update -i $(POT) \
	  -d locales -l $$l --no-wrap; done

compile: .venv/.synced
	$(PY) -m babel.messages.frontend compile -d locales --statistics

# A catalog is compiled when it changed since its .mo: a second `make run` starts at once.
locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po .venv/.synced
	$(PY) -m babel.messages.frontend compile -d locales -l $* --statistics

# The content store: schema brought up to date (its own step, before any worker starts), and
# the seed in data/ imported into a new, empty store. Workers add up their metrics in a fresh
# folder (prometheus-client multiprocess mode).
# Ctrl-C signals the whole foreground process group. granian's workers were in it, and a worker
# signalled by the terminal and then by granian could wait forever ("Shutting down" in about two
# runs of three; granian 2.8.7 and 2.8.9 alike, also with a bare Flask app). So granian, and the
# job consumer beside it, get process groups of their own, and scripts/serve (which the recipe
# becomes, `exec`) hands an INT, TERM or HUP to granian's main process alone, which stops its
# workers, then a TERM to the consumer. Its handlers are set before either starts: a signal is
# never missed (a shell's trap around `set -m` and `wait` missed one now and then). A worker
# still importing the app when the stop comes misses it (it runs the signal handler it inherited
# from the main process): granian kills it after STOP_TIMEOUT seconds, which also bounds how long
# running requests may take to finish; a granian still there STOP_TIMEOUT + 3 s after the stop
# is killed, and so is a consumer still there 5 s after granian (its jobs are idempotent).
# Workers add up their metrics in a fresh folder (prometheus-client multiprocess mode).
STOP_TIMEOUT ?= 2
run: setup
	.venv/bin/depeche db upgrade
	.venv/bin/depeche import --if-empty
	exec $(PY) scripts/serve $(STOP_TIMEOUT) -- .venv/bin/granian --interface wsgi \
	  --host $(HOST) --port $(PORT) --workers $(WORKERS) --blocking-threads $(THREADS) \
	  --workers-kill-timeout $(STOP_TIMEOUT) "app.wsgi:app" -- .venv/bin/depeche jobs worker

lint: .venv/.synced
	.venv/bin/ruff check app tests bench scripts
	.venv/bin/ruff format --check app tests bench scripts
	.venv/bin/hadolint --failure-threshold warning Dockerfile

typecheck: .venv/.synced
	.venv/bin/mypy

# Debian packages the tests drive: Chromium for tests/browser (never `playwright install`, which
# downloads a build), fonts with stable metrics, nginx for the scale-out test, wrk for the short
# soak, gettext's msgfmt for the catalog check, redis-server for the job queue on Redis, curl for
# bodies over HTTP/2, PostgreSQL for the second run of the suite (tests/postgres.py starts a
# throwaway server of its own). A test whose tool is missing fails, naming it. A temporary
# policy-rc.d keeps apt from starting nginx as a service on port 80, and PostgreSQL's default
# cluster on 5432.
TEST_TOOLS := /usr/bin/chromium /usr/sbin/nginx /usr/bin/wrk /usr/bin/msgfmt /usr/bin/redis-server \
  /usr/bin/pg_ctlcluster /usr/bin/curl
$(TEST_TOOLS) &:
	apt-get update -qq
	if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; \
	  chmod 755 /usr/sbin/policy-rc.d; trap 'rm -f /usr/sbin/policy-rc.d' EXIT; fi; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	  chromium fonts-dejavu-core nginx wrk gettext redis-server postgresql curl

# The whole suite on SQLite, then every test that reaches the store again on PostgreSQL.
pytest: setup | $(TEST_TOOLS)
	.venv/bin/pytest -q
	.venv/bin/pytest -q --store=postgresql

# Prove every fact of data/ on a throwaway store (never the developer's own database).
check: setup
	store=$$(mktemp -d) && trap 'rm -rf "$$store"' EXIT && \
	  export DEPECHE_DATABASE_URL=sqlite:///$$store/check.sqlite3 && \
	  .venv/bin/depeche import data && .venv/bin/depeche check

test: setup lint typecheck check pytest

# Load tools come from Debian; only ever aimed at 127.0.0.1.
soak: setup
	command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	.venv/bin/python bench/soak.py

bench: setup | /usr/bin/pg_ctlcluster
	command -v wrk >/dev/null && command -v hyperfine >/dev/null || \
	  { apt-get update -qq && apt-get install -y -qq wrk hyperfine; }
	.venv/bin/python bench/run.py
	.venv/bin/python bench/translation.py
	.venv/bin/python bench/suggest.py
	.venv/bin/python bench/scale.py
	.venv/bin/python bench/jobs.py --write
	.venv/bin/python bench/syndication.py
	.venv/bin/python bench/kill.py
	.venv/bin/python bench/ingest.py
	.venv/bin/python bench/postgres.py

clean:
	rm -rf .venv locales/*/LC_MESSAGES/*.mo .pytest_cache .mypy_cache .ruff_cache
