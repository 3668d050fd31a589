# Two commands: `make run` starts the whole product on embedded defaults (SQLite, no Redis,
# demo data); `make test` sets up, lints and runs the whole test suite (`make test-fast`:
# all but the slow tests, in a few minutes; `make lint`: ruff alone).
# Production settings come from environment variables: see README.md.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-fast lint bench wheel setup setup-test setup-bench frontend chromium demo \
        migrate clean

run: setup frontend migrate demo
	@$(BIN)/python -m eia.launcher

# Two workers (pytest-xdist), one per core; each has its own PostgreSQL database. The 25
# slowest tests are listed at the end (where to look when the suite gets slow).
PYTEST_ARGS ?= -n 2 --dist loadgroup --durations=25

test: lint setup-test frontend chromium
	@$(BIN)/pytest $(PYTEST_ARGS)

# Everything but the tests marked slow (browser, wheel, migrations up and down, the crawls
# and fuzzing of every form, property tests, real workers and servers; see pyproject.toml
# and tests/conftest.py): a few minutes, on SQLite and, when DATABASE_URL is set, PostgreSQL.
test-fast: setup-test frontend
	@$(BIN)/pytest $(PYTEST_ARGS) -m "not slow"

# ruff (pinned in pyproject.toml's test extras, configured in its [tool.ruff]): the lint rules,
# then the layout.
lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Benchmarks (see README "Benchmarks"): SIZE=small (seconds, as CI runs it), council
# (10,000 EIAs) or national (100,000). Needs PostgreSQL (BENCH_DATABASE_URL, default
# postgresql://postgres@127.0.0.1:5432/eia_bench, created if missing) and redis-server.
SIZE ?= council

bench: setup setup-bench
	@$(BIN)/python -m benchmarks --size $(SIZE)

# The installable product (README "Installing as a package"): dist/eia_engine-*.whl, with
# the templates and GOV.UK Frontend's CSS, JavaScript and assets inside (setup.py).
# build/ goes first: setuptools leaves it behind, and a module deleted since would linger.
wheel: setup frontend
	rm -rf build
	$(BIN)/pip wheel . --no-deps --quiet -w dist

# --- set-up (each step is skipped when nothing it depends on changed) --------------------

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11+ is needed: install python3 and python3-venv"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==26.3

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $@

$(VENV)/.installed-bench: $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[bench]"
	@touch $@

setup: $(VENV)/.installed
setup-test: $(VENV)/.installed-test
setup-bench: $(VENV)/.installed-bench

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "Node.js and npm are needed for the GOV.UK Frontend assets: install nodejs and npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend: node_modules/.installed

# Browser tests drive Debian's Chromium (never a downloaded browser).
chromium:
	@command -v chromium >/dev/null || { \
	  echo "Installing Chromium from Debian for the browser tests..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

migrate: setup
	@$(BIN)/eia db upgrade

demo: migrate
	@$(BIN)/eia demo load

clean:
	rm -rf $(VENV) node_modules instance build dist .pytest_cache .hypothesis
