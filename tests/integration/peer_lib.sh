# shellcheck shell=bash
# Shared by the integration tests that run real peers from targets/ over wss:// (tls_*).
# usage (from a test script, with TEST_NAME set):
#   source peer_lib.sh; peer_test_setup "$@"; need_node_ws; "$TARGETS_DIR/run-..." --outdir "$OUT"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# peer_test_setup ARGS...: the test's one argument is the wsconform binary, exported as
# WSCONFORM (what targets/run-*-peer run); OUT is a fresh folder for reports, removed on exit.
peer_test_setup() {
    scratch_setup "$@"
    [[ -x "$BIN" ]] || fail "wsconform binary not found: $BIN"
    export WSCONFORM="$BIN"
    OUT="$SCRATCH"
}

# need_node_ws: node and ws (targets/node_modules, installed if npm can fetch it), or skip.
need_node_ws() {
    command -v node >/dev/null || skip "node is not installed"
    if [[ ! -f "$TARGETS_DIR/node_modules/ws/package.json" ]] && ! command -v npm >/dev/null; then
        skip "targets/node_modules/ws is missing and npm is not installed to fetch it"
    fi
    "$TARGETS_DIR/install-node-deps" || fail "targets/install-node-deps failed"
}

# expect_exit STATUS WANT REPORT_DIR WHAT: fail (with the report's summary) unless STATUS is WANT.
expect_exit() {
    (( $1 == $2 )) && return 0
    python3 "$TARGETS_DIR/summarize-report" "$3" >&2 || true
    fail "$4 exited with status $1 (want $2)"
}
