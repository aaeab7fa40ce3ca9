# Two commands for a newcomer: `make demo` and `make test`. Both set up .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLES := $(wildcard samples/*.yaml samples/*.xlsx)

.PHONY: demo test clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	@mkdir -p out
	@for s in $(SAMPLES); do \
	  echo "== $$s"; \
	  $(BIN)/reportgen check "$$s"; rc=$$?; \
	  if [ $$rc -gt 1 ]; then echo "reportgen check $$s failed (exit $$rc)"; exit $$rc; fi; \
	done

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf out .pytest_cache
