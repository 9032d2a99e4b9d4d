# `make demo` and `make test` each create .venv when it is missing, so both
# work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: demo demo-baseline test bench docs readme clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(DEV_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(STAMP)

DEMO_SCENES := ithor:FloorPlan1,ithor:FloorPlan201,ithor:FloorPlan301,ithor:FloorPlan401

demo: $(STAMP)
	$(BIN)/python examples/demo.py
	rm -rf out/demo-dataset
	$(BIN)/spdsl generate --scenes $(DEMO_SCENES) --tasks all --walk 20 --per-scene 2 \
		-o out/demo-dataset
	head -n 3 out/demo-dataset/data.jsonl

# The README's `frequent` baseline table on the demo dataset (bench/demo_baseline.py).
demo-baseline: $(STAMP)
	$(BIN)/python bench/demo_baseline.py

test: $(DEV_STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	for f in bench/bench_*.py; do $(BIN)/python $$f || exit 1; done

docs: $(STAMP)
	$(BIN)/spdsl docs -o docs/reference.md

# The README's `spdsl refer` example and its coverage figures, recomputed (a few minutes).
readme: $(STAMP)
	$(BIN)/python bench/readme_refer.py --figures

clean:
	rm -rf $(VENV) build dist .pytest_cache
