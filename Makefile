# One-command habits. `make run` and `make test` set up .venv themselves on a fresh clone.
VENV := .venv
PY := $(VENV)/bin/python
COUNCIL := $(VENV)/bin/council
CORPUS ?= ../shared/corpus
EVAL_DATA ?= data/shared-corpus
PYTHON ?= python3

.PHONY: run test lint eval bench clean ocr browser

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

# The [test] extra pulls sentence-transformers; its torch is pinned to the CPU build on local disk.
$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

# Tesseract (German and English) reads PDF pages that are only images. Installed with apt-get
# (as root, or with password-less sudo); elsewhere a hint is printed and ingest warns per page.
OCR_PACKAGES := tesseract-ocr tesseract-ocr-deu tesseract-ocr-eng

ocr:
	@if command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx deu \
		&& tesseract --list-langs 2>/dev/null | grep -qx eng; then exit 0; fi; \
	hint="Hinweis: OCR nicht verfügbar. Bitte installieren: apt-get install $(OCR_PACKAGES)"; \
	if ! command -v apt-get >/dev/null 2>&1; then echo "$$hint"; exit 0; fi; \
	sudo=""; \
	if [ "$$(id -u)" != 0 ]; then \
		if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
		else echo "$$hint"; exit 0; fi; \
	fi; \
	echo "Installing $(OCR_PACKAGES)"; \
	$$sudo apt-get update -qq >/dev/null && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		$(OCR_PACKAGES) >/dev/null || echo "$$hint"

# Chromium (Debian's package) for tests/test_browser.py, driven by Playwright's Python API; Playwright's
# own browser download is never used. Installed with apt-get like `ocr`; elsewhere a hint is printed.
BROWSER_PACKAGES := chromium

browser:
	@if command -v chromium >/dev/null 2>&1; then exit 0; fi; \
	hint="Hinweis: Chromium fehlt (für tests/test_browser.py). Bitte installieren: apt-get install $(BROWSER_PACKAGES)"; \
	if ! command -v apt-get >/dev/null 2>&1; then echo "$$hint"; exit 0; fi; \
	sudo=""; \
	if [ "$$(id -u)" != 0 ]; then \
		if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
		else echo "$$hint"; exit 0; fi; \
	fi; \
	echo "Installing $(BROWSER_PACKAGES)"; \
	$$sudo apt-get update -qq >/dev/null && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		$(BROWSER_PACKAGES) >/dev/null || echo "$$hint"

run: $(VENV)/.installed-run ocr
	$(PY) app.py

test: $(VENV)/.installed-test ocr
	$(PY) -m pytest -q -p no:cacheprovider --durations=10

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# Full-corpus evaluation (tens of minutes for the first ingest; later runs reuse the index).
eval: $(VENV)/.installed-run ocr
	$(COUNCIL) ingest $(CORPUS) --data-dir $(EVAL_DATA) --prune --exclude SOURCES.md --exclude sources.csv
	$(COUNCIL) eval eval/gold.jsonl --out results/gold.jsonl --data-dir $(EVAL_DATA)
	$(COUNCIL) eval $(CORPUS)/../eval/dev.jsonl --out results/dev.jsonl --data-dir $(EVAL_DATA)

# Ingest of the whole shared corpus into a fresh dir (tens of minutes), then ask latency on the eval index.
bench: $(VENV)/.installed-run ocr
	$(PY) -m eval.bench_ingest --corpus $(CORPUS)
	$(PY) -m eval.bench --data-dir $(EVAL_DATA)

clean:
	rm -rf $(VENV) results
