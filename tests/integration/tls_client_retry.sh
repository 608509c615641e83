#!/usr/bin/env bash
# A client that tries a refused certificate case again (`test-client --tls`, 16.1.1 and
# 16.1.2): it refuses 16.1.1's certificate (judged: OK), then asks for 16.1.1 again on a
# connection that got the next case's certificate, which it did not check. That second try
# adds nothing: 16.1.1 stays OK (it used to become "not applicable"), and 16.1.2 is judged
# from its own refused handshake. The driver is inline: Python's ssl and a hand-written upgrade.
# usage: tls_client_retry.sh WSCONFORM_BINARY
set -euo pipefail
TEST_NAME=tls_client_retry
source "$(dirname "${BASH_SOURCE[0]}")/peer_lib.sh"
peer_test_setup "$@"
command -v python3 >/dev/null || skip "python3 is not installed"

cat >"$OUT/driver.py" <<'PY'
import base64, os, socket, ssl, sys, urllib.parse

url, agent, ca = sys.argv[1:4]
host, port = urllib.parse.urlsplit(url).hostname, urllib.parse.urlsplit(url).port


def connect(verify):
    context = ssl.create_default_context(cafile=ca)
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context.wrap_socket(socket.create_connection(("127.0.0.1", port)),
                               server_hostname=host)


def upgrade(sock, path):
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed during the upgrade")
        data += chunk
    assert data.startswith(b"HTTP/1.1 101"), data[:40]
    return data.split(b"\r\n\r\n", 1)[1]


def first_text(sock, rest):
    while len(rest) < 2 or len(rest) < 2 + (rest[1] & 0x7F):
        rest += sock.recv(4096)
    return rest[2:2 + (rest[1] & 0x7F)].decode()


def refused(path):
    try:
        connect(True).close()
    except ssl.SSLError as e:
        print(f"driver: {path}: refused ({e.reason})", file=sys.stderr)
        return True
    return False


q = "agent=" + urllib.parse.quote(agent)
sock = connect(True)
count = int(first_text(sock, upgrade(sock, "/getCaseCount")))
sock.close()
assert count == 2, count
assert refused("case 1"), "16.1.1's certificate was accepted"
sock = connect(False)  # the retry: this connection gets the next case's certificate
upgrade(sock, f"/runCase?case=1&{q}")
sock.close()
assert refused("case 2"), "16.1.2's certificate was accepted"
sock = connect(True)
upgrade(sock, f"/updateReports?{q}")
sock.close()
PY

status=0
"$BIN" test-client --tls --listen 127.0.0.1:0 --cases 16.1.1 16.1.2 --agent retry \
    --run "python3 $OUT/driver.py {url} {agent} {ca}" --timeout 30 --outdir "$OUT/report" \
    >"$OUT/run.log" 2>&1 || status=$?
(( status == 0 )) || { cat "$OUT/run.log" >&2; fail "test-client exited with $status (want 0)"; }
python3 - "$OUT/report/index.json" "$OUT/run.log" <<'PY' || { cat "$OUT/run.log" >&2; fail "see above"; }
import json, re, sys
index = json.load(open(sys.argv[1]))["retry"]
got = {case: row["behavior"] for case, row in index.items()}
summary = re.search(r"^(\d+) cases: (\d+) passed", open(sys.argv[2]).read(), re.M)
ok = got == {"16.1.1": "OK", "16.1.2": "OK"} and summary and summary.groups() == ("2", "2")
print(f"  index.json {got}, summary {summary.group(0) if summary else None}", file=sys.stderr)
sys.exit(0 if ok else 1)
PY
say "ok: a retried certificate case keeps its verdict: $(grep -E '^[0-9]+ cases' "$OUT/run.log")"
