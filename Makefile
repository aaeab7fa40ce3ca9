# Two commands for a newcomer: `make demo` and `make test`. Both set up .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLES := $(wildcard samples/*.yaml samples/*.xlsx)

SHELL := /bin/bash
.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	@mkdir -p out
	@for s in $(SAMPLES); do \
	  echo "== reportgen check $$s"; \
	  $(BIN)/reportgen check "$$s" | head -4; rc=$${PIPESTATUS[0]}; \
	  if [ $$rc -gt 1 ]; then echo "reportgen check $$s failed (exit $$rc)"; exit $$rc; fi; \
	done
	@for s in $(wildcard samples/*.yaml); do \
	  $(BIN)/reportgen render "$$s" -o out; rc=$$?; \
	  if [ $$rc -gt 1 ]; then echo "reportgen render $$s failed (exit $$rc)"; exit $$rc; fi; \
	done
	@$(BIN)/reportgen render samples/acme-assistant-7b.yaml -o out/fr --lang fr; \
	  rc=$$?; if [ $$rc -gt 1 ]; then exit $$rc; fi
	@echo "Reports written to out/ (French edition of the acme report in out/fr/)."

# One worker per core; a test file runs whole on one worker (its module fixtures are built once), the
# longest files first (tests/conftest.py, LONGEST_FIRST), and the sample reports are rendered once for all
# workers (tests/conftest.py). `pytest` alone runs serially.
# Bytecode is written even where PYTHONDONTWRITEBYTECODE is set (as on this machine kind): otherwise every
# worker rewrites the tests' asserts again, 3.2 s of collection instead of 4.4-5.0 s.
test: $(STAMP)
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n auto --dist loadfile

# ruff (lint and format check) and mypy over the package; .ci/run calls it before the tests.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf out .pytest_cache
