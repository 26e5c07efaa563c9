#!/usr/bin/env bash
# `make test`: start local Kafka and PostgreSQL unless they already run, run every test tier
# against them under coverage, check the coverage floors, and stop afterwards only what this run started.
set -euo pipefail

here="$(dirname "${BASH_SOURCE[0]}")"
started=()

cleanup() {
    for component in "${started[@]}"; do
        bash "$here/$component.sh" stop || true
    done
}
trap cleanup EXIT

if [[ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ]]; then
    bash "$here/kafka.sh" status >/dev/null 2>&1 || started+=(kafka)
    bash "$here/kafka.sh" start
fi
if [[ -z "${DATABASE_URL:-}" ]]; then
    bash "$here/postgres.sh" status >/dev/null 2>&1 || started+=(postgres)
    bash "$here/postgres.sh" start
fi
# shellcheck source=env.sh
source "$here/env.sh" >/dev/null

cd "$here/../.."
# Every tier runs under coverage; the services and CLIs the tests start as processes are measured too
# (see [tool.coverage.run] in pyproject.toml), so their data files are combined after pytest ends.
uv_run=(python3 -m uv run --no-sync)
"${uv_run[@]}" coverage erase
tests_status=0
"${uv_run[@]}" coverage run -m pytest "$@" || tests_status=$?
"${uv_run[@]}" coverage combine --quiet
mkdir -p .work
"${uv_run[@]}" coverage json --quiet -o .work/coverage.json
# The floors hold for a whole, passing suite; a failing run or one narrowed by pytest arguments only reports.
if (( tests_status != 0 || $# > 0 )); then
    "${uv_run[@]}" python tests/gates/coverage_floors.py --report-only .work/coverage.json
    exit "$tests_status"
fi
"${uv_run[@]}" python tests/gates/coverage_floors.py .work/coverage.json
