# The two commands of the quick start: `make run` and `make test`. Both are idempotent on a fresh machine.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
STAMP := .venv/.installed

.PHONY: run test bench lint install assets browser-deps clean

$(STAMP): pyproject.toml tests/fixtures/hello_plugin/pyproject.toml package.json
	test -x $(PY) || python3.11 -m venv .venv || python3 -m venv .venv
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev]'
	$(MAKE) assets
	touch $(STAMP)

install: $(STAMP)

## Front-end assets from npm, copied into static (no CDN).
assets:
	npm install --no-audit --no-fund --loglevel=error
	$(PY) -m cunwu.web.vendor

## Debian packages the browser tests and PDFs need (Chromium, CJK fonts, poppler); skipped when present.
browser-deps:
	@command -v chromium >/dev/null && command -v pdftoppm >/dev/null && fc-list | grep -q "Noto Serif CJK" || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk poppler-utils >/dev/null)

## Platform with demo counties: embedded PostgreSQL and file broker unless DATABASE_URL / CELERY_BROKER_URL are set.
run: install
	$(PY) -m cunwu.devstack

## The whole suite: lint, architecture contracts, Django checks, migrations check, tests on real PostgreSQL.
test: install browser-deps
	$(PIP) install -q ./tests/fixtures/hello_plugin
	$(MAKE) lint
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -p no:randomly $(PYTEST_ARGS)

lint:
	.venv/bin/ruff check platform plugins tests
	.venv/bin/ruff format --check platform plugins tests
	.venv/bin/lint-imports

## Benchmarks (not part of the suite); each prints `bench: <name> <value> <unit> [ratio=<x>]`.
bench: install
	$(PIP) install -q ./tests/fixtures/hello_plugin
	$(PY) -m tests.bench

clean:
	rm -rf .venv var node_modules
