# shellcheck shell=bash
# Shared helpers for the peer scripts in targets/. Sourced, never executed.
#
# Everything here logs to stderr: a peer script's stdout carries exactly one
# line, "LISTENING <port>", printed by the peer program itself.

TARGETS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="$TARGETS_DIR/.cache"
mkdir -p "$CACHE_DIR"

log() { printf '[%s] %s\n' "${PEER_NAME:-targets}" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# port_arg [PORT]: validate the optional port argument (absent or 0 = ephemeral).
port_arg() {
    local p="${1:-0}"
    [[ "$p" =~ ^[0-9]+$ ]] && (( p <= 65535 )) || die "bad port '$p' (usage: $0 [PORT])"
    printf '%s\n' "$((10#$p))"
}

# apt_ensure PKG...: install the Debian packages that are not installed yet.
# Quick (dpkg-query only) when everything is present; serialized with a lock so
# parallel peer starts do not fight over dpkg.
apt_missing() {
    local p missing=()
    for p in "$@"; do
        [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == "install ok installed" ]] || missing+=("$p")
    done
    printf '%s\n' "${missing[@]}"
}
apt_ensure() {
    local missing
    missing=$(apt_missing "$@")
    [[ -z "$missing" ]] && return 0
    (
        flock -w 900 9 || die "timed out waiting for $CACHE_DIR/apt.lock"
        missing=$(apt_missing "$@")
        [[ -z "$missing" ]] && exit 0
        # shellcheck disable=SC2086
        log "apt-get install" $missing
        export DEBIAN_FRONTEND=noninteractive
        local opts=(-y --no-install-recommends -o DPkg::Lock::Timeout=600)
        # shellcheck disable=SC2086
        apt-get install "${opts[@]}" $missing >&2 ||
            { apt-get update >&2 && apt-get install "${opts[@]}" $missing >&2; } ||
            die "could not install: $missing"
    ) 9>"$CACHE_DIR/apt.lock" || exit 1
}

# node_ensure: node on PATH and targets/node_modules at the versions pinned in
# targets/package.json.
node_ensure() {
    command -v node >/dev/null || apt_ensure nodejs
    "$TARGETS_DIR/install-node-deps" >&2 || die "npm install into $TARGETS_DIR failed"
}

# build_if_changed NAME OUTPUT CMD...: run CMD (which must write OUTPUT) unless
# OUTPUT exists and was built from the same inputs. The inputs' fingerprint is
# the sha256 of the files listed in $BUILD_INPUTS plus the command line itself.
build_if_changed() {
    local name="$1" out="$2"; shift 2
    local stamp="$CACHE_DIR/$name.stamp" sum
    sum=$( { sha256sum $BUILD_INPUTS; printf '%s\n' "$*"; } | sha256sum | cut -d' ' -f1)
    if [[ -x "$out" && -f "$stamp" && "$(cat "$stamp")" == "$sum" ]]; then
        return 0
    fi
    (
        flock -w 900 9 || die "timed out waiting for $CACHE_DIR/$name.lock"
        if [[ -x "$out" && -f "$stamp" && "$(cat "$stamp")" == "$sum" ]]; then exit 0; fi
        log "building $out"
        rm -f "$stamp"
        "$@" >&2 || die "build of $name failed"
        [[ -x "$out" ]] || die "build of $name produced no $out"
        printf '%s\n' "$sum" >"$stamp"
    ) 9>"$CACHE_DIR/$name.lock" || exit 1
}

# peer_args [PORT] [--tls CERT KEY]: parse a server wrapper's arguments into $port and
# the array $tls (empty, or "--tls CERT KEY" to pass on to the echo program).
peer_args() {
    # shellcheck disable=SC2034  # outputs: $port and $tls, for the wrapper that called us
    port=$(port_arg "${1:-0}")
    tls=()
    (( $# <= 1 )) && return 0
    [[ "$2" == --tls && $# == 4 ]] || die "usage: $0 [PORT] [--tls CERT KEY]"
    [[ -r "$3" && -r "$4" ]] || die "--tls: cannot read '$3' or '$4'"
    tls=(--tls "$3" "$4")
}

# --- HTTP/2 gateways (haproxy-h2, apache-h2): an RFC 8441 front end before node `ws` ---

# gateway_setup: a private temp folder ($gw_dir, removed on exit, with every child stopped)
# and a node `ws` echo server on an ephemeral port as the backend ($backend_port).
gateway_setup() {
    gw_dir="$(mktemp -d "${TMPDIR:-/tmp}/$PEER_NAME.XXXXXX")"
    # shellcheck disable=SC2064  # expand $gw_dir now
    trap "trap - TERM; kill -TERM -- \$(jobs -p) 2>/dev/null; wait; rm -rf '$gw_dir'" EXIT
    trap 'exit 143' TERM INT
    node_ensure
    (cd "$TARGETS_DIR" && exec node servers/src/ws_echo.mjs 0 >"$gw_dir/backend.out") &
    local i line
    for (( i = 0; i < 300; i++ )); do
        read -r line 2>/dev/null <"$gw_dir/backend.out" && [[ "$line" == LISTENING\ * ]] && break
        sleep 0.1
    done
    [[ "${line:-}" =~ ^LISTENING\ ([0-9]+)$ ]] || die "the node ws backend did not start"
    backend_port="${BASH_REMATCH[1]}"
    log "node ws backend on 127.0.0.1:$backend_port"
    (( port != 0 )) || port=$(python3 -c \
        'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
}

# gateway_run CMD...: run the gateway in the background; once 127.0.0.1:$port accepts,
# print "LISTENING <port> h2" (the line run-server-peer reads), then wait for it to end.
gateway_run() {
    "$@" &
    local pid=$! i
    for (( i = 0; i < 600; i++ )); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" || true; die "$1 exited before listening"; }
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        sleep 0.1
    done
    (( i < 600 )) || die "$1 did not listen on 127.0.0.1:$port within 60 s"
    printf 'LISTENING %s h2\n' "$port"
    wait "$pid"
}
