#!/usr/bin/env bash
# `wsconform test-server wss://...` through a real forward proxy (Debian's tinyproxy) with
# --proxy: the cases pass and the proxy logs a CONNECT for each; with proxy credentials the
# cases pass, without them the run is unreachable (exit 3) and says the proxy wants them, and
# the password appears in no report; the proxy environment variables are honoured for a
# non-loopback name (here one the proxy can reach through --connect-to) and skipped for
# loopback and no_proxy.
# usage: proxy_tinyproxy.sh WSCONFORM_BINARY
set -euo pipefail
TEST_NAME=proxy_tinyproxy
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
(( $# == 1 )) || fail "usage: $0 WSCONFORM_BINARY"
bin="$1"
command -v tinyproxy >/dev/null || skip "tinyproxy is not installed (apt-get install tinyproxy-bin)"

work="$(mktemp -d "${TMPDIR:-/tmp}/proxy_tinyproxy.XXXXXX")"
proxy_pid=
stop_proxy() {
    if [[ -n "$proxy_pid" ]]; then
        kill "$proxy_pid" 2>/dev/null || true
        wait "$proxy_pid" 2>/dev/null || true
        proxy_pid=
    fi
}
trap 'rc=$?; stop_proxy; rm -rf "$work"; set +e; (exit "$rc"); cleanup' EXIT

make_test_pki "$work"
start_serve "$bin" --tls-cert "$work/leaf.pem" --tls-key "$work/leaf.key"
url="wss://127.0.0.1:$SERVE_PORT/"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_proxy [CONFIG LINES...]: tinyproxy on a free port, logging connects to $work/proxy.log.
start_proxy() {
    stop_proxy
    proxy_port="$(free_port)"
    {
        printf 'Port %s\nListen 127.0.0.1\nTimeout 30\nLogLevel Connect\nMaxClients 100\n' "$proxy_port"
        printf 'LogFile "%s"\n' "$work/proxy.log"
        printf '%s\n' "$@"
    } >"$work/tinyproxy.conf"
    : >"$work/proxy.log"
    tinyproxy -d -c "$work/tinyproxy.conf" >"$work/tinyproxy.out" 2>&1 &
    proxy_pid=$!
    for _ in $(seq 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$proxy_port") 2>/dev/null && return 0
        sleep 0.1
    done
    cat "$work/tinyproxy.out" >&2
    fail "tinyproxy did not start"
}
connects() { grep -c "Request (file descriptor [0-9]*): CONNECT " "$work/proxy.log" || true; }

# 1. --proxy: every case goes through the proxy.
start_proxy
"$bin" test-server "$url" --cafile "$work/ca.pem" --proxy "http://127.0.0.1:$proxy_port" \
    --header 'Authorization: Bearer tok-3f9a1c' --origin https://app.example --subprotocol chat \
    --cases '1.1.*' '16.2.1' --outdir "$work/r1" --quiet >"$work/r1.out" 2>&1 ||
    fail "through --proxy: exit $?"
grep -rq "tok-3f9a1c" "$work/r1" "$work/r1.out" && fail "the Authorization value reached a report"
grep -q "Authorization: <redacted>" "$work/r1/"*case_1_1_1.json || fail "no redacted Authorization in the case"
n="$(connects)"
(( n >= 9 )) || fail "the proxy logged $n CONNECT requests, want at least 9 (one a case)"
say "ok: --proxy, $n CONNECTs"

# 2. A proxy that wants credentials.
start_proxy 'BasicAuth wsuser s3cr3t-pass'
status=0
"$bin" test-server "$url" --cafile "$work/ca.pem" --proxy "http://127.0.0.1:$proxy_port" \
    --cases '1.1.1' --outdir "$work/r2" --quiet 2>"$work/r2.err" || status=$?
(( status == 3 )) || fail "without credentials: exit $status, want 3"
grep -q "407" "$work/r2.err" || fail "the refusal does not name the 407: $(cat "$work/r2.err")"
"$bin" test-server "$url" --cafile "$work/ca.pem" \
    --proxy "http://wsuser:s3cr3t-pass@127.0.0.1:$proxy_port" \
    --cases '1.1.*' --outdir "$work/r3" --quiet >"$work/r3.out" 2>&1 || fail "with credentials: exit $?"
if grep -rq "s3cr3t-pass" "$work/r3" "$work/r3.out" "$work/r2" "$work/r2.err"; then
    fail "the proxy password appears in a report or the output"
fi
say "ok: proxy credentials (407 without them; none in the reports)"

# 3. The environment: used for a name, not for loopback, not for no_proxy.
start_proxy
before="$(connects)"
https_proxy="http://127.0.0.1:$proxy_port" "$bin" test-server "$url" --cafile "$work/ca.pem" \
    --cases '1.1.1' --outdir "$work/r4" --quiet || fail "loopback with https_proxy set: exit $?"
(( $(connects) == before )) || fail "a loopback target went through the proxy"
https_proxy="http://127.0.0.1:$proxy_port" "$bin" test-server "wss://localhost:$SERVE_PORT/" \
    --cafile "$work/ca.pem" --cases '1.1.1' --outdir "$work/r5" --quiet || fail "localhost: exit $?"
(( $(connects) == before )) || fail "localhost went through the proxy"
# A name that is not loopback: the proxy reaches it as 127.0.0.1 (tinyproxy resolves it; the
# certificate names only localhost/127.0.0.1, so verification is left out for this one).
https_proxy="http://127.0.0.1:$proxy_port" "$bin" test-server "wss://127.0.0.1.nip.invalid:$SERVE_PORT/" \
    --insecure --cases '1.1.1' --outdir "$work/r6" --quiet >/dev/null 2>&1 || true
(( $(connects) > before )) || fail "https_proxy was not used for a non-loopback name"
after="$(connects)"
no_proxy=".invalid" https_proxy="http://127.0.0.1:$proxy_port" "$bin" test-server \
    "wss://127.0.0.1.nip.invalid:$SERVE_PORT/" --insecure --cases '1.1.1' --outdir "$work/r7" \
    --quiet >/dev/null 2>&1 || true
(( $(connects) == after )) || fail "no_proxy was not respected"
say "ok: proxy environment (used for a name; skipped for loopback and no_proxy)"
