#!/usr/bin/env bash
# Headless Chromium as the client under test over HTTP/2 (`test-client --http2 --tls`), the
# cases that need a connection of their own: 16.1.1-16.1.6 (a flawed certificate each) and
# 17.6.x, 17.7.3, 17.7.4 (SETTINGS of their own). Chromium opens a WebSocket over HTTP/2 only on
# a connection it already has, so the driver asks GET /prepareCase before each case and the
# server ends the shared connection when the case needs its own (docs/http2.md). Every case
# gets a verdict (none not applicable), Chromium refuses each flawed certificate in the TLS
# handshake, our SETTINGS go out before the answer to a request that came before them, and the
# summary line counts what index.json holds.
# usage: h2_chromium_client.sh WSCONFORM_BINARY
set -euo pipefail
TEST_NAME=h2_chromium_client
source "$(dirname "${BASH_SOURCE[0]}")/peer_lib.sh"
peer_test_setup "$@"
command -v chromium >/dev/null || skip "chromium is not installed"
command -v certutil >/dev/null || skip "certutil (libnss3-tools) is not installed"

status=0
"$TARGETS_DIR/run-client-peer" chromium --http2 --tls --cases '16.1.*' '17.*' \
    --outdir "$OUT" --timeout 60 --quiet >"$OUT/run.log" 2>&1 || status=$?
(( status == 0 || status == 1 )) || { cat "$OUT/run.log" >&2; fail "test-client exited with $status"; }

python3 - "$OUT" "$OUT/run.log" <<'PY' || fail "see above"
import json, os, re, sys
out, log = sys.argv[1], open(sys.argv[2]).read()
index = json.load(open(os.path.join(out, "index.json")))["chromium"]
bad = []
want = {f"16.1.{i}" for i in range(1, 9)} | {f"17.6.{i}" for i in range(1, 4)} | \
       {f"17.7.{i}" for i in range(1, 6)}
if set(index) != want:
    bad.append(f"cases in index.json: {sorted(index)}")
for case_id, row in sorted(index.items()):
    case = json.load(open(os.path.join(out, row["reportfile"])))
    if row["behavior"] == "UNIMPLEMENTED":
        bad.append(f"{case_id} not applicable: {case['result']}")
    if case_id in {f"16.1.{i}" for i in range(1, 7)} and \
            "The client refused the certificate" not in case["result"]:
        bad.append(f"{case_id} {row['behavior']}: {case['result']}")
# 17.6.1 holds its SETTINGS back 200 ms; the driver's GET came at once, and its answer had to
# wait: our SETTINGS are the first frame we send (RFC 9113 §3.4).
if "17.6.1" in index:
    wirelog = json.load(open(os.path.join(out, index["17.6.1"]["reportfile"])))["wirelog"]
    sent = [e[1] for e in wirelog if e[0] == "NOTE" and e[1].startswith("-> ")]
    if not sent or not sent[0].startswith("-> SETTINGS"):
        bad.append(f"17.6.1: our first frame was not SETTINGS: {sent[:2]}")
summary = re.search(r"^(\d+) cases:", log, re.M)
if not summary or int(summary.group(1)) != len(index):
    bad.append(f"summary line {summary.group(0) if summary else 'missing'} for {len(index)} cases")
for line in bad:
    print("  " + line, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
say "ok: Chromium over HTTP/2: 15 cases judged (16.1.1-16.1.6 refused in the TLS handshake, 17.6.x and 17.7.x on connections of their own); $(grep -E '^[0-9]+ cases' "$OUT/run.log")"
