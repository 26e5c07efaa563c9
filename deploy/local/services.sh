#!/usr/bin/env bash
# The four jdi services as local processes. Usage: services.sh {start|stop|status}
#
# Each service runs `python -m jdi_<name>` from the uv environment, logs to
# $JDI_WORK_DIR/logs/<name>.log and is stopped by its PID file, so `stop` never
# touches a process it did not start. Start and stop hold a lock, and `start`
# refuses (starting nothing) when a service's port is taken by another process.
#
# Environment: GATEWAY_PORT (8000), INGESTION_PORT (8001), EMBEDDING_PORT (8002),
# ANALYSIS_PORT (8003), plus everything the services read (KAFKA_*, DATABASE_*, ...).
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

running_pid() {
    pid_from_file "$PID_DIR/$1.pid" "-m jdi_$1"
}

# Every port a service that is not already running would take must be free.
check_ports_free() {
    local name
    for name in "${SERVICES[@]}"; do
        running_pid "$name" >/dev/null && continue
        if port_is_open 127.0.0.1 "${PORTS[$name]}"; then
            die "port ${PORTS[$name]} ($name) is taken by another process; set ${name^^}_PORT"
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
    export GATEWAY_PORT="${PORTS[gateway]}" INGESTION_PORT="${PORTS[ingestion]}"
    export EMBEDDING_PORT="${PORTS[embedding]}" ANALYSIS_PORT="${PORTS[analysis]}"
    for name in "${SERVICES[@]}"; do
        if running_pid "$name" >/dev/null; then
            log "$name already running"
            continue
        fi
        nohup "$REPO_ROOT/.venv/bin/python" -m "jdi_$name" \
            >>"$LOG_DIR/$name.log" 2>&1 9>&- &
        echo $! >"$PID_DIR/$name.pid"
        log "started $name (pid $!, port ${PORTS[$name]})"
    done
    for name in "${SERVICES[@]}"; do
        wait_ready "$name"
    done
}

wait_ready() {
    local name="$1" url="http://127.0.0.1:${PORTS[$1]}/readyz" deadline=$((SECONDS + START_TIMEOUT))
    until curl -fsS "$url" >/dev/null 2>&1; do
        if ! running_pid "$name" >/dev/null; then
            print_log_tail "$LOG_DIR/$name.log"
            die "$name exited during start-up"
        fi
        ((SECONDS < deadline)) || { print_log_tail "$LOG_DIR/$name.log"; die "$name not ready after ${START_TIMEOUT}s"; }
        sleep 0.5
    done
    log "$name ready at http://127.0.0.1:${PORTS[$name]}"
}

stop() {
    take_lock services
    for name in "${SERVICES[@]}"; do
        local pid
        if pid="$(running_pid "$name")"; then
            kill "$pid"
            for _ in $(seq 1 100); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
            kill -9 "$pid" 2>/dev/null || true
            log "stopped $name"
        fi
        rm -f "$PID_DIR/$name.pid"
    done
}

status() {
    local all=0
    for name in "${SERVICES[@]}"; do
        if pid="$(running_pid "$name")"; then
            echo "$name: running (pid $pid, port ${PORTS[$name]})"
        else
            echo "$name: stopped"
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
