#!/usr/bin/env bash
# Section 16.1 (certificates a client must refuse) with the Python websockets client
# driven by `wsconform test-client --tls`, once per verification setting of the driver
# (WSCONFORM_TLS_VERIFY, targets/clients/python-websockets.py); issue 14, acceptance item 4:
#   full        -> 16.1.1-16.1.6 all OK (every bad certificate refused)
#   no-hostname -> exactly 16.1.5 FAILED (the certificate for another name accepted)
#   none        -> exactly 16.1.1-16.1.6 FAILED (every bad certificate accepted)
# Checked on index.json's behavior per case.
# usage: tls_client_verification_python.sh WSCONFORM_BINARY
set -euo pipefail
TEST_NAME=tls_client_verification_python
source "$(dirname "${BASH_SOURCE[0]}")/peer_lib.sh"
peer_test_setup "$@"
[[ -x /usr/bin/python3 ]] || skip "/usr/bin/python3 is not installed"
/usr/bin/python3 -c 'import websockets' 2>/dev/null || skip "Debian python3-websockets is not installed"
# verify setting, then the cases 16.1.1-16.1.6 whose behavior must be FAILED
expectations=("full" "no-hostname 16.1.5" "none 16.1.1 16.1.2 16.1.3 16.1.4 16.1.5 16.1.6")
for row in "${expectations[@]}"; do
    read -r verify failing <<<"$row"
    status=0
    WSCONFORM_TLS_VERIFY="$verify" "$TARGETS_DIR/run-client-peer" python-websockets \
        --tls --cases '16.1.*' --outdir "$OUT/$verify" --timeout 50 --quiet || status=$?
    (( status == 0 || status == 1 )) || fail "WSCONFORM_TLS_VERIFY=$verify: test-client exited with status $status"
    python3 - "$OUT/$verify/index.json" "$failing" <<'PY' || fail "WSCONFORM_TLS_VERIFY=$verify: wrong verdicts"
import json, sys
index = json.load(open(sys.argv[1]))
cases = index.get("python-websockets", {})
want_failed = set(sys.argv[2].split())
bad = []
for n in range(1, 7):
    case_id = f"16.1.{n}"
    want = "FAILED" if case_id in want_failed else "OK"
    got = cases.get(case_id, {}).get("behavior", "not run")
    if got != want:
        bad.append(f"{case_id}: behavior {got}, want {want}")
print("\n".join(bad), file=sys.stderr)
sys.exit(1 if bad else 0)
PY
    say "ok: WSCONFORM_TLS_VERIFY=$verify: FAILED exactly ${failing:-none of 16.1.1-16.1.6}"
done
