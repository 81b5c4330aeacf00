# The README's quickstart: `make run` and `make test`. Both create .venv on first use.
# Without make: python3 -m venv .venv && .venv/bin/pip install -c constraints.txt -e '.[dev]'
# then .venv/bin/python -m sim   or   .venv/bin/python -m pytest

PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: run test test-slow test-all lint benchmark clean app app-assets test-browser

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "kleinstadt needs Python 3.12 or newer; this python3 is " + sys.version.split()[0] + ". Install 3.12 (or run: make PYTHON=python3.12 ...)")'
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)  ## the default simulation: peripheral town, 30 years, seed 0
	$(VENV)/bin/python -m sim $(ARGS)

test: $(STAMP)  ## the default test run (fast; slow end-to-end tests excluded)
	$(VENV)/bin/python -m pytest $(ARGS)

test-slow: $(STAMP)  ## the slow end-to-end and statistical tests
	$(VENV)/bin/python -m pytest -m 'slow and not browser' $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check sim tests experiments
	$(VENV)/bin/ruff format --check sim tests experiments

benchmark: $(STAMP)
	$(VENV)/bin/python experiments/benchmark.py $(ARGS)

# --- the classroom page (sim/app.py, README "For teachers") ---
# The page's front-end (Solara's vuetify app, requirejs, fonts, ...) is packed once with npm
# into Solara's asset cache in the venv, so the page works without internet afterwards.
APP_STAMP := $(VENV)/.app-installed
$(APP_STAMP): $(STAMP)
	$(VENV)/bin/python -m pip install --quiet -c constraints.txt -e '.[dev,app]'
	$(VENV)/bin/python -m sim.app_parts.assets
	@touch $(APP_STAMP)

app-assets: $(APP_STAMP)  ## install the page's extra and its offline front-end

app: $(APP_STAMP)  ## the classroom page on http://localhost:8765 (offline)
	SOLARA_TELEMETRY_MIXPANEL_ENABLE=False $(VENV)/bin/solara run sim/app.py --production --host localhost --port 8765 $(ARGS)

test-browser: $(APP_STAMP)  ## the page in Debian's chromium, offline (apt-get install chromium)
	$(VENV)/bin/python -m pytest -m browser $(ARGS)

clean:
	rm -rf $(VENV) outputs multirun .pytest_cache
