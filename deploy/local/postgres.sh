#!/usr/bin/env bash
# Throwaway local PostgreSQL cluster in the work folder, listening on
# 127.0.0.1 only, with database `jdi` owned by role `jdi` (trust auth).
# Usage: postgres.sh {start|stop|status}
#
# Environment:
#   POSTGRES_PORT  port on 127.0.0.1 (default 55432)
#   JDI_WORK_DIR   work folder (default <repo>/.work)
#   POSTGRES_HOME  cluster folder (default $JDI_WORK_DIR/postgres, or under /tmp when the
#                  postgres OS user cannot reach the work folder)
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

POSTGRES_PORT="${POSTGRES_PORT:-55432}"
PG_HOME="${POSTGRES_HOME:-$JDI_WORK_DIR/postgres}"
# As root the cluster belongs to the postgres OS user, which cannot enter a work folder under,
# say, /root (mode 700); then the cluster lives under /tmp, named after the work folder.
if [[ -z "${POSTGRES_HOME:-}" && "$(id -u)" == 0 ]] && id postgres >/dev/null 2>&1 &&
    ! runuser -u postgres -- test -x "$JDI_WORK_DIR" 2>/dev/null; then
    PG_HOME="/tmp/jdi-postgres-$(printf %s "$JDI_WORK_DIR" | sha1sum | cut -c1-12)"
fi
DATA_DIR="$PG_HOME/data"
SOCKET_DIR="$PG_HOME/run"
LOG_FILE="$PG_HOME/postgres.log"

find_pg_bin_dir() {
    local newest
    # shellcheck disable=SC2012  # version directories are plain numbers
    newest="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [[ -n "$newest" && -x "$newest/pg_ctl" && -x "$newest/initdb" ]]; then
        echo "$newest"
    elif command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
        dirname "$(readlink -f "$(command -v pg_ctl)")"
    else
        return 1
    fi
}

install_postgres() {
    [[ "$(id -u)" == 0 ]] || die "PostgreSQL is not installed and installing it needs root (apt-get install -y postgresql)"
    log "installing PostgreSQL from Debian packages"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
}

PG_BIN="$(find_pg_bin_dir || true)"
if [[ -z "$PG_BIN" && "${1:-}" == start ]]; then
    install_postgres
    PG_BIN="$(find_pg_bin_dir)" || die "PostgreSQL binaries not found after install"
fi

# initdb and the server refuse to run as root, so root delegates to `postgres`.
as_db_owner() {
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_ctl_cmd() {
    as_db_owner "$PG_BIN/pg_ctl" -D "$DATA_DIR" "$@"
}

is_running() {
    [[ -n "$PG_BIN" && -f "$DATA_DIR/PG_VERSION" ]] && pg_ctl_cmd status >/dev/null 2>&1
}

init_cluster_once() {
    [[ -f "$DATA_DIR/PG_VERSION" ]] && return 0
    log "initialising a PostgreSQL cluster in $DATA_DIR"
    mkdir -p "$DATA_DIR" "$SOCKET_DIR"
    if [[ "$(id -u)" == 0 ]]; then
        chown postgres:postgres "$PG_HOME" "$DATA_DIR" "$SOCKET_DIR"
        runuser -u postgres -- test -w "$DATA_DIR" ||
            die "the postgres OS user cannot reach $DATA_DIR; set JDI_WORK_DIR to a folder it can traverse (e.g. under /tmp)"
    fi
    chmod 700 "$DATA_DIR"
    as_db_owner "$PG_BIN/initdb" -D "$DATA_DIR" -U postgres -E UTF8 --no-locale \
        --auth-local=trust --auth-host=trust >"$PG_HOME/initdb.log" 2>&1 ||
        { print_log_tail "$PG_HOME/initdb.log"; die "initdb failed"; }
}

psql_admin() {
    "$PG_BIN/psql" -h "$SOCKET_DIR" -p "$POSTGRES_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA "$@"
}

create_role_and_database_once() {
    if [[ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'jdi'")" != 1 ]]; then
        psql_admin -c "CREATE ROLE jdi LOGIN CREATEDB"
    fi
    if [[ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'jdi'")" != 1 ]]; then
        psql_admin -c "CREATE DATABASE jdi OWNER jdi"
    fi
}

start() {
    take_lock postgres
    if is_running; then
        log "postgres already running on 127.0.0.1:$POSTGRES_PORT"
        return 0
    fi
    if port_is_open 127.0.0.1 "$POSTGRES_PORT"; then
        die "port $POSTGRES_PORT is taken by another process; set POSTGRES_PORT"
    fi
    local started_at=$SECONDS
    init_cluster_once
    log "starting postgres on 127.0.0.1:$POSTGRES_PORT"
    # fsync and friends are off: this cluster is disposable and only ever local.
    pg_ctl_cmd -l "$LOG_FILE" -w -t 60 start -o "-c listen_addresses=127.0.0.1 -p $POSTGRES_PORT \
-c unix_socket_directories=$SOCKET_DIR -c max_connections=200 \
-c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null 9>&- ||
        { print_log_tail "$LOG_FILE"; die "postgres did not start"; }
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT" -t 30 ||
        { print_log_tail "$LOG_FILE"; die "postgres is not accepting connections"; }
    create_role_and_database_once
    log "postgres ready in $((SECONDS - started_at))s: 127.0.0.1:$POSTGRES_PORT"
}

stop() {
    take_lock postgres
    if ! is_running; then
        log "postgres not running"
        return 0
    fi
    log "stopping postgres"
    pg_ctl_cmd stop -m fast -w -t 60 >/dev/null
    log "postgres stopped"
}

status() {
    if is_running; then
        echo "postgres running on 127.0.0.1:$POSTGRES_PORT (data $DATA_DIR)"
        return 0
    fi
    echo "postgres stopped"
    return 3
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *)
        echo "usage: $0 {start|stop|status}" >&2
        exit 2
        ;;
esac
