# a11ypress: the two commands of the quick start are `make run` and `make test`.
SHELL := /bin/bash
VENV  := .venv
BIN   := $(VENV)/bin
SAMPLES := $(filter-out samples/README.md,$(sort $(wildcard samples/*.md)))
FORMATS ?= $(shell $(BIN)/python -c "from a11ypress.export import formats; print(','.join(formats()))" 2>/dev/null || echo json)
OUT ?= out

.PHONY: run test setup setup-dev lint bench clean

## make run: install what is needed (system packages too), convert every sample into out/
run: setup
	$(BIN)/a11ypress build $(SAMPLES) --to $(FORMATS) -o $(OUT) --assets samples/assets

## make test: install the same plus the test tools and judges, then lint and run every test
test: setup-dev lint
	$(BIN)/python -m pytest -q

setup:
	bash scripts/setup.sh

setup-dev:
	bash scripts/setup.sh --dev

lint:
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: setup-dev
	$(BIN)/python bench/parse_bench.py

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache
