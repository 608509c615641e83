#!/usr/bin/env bash
# Hostile HTTP/2 servers (issue 18, acceptance 4; tests/support/h2_hostile_server.mjs): one
# that resets every stream (right after the CONNECT, or after the 200), one that never sends
# SETTINGS, one that sends GOAWAY mid-run. `test-server --http2` must give every case a verdict
# (no hang) within the configured deadlines (wall time below the sum of the cases'
# --case-timeout), its exit code, its summary line and index.json must agree, and each
# verdict must name what happened (RST_STREAM / SETTINGS / GOAWAY).
# usage: http2_hostile_peers.sh WSCONFORM_BINARY
set -euo pipefail
TEST_NAME=http2_hostile_peers
source "$(dirname "${BASH_SOURCE[0]}")/peer_lib.sh"
peer_test_setup "$@"
need_node_ws  # the GOAWAY server echoes its first streams with node ws
hostile="$SOURCE_DIR/tests/support/h2_hostile_server.mjs"
case_timeout=6
good=4  # the GOAWAY server's good streams: the run's probe, then 3 cases

peer_pid=
stop_peer() { [[ -z "$peer_pid" ]] || { kill "$peer_pid" 2>/dev/null; wait "$peer_pid" 2>/dev/null; } || true; peer_pid=; }
trap 'rc=$?; stop_peer; (exit "$rc"); cleanup' EXIT

# run MODE WORD CASES...: start the hostile server, run the cases against it, check.
run() {
    local mode=$1 word=$2 dir="$OUT/${1// /-}" port= status=0 t0 took i
    shift 2
    # shellcheck disable=SC2086  # MODE may carry its argument
    (cd "$TARGETS_DIR" && exec node "$hostile" $mode) >"$dir.peer" &
    peer_pid=$!
    for (( i = 0; i < 100; i++ )); do
        read -r _ port _ 2>/dev/null <"$dir.peer" && [[ -n "$port" ]] && break
        sleep 0.1
    done
    [[ -n "$port" ]] || fail "$mode: the hostile server did not start"
    t0=$(date +%s%N)
    "$BIN" test-server "ws://127.0.0.1:$port" --http2 --case-timeout "$case_timeout" \
        --timeout 60 --jobs 2 --cases "$@" --outdir "$dir" >"$dir.out" 2>&1 || status=$?
    took=$(( ($(date +%s%N) - t0) / 1000000 ))
    stop_peer
    line=$(python3 - "$dir" "$dir.out" "$status" "$took" "$case_timeout" "$word" "$mode" "$good" <<'EOF'
import glob, json, re, sys
dir, out, status, took, case_timeout, word, mode, good = sys.argv[1:]
status, took, case_timeout, good = int(status), int(took), float(case_timeout), int(good)
index = json.load(open(f"{dir}/index.json"))
cases = [c for agent in index.values() for c in agent.values()]
assert cases, "index.json lists no case"
budget = case_timeout * (len(cases) + 1) * 1000  # the cases and the run's probe
assert took < budget, f"{took} ms for {len(cases)} cases: over the summed deadlines {budget:.0f} ms"
ok = sum(c["behavior"] in ("OK", "NON-STRICT", "INFORMATIONAL") and c["behaviorClose"] in ("OK", "INFORMATIONAL") for c in cases)
summary = re.search(r"(\d+) cases: (\d+) passed.*?(\d+) failed", open(out).read())
assert summary, "no summary line"
assert int(summary[1]) == len(cases), f"summary says {summary[1]} cases, index.json {len(cases)}"
assert int(summary[2]) == ok, f"summary says {summary[2]} passed, index.json {ok}"
failed = int(summary[3])
assert (status == 1) == (failed > 0) and status in (0, 1), f"exit {status} with {failed} failed"
want_ok = good - 1 if mode.startswith("goaway") else 0
assert ok == want_ok, f"{ok} cases passed (want {want_ok})"
for path in glob.glob(f"{dir}/*_case_*.json"):
    case = json.load(open(path))
    if case["behavior"] == "OK" and case["behaviorClose"] == "OK":
        continue
    text = " ".join(str(case.get(k) or "") for k in ("wasNotCleanReason", "harnessError"))
    assert word in text, f"{case['id']}: the verdict does not name {word}: {text!r}"
print(f"{len(cases)} cases, {ok} passed, exit {status}, {took} ms (deadlines {budget:.0f} ms)")
EOF
) || fail "$mode: $(tail -n 3 "$dir.out")"
    # The run's probe gave up at its deadline: it says no SETTINGS came, not that the connection ended.
    [[ $mode != silent ]] || grep -q "^wsconform: no HTTP/2 SETTINGS .* within [0-9]* ms" "$dir.out" ||
        fail "silent: the probe's line does not say that no SETTINGS came: $(head -n 1 "$dir.out")"
    say "ok: $mode: $line; every verdict names $word"
}

run reset-connect RST_STREAM '1.1.1' '1.1.2' '2.1' '7.1.1'
run reset-200 RST_STREAM '1.1.1' '1.1.2' '2.1' '7.1.1'
run silent SETTINGS '1.1.1' '1.1.2'
run "goaway $good" GOAWAY '1.1.*' '2.1' '7.1.1'
