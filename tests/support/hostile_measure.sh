# shellcheck shell=bash
# Runs wsconform against one hostile peer of tests/support/hostile_peer.py under
# /usr/bin/time -v and measures what the run cost. Sourced by
# tests/integration/hostile_memory.sh (which asserts on the figures) and scripts/robustness
# (which tabulates them).
#
#   measure_hostile BINARY BEHAVIOUR MODE JOBS OUTDIR CASE_PATTERNS...
#     BEHAVIOUR: flood | big | stall | bomb (a server), or flood (MODE client: 16 flooding clients);
#       h2-continuation | h2-flood (HTTP/2: the run gets --http2; h2-continuation also as a client)
#     MODE: server (wsconform test-server) | client (wsconform test-client) | fuzz
#       (wsconform fuzz for FUZZ_SECONDS, 20 by default; no case patterns)
#   sets M_SECONDS (the run's wall time), M_RSS_KB (its peak RSS), M_EXIT (its exit code),
#   M_REPORT_KB (the report folder's size), M_REPORT_RSS_KB (peak RSS of `wsconform report`
#   on that folder), M_CASES (cases in index.json).

HOSTILE_PEER="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/hostile_peer.py"
HOSTILE_PID=

stop_hostile_peer() {
    if [[ -n "$HOSTILE_PID" ]]; then
        kill -TERM "$HOSTILE_PID" 2>/dev/null || true
        wait "$HOSTILE_PID" 2>/dev/null || true
        HOSTILE_PID=
    fi
}

# start_hostile_server BEHAVIOUR DIR: sets HOSTILE_PID and HOSTILE_PORT.
start_hostile_server() {
    local portfile="$2/port" i
    rm -f "$portfile"
    python3 "$HOSTILE_PEER" server "$1" "$portfile" >"$2/peer.log" 2>&1 &
    HOSTILE_PID=$!
    for ((i = 0; i < 300; i++)); do
        [[ -s "$portfile" ]] && break
        sleep 0.1
    done
    [[ -s "$portfile" ]] || { echo "hostile peer did not start" >&2; return 1; }
    HOSTILE_PORT="$(cat "$portfile")"
}

# time_field FILE LABEL: one figure of /usr/bin/time -v's output.
time_field() {
    sed -n "s/^[[:space:]]*$2: //p" "$1" | head -n 1
}

measure_hostile() {
    local bin="$1" behaviour="$2" mode="$3" jobs="$4" outdir="$5"
    shift 5
    local work start end http2=()
    [[ "$behaviour" != h2-* ]] || http2=(--http2)
    mkdir -p "$(dirname "$outdir")"
    work="$(mktemp -d "${TMPDIR:-/tmp}/wsconform-hostile.XXXXXX")"
    rm -rf "$outdir"
    start=$(date +%s%N)
    M_EXIT=0
    if [[ "$mode" == server ]]; then
        start_hostile_server "$behaviour" "$work" || return 1
        start=$(date +%s%N)
        /usr/bin/time -v -o "$work/time" "$bin" test-server "ws://127.0.0.1:$HOSTILE_PORT/" \
            "${http2[@]}" --cases "$@" --jobs "$jobs" --outdir "$outdir" -q >"$work/out" 2>&1 ||
            M_EXIT=$?
        stop_hostile_peer
    elif [[ "$mode" == fuzz ]]; then
        start_hostile_server "$behaviour" "$work" || return 1
        start=$(date +%s%N)
        /usr/bin/time -v -o "$work/time" "$bin" fuzz "ws://127.0.0.1:$HOSTILE_PORT/" \
            --duration "${FUZZ_SECONDS:-20}" --jobs "$jobs" --out "$outdir" >"$work/out" 2>&1 ||
            M_EXIT=$?
        stop_hostile_peer
    else
        /usr/bin/time -v -o "$work/time" "$bin" test-client --listen 127.0.0.1:0 "${http2[@]}" \
            --run "python3 $HOSTILE_PEER client $behaviour {url} {agent} 16" --agent hostile \
            --cases "$@" --outdir "$outdir" --timeout 600 -q >"$work/out" 2>&1 || M_EXIT=$?
    fi
    end=$(date +%s%N)
    M_SECONDS=$(awk -v ns="$((end - start))" 'BEGIN { printf "%.1f", ns / 1e9 }')
    M_RSS_KB=$(time_field "$work/time" "Maximum resident set size (kbytes)")
    M_REPORT_KB=$(du -sk "$outdir" | cut -f1)
    M_CASES=$(python3 -c 'import json,sys; print(sum(len(v) for v in json.load(open(sys.argv[1])).values()))' \
        "$outdir/index.json" 2>/dev/null || echo 0)
    /usr/bin/time -v -o "$work/report-time" "$bin" report "$outdir" >/dev/null 2>&1 || true
    M_REPORT_RSS_KB=$(time_field "$work/report-time" "Maximum resident set size (kbytes)")
    [[ -n "${HOSTILE_KEEP_LOGS:-}" ]] && cat "$work/out" >&2
    rm -rf "$work"
}
