#!/usr/bin/env bash
# docs/schema/v1 against real files: a run of sections 1, 2, 6.4, 7.9, 9.1.1 and 12.2.1
# against `wsconform serve` (index.json, every case file, peer.json), and Autobahn's own case
# files (tests/data/reference/samples/) must validate; a doctored case file and index.json
# must not (the check can fail).
# usage: report_schema_test.sh WSCONFORM_BINARY
set -euo pipefail
TEST_NAME=report_schema_test
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scratch_setup "$@"
python=/usr/bin/python3
validate() { "$python" "$SOURCE_DIR/tests/integration/report_schema.py" "$SOURCE_DIR/docs/schema/v1" "$@"; }

start_serve "$BIN"
"$BIN" test-server "$SERVE_URL" --cases '1.1.*' '2.*' '6.4.*' '7.9.*' 9.1.1 12.2.1 --agent Reference \
    --quiet --color never --outdir "$SCRATCH/run" --peer-name reference --peer-version 1 \
    >"$SCRATCH/run.txt" 2>&1 || { cat "$SCRATCH/run.txt" >&2; fail "the run against the reference server failed"; }
stop_serve
cases=("$SCRATCH"/run/reference_case_*.json)
((${#cases[@]} > 30)) || fail "only ${#cases[@]} case files"
status=0
validate "$SCRATCH/run/index.json" "$SCRATCH/run/peer.json" "${cases[@]}" || status=$?
((status != 77)) || skip "python3-jsonschema is not installed"
((status == 0)) || fail "our report does not validate against docs/schema/v1"
validate "$SOURCE_DIR"/tests/data/reference/samples/autobahn-*.json ||
    fail "Autobahn's case files do not validate against docs/schema/v1"

# The check can fail: a case file without "wirelog" and an index entry with a made-up verdict.
mkdir "$SCRATCH/bad"
"$python" - "$SCRATCH/run" "$SCRATCH/bad" <<'PY'
import json, pathlib, sys
run, bad = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
case = json.loads((run / "reference_case_2_1.json").read_text())
del case["wirelog"]
(bad / "reference_case_2_1.json").write_text(json.dumps(case))
index = json.loads((run / "index.json").read_text())
index["Reference"]["2.1"]["behavior"] = "PASSED"
(bad / "index.json").write_text(json.dumps(index))
PY
if validate "$SCRATCH/bad/index.json" "$SCRATCH/bad/reference_case_2_1.json" >"$SCRATCH/bad.txt"; then
    fail "doctored files validate"
fi
grep -q "'wirelog' is a required property" "$SCRATCH/bad.txt" || { cat "$SCRATCH/bad.txt" >&2; fail "missing wirelog not named"; }
grep -q "Reference/2.1/behavior: 'PASSED' is not one of" "$SCRATCH/bad.txt" ||
    { cat "$SCRATCH/bad.txt" >&2; fail "bad verdict not named"; }
say "ok: ${#cases[@]} case files, index.json and peer.json of a run, and Autobahn's samples validate"
