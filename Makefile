# Laurel: `make demo` to try it, `make test` to run the whole suite.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
DEMO_ENV := LAUREL_DEBUG=1 LAUREL_REQUIRE_2FA=0 LAUREL_ASSOCIATION_NAME=云州市科学技术协会
HOST ?= 127.0.0.1
PORT ?= 8000
INTEROP := tests/interop

.PHONY: demo test lint format migrate messages system-deps serve clean bench cluster cluster-stop chaos

$(VENV)/.installed: requirements.lock
	@PYTHON=$$(scripts/find-python) || exit 1; \
	  [ -x $(PY) ] || "$$PYTHON" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	@touch $@

system-deps:
	@scripts/system-deps

# The independent verifier's npm packages (tests/certificates/test_independent_verifier.py), exactly as locked.
$(INTEROP)/node_modules/.installed: $(INTEROP)/package.json $(INTEROP)/package-lock.json | system-deps
	npm ci --prefix $(INTEROP) --no-audit --no-fund --loglevel=error
	@touch $@

messages: $(VENV)/.installed
	@LAUREL_DEBUG=1 $(PY) manage.py compilemessages --verbosity 0 --ignore=.venv --ignore=var

migrate: $(VENV)/.installed messages
	$(DEMO_ENV) $(PY) manage.py migrate --verbosity 0
	$(DEMO_ENV) $(PY) manage.py createcachetable

demo: migrate
	$(DEMO_ENV) $(PY) manage.py seed_demo
	@echo ""
	@echo "Laurel is serving at http://$(HOST):$(PORT)/  (Ctrl-C stops it; the background worker and scheduler stop with it)"
	@$(DEMO_ENV) $(PY) manage.py requeue_stuck_tasks --minutes 1 >/dev/null
	@$(DEMO_ENV) $(PY) manage.py worker --queue-name '*' --no-reload >var/worker.log 2>&1 & WORKER=$$!; \
	  $(DEMO_ENV) $(PY) manage.py scheduler >var/scheduler.log 2>&1 & SCHEDULER=$$!; \
	  trap "kill $$WORKER $$SCHEDULER 2>/dev/null" EXIT INT TERM; \
	  $(DEMO_ENV) $(PY) manage.py runserver $(HOST):$(PORT) --noreload

test: $(VENV)/.installed system-deps messages $(INTEROP)/node_modules/.installed
	$(BIN)/pytest -n 2 --dist loadgroup -q -m "not alone" $(PYTEST_ARGS)
	$(BIN)/pytest -q -m alone $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Every benchmark script (not the WSGI entry points nor the shared helpers `_*.py`), each bounded by BENCH_TIMEOUT
# seconds; all temporary files go to one folder removed at the end, even when a script fails or is killed.
BENCH_TIMEOUT ?= 1200
bench: $(VENV)/.installed
	@scratch=$$(mktemp -d -t laurel-bench-XXXXXX); trap 'rm -rf "$$scratch"' EXIT INT TERM; failed=""; \
	  for script in bench/*.py; do \
	    case $$script in *_wsgi.py|bench/_*|*/cluster_chaos.py) continue;; esac; \
	    echo "== $$script"; \
	    TMPDIR=$$scratch LAUREL_DEBUG=1 timeout --kill-after=30 $(BENCH_TIMEOUT) $(PY) $$script || failed="$$failed $$script"; \
	  done; \
	  if [ -n "$$failed" ]; then echo "failed:$$failed"; exit 1; fi

# The production topology on this machine (scripts/cluster.py): Caddy on https://127.0.0.1:8443, two gunicorn app
# processes, two workers and the scheduler on PostgreSQL and the cluster's own Redis, all supervised.
cluster: $(VENV)/.installed messages
	@scripts/cluster-deps
	@$(PY) scripts/cluster.py start

cluster-stop:
	@$(PY) scripts/cluster.py stop

# bench/cluster_chaos.py: starts its own cluster (database laurel_cluster_chaos), measures, breaks it, checks, stops it.
# `make chaos CHAOS_ARGS=--quick` for the short run.
chaos: $(VENV)/.installed messages
	@scripts/cluster-deps
	@$(PY) bench/cluster_chaos.py $(CHAOS_ARGS)

clean:
	rm -rf var/laurel.sqlite3* var/media var/static
