# nuanjia — `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.DEFAULT_GOAL := help
.PHONY: help install fonts run browsers test test-fast test-replica lint format bench bench-smoke bench-compare messages clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-13s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP) fonts ## create .venv and install nuanjia with its test tools

WQY := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
fonts: ## the TrueType CJK font (Debian's fonts-wqy-zenhei) that the reports' PDFs embed
	@test -f $(WQY) || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei >/dev/null; \
	  else echo "fonts-wqy-zenhei is missing: sudo apt-get install fonts-wqy-zenhei (report PDFs will fall back to the built-in CID font)"; fi; }

run: install ## set up the SQLite database, load the Henan demo, serve on http://127.0.0.1:8000
	$(BIN)/nuanjia demo

AXE_DIR := tests/browser/axe
AXE_STAMP := $(AXE_DIR)/node_modules/.installed-$(shell sha1sum < $(AXE_DIR)/package-lock.json | cut -c1-12)

browsers: ## install headless Chromium, CJK fonts, nginx (Debian) and axe-core (npm) for the browser and two-node tests
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else echo "chromium is missing: sudo apt-get install chromium fonts-noto-cjk (browser tests will be skipped)"; fi; }
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
	  else echo "npm is missing: sudo apt-get install npm (browser tests will be skipped)"; fi; }
	@if command -v npm >/dev/null 2>&1 && [ ! -f $(AXE_STAMP) ]; then \
	  npm ci --prefix $(AXE_DIR) --no-audit --no-fund --loglevel=error && touch $(AXE_STAMP); fi
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; \
	  else echo "nginx is missing: sudo apt-get install nginx-light (the two-node tests will be skipped)"; fi; }

test: install browsers ## run the whole test suite (SQLite, or DATABASE_URL)
	$(BIN)/pytest -q

test-fast: install ## run the tests without the browser ones
	$(BIN)/pytest -q -m "not browser"

REPLICA_PORT ?= 5433
REPLICA_DB ?= nuanjia_replica_test
test-replica: install ## start a streaming replica of the local PostgreSQL and run tests/test_replica.py
	scripts/replica.sh start $(REPLICA_PORT)
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(REPLICA_DB) \
	NUANJIA_REPLICA_URL=postgres://postgres@127.0.0.1:$(REPLICA_PORT)/$(REPLICA_DB) \
	$(BIN)/pytest -q -m replica tests/test_replica.py

lint: install ## ruff lint + format check, mypy, migrations up to date
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install ## format the code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install ## run every benchmark in bench/ once at full size (prints BENCH lines)
	$(BIN)/python bench/suite.py

bench-smoke: install ## run every benchmark at a small size, a few minutes (CI)
	$(BIN)/python bench/suite.py --smoke

bench-compare: install ## run every benchmark 3 times at full size, medians against docs/bench-baseline.md
	$(BIN)/python bench/compare.py --runs 3

.PHONY: bench-soak
SOAK_DB ?= nuanjia_soak
bench-soak: install browsers ## the soak's 60 s version: two nodes behind nginx, PostgreSQL (CI)
	@createdb -h 127.0.0.1 -U postgres $(SOAK_DB) 2>/dev/null || true
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(SOAK_DB) $(BIN)/python bench/suite.py --smoke scale_soak

messages: install ## extract messages and compile the zh_Hans catalogue
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=bench
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

clean: ## remove the venv and local data
	rm -rf $(VENV) var $(AXE_DIR)/node_modules
