#!/usr/bin/env bash
# Section 15.6.1 (a refused upgrade leaves no tunnel, the "websocket-smuggle" shape) through
# proxies in front of a backend that answers 426 and keeps the connection open
# (tests/support/hostile_peer.py server backend426): our planted proxy that tunnels on the
# request alone fails the case; the same proxy tunnelling only after a 101 passes, and so do
# the backend alone and, when it is installed, Debian's haproxy in front of it.
# usage: proxy_smuggle.sh WSCONFORM_BINARY
set -euo pipefail
TEST_NAME=proxy_smuggle
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scratch_setup "$@"
[[ -x "$BIN" ]] || fail "wsconform binary not found: $BIN"
peer="$SOURCE_DIR/tests/support/hostile_peer.py"

pids=()
stop_all() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap 'rc=$?; stop_all; set +e; (exit "$rc"); cleanup' EXIT

# start_peer NAME ARGS...: hostile_peer.py ARGS with its port file $SCRATCH/NAME.port.
start_peer() {
    local name="$1"
    shift
    python3 "$peer" "$@" 2>"$SCRATCH/$name.err" &
    pids+=($!)
    for _ in $(seq 100); do [[ -s "$SCRATCH/$name.port" ]] && return 0; sleep 0.05; done
    cat "$SCRATCH/$name.err" >&2
    fail "$name did not start"
}

# verdict PORT: the outcome of 15.6.1 against ws://127.0.0.1:PORT/ (and its sentence on stderr).
verdict() {
    local out="$SCRATCH/r$1"
    "$BIN" test-server "ws://127.0.0.1:$1/" --cases 15.6.1 --outdir "$out" --quiet \
        >"$out.txt" 2>&1 || true
    python3 - "$out" <<'PY'
import glob, json, sys
path = glob.glob(sys.argv[1] + "/*_case_15_6_1.json") or glob.glob(sys.argv[1] + "/*15_6_1*.json")
case = json.load(open(path[0]))
print(case.get("outcome", "?"))
print(case.get("result", ""), file=sys.stderr)
PY
}

start_peer backend server backend426 "$SCRATCH/backend.port"
backend="$(cat "$SCRATCH/backend.port")"
start_peer tunnel proxy tunnel "$SCRATCH/tunnel.port" "$backend"
start_peer http proxy http "$SCRATCH/http.port" "$backend"

got="$(verdict "$(cat "$SCRATCH/tunnel.port")")"
[[ "$got" == fail ]] || fail "the tunnelling proxy: 15.6.1 is '$got' (want fail)"
say "ok: a proxy that tunnels on the request alone fails 15.6.1"
got="$(verdict "$(cat "$SCRATCH/http.port")")"
[[ "$got" == pass ]] || fail "the proxy that tunnels after a 101 only: 15.6.1 is '$got' (want pass)"
got="$(verdict "$backend")"
[[ "$got" == pass ]] || fail "the backend alone: 15.6.1 is '$got' (want pass)"
say "ok: a correct proxy and the backend alone pass 15.6.1"

if command -v haproxy >/dev/null; then
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    cat >"$SCRATCH/haproxy.cfg" <<CFG
defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s
frontend websocket
    bind 127.0.0.1:$port
    default_backend backend426
backend backend426
    server b 127.0.0.1:$backend
CFG
    haproxy -db -f "$SCRATCH/haproxy.cfg" >"$SCRATCH/haproxy.out" 2>&1 &
    pids+=($!)
    for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
    got="$(verdict "$port")"
    [[ "$got" == pass ]] || fail "haproxy $(haproxy -v | head -1): 15.6.1 is '$got' (want pass)"
    say "ok: $(haproxy -v | head -1 | cut -d' ' -f1-3) in front passes 15.6.1"
else
    say "haproxy is not installed: its row is skipped"
fi
