# Two commands a new user needs: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml protocol/pyproject.toml server/pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run demo-reset test bench lint screenshots console-screenshots clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip >/dev/null

$(STAMP): $(BIN)/python pyproject.toml protocol/pyproject.toml server/pyproject.toml
	$(BIN)/pip install -e ./protocol -e './server[postgres,bench]' -e '.[demo,test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# The window needs Qt's xcb libraries and a display: desktop_check installs the libraries
# (as root with apt-get) or names them all in one sentence.
run: $(STAMP)
	$(BIN)/python -m tools.desktop_check
	$(BIN)/kiosk-pos gui --demo

demo-reset: $(STAMP)
	$(BIN)/python -m tools.desktop_check
	$(BIN)/kiosk-pos gui --demo --reset

test: $(STAMP)
	$(BIN)/ruff check kiosk_pos protocol server tests bench tools
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tools.screenshots

# the distributor's web console, in headless Chromium (apt-get install chromium chromium-driver)
console-screenshots: $(STAMP)
	$(BIN)/python -m tools.console_screenshots

clean:
	rm -rf $(VENV) build dist *.egg-info
