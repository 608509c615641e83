#!/usr/bin/env bash
# Real RFC 8441 servers (issue 18): 20 cases of sections 1, 2, 5 and 7 over HTTP/2 (h2c with prior
# knowledge; run-server-peer adds --http2 for a peer that prints "LISTENING <port> h2")
# against Node's http2 module (targets/servers/node-http2) and haproxy 2.6 before node ws
# (targets/servers/haproxy-h2): every case passes. haproxy-h2 is skipped when haproxy is not
# installed (the test does not apt-get install).
# usage: http2_slice_peers.sh WSCONFORM_BINARY
set -euo pipefail
TEST_NAME=http2_slice_peers
source "$(dirname "${BASH_SOURCE[0]}")/peer_lib.sh"
peer_test_setup "$@"
need_node_ws
peers=(node-http2)
if command -v haproxy >/dev/null; then peers+=(haproxy-h2); else say "haproxy is not installed: node-http2 only"; fi
for peer in "${peers[@]}"; do
    status=0
    PEER_START_TIMEOUT=40 "$TARGETS_DIR/run-server-peer" "$peer" --cases '1.1.*' '1.2.*' '2.1' '2.2' '5.1' '7.1.1' \
        --jobs 2 --outdir "$OUT/$peer" --quiet || status=$?
    expect_exit "$status" 0 "$OUT/$peer" "wsconform test-server --http2 against $peer"
    n=$(grep -c '"behavior": "OK"' "$OUT/$peer/index.json" || true)
    (( n >= 20 )) || fail "$peer: $n cases OK in index.json (want 20)"
    grep -q ':protocol: websocket' "$OUT/$peer/"*1_1_1.json || fail "$peer: the run was not over HTTP/2"
    say "ok: $peer: $n cases of sections 1, 2, 5 and 7 pass over HTTP/2"
done
