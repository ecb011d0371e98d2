# Two commands for a fresh machine with Python 3.11+ and make: `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Every package and its hash, for Python 3.11+ on any platform: `make lock` writes it, the install
# syncs .venv to it with uv (bootstrapped into .venv by pip, at this version).
LOCK := requirements.lock
UV_VERSION := 0.13.10
UV := $(BIN)/uv
BOOTSTRAP_UV := $(BIN)/python -m pip install --quiet 'uv==$(UV_VERSION)'
# The browser tests drive Debian's Chromium (Playwright cannot download one here); the CJK font
# makes the Chinese pages readable in their screenshots.
CHROMIUM := /usr/lib/chromium/chromium
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint lock bench messages browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The locked packages exactly (others removed), then the project itself without resolving again;
# the check fails when pyproject.toml asks for something the lock lacks (run `make lock`).
$(STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(BOOTSTRAP_UV)
	$(UV) pip sync --quiet --python $(BIN)/python $(LOCK)
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	$(UV) pip check --quiet --python $(BIN)/python || { echo "$(LOCK) does not satisfy pyproject.toml: run make lock" >&2; exit 1; }
	touch $(STAMP)

## lock: resolve pyproject.toml (with the test extra) again to the newest allowed versions, into requirements.lock
lock: | $(BIN)/python
	$(BOOTSTRAP_UV)
	$(UV) pip compile --quiet --upgrade --universal --python-version 3.11 --extra test \
		--generate-hashes --custom-compile-command 'make lock' pyproject.toml -o $(LOCK)

## run: install, record the demo year into an empty store, serve on http://127.0.0.1:8000
run: $(STAMP)
	$(BIN)/tracker demo --if-empty
	$(BIN)/tracker serve

## lint: ruff and mypy
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## browser: install Debian's Chromium and a CJK font for the browser tests, if missing
browser: $(CHROMIUM) $(CJK_FONT)

$(CHROMIUM) $(CJK_FONT):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk

## test: install everything, then ruff, mypy, unit tests, features on SQLite and PostgreSQL, browser journeys
test: lint browser
	$(BIN)/pytest

## bench: command throughput, read-model rebuild rate and query times, the cost of a cipher key (not part of `make test`)
bench: $(STAMP)
	$(BIN)/python -m bench.commands --store both
	$(BIN)/python -m bench.projections --store both
	$(BIN)/python -m bench.sealing --store both

## messages: gather the interface's messages into the Chinese catalogue (then translate the new ones)
messages: $(STAMP)
	$(BIN)/python -m web.catalog

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
