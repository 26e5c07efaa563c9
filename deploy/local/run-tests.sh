#!/usr/bin/env bash
# `make test`: start local Kafka and PostgreSQL unless they already run, run every test tier
# against them, and stop afterwards only what this run started.
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
[[ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" && -n "${DATABASE_URL:-}" ]] || source "$here/env.sh" >/dev/null

cd "$here/../.."
python3 -m uv run --no-sync pytest "$@"
