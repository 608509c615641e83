#!/usr/bin/env bash
# The layer check passes on the tree, and fails on a copy with one planted upward include
# (protocol/ including the model), on one with a cycle between top-level folders, and on socket
# code planted outside the transport.
set -euo pipefail
root=$1
check="$root/scripts/check-layers"
"$check" --root "$root"

work=$(mktemp -d "${TMPDIR:-/tmp}/wsconform-layers.XXXXXX")
trap 'rm -rf "$work"' EXIT
expect_failure() {
  local what=$1 pattern=$2
  if "$check" --root "$work/tree" >"$work/out" 2>&1; then
    echo "FAIL: check-layers accepted $what" >&2
    exit 1
  fi
  grep -q -- "$pattern" "$work/out" || { echo "FAIL: $what not named:" >&2; cat "$work/out" >&2; exit 1; }
  echo "ok: $what rejected: $(head -n 1 "$work/out")"
}

# A copy without .git, so the script walks the folder.
mkdir "$work/tree"
(cd "$root" && git ls-files -z | grep -z -E '^(util|protocol|mutation|harness|cases|reports|cli|fuzz)/' |
  xargs -0 cp --parents -t "$work/tree")
"$check" --root "$work/tree" >/dev/null

printf '#include "harness/model/case.h"\n' >>"$work/tree/protocol/frame.h"
expect_failure "an upward include (protocol -> harness/model)" "protocol/frame.h:.*protocol includes harness/model/case.h"
sed -i '$d' "$work/tree/protocol/frame.h"

printf '#include "cli/commands.h"\n' >>"$work/tree/harness/runner.cpp"
expect_failure "the engine including the CLI" "harness/runner.cpp:.*harness includes cli/commands.h"
sed -i '$d' "$work/tree/harness/runner.cpp"

printf '#include "reports/terminal.h"\n' >>"$work/tree/cases/registry.cpp"
printf '#include "cases/registry.h"\n' >>"$work/tree/reports/terminal.cpp"
expect_failure "a cycle between cases/ and reports/" "include cycle between top-level folders: cases -> reports -> cases"
sed -i '$d' "$work/tree/cases/registry.cpp"
sed -i '$d' "$work/tree/reports/terminal.cpp"

printf 'void f(boost::asio::ip::tcp::socket& s);\n' >>"$work/tree/harness/runner.cpp"
expect_failure "a socket in the runner" "harness/runner.cpp:.*socket code outside harness/transport/"
sed -i '$d' "$work/tree/harness/runner.cpp"

printf 'void g() { acceptor_.async_accept(h); }\n' >>"$work/tree/harness/transport/connector.cpp"
expect_failure "an accept outside the listener" "connector.cpp:.*accepts a connection outside"
sed -i '$d' "$work/tree/harness/transport/connector.cpp"
"$check" --root "$work/tree" >/dev/null
