# Shared helpers for the local infrastructure scripts. Sourced, not executed.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JDI_WORK_DIR="${JDI_WORK_DIR:-$REPO_ROOT/.work}"
mkdir -p "$JDI_WORK_DIR"
JDI_WORK_DIR="$(cd "$JDI_WORK_DIR" && pwd)"

log() {
    echo "[$(date +%H:%M:%S)] $*" >&2
}

die() {
    log "ERROR: $*"
    exit 1
}

# Serialise start/stop of one component so that parallel callers (two pytest
# sessions, make + pytest) never race on formatting or PID files. The lock is
# fd 9: processes a script leaves running must not inherit it (start them with 9>&-).
take_lock() {
    local name="$1"
    exec 9>"$JDI_WORK_DIR/$name.lock"
    flock -w "${JDI_LOCK_TIMEOUT:-300}" 9 || die "timed out waiting for $JDI_WORK_DIR/$name.lock"
}

port_is_open() {
    local host="$1" port="$2"
    (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
}

print_log_tail() {
    local file="$1"
    if [[ -f "$file" ]]; then
        echo "----- last 40 lines of $file -----" >&2
        tail -n 40 "$file" >&2
        echo "-----" >&2
    fi
}

install_java_and_maven_if_missing() {
    command -v java >/dev/null && command -v mvn >/dev/null && return 0
    [[ "$(id -u)" == 0 ]] || die "java and mvn are needed (apt-get install -y openjdk-17-jdk-headless maven)"
    log "installing Java 17 and Maven from Debian packages"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless maven >/dev/null
}

# Run a command detached from the caller's session (setsid) so it outlives it, logging to a
# file; the inner bash writes its own PID and then becomes the command through exec.
start_detached() {
    local pid_file="$1" log_file="$2"
    shift 2
    rm -f "$pid_file"
    # shellcheck disable=SC2016  # $$ and $@ belong to the inner bash
    setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pid_file" "$@" >>"$log_file" 2>&1 </dev/null 9>&- &
    local deadline=$((SECONDS + 10))
    until [[ -s "$pid_file" ]] || ((SECONDS >= deadline)); do sleep 0.1; done
    [[ -s "$pid_file" ]] || die "$1 did not start (see $log_file)"
}

wait_until_url_answers() {
    local name="$1" pid="$2" url="$3" timeout="$4" log_file="$5"
    local deadline=$((SECONDS + timeout))
    until curl -fsS -o /dev/null "$url" 2>/dev/null; do
        kill -0 "$pid" 2>/dev/null || { print_log_tail "$log_file"; die "$name exited during startup"; }
        ((SECONDS < deadline)) || { print_log_tail "$log_file"; die "$name did not answer $url after ${timeout}s"; }
        sleep 0.5
    done
}

# The PID in a PID file if that process still runs a command line containing `pattern`: a PID reused
# by another process is never taken for ours.
pid_from_file() {
    local pid_file="$1" pattern="$2" pid
    [[ -f "$pid_file" ]] || return 1
    pid="$(cat "$pid_file")"
    [[ -r "/proc/$pid/cmdline" ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$pattern" || return 1
    echo "$pid"
}

# Stop the component's process if it is still ours: TERM, then KILL after 60 s.
stop_component() {
    local name="$1" pid_file="$2" pattern="$3" pid
    if ! pid="$(pid_from_file "$pid_file" "$pattern")"; then
        log "$name not running"
        rm -f "$pid_file"
        return 0
    fi
    log "stopping $name (pid $pid)"
    kill -TERM "$pid"
    local deadline=$((SECONDS + 60))
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS >= deadline)); then
            log "$name did not stop within 60s; killing pid $pid"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        sleep 0.2
    done
    rm -f "$pid_file"
    log "$name stopped"
}

# `status`: says where the component runs and succeeds, or says it is stopped and returns 3.
component_status() {
    local name="$1" pid_file="$2" pattern="$3" where="$4" pid
    if pid="$(pid_from_file "$pid_file" "$pattern")"; then
        echo "$name running (pid $pid) on $where"
        return 0
    fi
    echo "$name stopped"
    return 3
}
