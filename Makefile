# The two set-up commands of the README. Both are idempotent: scripts/install.sh does nothing when .venv is current.
VENV ?= .venv
PROFILE ?= cpu

.PHONY: setup pipeline test lab

setup:
	bash scripts/install.sh dev

## The main job: set up, then run every notebook through papermill (profile $(PROFILE)) into executions/.
pipeline: setup
	$(VENV)/bin/being-kit-pipeline --profile $(PROFILE)

## The tests: set up (plus a headless Chromium for the widget browser test), then the whole suite.
test: setup
	bash scripts/install_browser.sh
	$(VENV)/bin/python -m pytest

lab: setup
	$(VENV)/bin/jupyter lab
