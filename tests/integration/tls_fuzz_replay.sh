#!/usr/bin/env bash
# The live fuzzer and replay over wss:// against `wsconform serve --tls-cert`: a fuzz run with
# the test CA trusted ends with no finding (exit 0); a finding (an unfinished frame: the server
# owes no pong) replays as reproduced (exit 1); without the CA, replay cannot connect (exit 3)
# and says why. And --client-cert against `serve --tls-client-ca` (a server that requires a
# client certificate): exit 3 without one, the cases pass with it.
# usage: tls_fuzz_replay.sh WSCONFORM_BINARY
set -euo pipefail
TEST_NAME=tls_fuzz_replay
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scratch_setup "$@"
bin="$BIN" work="$SCRATCH"
make_test_pki "$work"
start_serve "$bin" --tls-cert "$work/leaf.pem" --tls-key "$work/leaf.key"

"$bin" fuzz "$SERVE_URL" --cafile "$work/ca.pem" --iterations 300 --out "$work/findings" \
    >"$work/fuzz.out" 2>&1 || { cat "$work/fuzz.out" >&2; fail "fuzz over wss: exit $?"; }
grep -q "300 inputs in .*0 finding(s)" "$work/fuzz.out" || { cat "$work/fuzz.out" >&2; fail "fuzz summary"; }
say "ok: 300 fuzz inputs over wss, no finding"

python3 - "$work/hang.json" <<'PY'
import base64, json, os, sys
key = base64.b64encode(os.urandom(16)).decode()
handshake = (f"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode()
unfinished = bytes([0x81, 0x80 | 100, 1, 2, 3, 4]) + b"abc"  # announces 100 bytes, sends 3
ping = bytes([0x89, 0x80 | 4, 0, 0, 0, 0]) + b"ping"
json.dump({"format": "wsconform-live-fuzz-finding/1", "kind": "hang",
           "detail": "an unfinished frame", "url": "wss://127.0.0.1/", "seed": 1,
           "inputs": [{"seed": 1, "index": 0, "description": "unfinished frame",
                       "handshake_valid": True, "handshake_hex": handshake.hex(),
                       "writes_hex": [unfinished.hex()], "probe_ping_hex": ping.hex()}]},
          open(sys.argv[1], "w"))
PY
status=0
"$bin" replay "$work/hang.json" "$SERVE_URL" --cafile "$work/ca.pem" --timeout 1 >"$work/replay.out" 2>&1 || status=$?
(( status == 1 )) || { cat "$work/replay.out" >&2; fail "replay over wss: exit $status, want 1"; }
grep -q "^REPRODUCED: hang" "$work/replay.out" || fail "replay did not say REPRODUCED"
status=0
"$bin" replay "$work/hang.json" "$SERVE_URL" --timeout 1 >"$work/untrusted.out" 2>&1 || status=$?
(( status == 3 )) || fail "replay without the CA: exit $status, want 3"
grep -q "certificate verify failed" "$work/untrusted.out" ||
    { cat "$work/untrusted.out" >&2; fail "replay without the CA does not say why"; }
say "ok: replay over wss reproduces the hang; without the CA it says the certificate failed"

# mTLS: a server that requires a client certificate from the CA.
stop_serve
start_serve "$bin" --tls-cert "$work/leaf.pem" --tls-key "$work/leaf.key" --tls-client-ca "$work/ca.pem"
status=0
"$bin" test-server "$SERVE_URL" --cafile "$work/ca.pem" --cases '1.1.1' --outdir "$work/m1" \
    --quiet >"$work/m1.out" 2>&1 || status=$?
(( status == 3 )) || { cat "$work/m1.out" >&2; fail "without a client certificate: exit $status, want 3"; }
"$bin" test-server "$SERVE_URL" --cafile "$work/ca.pem" --client-cert "$work/client.pem" \
    --client-key "$work/client.key" --cases '1.*' --outdir "$work/m2" --quiet >"$work/m2.out" 2>&1 ||
    { cat "$work/m2.out" >&2; fail "with --client-cert: exit $?"; }
say "ok: a server that requires a client certificate: exit 3 without one, 16 cases pass with --client-cert"
