#!/usr/bin/env bash
# The matrix page (`wsconform matrix`) in headless Chromium, offline: two peers (the reference
# server twice, each run given --peer-name/--peer-version/--peer-origin), a first matrix, then
# one case of the second peer doctored into a failure and a second matrix against the first.
# Checks the rows (grouped under their sections, with the RFC sections they cite), the columns
# (peer, role, transport; the peers' table), one cell's link to its case page, a verdict
# filter from the URL, the diff view (only the changed row, its cell marked "was pass"), and
# that the page is self-contained (no external asset); and that a case page's command runs
# its case again.
# usage: matrix_browser_test.sh WSCONFORM_BINARY
set -euo pipefail
TEST_NAME=matrix_browser_test
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scratch_setup "$@"
chromium="$(command -v chromium || command -v chromium-browser || true)"
[[ -n "$chromium" ]] || skip "chromium is not installed (scripts/install-deps installs it)"
python=/usr/bin/python3

start_serve "$BIN"
for peer in alpha beta; do
    "$BIN" test-server "$SERVE_URL" --cases '1.1.*' '2.*' --agent Reference --quiet \
        --color never --outdir "$SCRATCH/$peer" --peer-name "$peer" --peer-version "1.$peer" \
        --peer-origin "wsconform serve ($peer)" >"$SCRATCH/$peer.txt" 2>&1 ||
        { cat "$SCRATCH/$peer.txt" >&2; fail "test-server against the reference server failed"; }
done
# A case page's command runs that case again, alone.
command=$("$python" -c 'import html, re, sys
print(html.unescape(re.search(r"<code id=\"reproduce\">(.*?)</code>", open(sys.argv[1]).read()).group(1)))' \
    "$SCRATCH/alpha/reference_case_2_10.html")
[[ "$command" == "wsconform test-server $SERVE_URL --cases 2.10 --agent Reference" ]] ||
    fail "the case page's command: $command"
$BIN ${command#wsconform } --outdir "$SCRATCH/again" -q >/dev/null || fail "$command failed"
grep -q '"2.10"' "$SCRATCH/again/index.json" && ! grep -q '"2.1"' "$SCRATCH/again/index.json" ||
    fail "the case page's command did not run 2.10 alone"
stop_serve
grep -q '"name": "beta"' "$SCRATCH/beta/peer.json" || fail "no peer.json beside index.json"
grep -q 'beta' "$SCRATCH/beta/index.json" && fail "the peer's name leaked into index.json"
"$BIN" matrix "$SCRATCH/alpha" "$SCRATCH/beta" --outdir "$SCRATCH/m1" >/dev/null ||
    fail "wsconform matrix failed"

# beta's 2.10 doctored into a failure (as if the peer had not answered every ping).
"$python" - "$SCRATCH/beta" <<'PY'
import json, pathlib, sys
def edit(path, change):
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc, indent=3, sort_keys=True))
    return doc
beta = pathlib.Path(sys.argv[1])
index = edit(beta / "index.json", lambda d: d["Reference"]["2.10"].update(behavior="FAILED"))
edit(beta / index["Reference"]["2.10"]["reportfile"],
     lambda d: d.update(behavior="FAILED", outcome="fail", outcomeReason="behavior FAILED"))
PY
"$BIN" report "$SCRATCH/beta" >/dev/null || fail "wsconform report failed"
"$BIN" matrix "$SCRATCH/alpha" "$SCRATCH/beta" --outdir "$SCRATCH/m2" --earlier "$SCRATCH/m1" \
    >"$SCRATCH/matrix.txt" || fail "wsconform matrix --earlier failed"
grep -q '19 cases, 2 columns' "$SCRATCH/matrix.txt" || { cat "$SCRATCH/matrix.txt" >&2; fail "matrix summary"; }
page="$SCRATCH/m2/index.html"
[[ -s "$SCRATCH/m2/matrix.json" ]] || fail "no matrix.json beside the page"
if grep -Eq '<(script|link|img|iframe)[^>]*(src|href)=|@import|url\(' "$page"; then
    fail "the matrix page loads an external asset"
fi

"$python" "$SOURCE_DIR/tests/integration/matrix_browser_check.py" "$chromium" "$SCRATCH" "$page" ||
    fail "the matrix page is not what a person should see"
say "ok: the matrix's rows, columns, a cell's link, a filter and the diff view render in Chromium"
