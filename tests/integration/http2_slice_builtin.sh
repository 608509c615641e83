#!/usr/bin/env bash
# WebSocket over HTTP/2 (RFC 8441) end to end through the command line: `test-server --http2`
# runs a few dozen cases of sections 1-7 (and 14.1.1, not applicable over h2) against
# `serve --http2`, over h2c (prior knowledge on ws://) and over h2 (ALPN on wss://, the test CA
# of the TLS tests); every case passes. The same server still upgrades HTTP/1.1, and a TLS
# server that does not offer h2 is refused in one line.
# usage: http2_slice_builtin.sh WSCONFORM_BINARY
set -euo pipefail
TEST_NAME=http2_slice_builtin
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scratch_setup "$@"
bin="$BIN" out="$SCRATCH"

slice=('1.1.*' '1.2.1' '1.2.8' '2.*' '3.1' '3.4' '4.1.1' '4.2.5' '5.1' '5.6' '5.15' '5.19'
       '6.1.*' '6.3.1' '6.4.1' '7.1.*' '7.5.1' '7.9.1' '7.13.2' '14.1.1')

# check LABEL DIR: every case passed, but 14.1.1, reported not applicable over HTTP/2.
check() {
    local label=$1 dir=$2 ok na
    ok=$(grep -c '"behavior": "OK"' "$dir/index.json" || true)
    na=$(grep -c '"behavior": "UNIMPLEMENTED"' "$dir/index.json" || true)
    (( ok >= 30 && na == 1 )) || fail "$label: $ok cases OK and $na UNIMPLEMENTED in index.json"
    grep -q 'RFC 8441' "$dir/"*14_1_1.json || fail "$label: 14.1.1 does not say why it is not run"
    grep -q ':protocol: websocket' "$dir/"*1_1_1.json || fail "$label: no extended CONNECT shown"
    say "ok: $label: $ok cases pass over HTTP/2, 14.1.1 not applicable"
}

start_serve "$bin" --http2
status=0
"$bin" test-server "$SERVE_URL" --http2 --cases "${slice[@]}" --outdir "$out/h2c" --quiet ||
    status=$?
(( status == 0 )) || fail "h2c: test-server exited with $status (want 0)"
check h2c "$out/h2c"
"$bin" test-server "$SERVE_URL" --cases '1.1.1' '7.1.1' --outdir "$out/h1" --quiet ||
    fail "the --http2 server no longer upgrades HTTP/1.1"
say "ok: the same port still upgrades HTTP/1.1"
stop_serve

make_test_pki "$out"  # the test CA of the TLS tests, and a leaf it issued for 127.0.0.1
start_serve "$bin" --http2 --tls-cert "$out/leaf.pem" --tls-key "$out/leaf.key"
status=0
"$bin" test-server "$SERVE_URL" --http2 --cafile "$out/ca.pem" --cases "${slice[@]}" \
    --outdir "$out/h2" --quiet || status=$?
(( status == 0 )) || fail "h2 over TLS: test-server exited with $status (want 0)"
check "h2 over TLS" "$out/h2"
stop_serve

start_serve "$bin" --tls-cert "$out/leaf.pem" --tls-key "$out/leaf.key"
status=0
"$bin" test-server "$SERVE_URL" --http2 --cafile "$out/ca.pem" --cases '1.1.1' \
    --outdir "$out/no-h2" --quiet 2>"$out/no-h2.err" || status=$?
(( status != 0 )) || fail "a TLS server without h2 passed over HTTP/2"
grep -q 'did not select h2 by ALPN' "$out/no-h2.err" ||
    fail "no clear line for a server without h2: $(cat "$out/no-h2.err")"
say "ok: a TLS server without h2 is refused: $(head -n 1 "$out/no-h2.err")"
stop_serve
