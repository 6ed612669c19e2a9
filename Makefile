# Maturity Portal — one-word targets. `make run` and `make test` do all the set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in emails name the address the portal is served on (`make run PORT=8001` → http://127.0.0.1:8001).
# (served on every interface, HOST=0.0.0.0, the links name this machine's loopback address).
SITE_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
INSTALL_STAMP := $(VENV)/.installed

.PHONY: run setup test test-fast lint format install system-deps system-deps-browser bench messages clean

run: setup ## install, prepare the embedded database with fixtures and demo accounts, serve with one worker
	SITE_URL=$(SITE_URL) WEB_ADDRESS=$(HOST):$(PORT) $(BIN)/honcho start -f Procfile

setup: install system-deps ## everything `run` does but serve (honours DATABASE_URL)
	$(MANAGE) compilemessages --ignore=.venv -v 0
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) load_capability_model
	$(MANAGE) create_dev_admin
	$(MANAGE) load_demo
	$(MANAGE) load_demo_2fa
	$(MANAGE) load_demo_actions
	$(MANAGE) load_demo_kpis
	$(MANAGE) load_demo_team
	$(MANAGE) collectstatic --no-input -v 0

install: $(INSTALL_STAMP) ## the virtualenv with the project and its dev tools

$(INSTALL_STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

system-deps: ## Pango, HarfBuzz subsetter, CJK fonts, gettext (apt-get when root)
	@bash scripts/system-deps.sh

system-deps-browser: ## the same plus Chromium for browser tests
	@bash scripts/system-deps.sh --browser

lint: install ## ruff, mypy, djLint, migrations check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/djlint templates --lint
	$(BIN)/djlint templates --check
	DJANGO_ENV=test $(MANAGE) makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint templates --reformat

test: install system-deps-browser lint ## install everything and run the whole suite
	$(MANAGE) compilemessages --ignore=.venv -v 0
	$(BIN)/pytest

test-fast: install system-deps lint ## the suite without the browser journeys (never used by CI)
	$(MANAGE) compilemessages --ignore=.venv -v 0
	$(BIN)/pytest -m "not e2e"

bench: ## benchmarks in bench/ on SQLite and on PostgreSQL when reachable (wrk from Debian; databases of their own, see README "Performance")
	@started=$$(date +%s); $(MAKE) --no-print-directory setup && bash scripts/system-deps.sh --bench && \
	BENCH_STARTED=$$started $(BIN)/python bench/run.py

messages: install ## refresh the translation catalogues after changing strings
	$(MANAGE) makemessages -l zh_Hans -l en --ignore=.venv --ignore=var --no-obsolete

clean:
	rm -rf $(VENV) var/*.sqlite3 var/static var/test-media .pytest_cache .mypy_cache .ruff_cache
