#!/usr/bin/env bash
# The four jdi services as local processes. Usage: services.sh {start|stop|status}
#
# Each instance runs `python -m jdi_<name>` from the uv environment, logs to
# $JDI_WORK_DIR/logs/<instance>.log and is stopped by its PID file, so `stop` never
# touches a process it did not start. Start and stop hold a lock, and `start`
# refuses (starting nothing) when an instance's port is taken by another process.
#
# Environment: GATEWAY_PORT (8000), INGESTION_PORT (8001), EMBEDDING_PORT (8002),
# ANALYSIS_PORT (8003); <NAME>_INSTANCES (default 1): instances of a service in its
# consumer group, sharing its partitions; instance k (from 2) is `<name>-k` on port
# <NAME>_PORT + 100(k-1). Embedding runs one instance unless QDRANT_URL names a server:
# its embedded vector store is a folder one process holds. The gateway's GATEWAY_WORKERS
# serve one port. Plus everything the services read (KAFKA_*, DATABASE_*, ...).
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh" >/dev/null

SERVICES=(ingestion embedding analysis gateway)
declare -A PORTS=(
    [gateway]="${GATEWAY_PORT:-8000}"
    [ingestion]="${INGESTION_PORT:-8001}"
    [embedding]="${EMBEDDING_PORT:-8002}"
    [analysis]="${ANALYSIS_PORT:-8003}"
)
PID_DIR="$JDI_WORK_DIR/pids"
LOG_DIR="$JDI_WORK_DIR/logs"
START_TIMEOUT="${SERVICES_START_TIMEOUT:-180}"

# Instances of a service: its <NAME>_INSTANCES, checked once by check_instance_counts.
instance_count() {
    local variable="${1^^}_INSTANCES"
    echo "${!variable:-1}"
}

check_instance_counts() {
    local name count
    for name in "${SERVICES[@]}"; do
        count="$(instance_count "$name")"
        [[ "$count" =~ ^[1-9]$ ]] || die "${name^^}_INSTANCES is a number of instances from 1 to 9, not '$count'"
        if [[ "$name" == embedding && "$count" != 1 && -z "${QDRANT_URL:-}" ]]; then
            die "EMBEDDING_INSTANCES=$count needs QDRANT_URL: the embedded vector store is one process's folder"
        fi
    done
}
check_instance_counts

# Every instance to run, as <name> or <name>-<k>, in start order.
INSTANCES=()
for name in "${SERVICES[@]}"; do
    INSTANCES+=("$name")
    for ((k = 2; k <= $(instance_count "$name"); k++)); do INSTANCES+=("$name-$k"); done
done

service_of() { echo "${1%%-*}"; }

port_of() {
    local name number
    name="$(service_of "$1")"
    number="${1#"$name"}"
    number="${number#-}"
    echo $((PORTS[$name] + 100 * (${number:-1} - 1)))
}

running_pid() {
    pid_from_file "$PID_DIR/$1.pid" "-m jdi_$(service_of "$1")"
}

# Every port an instance that is not already running would take must be free.
check_ports_free() {
    local instance
    for instance in "${INSTANCES[@]}"; do
        running_pid "$instance" >/dev/null && continue
        if port_is_open 127.0.0.1 "$(port_of "$instance")"; then
            die "port $(port_of "$instance") ($instance) is taken by another process; set $(service_of "$instance" | tr a-z A-Z)_PORT"
        fi
    done
}

start() {
    take_lock services
    check_ports_free
    mkdir -p "$PID_DIR" "$LOG_DIR"
    export JDI_TRACES_DIR="${JDI_TRACES_DIR:-$JDI_WORK_DIR/traces}"
    # Spans go to the trace backend (zipkin.sh), and to $JDI_TRACES_DIR whenever it does not take them.
    export OTEL_EXPORTER_ZIPKIN_ENDPOINT="${OTEL_EXPORTER_ZIPKIN_ENDPOINT:-$(bash "$REPO_ROOT/deploy/local/zipkin.sh" url)/api/v2/spans}"
    export GATEWAY_EMBEDDING_URL="http://127.0.0.1:${PORTS[embedding]}"
    export GATEWAY_ANALYSIS_URL="http://127.0.0.1:${PORTS[analysis]}"
    local instance name
    for instance in "${INSTANCES[@]}"; do
        if running_pid "$instance" >/dev/null; then
            log "$instance already running"
            continue
        fi
        name="$(service_of "$instance")"
        env "${name^^}_PORT=$(port_of "$instance")" nohup "$REPO_ROOT/.venv/bin/python" -m "jdi_$name" \
            >>"$LOG_DIR/$instance.log" 2>&1 9>&- &
        echo $! >"$PID_DIR/$instance.pid"
        log "started $instance (pid $!, port $(port_of "$instance"))"
    done
    for instance in "${INSTANCES[@]}"; do
        wait_ready "$instance"
    done
}

wait_ready() {
    local instance="$1" url deadline=$((SECONDS + START_TIMEOUT))
    url="http://127.0.0.1:$(port_of "$instance")/readyz"
    until curl -fsS "$url" >/dev/null 2>&1; do
        if ! running_pid "$instance" >/dev/null; then
            print_log_tail "$LOG_DIR/$instance.log"
            die "$instance exited during start-up"
        fi
        ((SECONDS < deadline)) || { print_log_tail "$LOG_DIR/$instance.log"; die "$instance not ready after ${START_TIMEOUT}s"; }
        sleep 0.5
    done
    log "$instance ready at http://127.0.0.1:$(port_of "$instance")"
}

# Every instance with a PID file, also those of a larger <NAME>_INSTANCES than this call's.
started_instances() {
    local file
    for file in "$PID_DIR"/*.pid; do
        if [[ -e "$file" ]]; then basename "$file" .pid; fi
    done
}

stop() {
    take_lock services
    local instance pid
    for instance in $(started_instances); do
        if pid="$(running_pid "$instance")"; then
            # SIGTERM: it finishes what it holds, commits and leaves its consumer group.
            kill "$pid"
            for _ in $(seq 1 300); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
            kill -9 "$pid" 2>/dev/null || true
            log "stopped $instance"
        fi
        rm -f "$PID_DIR/$instance.pid"
    done
}

status() {
    local all=0 instance pid
    for instance in "${INSTANCES[@]}"; do
        if pid="$(running_pid "$instance")"; then
            echo "$instance: running (pid $pid, port $(port_of "$instance"))"
        else
            echo "$instance: stopped"
            all=1
        fi
    done
    return "$all"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) die "usage: $0 {start|stop|status}" ;;
esac
