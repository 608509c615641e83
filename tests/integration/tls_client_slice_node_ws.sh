#!/usr/bin/env bash
# node's ws 8.23.0 client (targets/clients/node-ws) through `wsconform test-client --tls`,
# sections 1 and 16: no failures, so wsconform exits 0, and ws refuses every certificate of
# 16.1.1-16.1.6 in the TLS handshake (the case record says "The client refused the
# certificate"), never opening the WebSocket over it.
# usage: tls_client_slice_node_ws.sh WSCONFORM_BINARY
set -euo pipefail
TEST_NAME=tls_client_slice_node_ws
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
(( $# == 1 )) || fail "usage: $0 WSCONFORM_BINARY"
[[ -x "$1" ]] || fail "wsconform binary not found: $1"

command -v node >/dev/null || skip "node is not installed"
if [[ ! -f "$TARGETS_DIR/node_modules/ws/package.json" ]] && ! command -v npm >/dev/null; then
    skip "targets/node_modules/ws is missing and npm is not installed to fetch it"
fi
"$TARGETS_DIR/install-node-deps" || fail "targets/install-node-deps failed"

out="$(mktemp -d "${TMPDIR:-/tmp}/tls_client_slice_node_ws.XXXXXX")"
trap 'rm -rf "$out"' EXIT
status=0
WSCONFORM="$1" "$TARGETS_DIR/run-client-peer" node-ws --tls --cases '1.*' '16.*' --outdir "$out" \
    --timeout 50 --quiet || status=$?
if (( status != 0 )); then
    python3 "$TARGETS_DIR/summarize-report" "$out" >&2 || true
    fail "wsconform test-client --tls exited with status $status (want 0)"
fi
opened="$(python3 "$TARGETS_DIR/tls-matrix-report" --opened "$out")" || fail "could not read the report"
[[ -z "$opened" ]] || fail "node-ws opened the WebSocket over a bad certificate in: ${opened//$'\n'/ }"
say "ok: node-ws ran sections 1 and 16 over wss without failures and refused every bad certificate"
