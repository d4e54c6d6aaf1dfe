# Two commands on a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000

.PHONY: run test install system-deps db demo lint bench clean translations messages

$(BIN)/activate: requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(BIN)/activate

install: $(BIN)/activate

# A local config with fresh random keys, made once; never committed.
instance/config.py:
	mkdir -p instance
	$(PYTHON) -c "import base64,os,secrets; print('SECRET_KEY = %r' % secrets.token_hex(32)); print('PII_KEY = %r' % base64.b64encode(os.urandom(32)).decode())" > $@

# The English catalogue compiled into build/translations/ (the app never writes it itself).
translations: install
	$(BIN)/python -m i18n.build compile

# After changing a message: re-extract i18n/messages.pot (committed) and list what lacks English.
messages: install
	$(BIN)/python -m i18n.build extract
	$(BIN)/python -m i18n.build check

db: install instance/config.py translations
	$(FLASK) db upgrade

demo: db
	$(FLASK) seed-demo --if-empty

# The reminder scheduler runs beside the web server as its own process, and stops with it.
# Plain http on loopback: a Secure session cookie would not come back (docs/security.md).
run: demo
	@echo "serving on http://127.0.0.1:$(PORT)  (demo accounts: README.md); scheduler in the background"
	@export DONGQIAN_SESSION_COOKIE_SECURE=$${DONGQIAN_SESSION_COOKIE_SECURE:-false}; \
	$(FLASK) scheduler run & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null; wait $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# Chromium, a CJK font and PostgreSQL binaries from apt when missing (root only).
system-deps:
	bash .ci/system-deps.sh

# Three xdist workers on two cores: the suite waits on browsers, servers and sockets enough
# that a third worker fills the gaps (measured: docs in README.md, Tests); 15 slowest listed.
test: install system-deps translations
	$(BIN)/python -m pytest -n 3 --durations=15 $(TEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/vulture
	$(BIN)/lint-imports

# Benchmarks (docs/benchmarks.md): a 100,000-case district on SQLite, under 10 minutes.
# BENCH_ARGS="--pg" adds 1,000,000 cases on a throwaway PostgreSQL; "--full" the long memory run.
bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build test-output .pytest_cache
