#!/usr/bin/env bash
# What a person sees in the HTML report, in a real browser: a real run (the reference server,
# a few sections) with one case doctored into a failure, rendered again by `wsconform report`,
# then index.html and the failing case's page opened in headless Chromium with no network.
# Checks the matrix rows, pass counts, the verdict, the failing case's expected/actual and
# wire log, and that the filters (kept in the URL: query or fragment) hide the right rows.
# usage: report_browser_test.sh WSCONFORM_BINARY
# Exit 77 (skip) only when no chromium is installed (scripts/install-deps installs it).
set -euo pipefail
TEST_NAME=report_browser_test
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
(( $# == 1 )) || fail "usage: $0 WSCONFORM_BINARY"
bin="$1"
[[ -x "$bin" ]] || fail "wsconform binary not found: $bin"

chromium="$(command -v chromium || command -v chromium-browser || true)"
[[ -n "$chromium" ]] || skip "chromium is not installed (scripts/install-deps installs it)"
python=/usr/bin/python3
[[ -x "$python" ]] || python="$(command -v python3 || true)"
[[ -n "$python" ]] || fail "python3 is needed to doctor a case and read the DOM"

start_serve "$bin"
out="$SERVE_DIR/report"  # removed with SERVE_DIR by lib.sh's cleanup
"$bin" test-server "$SERVE_URL" --cases '1.1.*' '2.*' '6.4.1' '7.1.*' --agent Reference \
    --outdir "$out" --quiet --color never >"$SERVE_DIR/run.txt" 2>&1 ||
    { cat "$SERVE_DIR/run.txt" >&2; fail "wsconform test-server failed against the reference server"; }
stop_serve
for f in index.json index.html junit.xml reference_case_2_10.html; do
    [[ -s "$out/$f" ]] || fail "the run wrote no $f"
done

cp -r "$out" "$SERVE_DIR/before"
# A failure to look at: 2.10 as if the peer had answered only 7 of the 10 pings.
"$python" - "$out" <<'EOF'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
index = json.loads((out / "index.json").read_text())
index["Reference"]["2.10"]["behavior"] = "FAILED"
(out / "index.json").write_text(json.dumps(index, indent=3, sort_keys=True))
case_file = out / index["Reference"]["2.10"]["reportfile"]
case = json.loads(case_file.read_text())
case.update(behavior="FAILED", outcome="fail", outcomeReason="behavior FAILED",
            result="Actual events differ from any expected.", received=case["received"][:7])
case_file.write_text(json.dumps(case, indent=3, sort_keys=True))
EOF
"$bin" report "$out" >/dev/null || fail "wsconform report failed"
"$bin" compare "$SERVE_DIR/before" "$out" --out "$SERVE_DIR/compare.html" --color never \
    >"$SERVE_DIR/compare.txt" || fail "wsconform compare failed"
grep -q '^2\.10 .*| ✔ 1000 *| ✘ 1000' "$SERVE_DIR/compare.txt" ||
    { cat "$SERVE_DIR/compare.txt" >&2; fail "wsconform compare does not show 2.10 differing"; }
grep -q '^1 of 26 cases differ' "$SERVE_DIR/compare.txt" ||
    { cat "$SERVE_DIR/compare.txt" >&2; fail "wsconform compare: wrong count"; }

profile="$SERVE_DIR/chromium-profile"
mkdir -p "$profile"
# Headless, offline: no proxy reachable, every host name unresolvable, no background traffic.
dump() {
    timeout 90 "$chromium" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
        --disable-background-networking --disable-component-update --disable-sync \
        --no-first-run --no-default-browser-check --user-data-dir="$profile" \
        --proxy-server=127.0.0.1:9 --host-resolver-rules='MAP * ~NOTFOUND' \
        --virtual-time-budget=5000 --dump-dom "$1" 2>"$SERVE_DIR/chromium.err" ||
        { tail -20 "$SERVE_DIR/chromium.err" >&2; fail "chromium could not render $1"; }
}

dump "file://$out/index.html" >"$SERVE_DIR/all.html"
dump "file://$out/index.html?verdict=fail" >"$SERVE_DIR/fail.html"
dump "file://$out/index.html#verdict=all&section=7" >"$SERVE_DIR/section7.html"
dump "file://$out/index.html?verdict=fail#verdict=pass&section=1" >"$SERVE_DIR/hashwins.html"
dump "file://$out/reference_case_2_10.html" >"$SERVE_DIR/case.html"
dump "file://$SERVE_DIR/compare.html" >"$SERVE_DIR/compare-dom.html"

"$python" - "$SERVE_DIR" <<'EOF' || fail "the rendered pages are not what a person should see"
import pathlib, re, sys
d = pathlib.Path(sys.argv[1])
problems = []
def check(cond, what):
    if not cond:
        problems.append(what)

def rows(page):
    """Case ID -> hidden?, for every matrix row in the DOM the browser built."""
    html = (d / page).read_text()
    found = {}
    for m in re.finditer(r'<tr id="c-([^"]+)"([^>]*)>', html):
        found[m.group(1)] = re.search(r'\bhidden\b', m.group(2)) is not None
    return html, found

html, all_rows = rows("all.html")
expected_ids = {f"1.1.{i}" for i in range(1, 9)} | {f"2.{i}" for i in range(1, 12)} | \
    {"6.4.1"} | {f"7.1.{i}" for i in range(1, 7)}
check(set(all_rows) == expected_ids, f"matrix rows: {sorted(set(all_rows) ^ expected_ids)} differ")
check(not any(all_rows.values()), "rows hidden without a filter")
check("26 of 26 cases shown" in html, "the filter script did not run (no case count)")
check("✘ Fail: 1 of 26 results failed" in html, "overall verdict missing")
check("Reference ✘ 10/11 (1 failed)" in html, "pass count of section 2 missing")
check("Reference ✔ 8/8" in html, "pass count of section 1 missing")
check(re.search(r'<a href="reference_case_2_10.html"[^>]*>✘ 1000</a>', html) is not None,
      "the failing cell (symbol, close code, link) is missing")
check(re.search(r'<a href="reference_case_2_1.html"[^>]*>✔ 1000</a>', html) is not None,
      "a passing cell is missing")

html, fail_rows = rows("fail.html")
check(fail_rows.get("2.10") is False, "?verdict=fail hides the failing row")
check(all(hidden for i, hidden in fail_rows.items() if i != "2.10"), "?verdict=fail shows passing rows")
check('data-filter="verdict=fail section=all diff=0"' in html, "?verdict=fail not applied")
check("1 of 26 cases shown" in html, "?verdict=fail: wrong count")
check(re.search(r'<details class="section" id="s-1"[^>]*hidden', html) is not None,
      "?verdict=fail leaves an all-pass section visible")

html, s7 = rows("section7.html")
check(all(s7[i] == (not i.startswith("7.")) for i in s7), "#section=7 shows other sections")
check('<option value="7" selected' in html or 'data-filter="verdict=all section=7 diff=0"' in html,
      "#section=7 not applied")

html, hw = rows("hashwins.html")
check('data-filter="verdict=pass section=1 diff=0"' in html, "the fragment does not win over the query")
check(all(hw[i] == (not i.startswith("1.1.")) for i in hw), "#verdict=pass&section=1 rows wrong")

html, cmp = rows("compare-dom.html")
check(set(cmp) == expected_ids, "compare.html rows")
check([i for i, hidden in cmp.items() if not hidden] == ["2.10"], "compare.html: only 2.10 differs")
check("before: Reference" in html and "report: Reference" in html, "compare.html column labels")
check('href="report/reference_case_2_10.html"' in html, "compare.html links to the run's case page")

case = (d / "case.html").read_text()
for text in ["✘ Fail", "behavior FAILED", "Expected vs observed", "Actual events differ from any expected.",
             "Close handshake", "Opening handshake", "HTTP/1.1 101 Switching Protocols",
             "Wire log", "frame sent: ping", "frame received: pong", "frame received: close",
             "2 Pings/Pongs"]:
    check(text in case, f"case page lacks {text!r}")
expected_cell = re.search(r'<table class="evo".*?</table>', case, re.S)
check(expected_cell is not None and expected_cell.group(0).count("<li>pong") == 10 + 7,
      "case page: expected 10 pongs and observed 7")
check(re.search(r'<td class="t">\d+\.\d{3}</td>', case) is not None, "wire log has no timestamps")

if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
EOF
say "ok: matrix, pass counts, verdict, filters from the URL and the case page render in Chromium"
