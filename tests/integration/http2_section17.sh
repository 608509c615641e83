#!/usr/bin/env bash
# Section 17 (WebSocket over HTTP/2, testing a server) end to end: every case passes against
# `serve --http2`; without --http2 each is not applicable; and each planted RFC 8441 mistake
# (tests/support/h2_planted_server.js) is caught by its case(s), while every other case gets
# the built-in server's verdict or, when the mistake makes it impossible to run, "not
# applicable" naming the case that caught it.
# usage: http2_section17.sh WSCONFORM_BINARY
set -euo pipefail
TEST_NAME=http2_section17
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scratch_setup "$@"
bin="$BIN" out="$SCRATCH"
planted="$(cd "$(dirname "${BASH_SOURCE[0]}")/../support" && pwd)/h2_planted_server.js"
command -v node >/dev/null || skip "node is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"

# verdicts DIR: "ID BEHAVIOR RESULT" lines (RESULT: the case's sentence, from its JSON file).
verdicts() {
    python3 - "$1/index.json" <<'PY'
import json, os, sys
index = json.load(open(sys.argv[1]))
for agent in index.values():
    for case_id, r in sorted(agent.items()):
        case = json.load(open(os.path.join(os.path.dirname(sys.argv[1]), r["reportfile"])))
        print(case_id, r["behavior"], case.get("result", "").replace("\n", " "))
PY
}

start_serve "$bin" --http2
"$bin" test-server "$SERVE_URL" --http2 --cases '17.*' --outdir "$out/builtin" --quiet ||
    fail "serve --http2: test-server --http2 exited with $? (want 0: every case passes)"
verdicts "$out/builtin" >"$out/builtin.txt"
total=$(wc -l <"$out/builtin.txt")
ok=$(grep -c ' OK ' "$out/builtin.txt" || true)
(( total >= 20 && ok == total )) || fail "serve --http2: $ok of $total cases OK: $(grep -v ' OK ' "$out/builtin.txt")"
say "ok: serve --http2 passes all $total cases of section 17"
"$bin" test-server "$SERVE_URL" --cases '17.1.1' --outdir "$out/h1" --quiet || true
verdicts "$out/h1" | grep -q '^17.1.1 UNIMPLEMENTED .*needs --http2' ||
    fail "without --http2 17.1.1 is not reported as needing it: $(verdicts "$out/h1")"
say "ok: without --http2 section 17 is not applicable"
stop_serve

# start_planted MODE: the planted server in the background; sets PLANTED_PID and PLANTED_PORT.
start_planted() {
    local mode=$1 line
    node "$planted" "$mode" 0 >"$out/$mode.log" 2>&1 &
    PLANTED_PID=$!
    for _ in $(seq 100); do
        line=$(head -n 1 "$out/$mode.log" 2>/dev/null || true)
        [[ $line == listening* ]] && break
        sleep 0.1
    done
    [[ $line == listening* ]] || { kill "$PLANTED_PID" 2>/dev/null; fail "$mode: the planted server did not start: $(cat "$out/$mode.log")"; }
    PLANTED_PORT=${line#listening }
}

# planted MODE CAUGHT...: the cases that must differ from the built-in server's verdicts.
planted() {
    local mode=$1
    shift
    start_planted "$mode"
    "$bin" test-server "ws://127.0.0.1:$PLANTED_PORT" --http2 --cases '17.*' --outdir "$out/$mode" \
        --quiet >"$out/$mode.run" 2>&1 || true
    kill "$PLANTED_PID" 2>/dev/null || true
    wait "$PLANTED_PID" 2>/dev/null || true
    verdicts "$out/$mode" >"$out/$mode.txt"
    python3 - "$out/builtin.txt" "$out/$mode.txt" "$mode" "$@" <<'PY' || fail "$mode: see above; the planted server said: $(tail -n 20 "$out/$mode.log"); test-server said: $(tail -n 5 "$out/$mode.run")"
import sys
def load(path):
    out = {}
    for line in open(path):
        case_id, behavior, reason = (line.rstrip("\n").split(" ", 2) + [""])[:3]
        out[case_id] = (behavior, reason)
    return out
builtin, planted, mode, caught = load(sys.argv[1]), load(sys.argv[2]), sys.argv[3], sys.argv[4:]
bad = []
if set(builtin) != set(planted):
    bad.append("not the same cases")
for case_id in sorted(builtin):
    b, (p, reason) = builtin[case_id][0], planted.get(case_id, ("missing", ""))
    if case_id in caught:
        if p == b:
            bad.append(f"{case_id}: not caught ({p})")
    elif p != b and not (p == "UNIMPLEMENTED" and any(c in reason for c in caught)):
        bad.append(f"{case_id}: {p} (built-in: {b}) {reason}")
for line in bad:
    print(f"[{mode}] {line}", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
    say "ok: $mode: caught by $* ($(grep -E "^($(IFS='|'; echo "$*" | sed 's/\./\\./g')) " "$out/$mode.txt" | cut -d' ' -f1,2 | tr '\n' ',' ))"
}

# --profile protocol against a server that never echoes: every case the profile runs gets the
# built-in server's verdict (OK), 17.5.1, 17.5.3 and 17.5.4 (judged on echoes) are not run; without
# the profile the same server fails the cases that wait for an echo.
start_planted no-echo
"$bin" test-server "ws://127.0.0.1:$PLANTED_PORT" --http2 --profile protocol --cases '17.*' \
    --outdir "$out/no-echo-protocol" --quiet >"$out/no-echo-protocol.run" 2>&1 ||
    { kill "$PLANTED_PID"; fail "no-echo, --profile protocol: exit $? (want 0): $(cat "$out/no-echo-protocol.run")"; }
"$bin" test-server "ws://127.0.0.1:$PLANTED_PORT" --http2 --cases '17.1.2' \
    --outdir "$out/no-echo-echo" --quiet >"$out/no-echo-echo.run" 2>&1 && status=0 || status=$?
kill "$PLANTED_PID" 2>/dev/null || true
wait "$PLANTED_PID" 2>/dev/null || true
(( status == 1 )) || fail "no-echo without --profile protocol: exit $status (want 1: 17.1.2 waits for an echo)"
verdicts "$out/no-echo-protocol" >"$out/no-echo-protocol.txt"
unrun=$(grep -c ' UNIMPLEMENTED Not applicable: needs an echo server' "$out/no-echo-protocol.txt" || true)
ok=$(grep -c ' OK ' "$out/no-echo-protocol.txt" || true)
(( unrun == 3 && ok == total - 3 )) ||
    fail "no-echo, --profile protocol: $ok OK and $unrun not run of $total: $(grep -v ' OK ' "$out/no-echo-protocol.txt")"
say "ok: no-echo: --profile protocol passes $ok cases of section 17 and leaves out the 3 judged on echoes"

planted no-setting 17.1.1
planted require-key 17.1.2 17.3.3
planted accept-connection 17.3.1 17.3.2
planted no-close-reply 17.4.3 17.5.1
planted bad-settings 17.1.1
# The run's first look (nghttp2's session) names the refused SETTINGS too, not "no SETTINGS".
grep -q "the server's SETTINGS carry a value out of its range" "$out/bad-settings.run" ||
    fail "bad-settings: the run's probe does not name the refused SETTINGS: $(head -n 3 "$out/bad-settings.run")"
