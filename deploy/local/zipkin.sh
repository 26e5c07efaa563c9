#!/usr/bin/env bash
# Zipkin's server (trace storage in memory, query API and web UI) as a local process, from
# its executable jar on Maven Central. Usage: zipkin.sh {start|stop|status|url}
#
# The services send their spans to it with the OpenTelemetry SDK's Zipkin exporter
# (OTEL_EXPORTER_ZIPKIN_ENDPOINT, set by services.sh); see README.md, "For SREs".
#
# Environment:
#   ZIPKIN_PORT           HTTP port on 127.0.0.1: spans in, API and UI (default 19411)
#   ZIPKIN_VERSION        io.zipkin:zipkin-server version (default 3.5.1)
#   ZIPKIN_LIBS_DIR       jar cache (default $JDI_WORK_DIR/zipkin-libs)
#   ZIPKIN_MAX_SPANS      spans kept in memory before the oldest traces go (default 100000)
#   ZIPKIN_START_TIMEOUT  seconds to wait for readiness (default 120)
#   JDI_WORK_DIR          work folder (default <repo>/.work)
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ZIPKIN_PORT="${ZIPKIN_PORT:-19411}"
ZIPKIN_VERSION="${ZIPKIN_VERSION:-3.5.1}"
ZIPKIN_LIBS_DIR="${ZIPKIN_LIBS_DIR:-$JDI_WORK_DIR/zipkin-libs}"
ZIPKIN_MAX_SPANS="${ZIPKIN_MAX_SPANS:-100000}"
ZIPKIN_START_TIMEOUT="${ZIPKIN_START_TIMEOUT:-120}"

ZIPKIN_HOME="$JDI_WORK_DIR/zipkin"
ZIPKIN_JAR="$ZIPKIN_LIBS_DIR/zipkin-server-$ZIPKIN_VERSION-exec.jar"
PID_FILE="$ZIPKIN_HOME/zipkin.pid"
LOG_FILE="$ZIPKIN_HOME/zipkin.log"
URL="http://127.0.0.1:$ZIPKIN_PORT"
PORT_ARGUMENT="--armeria.ports[0].port=$ZIPKIN_PORT"

# The PID is ours only if that process is this Zipkin jar on this port.
PROCESS_PATTERN="-jar $ZIPKIN_JAR $PORT_ARGUMENT"

running_pid() {
    pid_from_file "$PID_FILE" "$PROCESS_PATTERN"
}

resolve_jar() {
    [[ -f "$ZIPKIN_JAR" ]] && return 0
    log "resolving Zipkin server $ZIPKIN_VERSION from Maven Central into $ZIPKIN_LIBS_DIR"
    mkdir -p "$ZIPKIN_LIBS_DIR" "$ZIPKIN_HOME"
    # The exec jar is self-contained (server, UI and their libraries): nothing transitive to fetch.
    mvn -q -B dependency:copy -Dartifact="io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec" \
        -DoutputDirectory="$ZIPKIN_LIBS_DIR" >"$ZIPKIN_HOME/mvn.log" 2>&1 ||
        { print_log_tail "$ZIPKIN_HOME/mvn.log"; die "maven could not resolve Zipkin server $ZIPKIN_VERSION"; }
}

start() {
    take_lock zipkin
    local pid
    if pid="$(running_pid)"; then
        log "zipkin already running (pid $pid): $URL/zipkin/"
        return 0
    fi
    port_is_open 127.0.0.1 "$ZIPKIN_PORT" && die "port $ZIPKIN_PORT is taken by another process; set ZIPKIN_PORT"
    local started_at=$SECONDS
    install_java_and_maven_if_missing
    resolve_jar
    mkdir -p "$ZIPKIN_HOME"
    log "starting zipkin on $URL"
    # Storage in memory: a local trace backend that forgets everything when it stops. 200,000 spans did
    # not fit in 512 MiB under a load test; 100,000 in 1 GiB leave room for the query that reads them.
    STORAGE_TYPE=mem MEM_MAX_SPANS="$ZIPKIN_MAX_SPANS" start_detached "$PID_FILE" "$LOG_FILE" \
        java -Xms64m -Xmx1g -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
        -jar "$ZIPKIN_JAR" "$PORT_ARGUMENT" --armeria.ports[0].ip=127.0.0.1 --armeria.ports[0].protocols[0]=http
    wait_until_url_answers zipkin "$(cat "$PID_FILE")" "$URL/health" "$ZIPKIN_START_TIMEOUT" "$LOG_FILE"
    log "zipkin ready (pid $(cat "$PID_FILE")) in $((SECONDS - started_at))s: $URL/zipkin/"
}

stop() {
    take_lock zipkin
    stop_component zipkin "$PID_FILE" "$PROCESS_PATTERN"
}

status() {
    component_status zipkin "$PID_FILE" "$PROCESS_PATTERN" "$URL/zipkin/"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    url) echo "$URL" ;;
    *)
        echo "usage: $0 {start|stop|status|url}" >&2
        exit 2
        ;;
esac
