#!/usr/bin/env bash
# node's ws 8.23.0 echo server over https (targets/servers/node-ws --tls): `wsconform
# test-server wss://localhost --cafile <throwaway CA>` runs sections 1, 2 and 16 without a
# failure, and sections 1 and 2 give the same verdicts (behavior / behaviorClose) over wss
# as over ws (issue 14, acceptance item 2).
# usage: tls_server_slice_node_ws.sh WSCONFORM_BINARY
set -euo pipefail
TEST_NAME=tls_server_slice_node_ws
source "$(dirname "${BASH_SOURCE[0]}")/peer_lib.sh"
peer_test_setup "$@"
command -v openssl >/dev/null || skip "openssl is not installed (it makes the test certificates)"
need_node_ws
for mode in ws wss; do
    tls=() extra=()
    [[ $mode == wss ]] && tls=(--tls) extra=('16.*')
    status=0
    PEER_START_TIMEOUT=60 "$TARGETS_DIR/run-server-peer" "${tls[@]}" \
        node-ws --cases '1.*' '2.*' "${extra[@]}" --outdir "$OUT/$mode" --quiet || status=$?
    expect_exit "$status" 0 "$OUT/$mode" "wsconform test-server over $mode"
done
grep -q '"16\.2\.1"' "$OUT/wss/index.json" || fail "the wss run has no section 16"
differ="$(python3 "$TARGETS_DIR/tls-matrix-report" --differ "$OUT/ws" "$OUT/wss")" ||
    fail "could not compare the ws and wss reports"
[[ -z "$differ" ]] || fail "verdicts differ between ws and wss for: ${differ//$'\n'/ }"
say "ok: node-ws over wss passed sections 1, 2 and 16, with the verdicts of ws for 1 and 2"
