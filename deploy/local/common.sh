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
