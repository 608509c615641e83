"""The matrix page as headless Chromium builds it (offline: no proxy reachable, every host
unresolvable), checked (matrix_browser_test.sh made the page: peers alpha and beta, beta's
2.10 changed from pass to fail since the earlier matrix).

usage: matrix_browser_check.py CHROMIUM SCRATCH PAGE
"""
import pathlib
import re
import subprocess
import sys

chromium, scratch, page = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--no-default-browser-check",
         f"--user-data-dir={scratch / 'chromium-profile'}", "--proxy-server=127.0.0.1:9",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--virtual-time-budget=5000", "--dump-dom"]
problems = []


def check(cond, what):
    if not cond:
        problems.append(what)


def dom(suffix):
    """Case ID -> hidden?, for the rows of the page (with `suffix`: a query or a fragment)."""
    done = subprocess.run([chromium, *FLAGS, f"file://{page}{suffix}"], capture_output=True,
                          text=True, timeout=90)
    if done.returncode != 0:
        sys.exit(f"chromium could not render {page}{suffix}: {done.stderr[-2000:]}")
    rows = {m.group(1): re.search(r"\bhidden\b", m.group(2)) is not None
            for m in re.finditer(r'<tr id="c-([^"]+)"([^>]*)>', done.stdout)}
    return done.stdout, rows


html, rows = dom("")
ids = {f"1.1.{i}" for i in range(1, 9)} | {f"2.{i}" for i in range(1, 12)}
check(set(rows) == ids, f"rows: {sorted(set(rows) ^ ids)} differ")
check(not any(rows.values()), "rows hidden without a filter")
check("19 of 19 cases shown" in html, "the filter script did not run")
check(re.search(r'<tr class="sub" data-subhead="1"><th colspan="3">1 ', html) is not None and
      'data-subhead="2"' in html, "no section rows")
check(re.search(r'<tr id="c-2\.10"[^>]*>.*?<td class="rfc">RFC 6455 5\.5', html) is not None,
      "the row does not cite its RFC section")
heads = re.findall(r'<th data-column="\d+">(.*?)</th>', html)
check(len(heads) == 2 and heads[0].startswith("alpha<br>server · ws") and
      heads[1].startswith("beta<br>server · ws"), f"columns: {heads}")
check("✘ 18/19 (1 failed)" in html and "✔ 19/19" in html, "the columns' totals")
peers = re.search(r'<table class="peers".*?</table>', html, re.S)
check(peers is not None and "1.beta" in peers.group(0) and
      "wsconform serve (beta)" in peers.group(0), "the peers' table lacks a version or an origin")
cell = re.search(r'<tr id="c-2\.10".*?</tr>', html, re.S).group(0)
links = re.findall(r'<a href="([^"]+)"[^>]*>(✔|✘) 1000', cell)
check(len(links) == 2 and links[0][0] == "../alpha/reference_case_2_10.html" and
      links[1] == ("../beta/reference_case_2_10.html", "✘"), f"2.10's links: {links}")
check(bool(links) and (page.parent / links[-1][0]).resolve().exists(), "the linked case page is missing")
check('class="cell changed o-fail"' in cell and "(was pass)" in cell, "2.10's changed cell is not marked")

html, rows = dom("?verdict=fail")
check([i for i, hidden in rows.items() if not hidden] == ["2.10"], "?verdict=fail shows other rows")
check("1 of 19 cases shown" in html, "?verdict=fail: the count")

html, rows = dom("#diff=1")
check([i for i, hidden in rows.items() if not hidden] == ["2.10"], "#diff=1 shows unchanged rows")
check("only rows that changed" in html, "the diff filter's label")
check('data-filter="verdict=all section=all diff=1"' in html, "#diff=1 not applied")

if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
