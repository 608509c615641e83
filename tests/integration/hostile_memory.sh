#!/usr/bin/env bash
# Memory under hostile peers (issue 15, acceptance 1): against a server that floods small
# valid frames forever and one that answers every message with a 100 MiB message, with
# --jobs 64, against 16 flooding clients in test-client mode, and against HTTP/2 peers that
# flood section 17's cases (below), wsconform's peak RSS stays
# <= 200 MB, its report folder <= 50 MB, and `wsconform report` on that folder <= 200 MB.
# The flooding server gets the issue's 39 cases; the others a faster slice (scripts/robustness
# measures the full 39 for docs/robustness.md).
#
# usage: hostile_memory.sh WSCONFORM_BINARY
set -uo pipefail
TEST_NAME=hostile_memory
SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../support/hostile_measure.sh
source "$SOURCE_DIR/tests/support/hostile_measure.sh"

say() { printf '[%s] %s\n' "$TEST_NAME" "$*" >&2; }
BIN="${1:?usage: hostile_memory.sh WSCONFORM_BINARY}"
[[ -x "$BIN" ]] || { say "FAIL: no binary at $BIN"; exit 1; }
[[ -x /usr/bin/time ]] || { say "SKIP: /usr/bin/time is missing"; exit 77; }
command -v python3 >/dev/null || { say "SKIP: python3 is missing"; exit 77; }

OUT="$(mktemp -d "${TMPDIR:-/tmp}/wsconform-hostile-memory.XXXXXX")"
trap 'stop_hostile_peer; rm -rf "$OUT"' EXIT

MAX_RSS_KB=$((200 * 1000))
MAX_REPORT_KB=$((50 * 1000))
failed=0

# check LABEL EXPECTED_CASES [EXPECTED_EXIT]: the figures of the last measure_hostile against
# the limits (the exit code: 1 by default, failures).
check() {
    say "$1: ${M_CASES} cases, exit ${M_EXIT}, ${M_SECONDS} s, peak RSS ${M_RSS_KB} kB," \
        "report ${M_REPORT_KB} kB, \`report\` peak RSS ${M_REPORT_RSS_KB} kB"
    local bad=()
    ((M_CASES == $2)) || bad+=("${M_CASES} cases in index.json, not $2")
    ((M_EXIT == ${3:-1})) || bad+=("exit ${M_EXIT}, not ${3:-1}")
    ((M_RSS_KB <= MAX_RSS_KB)) || bad+=("peak RSS ${M_RSS_KB} kB > ${MAX_RSS_KB}")
    ((M_REPORT_KB <= MAX_REPORT_KB)) || bad+=("report ${M_REPORT_KB} kB > ${MAX_REPORT_KB}")
    ((M_REPORT_RSS_KB <= MAX_RSS_KB)) || bad+=("report's peak RSS ${M_REPORT_RSS_KB} kB")
    if ((${#bad[@]})); then
        say "FAIL: $1: ${bad[*]}"
        failed=1
    fi
}

measure_hostile "$BIN" flood server 64 "$OUT/flood" '1.1.*' '1.2.*' '2.*' '3.*' '4.1.*'
check "flooding server, 39 cases, --jobs 64" 39
measure_hostile "$BIN" big server 64 "$OUT/big" '1.1.*' '2.1' '2.2'
check "100 MiB-message server, 10 cases, --jobs 64" 10
measure_hostile "$BIN" flood client 16 "$OUT/clients" '1.1.*' '1.2.*'
check "16 flooding clients (test-client), 16 cases" 16
# A deflate bomb on every echo (1 MiB inflating to 1 GiB): each case fails with 1009. Exit 1
# also shows the server agreed to permessage-deflate: declining our offer made every case not
# applicable (exit 0), which went unnoticed in scripts/robustness from 54b94f8 to 7d6c625.
measure_hostile "$BIN" bomb server 16 "$OUT/bomb" '12.1.*' '13.1.*'
check "deflate-bomb server, 36 cases" 36
# Section 17's HTTP/2 cases read frames themselves: a header block that never ends, from a
# server or a client, and a server flooding 4 MiB messages on every stream (1 GB to 2.5 GB
# before the caps of harness/h2_case.cpp and harness/h2_client_case.cpp).
measure_hostile "$BIN" h2-continuation server 64 "$OUT/h2-continuation" '17.*'
check "HTTP/2 server sending CONTINUATION forever, section 17's 26 cases, --jobs 64" 26
measure_hostile "$BIN" h2-flood server 64 "$OUT/h2-flood" '17.*'
check "HTTP/2 server flooding 4 MiB messages as our windows allow, 26 cases, --jobs 64" 26
# One that floods whatever our windows say: 17.5.4, which holds its stream's window shut,
# ends the connection with FLOW_CONTROL_ERROR and says so (the other cases reopen the windows
# as they read, so they cannot tell).
measure_hostile "$BIN" h2-overrun server 1 "$OUT/h2-overrun" '17.5.4'
check "HTTP/2 server sending past our flow-control window, 17.5.4" 1
grep -q 'octets past our 4,096-octet stream window (RFC 9113 ' "$OUT"/h2-overrun/*_case_17_5_4.json ||
    { say "FAIL: 17.5.4's verdict does not name the overrun"; failed=1; }
# The wire log shows only what went out: nothing of ours after the connection error.
python3 - "$OUT"/h2-overrun/*_case_17_5_4.json <<'PY' || { say "FAIL: 17.5.4's wire log"; failed=1; }
import json, sys
log = [e[1] for e in json.load(open(sys.argv[1]))["wirelog"] if e[0] == "NOTE"]
end = next(i for i, text in enumerate(log) if text.startswith("connection error"))
assert not any(text.startswith("-> ") for text in log[end + 1:]), log[end + 1:]
PY
# A server whose frames break RFC 9113 §6 (a PING of 7 octets after its 200): the connection
# ends with GOAWAY FRAME_SIZE_ERROR and the case fails, naming the frame.
measure_hostile "$BIN" h2-bad-ping server 1 "$OUT/h2-bad-ping" '17.1.2'
check "HTTP/2 server sending a PING of 7 octets, 17.1.2" 1
grep -q 'PING on stream 0, 7 octets: 8 octets only (RFC 9113 ' \
    "$OUT"/h2-bad-ping/*_case_17_1_2.json ||
    { say "FAIL: 17.1.2's verdict does not name the PING of 7 octets"; failed=1; }
# The same server under a case of section 1 over HTTP/2 (nghttp2 reads the frames there): the
# verdict says our GOAWAY ended the connection, and with which code.
measure_hostile "$BIN" h2-bad-ping server 1 "$OUT/h2-bad-ping-1" '1.1.1'
check "HTTP/2 server sending a PING of 7 octets, 1.1.1 over HTTP/2" 1
grep -q 'we sent GOAWAY FRAME_SIZE_ERROR' "$OUT"/h2-bad-ping-1/*_case_1_1_1.json ||
    { say "FAIL: 1.1.1 over HTTP/2 does not say we ended the connection with FRAME_SIZE_ERROR"; failed=1; }
# Its cases are not applicable: a broken connection shows nothing about the SETTINGS (exit 0).
measure_hostile "$BIN" h2-continuation client 1 "$OUT/h2-clients" '17.6.*'
check "HTTP/2 client sending CONTINUATION forever (test-client --http2), 3 cases" 3 0
# A client that sends a 16 KiB message at once, whatever our windows say: 17.7.5, which holds
# its stream's window shut at 4,096 octets, catches it with FLOW_CONTROL_ERROR. That message
# is no echo, so 17.7.3 never changes the setting and is not applicable.
measure_hostile "$BIN" h2-overrun client 1 "$OUT/h2-overrun-client" '17.7.3' '17.7.5'
check "HTTP/2 client sending past our flow-control window, 17.7.3 and 17.7.5" 2
grep -q 'octets past our 4,096-octet stream window (RFC 9113 ' \
    "$OUT"/h2-overrun-client/*_case_17_7_5.json ||
    { say "FAIL: 17.7.5's verdict does not name the overrun"; failed=1; }
grep -q "the client's first message is not our echo: the setting stays as it is" \
    "$OUT"/h2-overrun-client/*_case_17_7_3.json ||
    { say "FAIL: 17.7.3 changed the setting after a message that was not our echo"; failed=1; }
# A client that opens request after request on one connection (Rapid Reset's shape without the
# resets): past 100 the connection ends with GOAWAY ENHANCE_YOUR_CALM, and the case is not
# applicable, as for any broken connection.
measure_hostile "$BIN" h2-requests client 1 "$OUT/h2-requests" '17.6.1'
check "HTTP/2 client opening 1,000 requests on a case's connection, 17.6.1" 1 0
python3 - "$OUT"/h2-requests/*_case_17_6_1.json <<'PY' ||
import json, sys
log = [e[1] for e in json.load(open(sys.argv[1]))["wirelog"] if e[0] == "NOTE"]
assert any(t.startswith("connection error: over 100 requests") for t in log), log[-5:]
assert any(t.startswith("-> GOAWAY") and "ENHANCE_YOUR_CALM" in t for t in log), log[-5:]
PY
    { say "FAIL: 17.6.1 against 1,000 requests: no connection error or GOAWAY ENHANCE_YOUR_CALM"; failed=1; }
# A client whose SETTINGS carry MAX_FRAME_SIZE = 16,383 (RFC 9113 §6.5.2 allows 16,384 to
# 2^24-1): each connection ends with GOAWAY PROTOCOL_ERROR; 17.6.1 fails naming the value, the
# other cases are not applicable naming 17.6.1.
measure_hostile "$BIN" h2-bad-settings client 1 "$OUT/h2-bad-settings" '17.6.*'
check "HTTP/2 client with SETTINGS_MAX_FRAME_SIZE = 16,383, 17.6.*" 3
python3 - "$OUT"/h2-bad-settings <<'PY' ||
import glob, json, os, sys
case = {f[:-len(".json")].rsplit("_", 1)[1]: json.load(open(f))
        for f in glob.glob(os.path.join(sys.argv[1], "*_case_17_6_*.json"))}
value = "SETTINGS_MAX_FRAME_SIZE = 16383"
assert case["1"]["behavior"] == "FAILED" and value in case["1"]["result"], case["1"]["result"]
for other in ("2", "3"):
    assert case[other]["behavior"] == "UNIMPLEMENTED", case[other]["result"]
    assert value in case[other]["result"] and "17.6.1" in case[other]["result"], case[other]["result"]
log = [e[1] for e in case["1"]["wirelog"] if e[0] == "NOTE"]
assert any(t.startswith("-> GOAWAY") and "PROTOCOL_ERROR" in t for t in log), log[-5:]
PY
    { say "FAIL: 17.6.* against SETTINGS_MAX_FRAME_SIZE = 16,383: see above"; failed=1; }
exit "$failed"
