#!/usr/bin/env bash
# `wsconform serve` against hand-made protocol violations (targets/clients/raw_probes.py):
# 1002 for RSV1 / opcode 3 / 126-byte ping / unmasked frame, 1007 fail-fast on invalid UTF-8.
# usage: serve_raw_probes.sh WSCONFORM_BINARY
set -euo pipefail
TEST_NAME=serve_raw_probes
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
(( $# == 1 )) || fail "usage: $0 WSCONFORM_BINARY"

python=/usr/bin/python3
[[ -x "$python" ]] || python="$(command -v python3)" || fail "python3 is not installed"

start_serve "$1"
"$python" "$TARGETS_DIR/clients/raw_probes.py" "$SERVE_URL" || fail "probes failed (see above)"
stop_serve
