# ServiceStar: `make demo` serves the demo, `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
HOST ?= 127.0.0.1
PORT ?= 8000
# The address the demo's pages (and so their WebSockets) come from.
SITE_URL ?= http://$(HOST):$(PORT),http://localhost:$(PORT)

.PHONY: demo test test-fast check install messages makemessages format serve

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[test]"
	touch $@

install: $(INSTALLED)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	msgfmt --check --output-file=$@ $<

messages: $(CATALOGUES)

demo: install messages
	DEBUG=true $(BIN)/python manage.py migrate --no-input
	DEBUG=true $(BIN)/python manage.py demo
	@echo "ServiceStar is at http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	DEBUG=true SITE_URL=$(SITE_URL) $(BIN)/daphne -e tcp:port=$(PORT):interface=$(HOST):backlog=4096 config.asgi:application

test: install messages
	$(BIN)/python -m pytest

# Every test but the browser (e2e) and multi-process (services) ones, on the
# embedded SQLite and in-memory layer whatever the environment says.
test-fast: install messages
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python -m pytest -m "not e2e and not services"

# The live-path benchmark (docs/performance.md); BENCH_N=100,500 for a quick run.
# Known vulnerabilities in the installed dependencies (.ci/audit.py).
.PHONY: audit
audit: install
	$(BIN)/python .ci/audit.py

.PHONY: bench
bench: install messages
	@$(BIN)/python -m bench

# Faults a floor meets (docs/faults.md): needs PostgreSQL and redis-server.
.PHONY: faults
faults: install messages
	@$(BIN)/python -m bench.faults

# What CI checks besides the tests (.ci/run).
check: install messages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=false DATABASE_URL=postgres://servicestar@db.invalid/servicestar \
	REDIS_URL=redis://redis.invalid:6379/0 \
	SECRET_KEY=check-deploy-$$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n') \
	ALLOWED_HOSTS=servicestar.example.com \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

makemessages: install
	$(BIN)/python manage.py makemessages --locale zh_Hans --no-obsolete --no-location \
		--ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'bench/*'

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
