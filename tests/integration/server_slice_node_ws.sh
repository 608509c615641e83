#!/usr/bin/env bash
# `wsconform test-server` against node's ws 8.23.0 echo server (targets/servers/node-ws),
# sections 1-7 and 10: ws passes every one of those cases, so wsconform must exit 0.
# usage: server_slice_node_ws.sh WSCONFORM_BINARY
set -euo pipefail
TEST_NAME=server_slice_node_ws
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
(( $# == 1 )) || fail "usage: $0 WSCONFORM_BINARY"
[[ -x "$1" ]] || fail "wsconform binary not found: $1"

command -v node >/dev/null || skip "node is not installed"
if [[ ! -f "$TARGETS_DIR/node_modules/ws/package.json" ]] && ! command -v npm >/dev/null; then
    skip "targets/node_modules/ws is missing and npm is not installed to fetch it"
fi
"$TARGETS_DIR/install-node-deps" || fail "targets/install-node-deps failed"

out="$(mktemp -d "${TMPDIR:-/tmp}/server_slice_node_ws.XXXXXX")"
trap 'rm -rf "$out"' EXIT
status=0
WSCONFORM="$1" PEER_START_TIMEOUT=60 "$TARGETS_DIR/run-server-peer" node-ws \
    --cases '1.*' '2.*' '3.*' '4.*' '5.*' '6.*' '7.*' '10.*' --outdir "$out" --quiet || status=$?
if (( status != 0 )); then
    python3 "$TARGETS_DIR/summarize-report" "$out" >&2 || true
    fail "wsconform test-server exited with status $status (want 0)"
fi
say "ok: node-ws passed sections 1-7 and 10"
