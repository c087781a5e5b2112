# Quick start (see README): `make preview` builds the bundled timeline and serves it;
# `make test` installs everything the tests need (venv, test tools, Debian's chromium) and runs them all.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: build preview serve test browser clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@

build: $(VENV)/.installed
	$(BIN)/site-gen build

preview: build
	$(BIN)/site-gen serve

# Browser tests drive Debian's chromium (Playwright's own browser download does not work offline);
# the W3C Nu checker (vnu.jar) runs on Java; Noto CJK draws the Korean and Japanese pages' glyphs
# (without it the browser's layout of those pages, and so their screenshots, is of empty boxes).
browser:
	@command -v chromium >/dev/null && command -v java >/dev/null && fc-list | grep -q "Noto Sans CJK" || \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium default-jre-headless fonts-noto-cjk; }

# Page checkers from the npm registry: axe-core (accessibility, run in the browser) and vnu-jar.
NPM_TOOLS := .cache/npm
$(NPM_TOOLS)/.installed: Makefile
	npm install --silent --no-audit --no-fund --prefix $(NPM_TOOLS) axe-core@4.14.1 vnu-jar@26.9.27
	touch $@

test: $(VENV)/.installed-test browser $(NPM_TOOLS)/.installed
	$(BIN)/python -m pytest

clean:
	rm -rf output .pytest_cache .cache/test-artifacts .cache/site-gen

# The interface catalogs (README, "Translating the interface"): extract every string into the template,
# then bring each language's catalog up to date. New strings arrive empty (no fuzzy guesses), and
# tests/test_catalogs.py fails until they are translated.
LOCALE := site_gen/locale
messages: $(VENV)/.installed-test
	$(BIN)/pybabel -q extract -F $(LOCALE)/babel.cfg --sort-by-file --project site-gen --msgid-bugs-address "" \
	  --copyright-holder "site-gen contributors" -o $(LOCALE)/messages.pot .
	$(BIN)/pybabel -q update -i $(LOCALE)/messages.pot -d $(LOCALE) --no-fuzzy-matching --ignore-obsolete
