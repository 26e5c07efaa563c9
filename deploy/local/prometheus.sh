#!/usr/bin/env bash
# Debian's Prometheus as a local process: scrapes the four services and Zipkin, evaluates the
# alert rules of deploy/prometheus/. Usage: prometheus.sh {install|start|stop|status|url}
#
# `install` only installs the Debian package when missing (it brings promtool, which the
# tests use); `start` installs too, copies deploy/prometheus/ into the work folder and writes
# the scrape targets from the ports below. Starting it while it runs rewrites the targets and
# reloads the configuration and rules.
#
# Environment:
#   PROMETHEUS_PORT  port on 127.0.0.1 (default 19090)
#   GATEWAY_PORT, INGESTION_PORT, EMBEDDING_PORT, ANALYSIS_PORT  the services (8000-8003)
#   ZIPKIN_PORT      the trace backend (default 19411)
#   JDI_WORK_DIR     work folder (default <repo>/.work)
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PROMETHEUS_PORT="${PROMETHEUS_PORT:-19090}"
START_TIMEOUT="${PROMETHEUS_START_TIMEOUT:-60}"
CONFIG_SOURCE="$REPO_ROOT/deploy/prometheus"
PROMETHEUS_HOME="$JDI_WORK_DIR/prometheus"
CONFIG_DIR="$PROMETHEUS_HOME/config"
CONFIG_FILE="$CONFIG_DIR/prometheus.yml"
PID_FILE="$PROMETHEUS_HOME/prometheus.pid"
LOG_FILE="$PROMETHEUS_HOME/prometheus.log"
URL="http://127.0.0.1:$PROMETHEUS_PORT"

# The PID is ours only if that process is Prometheus on our configuration file.
PROCESS_PATTERN="--config.file=$CONFIG_FILE"

running_pid() {
    pid_from_file "$PID_FILE" "$PROCESS_PATTERN"
}

install() {
    command -v prometheus >/dev/null && command -v promtool >/dev/null && return 0
    [[ "$(id -u)" == 0 ]] || die "Prometheus is not installed and installing it needs root (apt-get install -y prometheus)"
    log "installing Prometheus from Debian packages"
    apt-get update -qq >/dev/null
    # Without the recommended node exporter. The package's own service stays off: nothing here runs an init system.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
}

target() {
    local address="$1" service="$2"
    printf '{"targets": ["%s"], "labels": {"service": "%s"}}' "$address" "$service"
}

write_config() {
    mkdir -p "$CONFIG_DIR/targets"
    rm -rf "$CONFIG_DIR/rules"
    cp -r "$CONFIG_SOURCE/prometheus.yml" "$CONFIG_SOURCE/rules" "$CONFIG_DIR/"
    # Written whole, then renamed: file discovery never reads half a file.
    cat >"$CONFIG_DIR/targets/jdi.json.tmp" <<EOF
[
  $(target "127.0.0.1:${GATEWAY_PORT:-8000}" gateway),
  $(target "127.0.0.1:${INGESTION_PORT:-8001}" ingestion),
  $(target "127.0.0.1:${EMBEDDING_PORT:-8002}" embedding),
  $(target "127.0.0.1:${ANALYSIS_PORT:-8003}" analysis)
]
EOF
    echo "[$(target "127.0.0.1:${ZIPKIN_PORT:-19411}" zipkin)]" >"$CONFIG_DIR/targets/zipkin.json.tmp"
    mv "$CONFIG_DIR/targets/jdi.json.tmp" "$CONFIG_DIR/targets/jdi.json"
    mv "$CONFIG_DIR/targets/zipkin.json.tmp" "$CONFIG_DIR/targets/zipkin.json"
    promtool check config "$CONFIG_FILE" >"$PROMETHEUS_HOME/check.log" 2>&1 ||
        { print_log_tail "$PROMETHEUS_HOME/check.log"; die "the Prometheus configuration is not valid"; }
}

start() {
    take_lock prometheus
    install
    mkdir -p "$PROMETHEUS_HOME"
    local pid
    if pid="$(running_pid)"; then
        write_config
        kill -HUP "$pid"
        log "prometheus already running (pid $pid), configuration reloaded: $URL"
        return 0
    fi
    port_is_open 127.0.0.1 "$PROMETHEUS_PORT" && die "port $PROMETHEUS_PORT is taken by another process; set PROMETHEUS_PORT"
    local started_at=$SECONDS
    write_config
    log "starting prometheus on $URL"
    start_detached "$PID_FILE" "$LOG_FILE" prometheus --config.file="$CONFIG_FILE" \
        --storage.tsdb.path="$PROMETHEUS_HOME/data" --storage.tsdb.retention.time=2d \
        --web.listen-address="127.0.0.1:$PROMETHEUS_PORT"
    wait_until_url_answers prometheus "$(cat "$PID_FILE")" "$URL/-/ready" "$START_TIMEOUT" "$LOG_FILE"
    log "prometheus ready (pid $(cat "$PID_FILE")) in $((SECONDS - started_at))s: $URL"
}

stop() {
    take_lock prometheus
    stop_component prometheus "$PID_FILE" "$PROCESS_PATTERN"
}

status() {
    component_status prometheus "$PID_FILE" "$PROCESS_PATTERN" "$URL"
}

case "${1:-}" in
    install) install ;;
    start) start ;;
    stop) stop ;;
    status) status ;;
    url) echo "$URL" ;;
    *)
        echo "usage: $0 {install|start|stop|status|url}" >&2
        exit 2
        ;;
esac
