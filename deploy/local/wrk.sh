#!/usr/bin/env bash
# wrk, the HTTP load generator of bench_gateway.py, from Debian's packages when missing.
# Usage: wrk.sh install
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

install() {
    command -v wrk >/dev/null && return 0
    [[ "$(id -u)" == 0 ]] || die "wrk is not installed and installing it needs root (apt-get install -y wrk)"
    log "installing wrk from Debian packages"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
}

case "${1:-}" in
    install) install ;;
    *) die "usage: $0 install" ;;
esac
