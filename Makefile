# The two commands (see README): `make run` and `make test`. Everything else supports them.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml scripts/install.sh | cksum | cut -d' ' -f1)

.PHONY: run test lint release audit bench bench-serve bench-lighthouse clean

$(STAMP): pyproject.toml scripts/install.sh
	bash scripts/install.sh "$(PY)" "$(VENV)"
	touch $(STAMP)

## Serve the dashboard on the committed demo release.
run: $(STAMP)
	bash scripts/run.sh

## Run the whole test suite: lint, format check, import contract, unit, property and browser tests.
test: $(STAMP)
	bash scripts/system-deps.sh
	bash scripts/npm-deps.sh
	bash scripts/test.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

## Rebuild the demo release history from the synthetic extract: data/aggregates (current),
## data/releases (earlier releases and the index), data/confidential (never published).
release: $(STAMP)
	$(BIN)/csec demo

audit: $(STAMP)
	$(BIN)/csec audit data/aggregates

## Benchmarks (print their figures; not timed tests).
bench: $(STAMP)
	$(BIN)/python bench/build.py
	$(BIN)/python bench/suppress.py

bench-serve: $(STAMP)
	$(BIN)/python bench/serve.py --soak $(ARGS)

bench-lighthouse: $(STAMP)
	bash scripts/npm-deps.sh
	$(BIN)/python bench/lighthouse.py $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
