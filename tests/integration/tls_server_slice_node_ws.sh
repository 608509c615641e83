#!/usr/bin/env bash
# node's ws 8.23.0 echo server over https (targets/servers/node-ws --tls): `wsconform
# test-server wss://localhost --cafile <throwaway CA>` runs sections 1, 2 and 16 without a
# failure, and sections 1 and 2 give the same verdicts (behavior / behaviorClose) over wss
# as over ws (issue 14, acceptance item 2).
# usage: tls_server_slice_node_ws.sh WSCONFORM_BINARY
set -euo pipefail
TEST_NAME=tls_server_slice_node_ws
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
(( $# == 1 )) || fail "usage: $0 WSCONFORM_BINARY"
[[ -x "$1" ]] || fail "wsconform binary not found: $1"

command -v node >/dev/null || skip "node is not installed"
command -v openssl >/dev/null || skip "openssl is not installed (it makes the test certificates)"
if [[ ! -f "$TARGETS_DIR/node_modules/ws/package.json" ]] && ! command -v npm >/dev/null; then
    skip "targets/node_modules/ws is missing and npm is not installed to fetch it"
fi
"$TARGETS_DIR/install-node-deps" || fail "targets/install-node-deps failed"

out="$(mktemp -d "${TMPDIR:-/tmp}/tls_server_slice_node_ws.XXXXXX")"
trap 'rm -rf "$out"' EXIT
for mode in ws wss; do
    tls=() extra=()
    [[ $mode == wss ]] && tls=(--tls) extra=('16.*')
    status=0
    WSCONFORM="$1" PEER_START_TIMEOUT=60 "$TARGETS_DIR/run-server-peer" "${tls[@]}" node-ws \
        --cases '1.*' '2.*' "${extra[@]}" --outdir "$out/$mode" --quiet || status=$?
    if (( status != 0 )); then
        python3 "$TARGETS_DIR/summarize-report" "$out/$mode" >&2 || true
        fail "wsconform test-server over $mode exited with status $status (want 0)"
    fi
done
grep -q '"16\.2\.1"' "$out/wss/index.json" || fail "the wss run has no section 16"
differ="$(python3 "$TARGETS_DIR/tls-matrix-report" --differ "$out/ws" "$out/wss")" ||
    fail "could not compare the ws and wss reports"
[[ -z "$differ" ]] || fail "verdicts differ between ws and wss for: ${differ//$'\n'/ }"
say "ok: node-ws over wss passed sections 1, 2 and 16, with the verdicts of ws for 1 and 2"
