#!/usr/bin/env bash
# Section 15.4.3, the CVE-2024-37890 shape (2,100 filler headers before the upgrade headers),
# against real peers: Debian's node-ws 8.11.0 crashes (the case must fail), npm ws 8.23.0
# (targets/node_modules) answers 400 (the case must pass).
# usage: cve_2024_37890_node_ws.sh WSCONFORM_BINARY
set -euo pipefail
TEST_NAME=cve_2024_37890_node_ws
source "$(dirname "${BASH_SOURCE[0]}")/peer_lib.sh"
peer_test_setup "$@"
need_node_ws
debian_ws=/usr/share/nodejs/ws
[[ -f "$debian_ws/package.json" ]] || skip "Debian's node-ws is not installed (apt-get install node-ws)"

node_pid=
stop_node() {
    [[ -n "$node_pid" ]] || return 0
    kill "$node_pid" 2>/dev/null || true
    wait "$node_pid" 2>/dev/null || true
    node_pid=
}
trap 'rc=$?; stop_node; set +e; (exit "$rc"); cleanup' EXIT

# run_case WS_DIR: an echo server of the ws package at WS_DIR on a free port, 15.4.3 against
# it; prints the outcome, then whether the server process is still alive.
run_case() {
    local dir="$1" log="$SCRATCH/node.log" port=
    : >"$log"
    node -e '
const WebSocket = require(process.argv[1]);
const wss = new WebSocket.Server({ port: 0, host: "127.0.0.1" }, () =>
    console.log("LISTENING " + wss.address().port));
wss.on("connection", (ws) => ws.on("message", (data, binary) => ws.send(data, { binary })));
' "$dir" >"$log" 2>&1 &
    node_pid=$!
    for _ in $(seq 100); do
        port="$(sed -n 's/^LISTENING //p' "$log")"
        [[ -n "$port" ]] && break
        sleep 0.05
    done
    [[ -n "$port" ]] || { cat "$log" >&2; fail "the ws echo server at $dir did not start"; }
    "$BIN" test-server "ws://127.0.0.1:$port/" --cases 15.4.3 --outdir "$OUT/$port" --quiet \
        >"$SCRATCH/run.txt" 2>&1 || true
    python3 -c '
import glob, json, sys
case = json.load(open(glob.glob(sys.argv[1] + "/*15_4_3*.json")[0]))
print(case.get("outcome", "?"))
print(case.get("result", ""), file=sys.stderr)' "$OUT/$port"
    if kill -0 "$node_pid" 2>/dev/null; then echo alive; else echo exited; fi
    stop_node
}

mapfile -t old < <(run_case "$debian_ws")
say "Debian node-ws $(node -p "require('$debian_ws/package.json').version"): ${old[*]}"
[[ "${old[0]}" == fail ]] || fail "Debian's node-ws 8.11.0: 15.4.3 is '${old[0]}' (want fail)"
[[ "${old[1]}" == exited ]] || fail "Debian's node-ws 8.11.0 did not exit (want the crash)"

npm_ws="$TARGETS_DIR/node_modules/ws"
mapfile -t new < <(run_case "$npm_ws")
say "npm ws $(node -p "require('$npm_ws/package.json').version"): ${new[*]}"
[[ "${new[0]}" == pass ]] || fail "npm ws: 15.4.3 is '${new[0]}' (want pass)"
[[ "${new[1]}" == alive ]] || fail "npm ws exited"
say "ok: 15.4.3 fails Debian's node-ws 8.11.0 (it crashed) and passes npm ws"
