# Entry points; scripts/bootstrap.sh does the real setup work and is idempotent, so every
# target may call it (a warm run takes about a second).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PY := .venv/bin/python
BOOTSTRAP := bash scripts/bootstrap.sh
PYTEST_ARGS ?=
DEMO_QUESTION := 2023年乌海市行政机关负责人出庭应诉率是多少？

.PHONY: setup demo test lint format bench clean

setup:
	$(BOOTSTRAP) qwen2.5-coder-0.5b

demo:
	bash scripts/system-deps.sh
	$(BOOTSTRAP) qwen2.5-coder-1.5b
	ASSISTANT_MODEL=qwen2.5-coder-1.5b .venv/bin/assistant ingest seeds/
	ASSISTANT_MODEL=qwen2.5-coder-1.5b .venv/bin/assistant ask "$(DEMO_QUESTION)"
	@echo "==> starting the web app on http://127.0.0.1:7860 (Ctrl+C to stop)"
	ASSISTANT_MODEL=qwen2.5-coder-1.5b .venv/bin/assistant ui

# pytest exits 5 when it collects nothing; that must fail CI instead of passing silently.
test:
	bash scripts/system-deps.sh --browser
	$(BOOTSTRAP) qwen2.5-coder-0.5b
	$(MAKE) --no-print-directory lint
	@rc=0; ASSISTANT_MODEL=qwen2.5-coder-0.5b $(PY) -m pytest $(PYTEST_ARGS) || rc=$$?; \
	if [[ $$rc -eq 5 ]]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; \
	exit $$rc

# ruff: lint and format check (configured in pyproject.toml); `make format` rewrites in place.
lint:
	$(PY) -m ruff check assistant tests benchmarks
	$(PY) -m ruff format --check assistant tests benchmarks

format:
	$(PY) -m ruff format assistant tests benchmarks
	$(PY) -m ruff check --fix assistant tests benchmarks

bench:
	$(BOOTSTRAP)
	@shopt -s nullglob; files=(benchmarks/*.py); \
	if (( $${#files[@]} == 0 )); then echo "no benchmarks/*.py to run" >&2; exit 1; fi; \
	for f in "$${files[@]}"; do echo "==> $$f"; $(PY) "$$f"; done

# Keeps the model and wheel cache (~/.cache/assistant): rebuilding those costs minutes.
clean:
	rm -rf .venv build dist *.egg-info .pytest_cache .hypothesis .ruff_cache
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
