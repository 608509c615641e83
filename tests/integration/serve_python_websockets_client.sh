#!/usr/bin/env bash
# `wsconform serve` against the Python websockets 10.4 client (targets/clients/echo_check.py).
# usage: serve_python_websockets_client.sh WSCONFORM_BINARY
set -euo pipefail
TEST_NAME=serve_python_websockets_client
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
(( $# == 1 )) || fail "usage: $0 WSCONFORM_BINARY"

[[ -x /usr/bin/python3 ]] || skip "/usr/bin/python3 is not installed"
/usr/bin/python3 -c 'import websockets' 2>/dev/null ||
    skip "Debian's python3-websockets is not installed (apt-get install python3-websockets)"

start_serve "$1"
/usr/bin/python3 "$TARGETS_DIR/clients/echo_check.py" "$SERVE_URL" || fail "echo checks failed (see above)"
stop_serve
