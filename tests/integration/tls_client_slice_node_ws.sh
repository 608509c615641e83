#!/usr/bin/env bash
# node's ws 8.23.0 client (targets/clients/node-ws) through `wsconform test-client --tls`,
# sections 1 and 16: no failures, so wsconform exits 0, and ws refuses every certificate of
# 16.1.1-16.1.6 in the TLS handshake (the case record says "The client refused the
# certificate"), never opening the WebSocket over it.
# usage: tls_client_slice_node_ws.sh WSCONFORM_BINARY
set -euo pipefail
TEST_NAME=tls_client_slice_node_ws
source "$(dirname "${BASH_SOURCE[0]}")/peer_lib.sh"
peer_test_setup "$@"
need_node_ws
status=0
"$TARGETS_DIR/run-client-peer" node-ws --tls --cases '1.*' '16.*' \
    --outdir "$OUT" --timeout 50 --quiet || status=$?
expect_exit "$status" 0 "$OUT" "wsconform test-client --tls"
opened="$(python3 "$TARGETS_DIR/tls-matrix-report" --opened "$OUT")" || fail "could not read the report"
[[ -z "$opened" ]] || fail "node-ws opened the WebSocket over a bad certificate in: ${opened//$'\n'/ }"
say "ok: node-ws ran sections 1 and 16 over wss without failures and refused every bad certificate"
