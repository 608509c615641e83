#!/usr/bin/env bash
# A representative slice of sections 9, 12 and 13 against the built-in server, three ways:
#   - echoes passed through (the server's default: it sends back the client's own compressed
#     bytes where that is valid, RFC 7692 §6 lets it choose any valid compressed form);
#   - echoes recompressed by the server's own Deflater (--deflate-recompress), so our
#     inflater also reads output it did not write, at small windows and without context;
#   - permessage-deflate refused (--no-deflate): every 12.x/13.x case is UNIMPLEMENTED at
#     once, without waiting for any timer.
# The full 517-case run is scripts/speed-517 (too slow for CI).
# usage: deflate_slice_builtin.sh WSCONFORM_BINARY
set -euo pipefail
TEST_NAME=deflate_slice_builtin
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scratch_setup "$@"
bin="$BIN" out="$SCRATCH"

slice=(9.1.1 9.2.6 9.7.1 12.1.1 12.2.10 12.3.5 12.4.14 12.5.18 13.1.3 13.2.12 13.3.5 13.4.10
       13.5.18 13.6.2 13.7.9)

for mode in passthrough recompress; do
    flags=()
    [[ $mode == recompress ]] && flags=(--deflate-recompress --deflate-level 6)
    start_serve "$bin" "${flags[@]}"
    status=0
    "$bin" test-server "$SERVE_URL" --cases "${slice[@]}" --outdir "$out/$mode" --quiet || status=$?
    (( status == 0 )) || fail "$mode: test-server exited with $status (want 0)"
    passed=$(grep -c '"behavior": "OK"' "$out/$mode/index.json" || true)
    (( passed == ${#slice[@]} )) || fail "$mode: $passed of ${#slice[@]} cases OK in index.json"
    say "ok: ${#slice[@]} cases pass with the server's echoes ${mode}ed"
    stop_serve
done

start_serve "$bin" --no-deflate
start=$(date +%s)
status=0
"$bin" test-server "$SERVE_URL" --cases '12.*' '13.*' --outdir "$out/off" --quiet || status=$?
took=$(( $(date +%s) - start ))
(( status == 0 )) || fail "no deflate: test-server exited with $status (want 0)"
unimplemented=$(grep -c '"behavior": "UNIMPLEMENTED"' "$out/off/index.json" || true)
(( unimplemented == 216 )) || fail "no deflate: $unimplemented of 216 cases UNIMPLEMENTED"
(( took <= 20 )) || fail "no deflate: took ${took}s (UNIMPLEMENTED must come at once)"
say "ok: without deflate all 216 cases of sections 12 and 13 are UNIMPLEMENTED in ${took}s"
stop_serve
