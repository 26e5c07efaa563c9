# Connection settings for the local infrastructure started by kafka.sh and
# postgres.sh, derived from the same ports; a value already set (shared
# infrastructure, CI) is kept.
#   source deploy/local/env.sh    exports them into the current shell
#   bash deploy/local/env.sh      prints them as `export` lines
# POSIX sh, so a Makefile's /bin/sh can source it too (dash cannot tell that it
# was sourced, so there it prints the lines as well).
# shellcheck shell=sh

# Every node of a KAFKA_BROKERS cluster (node N's client port is KAFKA_PORT+2(N-1), as kafka.sh has it).
if [ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ]; then
    _node=1
    KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:${KAFKA_PORT:-19092}"
    while [ "$_node" -lt "${KAFKA_BROKERS:-1}" ]; do
        KAFKA_BOOTSTRAP_SERVERS="$KAFKA_BOOTSTRAP_SERVERS,127.0.0.1:$((${KAFKA_PORT:-19092} + 2 * _node))"
        _node=$((_node + 1))
    done
    unset _node
fi
export KAFKA_BOOTSTRAP_SERVERS
export DATABASE_URL="${DATABASE_URL:-postgresql+asyncpg://jdi@127.0.0.1:${POSTGRES_PORT:-55432}/jdi}"

# shellcheck disable=SC3028  # BASH_SOURCE is set only under bash, which is the point
if [ "${BASH_SOURCE:-$0}" = "$0" ]; then
    echo "export KAFKA_BOOTSTRAP_SERVERS=$KAFKA_BOOTSTRAP_SERVERS"
    echo "export DATABASE_URL=$DATABASE_URL"
fi
