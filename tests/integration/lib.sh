# shellcheck shell=bash
# Shared by the serve_* integration tests: start `wsconform serve` on an ephemeral
# port, learn the port from its first stdout line, always stop it on exit.
#
# usage (from a test script):  source lib.sh; start_serve WSCONFORM_BINARY; ... "$SERVE_URL" ...
# Exit codes: 0 pass, 1 fail, 77 skip (CTest SKIP_RETURN_CODE).

SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TARGETS_DIR="$SOURCE_DIR/targets"
SERVE_START_TIMEOUT="${SERVE_START_TIMEOUT:-20}"

say() { printf '[%s] %s\n' "$TEST_NAME" "$*" >&2; }
fail() { say "FAIL: $*"; exit 1; }
skip() { say "SKIP: $*"; exit 77; }

SERVE_PID=
SERVE_DIR=
SERVE_STOPPED=
SCRATCH=

# scratch_setup ARGS...: the test's one argument is the wsconform binary (BIN); SCRATCH is a
# fresh folder, removed on exit.
scratch_setup() {
    (( $# == 1 )) || fail "usage: $0 WSCONFORM_BINARY"
    BIN="$1"
    SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/$TEST_NAME.XXXXXX")"
}

dump_serve_logs() {
    [[ -n "$SERVE_DIR" ]] || return 0
    if [[ -s "$SERVE_DIR/stdout" ]]; then say "serve stdout:"; sed 's/^/    /' "$SERVE_DIR/stdout" >&2; fi
    if [[ -s "$SERVE_DIR/stderr" ]]; then say "serve stderr:"; tail -n 50 "$SERVE_DIR/stderr" | sed 's/^/    /' >&2; fi
}

cleanup() {
    local rc=$?
    if [[ -n "$SERVE_PID" && -z "$SERVE_STOPPED" ]] && kill -0 "$SERVE_PID" 2>/dev/null; then
        kill -TERM "$SERVE_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVE_PID" 2>/dev/null || true
        wait "$SERVE_PID" 2>/dev/null || true
    fi
    (( rc == 0 || rc == 77 )) || dump_serve_logs
    [[ -n "$SERVE_DIR" ]] && rm -rf "$SERVE_DIR"
    [[ -n "$SCRATCH" ]] && rm -rf "$SCRATCH"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_serve BINARY [SERVE_FLAGS...]: sets SERVE_PID, SERVE_PORT, SERVE_URL.
start_serve() {
    local bin="$1" line i status
    shift
    [[ -x "$bin" ]] || fail "wsconform binary not found: $bin"
    [[ -n "$SERVE_DIR" ]] && rm -rf "$SERVE_DIR"
    SERVE_DIR="$(mktemp -d "${TMPDIR:-/tmp}/wsconform-serve.XXXXXX")"
    SERVE_STOPPED=
    "$bin" serve --listen 127.0.0.1:0 "$@" >"$SERVE_DIR/stdout" 2>"$SERVE_DIR/stderr" </dev/null &
    SERVE_PID=$!
    # Wait for a complete (newline-terminated) first line.
    for (( i = 0; i < SERVE_START_TIMEOUT * 10; i++ )); do
        (( $(head -c 4096 "$SERVE_DIR/stdout" | wc -l) >= 1 )) && break
        if ! kill -0 "$SERVE_PID" 2>/dev/null; then
            status=0; wait "$SERVE_PID" || status=$?; SERVE_STOPPED=1
            fail "wsconform serve exited (status $status) before printing its first line"
        fi
        sleep 0.1
    done
    (( $(head -c 4096 "$SERVE_DIR/stdout" | wc -l) >= 1 )) ||
        fail "wsconform serve printed no complete first line within ${SERVE_START_TIMEOUT}s"
    line="$(head -n 1 "$SERVE_DIR/stdout")"
    [[ "$line" =~ ^wsconform\ serve:\ listening\ on\ (wss?)://127\.0\.0\.1:([0-9]+)/$ ]] ||
        fail "unexpected first line from wsconform serve: '$line'"
    SERVE_PORT="${BASH_REMATCH[2]}"
    SERVE_URL="${BASH_REMATCH[1]}://127.0.0.1:$SERVE_PORT/"
    say "wsconform serve (pid $SERVE_PID) listening at $SERVE_URL"
}

# stop_serve: SIGTERM must stop the server cleanly, with exit status 0.
stop_serve() {
    local status i
    if ! kill -0 "$SERVE_PID" 2>/dev/null; then
        status=0; wait "$SERVE_PID" || status=$?; SERVE_STOPPED=1
        fail "wsconform serve died during the test (status $status)"
    fi
    kill -TERM "$SERVE_PID"
    for (( i = 0; i < 100; i++ )); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$SERVE_PID" 2>/dev/null && fail "wsconform serve still running 10 s after SIGTERM"
    status=0
    wait "$SERVE_PID" || status=$?
    SERVE_STOPPED=1
    (( status == 0 )) || fail "wsconform serve exited with status $status after SIGTERM (want 0)"
    say "wsconform serve stopped cleanly on SIGTERM"
}

# make_test_pki DIR: DIR/ca.pem (a CA), DIR/leaf.pem, DIR/leaf.key (issued by it for
# localhost and 127.0.0.1) and a client certificate, with the openssl command line.
make_test_pki() {
    local dir="$1"
    command -v openssl >/dev/null || skip "openssl is not installed"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
        -subj /CN=wsconform-test-ca -addext basicConstraints=critical,CA:TRUE \
        -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
        -keyout "$dir/leaf.key" -out "$dir/leaf.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$dir/leaf.ext"
    openssl x509 -req -in "$dir/leaf.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
        -days 2 -extfile "$dir/leaf.ext" -out "$dir/leaf.pem" 2>/dev/null
    # And DIR/client.pem, DIR/client.key: a client certificate from the same CA (mTLS).
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=wsconform-client \
        -keyout "$dir/client.key" -out "$dir/client.csr" 2>/dev/null
    openssl x509 -req -in "$dir/client.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
        -CAcreateserial -days 2 -out "$dir/client.pem" 2>/dev/null
}
