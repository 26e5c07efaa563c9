# jdi — targets in the order a newcomer uses them: install, run locally, test, measure.
# Everything runs from the uv environment in .venv; local infrastructure lives in .work/.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# uv must use this machine's Python 3.11 and never download one.
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := python3.11
UV_VERSION := 0.9.30
UV := python3 -m uv

.PHONY: faults help install infra-up infra-down up down status lint format unit test packages audit bench fuzz bench-compare contracts compose-up

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

install: ## Install uv (from PyPI) and every workspace package from uv.lock
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(UV) sync --all-packages --locked

infra-up: ## Start local Kafka, PostgreSQL, Zipkin (the trace UI) and Prometheus, installing what is missing
	bash deploy/local/kafka.sh start
	bash deploy/local/postgres.sh start
	bash deploy/local/zipkin.sh start
	bash deploy/local/prometheus.sh start

infra-down: ## Stop local Kafka, PostgreSQL, Zipkin and Prometheus
	bash deploy/local/prometheus.sh stop
	bash deploy/local/zipkin.sh stop
	bash deploy/local/kafka.sh stop
	bash deploy/local/postgres.sh stop

up: install infra-up ## Start everything, submit sample job descriptions, print the URLs
	@test -s .work/api-key || (umask 077 && python3 -c 'import secrets; print("jdi_local_" + secrets.token_urlsafe(32))' > .work/api-key)
	GATEWAY_BOOTSTRAP_API_KEY="$$(cat .work/api-key)" bash deploy/local/services.sh start
	JDI_API_KEY="$$(cat .work/api-key)" $(UV) run --no-sync python deploy/local/seed.py
	@echo
	@echo "Gateway:    http://127.0.0.1:$${GATEWAY_PORT:-8000}/v1/documents"
	@echo "OpenAPI:    http://127.0.0.1:$${GATEWAY_PORT:-8000}/docs  (schema at /openapi.json)"
	@echo "API key:    in .work/api-key, e.g. curl -H \"X-API-Key: \$$(cat .work/api-key)\" http://127.0.0.1:$${GATEWAY_PORT:-8000}/v1/documents"
	@echo "Trace UI:   $$(bash deploy/local/zipkin.sh url)/zipkin/  (a document's trace: /zipkin/traces/<trace_id>)"
	@echo "Prometheus: $$(bash deploy/local/prometheus.sh url)  (targets at /targets, alert rules at /alerts)"
	@echo "Logs:       .work/logs/; spans go to files in .work/traces/ only while the trace UI is down"

down: ## Stop the services and the local infrastructure started by `make up`
	bash deploy/local/services.sh stop
	@$(MAKE) --no-print-directory infra-down

status: ## Show what is running
	-bash deploy/local/services.sh status
	-bash deploy/local/kafka.sh status
	-bash deploy/local/postgres.sh status
	-bash deploy/local/zipkin.sh status
	-bash deploy/local/prometheus.sh status

lint: install ## Formatting, lint (ruff), types (mypy) and import boundaries (import-linter) over the workspace
	$(UV) run --no-sync ruff format --check .
	$(UV) run --no-sync ruff check .
	$(UV) run --no-sync mypy
	$(UV) run --no-sync lint-imports --no-cache

format: install ## Format the workspace and apply ruff's safe fixes
	$(UV) run --no-sync ruff format .
	$(UV) run --no-sync ruff check --fix .

unit: install ## The fast loop: unit and contract tests only, no Kafka or PostgreSQL
	$(UV) run --no-sync pytest -q -m "not integration and not e2e" libs services tools tests/contract

test: install lint packages ## Lint, types, each package alone, all test tiers under coverage with floors, audit
	bash deploy/local/run-tests.sh
	$(MAKE) --no-print-directory audit

faults: install ## The fault suite alone: services killed, PostgreSQL and Kafka stopped mid-stream (also in `make test`)
	bash deploy/local/run-tests.sh tests/faults

packages: install ## Install each workspace package alone (from uv.lock) and import all its modules
	$(UV) run --no-sync python tests/gates/install_each_package.py

audit: install ## Known vulnerabilities in uv.lock's pins (reported, not failed, when advisory data is unreachable)
	@mkdir -p .work/audit
	$(UV) export --frozen --all-packages --no-emit-workspace --no-hashes --format requirements-txt --quiet \
		-o .work/audit/requirements.txt
	$(UV) run --no-sync python tests/gates/dependency_audit.py .work/audit/requirements.txt

bench: install infra-up ## Run every benchmark in tests/performance (local Kafka + PostgreSQL, wrk); JSON in bench-results/
	bash deploy/local/wrk.sh install
	@mkdir -p bench-results
	@set -e; source deploy/local/env.sh >/dev/null; export ZIPKIN_URL="$${ZIPKIN_URL:-$$(bash deploy/local/zipkin.sh url)}"; \
	for bench in tests/performance/bench_*.py; do \
		echo "== $$bench"; $(UV) run --no-sync python "$$bench"; \
	done

fuzz: install infra-up ## Schemathesis over the running stack, longer than in `make test` and with a random seed
	@set -e; source deploy/local/env.sh >/dev/null; export ZIPKIN_URL="$${ZIPKIN_URL:-$$(bash deploy/local/zipkin.sh url)}"; \
	FUZZ_SEED=random FUZZ_MAX_EXAMPLES=$${FUZZ_MAX_EXAMPLES:-300} bash deploy/local/run-tests.sh -q tests/e2e/test_api_fuzz.py

bench-compare: ## Compare the newest bench-results/ with tests/performance/baseline/ (a report, not a gate)
	$(UV) run --no-sync python tests/performance/compare.py tests/performance/baseline bench-results

contracts: ## Regenerate libs/jdi-contracts/schemas (JSON Schemas, topics.json); fails on a breaking change
	$(UV) run --no-sync python libs/jdi-contracts/scripts/export_schemas.py

.PHONY: contracts-release
contracts-release: ## Release the contracts: snapshot the schemas into schemas/released/ (refuses breaking changes)
	$(UV) run --no-sync python libs/jdi-contracts/scripts/release_schemas.py

compose-up: ## The production shape in Docker (needs a Docker engine; none runs here)
	docker compose up -d --build
