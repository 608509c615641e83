#!/usr/bin/env bash
# Real RFC 8441 servers (issue 18): 20 cases of sections 1, 2, 5 and 7 over HTTP/2 (h2c with prior
# knowledge; run-server-peer adds --http2 for a peer that prints "LISTENING <port> h2")
# against Node's http2 module (targets/servers/node-http2) and haproxy 2.6 before node ws
# (targets/servers/haproxy-h2): every case passes, as over HTTP/1.1 against node ws alone, which
# targets/h2-matrix-report (the page of targets/run-h2-matrix) says from these runs. haproxy-h2
# is skipped when haproxy is not installed (the test does not apt-get install).
# usage: http2_slice_peers.sh WSCONFORM_BINARY
set -euo pipefail
TEST_NAME=http2_slice_peers
source "$(dirname "${BASH_SOURCE[0]}")/peer_lib.sh"
peer_test_setup "$@"
need_node_ws
peers=(node-http2)
if command -v haproxy >/dev/null; then peers+=(haproxy-h2); else say "haproxy is not installed: node-http2 only"; fi
slice=('1.1.*' '1.2.*' '2.1' '2.2' '5.1' '7.1.1')
# The folders as targets/run-h2-matrix names them, so that its report reads them (below).
status=0
PEER_START_TIMEOUT=40 "$TARGETS_DIR/run-server-peer" node-ws --cases "${slice[@]}" --jobs 2 \
    --outdir "$OUT/server-base-h1" --quiet || status=$?
expect_exit "$status" 0 "$OUT/server-base-h1" "wsconform test-server against node-ws"
for peer in "${peers[@]}"; do
    status=0
    dir="$OUT/server-$peer-h2"
    PEER_START_TIMEOUT=40 "$TARGETS_DIR/run-server-peer" "$peer" --cases "${slice[@]}" \
        --jobs 2 --outdir "$dir" --quiet || status=$?
    expect_exit "$status" 0 "$dir" "wsconform test-server --http2 against $peer"
    n=$(grep -c '"behavior": "OK"' "$dir/index.json" || true)
    (( n >= 20 )) || fail "$peer: $n cases OK in index.json (want 20)"
    grep -q ':protocol: websocket' "$dir/"*1_1_1.json || fail "$peer: the run was not over HTTP/2"
    say "ok: $peer: $n cases of sections 1, 2, 5 and 7 pass over HTTP/2"
    [[ -z "$(python3 "$TARGETS_DIR/h2-matrix-report" --differ "$OUT/server-base-h1" "$dir")" ]] ||
        fail "$peer: h2-matrix-report --differ lists cases whose verdict differs from node-ws"
done
# targets/h2-matrix-report's page from these runs: one row per run, nothing differs.
python3 "$TARGETS_DIR/h2-matrix-report" "$OUT" --doc "$OUT/page.md" --servers "${peers[*]}" \
    --clients "" >/dev/null 2>&1 || fail "h2-matrix-report could not write its page"
grep -q '^| node-ws over HTTP/1.1 | 20 | 20 |' "$OUT/page.md" || fail "no node-ws row in the page"
for peer in "${peers[@]}"; do
    grep -q "^| $peer over HTTP/2 | 20 | 20 |" "$OUT/page.md" || fail "no $peer row in the page"
    grep -q "^\*\*$peer\*\*: none of 20 cases differ" "$OUT/page.md" || fail "$peer differs in the page"
done
say "ok: targets/h2-matrix-report: the page has a row per run and no difference"
