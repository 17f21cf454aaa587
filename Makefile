# a11ypress: the two commands of the quick start are `make run` and `make test`.
SHELL := /bin/bash
VENV  := .venv
BIN   := $(VENV)/bin
SAMPLES := $(filter-out samples/README.md,$(sort $(wildcard samples/*.md)))
FORMATS ?= epub,pdf,audio,read-aloud
OUT ?= out
AUDIO_CACHE ?= .cache/a11ypress
# e.g. REPORT_FLAGS=--no-judges for a quicker report
REPORT_FLAGS ?=

.PHONY: run test setup setup-dev lint bench check clean

## make run: install what is needed (system packages too), convert every sample into out/
## (one book, one MP3 audiobook and one read-aloud book per sample, plus a digest of all of them; the
## speech cache is kept in .cache/ inside the repository), then out/report.html
run: setup
	$(BIN)/a11ypress build $(SAMPLES) --to $(FORMATS) -o $(OUT) --assets samples/assets \
	    --cache-dir $(AUDIO_CACHE)
	$(BIN)/a11ypress build $(SAMPLES) --to $(FORMATS) -o $(OUT) --assets samples/assets \
	    --cache-dir $(AUDIO_CACHE) --digest "a11ypress samples" --sort date
	$(BIN)/a11ypress report $(OUT) -o $(OUT)/report.html $(REPORT_FLAGS)

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
	$(BIN)/python bench/epub_bench.py
	$(BIN)/python bench/pdf_bench.py
	$(BIN)/python bench/startup_bench.py
	$(BIN)/python bench/site_bench.py
	$(BIN)/python bench/audio_bench.py
	$(BIN)/python bench/readaloud_bench.py

## make check: run the judges (EPUBCheck, Ace, the PDF/UA-1 checker) on what `make run` wrote
check: setup-dev
	PUPPETEER_EXECUTABLE_PATH=$${PUPPETEER_EXECUTABLE_PATH:-/usr/bin/chromium} \
	    $(BIN)/a11ypress check $(OUT)/*.epub $(OUT)/*.pdf

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache .cache
