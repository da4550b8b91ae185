# Register Hub — the two commands a city IT engineer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEMO_PERSONS ?= 160000
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install dev browser run test bench screenshots clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip==26.3"
	$(BIN)/pip install --quiet --constraint constraints.txt --editable .
	touch $@

# opa-golib-python-bindings is test-only: the real OPA engine for tests/policies/test_opa_agreement.py.
# The wheel declares Requires-Python >=3.14 but works on 3.11; it has no dependencies.
$(VENV)/.dev-installed: $(VENV)/.installed
	$(BIN)/pip install --quiet --constraint constraints.txt --editable ".[dev]"
	$(BIN)/pip install --quiet --ignore-requires-python --no-deps "opa-golib-python-bindings==0.4.4"
	touch $@

# checkov scans deploy/ in the tests (tests/test_deploy.py). It gets a virtualenv of its own:
# its pins (packaging<24, ...) cannot share one with the hub's.
CHECKOV := .tools/checkov/bin/checkov
$(CHECKOV):
	test -x .tools/checkov/bin/python || $(PYTHON) -m venv .tools/checkov
	.tools/checkov/bin/pip install --quiet "checkov==3.3.30"

# panva's oidc-provider (npm) is the real identity provider of tests/hub/ui/test_oidc_real_provider.py,
# installed from the committed lock file; skipped where node is absent (the test then says so).
OIDC_PROVIDER := .tools/oidc-provider/node_modules/.package-lock.json
$(OIDC_PROVIDER): tests/fixtures/oidc_provider/package.json tests/fixtures/oidc_provider/package-lock.json
	@if command -v npm >/dev/null; then \
		mkdir -p .tools/oidc-provider && \
		cp tests/fixtures/oidc_provider/package.json tests/fixtures/oidc_provider/package-lock.json .tools/oidc-provider/ && \
		npm ci --prefix .tools/oidc-provider --no-audit --no-fund --silent; \
	else echo "node/npm not found: the real-IdP login test will be skipped"; fi

dev: $(VENV)/.dev-installed $(CHECKOV) $(OIDC_PROVIDER)

# The workbench tests drive Debian's Chromium headless through chromedriver (Selenium).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver)

run: install
	mkdir -p var
	$(BIN)/hub db upgrade
	$(BIN)/hub demo load --if-empty --persons $(DEMO_PERSONS)
	@echo "Demo clients (one per city office; client_secret_basic or client_secret_post):"
	@$(BIN)/hub demo credentials
	@echo "API:  http://$(HOST):$(PORT)/docs    token: POST http://$(HOST):$(PORT)/oauth/token"
	@echo "UI:   http://$(HOST):$(PORT)/ui  (/ui/audit DPO, /ui/catalogue stewards, /ui/tasks register office; accounts under ui_accounts above)"
	$(BIN)/hub serve --host $(HOST) --port $(PORT)

test: dev browser
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/hub policy test
	# Cheap Argon2 parameters for the many test clients and accounts (refused in production).
	# Branch coverage of hub, governance and adapters; under the floor in pyproject.toml
	# ([tool.coverage.report] fail_under) the run fails.
	HUB_TEST_FAST_HASHES=1 $(BIN)/pytest -n 2 --dist worksteal --cov  # two workers: the CI machine has two cores; an idle one takes tests queued for the other

# The README's pictures of the three workbenches, taken by the Chromium walk through them.
screenshots: dev browser
	HUB_SCREENSHOTS=1 HUB_TEST_FAST_HASHES=1 $(BIN)/pytest -q -p no:randomly -k sqlite tests/hub/ui/test_workbenches_chromium.py
	@ls docs/screenshots/*.png

# BENCH_ARGS="--only http" for a part (README "Performance")
bench: dev
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage .coverage.* htmlcov
