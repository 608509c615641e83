#!/usr/bin/env bash
# `wsconform serve` against node's ws 8.23.0 client (targets/clients/echo_check.mjs).
# usage: serve_node_ws_client.sh WSCONFORM_BINARY
set -euo pipefail
TEST_NAME=serve_node_ws_client
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
(( $# == 1 )) || fail "usage: $0 WSCONFORM_BINARY"

command -v node >/dev/null || skip "node is not installed"
if [[ ! -f "$TARGETS_DIR/node_modules/ws/package.json" ]] && ! command -v npm >/dev/null; then
    skip "targets/node_modules/ws is missing and npm is not installed to fetch it"
fi
"$TARGETS_DIR/install-node-deps" || fail "targets/install-node-deps failed"

start_serve "$1"
node "$TARGETS_DIR/clients/echo_check.mjs" "$SERVE_URL" || fail "echo checks failed (see above)"
stop_serve
