#!/usr/bin/env bash
# The GitHub Action (action.yml) as a runner would run it, here (action_steps.py): it parses;
# its steps against `wsconform serve` pass a clean run (exit 0, the report folder holds
# index.json, index.html and junit.xml, the upload step takes that folder); --strict on a case
# the reference server answers INFORMATIONAL fails the job with wsconform's exit code 1; an
# unreachable server fails it with 3; a baseline from main turns that failure into a pass.
# The GitLab template's script (ci/gitlab/wsconform.yml) passes and fails the same way.
# usage: action_steps.sh WSCONFORM_BINARY
set -euo pipefail
TEST_NAME=action_steps
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scratch_setup "$@"
BIN=$(realpath "$BIN")
python=/usr/bin/python3
"$python" -c 'import yaml' 2>/dev/null || skip "python3-yaml is not installed (scripts/install-deps)"
action="$SOURCE_DIR/action.yml"
start_serve "$BIN"

# run_action EXPECTED_STATUS LOG INPUT=VALUE...: the steps, and the status the job ends with.
run_action() {
    local want=$1 log=$2 status=0
    shift 2
    (cd "$SCRATCH" && "$python" "$SOURCE_DIR/tests/integration/action_steps.py" "$action" \
        "$SCRATCH" "wsconform=$BIN" "$@") >"$log" 2>&1 || status=$?
    ((status == want)) || { cat "$log" >&2; fail "the job ended with $status, expected $want ($*)"; }
}

run_action 0 "$SCRATCH/pass.log" "url=$SERVE_URL" "cases=1.1.* 2.1 7.1.*" agent=Reference \
    outdir=clean
grep -qx 'step run: exit 0' "$SCRATCH/pass.log" || fail "the run step did not pass"
grep -qx 'uploads clean as wsconform-report' "$SCRATCH/pass.log" ||
    { cat "$SCRATCH/pass.log" >&2; fail "the upload step does not take the report folder"; }
for f in index.json index.html junit.xml reference_case_1_1_1.html; do
    [[ -s "$SCRATCH/clean/$f" ]] || fail "the report folder has no $f"
done
grep -q '"1.1.8"' "$SCRATCH/clean/index.json" || fail "the glob 1.1.* was not passed as it is"

# 7.13.1 (close code 5000): INFORMATIONAL, which --strict counts as a failure.
run_action 1 "$SCRATCH/strict.log" "url=$SERVE_URL" "cases=2.1 7.13.1" strict=true \
    outdir=strict
grep -qx 'wsconform exited with 1' "$SCRATCH/strict.log" || fail "no exit code 1 in the last step"
[[ -s "$SCRATCH/strict/junit.xml" ]] || fail "a failing run left no junit.xml"

# The same failure against a baseline that already has it: no regression, the job passes.
run_action 0 "$SCRATCH/baseline.log" "url=$SERVE_URL" "cases=2.1 7.13.1" strict=true \
    baseline=strict outdir=again
grep -q 'Baseline: 0 regressions' "$SCRATCH/baseline.log" ||
    { cat "$SCRATCH/baseline.log" >&2; fail "no baseline comparison"; }

# The GitLab template's script as its job runs it: its variables, then those a job sets.
gitlab() {
    local want=$1 status=0
    shift
    (cd "$SCRATCH" && "$python" - "$SOURCE_DIR/ci/gitlab/wsconform.yml" "$@" <<'PY'
import os, subprocess, sys, yaml
job = yaml.safe_load(open(sys.argv[1]))[".wsconform"]
env = dict(os.environ, **{k: str(v) for k, v in job["variables"].items()})
env.update(pair.split("=", 1) for pair in sys.argv[2:])
sys.exit(subprocess.run(["bash", "-eo", "pipefail", "-c", "\n".join(job["script"])], env=env).returncode)
PY
    ) >"$SCRATCH/gitlab.log" 2>&1 || status=$?
    ((status == want)) || { cat "$SCRATCH/gitlab.log" >&2; fail "GitLab job: $status, expected $want ($*)"; }
}
mkdir "$SCRATCH/bin"
ln -s "$BIN" "$SCRATCH/bin/wsconform"
export PATH="$SCRATCH/bin:$PATH"
gitlab 0 "WSCONFORM_URL=$SERVE_URL" "WSCONFORM_CASES=1.1.* 2.1" WSCONFORM_OUTDIR=gitlab
[[ -s "$SCRATCH/gitlab/junit.xml" ]] || fail "the GitLab job left no junit.xml"
gitlab 1 "WSCONFORM_URL=$SERVE_URL" "WSCONFORM_CASES=7.13.1" WSCONFORM_STRICT=true

stop_serve
run_action 3 "$SCRATCH/gone.log" "url=$SERVE_URL" cases=2.1 outdir=gone artifact-name=
grep -qx 'step Upload the report: skipped' "$SCRATCH/gone.log" ||
    { cat "$SCRATCH/gone.log" >&2; fail "artifact-name '' still uploads"; }
say "PASS: the Action's steps pass, fail with 1 and 3, and keep a baseline"
