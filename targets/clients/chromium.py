"""Autobahn fuzzingserver client driver for headless Chromium (Debian `chromium`), using the
browser's own WebSocket API.

usage: /usr/bin/python3 chromium.py [--http2] URL AGENT   (normally via targets/clients/chromium)
URL is ws:// or wss://.

--http2 (WebSocket over HTTP/2, RFC 8441; URL wss:// of `wsconform test-client --http2 --tls`):
Chromium sends an extended CONNECT only on an HTTP/2 connection it already has to the
WebSocket's origin, so the page is the one test-client serves at GET / on that origin
(https://localhost:PORT/?driver=...), which loads this driver's script from the throwaway
HTTP server; the script reports to that server with no-cors requests (127.0.0.1 is a
potentially trustworthy origin, so an https page may reach it).

Serves a driver page from a throwaway HTTP server on 127.0.0.1:0 and opens it in a
headless Chromium with a fresh profile. The page asks URL/getCaseCount for N, runs
URL/runCase?case=i&agent=AGENT for i = 1..N with `new WebSocket(url)` (binaryType
"arraybuffer"; every message is echoed with its type: text as a string, binary as an
ArrayBuffer) until the server closes, calls URL/updateReports?agent=AGENT and then
fetches /done from the HTTP server. Chromium keeps its default offer
(`permessage-deflate; client_max_window_bits`). The page reports progress through
/log (printed on stderr).

wss://: Chromium on Linux trusts what the NSS database in ~/.pki/nssdb trusts, so with
WSCONFORM_CA set (the CA `wsconform test-client --tls` wrote) Chromium runs with a fresh
HOME whose NSS database holds that CA as a trusted issuer of server certificates
(`certutil`, Debian libnss3-tools), and nothing else. Certificate checks stay on: no
--ignore-certificate-errors. Host resolution is off except for 127.0.0.1 and localhost.

Exits 0 when the page finished the loop; 1 if it failed (no case count, updateReports
failed), Chromium exited early or the deadline passed; 2 on usage errors. Chromium runs
in a process group of its own, which is always ended (SIGTERM, then SIGKILL) on the way
out, also when this driver gets SIGTERM/SIGINT/SIGHUP.
Environment: CHROMIUM (binary, default chromium), CHROMIUM_TIMEOUT (overall deadline in
seconds, default 3600), CASE_TIMEOUT (seconds per case, default 300), WSCONFORM_CA (a PEM
CA file to trust).
"""
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

# The loop itself (targets/clients/websocket_api_driver.js) reads its settings from
# globalThis.wsconformDriver, set by this prelude; reports go to the driver's HTTP server (same
# origin in HTTP/1.1 mode, no-cors from the test-client's page with --http2).
PRELUDE = r"""
'use strict';
globalThis.wsconformDriver = Object.assign(CONFIG, {
  report: (path, fields) =>
    fetch(CONFIG_REPORT_BASE + path + '?' + new URLSearchParams(fields),
          { cache: 'no-store', mode: CONFIG_REPORT_BASE ? 'no-cors' : 'same-origin' }).catch(() => {}),
});
"""
LOOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "websocket_api_driver.js")

PAGE = """<!doctype html>
<meta charset="utf-8">
<title>wsconform chromium driver</title>
<script>%s</script>
"""


def log(msg):
    print(f"[chromium] {msg}", file=sys.stderr, flush=True)


class Terminated(Exception):
    pass


def main():
    args = sys.argv[1:]
    http2 = bool(args) and args[0] == "--http2"
    if http2:
        args = args[1:]
    if len(args) != 2 or not args[0].startswith("wss://" if http2 else ("ws://", "wss://")):
        print("usage: chromium.py [--http2] ws[s]://HOST:PORT AGENT (--http2: wss:// only)",
              file=sys.stderr)
        return 2
    base, agent = args
    chromium = os.environ.get("CHROMIUM", "chromium")
    deadline = time.monotonic() + float(os.environ.get("CHROMIUM_TIMEOUT", "3600"))
    case_timeout = float(os.environ.get("CASE_TIMEOUT", "300"))

    def on_signal(signum, _frame):
        raise Terminated(signal.Signals(signum).name)

    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, on_signal)

    done = threading.Event()
    result = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            fields = dict(urllib.parse.parse_qsl(url.query))
            if url.path == "/driver.html":
                self.reply(200, "text/html; charset=utf-8", (PAGE % script("")).encode())
                return
            if url.path == "/driver.js":
                self.reply(200, "text/javascript; charset=utf-8", script(own).encode())
                return
            if url.path == "/log":
                log(fields.get("msg", ""))
            elif url.path == "/done":
                result.update(fields)
                done.set()
            self.reply(204)

        def reply(self, status, ctype=None, body=b""):
            self.send_response(status)
            if ctype:
                self.send_header("Content-Type", ctype)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    tmp = tempfile.mkdtemp(prefix="wsconform-chromium.")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    own = "http://127.0.0.1:%d" % httpd.server_address[1]

    with open(LOOP, encoding="utf-8") as f:
        loop = f.read()

    def script(report_base):
        config = {"ws": base, "agent": agent, "caseTimeout": case_timeout, "prepareCases": http2}
        as_js = lambda value: json.dumps(value).replace("<", "\\u003c")
        prelude = PRELUDE.replace("CONFIG_REPORT_BASE", as_js(report_base)).replace(
            "CONFIG", as_js(config), 1)
        return prelude + loop

    if http2:
        # The test-client's own page, on the WebSocket's origin (see the docstring).
        page = "https://%s/?%s" % (urllib.parse.urlsplit(base).netloc,
                                   urllib.parse.urlencode({"driver": own + "/driver.js"}))
    else:
        page = own + "/driver.html"
    chromium_log = os.path.join(tmp, "chromium.log")
    proc = None
    status = 1
    try:
        env = dict(os.environ)
        if os.environ.get("WSCONFORM_CA"):
            env["HOME"] = trusting_home(tmp, os.environ["WSCONFORM_CA"])
        with open(chromium_log, "wb") as out:
            proc = subprocess.Popen(
                [
                    chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={os.path.join(tmp, 'profile')}",
                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
                    page,
                ],
                env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, ended as a whole below
            )
        log(f"started {chromium} (pid {proc.pid}) on {page.split('?')[0]}")
        while not done.wait(0.2):
            if proc.poll() is not None:
                log(f"chromium exited with status {proc.returncode} before the page finished")
                break
            if time.monotonic() > deadline:
                log("deadline passed before the page finished")
                break
        if done.is_set():
            log(("finished: " if result.get("ok") == "1" else "page failed: ") + result.get("why", ""))
            status = 0 if result.get("ok") == "1" else 1
    except Terminated as e:
        log(f"got {e}, stopping chromium")
        status = 143 if str(e) == "SIGTERM" else 130
    finally:
        # Ignore further signals while cleaning up, so the profile directory goes too.
        for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(s, signal.SIG_IGN)
        if proc is not None:
            stop_group(proc)
        httpd.server_close()
        if status != 0 and os.path.exists(chromium_log):
            with open(chromium_log, "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
            # D-Bus complaints are routine in a container; leave them out.
            tail = "\n".join([l for l in lines if "dbus" not in l.lower()][-30:])
            if tail.strip():
                log("chromium output (tail):\n" + tail)
        shutil.rmtree(tmp, ignore_errors=True)
    return status


def trusting_home(tmp, ca_file):
    """A fresh HOME under tmp whose NSS database (~/.pki/nssdb, what Chromium on Linux
    trusts) holds ca_file as a trusted issuer of server certificates; returns its path."""
    home = os.path.join(tmp, "home")
    nssdb = os.path.join(home, ".pki", "nssdb")
    os.makedirs(nssdb)
    for args in (["-N", "--empty-password"],
                 ["-A", "-t", "C,,", "-n", "wsconform test CA", "-i", ca_file]):
        subprocess.run(["certutil", "-d", "sql:" + nssdb, *args], check=True,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    log(f"trusting {ca_file} (NSS database {nssdb})")
    return home


def stop_group(proc):
    pgid = proc.pid
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    end = time.monotonic() + 5
    while time.monotonic() < end:
        proc.poll()
        try:
            os.killpg(pgid, 0)  # anyone left in the group?
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


if __name__ == "__main__":
    sys.exit(main())
