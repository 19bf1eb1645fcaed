# Two commands a new user needs: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml protocol/pyproject.toml server/pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test bench lint screenshots clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip >/dev/null

$(STAMP): $(BIN)/python pyproject.toml protocol/pyproject.toml server/pyproject.toml
	$(BIN)/pip install -e ./protocol -e './server[postgres,bench]' -e '.[demo,test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/kiosk-pos gui --demo

test: $(STAMP)
	$(BIN)/ruff check kiosk_pos protocol server tests bench tools
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tools.screenshots

clean:
	rm -rf $(VENV) build dist *.egg-info
