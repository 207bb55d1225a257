# Two commands: `make demo` and `make test`. Both bootstrap .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SYSTEM_PACKAGES := fonts-wqy-microhei poppler-utils libharfbuzz-subset0

.PHONY: demo test lint bench system venv clean

demo: venv
	$(BIN)/cxtk demo --out cxtk-demo
	@echo "Reports and workbook are in ./cxtk-demo"

test: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

lint: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: venv
	$(BIN)/python bench/run.py

venv: system $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# CJK fonts for zh-CN PDFs and poppler-utils (pdftotext/pdffonts) for the report tests.
system:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing system packages:$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Please install the system packages (CJK font and PDF tools):"; \
	    echo "    sudo apt-get install -y$$missing"; \
	  fi; \
	fi

clean:
	rm -rf $(VENV) cxtk-demo .pytest_cache .ruff_cache
