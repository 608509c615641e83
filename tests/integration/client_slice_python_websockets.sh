#!/usr/bin/env bash
# `wsconform test-client` (the fuzzingserver) driving Python websockets 10.4
# (targets/clients/python-websockets) through sections 1-7 and 10 with --run.
# Documented outcome (docs/clients.md): no failures, so wsconform exits 0; one
# non-strict case (5.15) and informational ones are allowed, and every case must
# have been run.
# usage: client_slice_python_websockets.sh WSCONFORM_BINARY
set -euo pipefail
TEST_NAME=client_slice_python_websockets
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
(( $# == 1 )) || fail "usage: $0 WSCONFORM_BINARY"
[[ -x "$1" ]] || fail "wsconform binary not found: $1"

[[ -x /usr/bin/python3 ]] || skip "/usr/bin/python3 is not installed"
/usr/bin/python3 -c 'import websockets' 2>/dev/null || skip "Debian python3-websockets is not installed"

out="$(mktemp -d "${TMPDIR:-/tmp}/client_slice_python_websockets.XXXXXX")"
trap 'rm -rf "$out"' EXIT
status=0
WSCONFORM="$1" "$TARGETS_DIR/run-client-peer" python-websockets \
    --cases '1.*' '2.*' '3.*' '4.*' '5.*' '6.*' '7.*' '10.*' --outdir "$out" --timeout 100 --quiet || status=$?
if (( status != 0 )); then
    python3 "$TARGETS_DIR/summarize-report" "$out" >&2 || true
    fail "wsconform test-client exited with status $status (want 0)"
fi
python3 - "$out" <<'PY' || fail "report does not match the documented outcome"
import json, os, sys
folder = sys.argv[1]
index = json.load(open(os.path.join(folder, "index.json")))
rows = index.get("python-websockets", {})
bad = []
for case_id, entry in rows.items():
    outcome = json.load(open(os.path.join(folder, entry["reportfile"]))).get("outcome")
    if outcome not in ("pass", "informational", "non-strict"):
        bad.append(f"{case_id}: {outcome}")
if not rows:
    bad.append("no case recorded for agent python-websockets")
print("\n".join(bad), file=sys.stderr)
sys.exit(1 if bad else 0)
PY
say "ok: python-websockets ran sections 1-7 and 10 without failures"
