"""Autobahn fuzzingserver client driver for Python `websockets` 10.4 (Debian
python3-websockets, run by Debian's /usr/bin/python3; pyenv's python does not see it).

usage: /usr/bin/python3 python-websockets.py URL AGENT   (normally via targets/clients/python-websockets)
  e.g. wsconform test-client --run 'targets/clients/python-websockets {url} {agent}'

Asks URL/getCaseCount for N, runs URL/runCase?case=i&agent=AGENT for i = 1..N (echoing
every message with its type until the server closes), then calls
URL/updateReports?agent=AGENT. The library's defaults are kept, including its
permessage-deflate offer (client_max_window_bits, context takeover); only max_size
(64 MiB), max_queue (unbounded) and keepalive pings (off) are changed so that large
cases fit and no unsolicited pings disturb the wire log.
Exits 0 when the loop finished (failing cases are wsconform's business, not the
driver's), 1 if getCaseCount or updateReports could not be reached, 2 on usage errors.
Environment: CASE_TIMEOUT (seconds per case, default 300); WSCONFORM_CA (wss://: a PEM
CA file to trust); WSCONFORM_TLS_VERIFY (full, no-hostname or none; see tls_context).
"""
import asyncio
import os
import ssl
import sys
import time
import urllib.parse

import websockets

MAX_SIZE = 2**26
CASE_TIMEOUT = float(os.environ.get("CASE_TIMEOUT", "300"))


def log(msg):
    print(f"[python-websockets] {msg}", file=sys.stderr, flush=True)


def tls_context():
    """wss://: the CA wsconform wrote (WSCONFORM_CA) trusted; WSCONFORM_TLS_VERIFY=no-hostname
    or none plays a client that skips the name check, or every check (for wsconform's own
    tests of section 16: such a client must fail the matching certificate cases)."""
    context = ssl.create_default_context(cafile=os.environ.get("WSCONFORM_CA") or None)
    verify = os.environ.get("WSCONFORM_TLS_VERIFY", "full")
    if verify in ("no-hostname", "none"):
        context.check_hostname = False
    if verify == "none":
        context.verify_mode = ssl.CERT_NONE
    return context


def connect(url):
    return websockets.connect(
        url,
        ssl=tls_context() if url.startswith("wss://") else None,
        max_size=MAX_SIZE,
        max_queue=None,
        ping_interval=None,
        ping_timeout=None,
        open_timeout=30,
        close_timeout=10,
    )


async def get_case_count(base):
    async with connect(f"{base}/getCaseCount") as ws:
        return int(await ws.recv())


async def echo_until_closed(url):
    async with connect(url) as ws:
        async for message in ws:
            await ws.send(message)


async def run_case(base, i, agent):
    url = f"{base}/runCase?case={i}&agent={urllib.parse.quote(agent, safe='')}"
    try:
        await asyncio.wait_for(echo_until_closed(url), CASE_TIMEOUT)
    except asyncio.TimeoutError:
        log(f"case {i}: still open after {CASE_TIMEOUT:g} s, abandoned")
    except websockets.ConnectionClosed:
        pass  # a closing handshake that was not clean: the server records it
    except Exception as e:  # handshake refused, protocol error, reset...: also recorded
        log(f"case {i}: {type(e).__name__}: {e}")


async def update_reports(base, agent):
    url = f"{base}/updateReports?agent={urllib.parse.quote(agent, safe='')}"
    async with connect(url) as ws:
        try:
            await ws.recv()
        except websockets.ConnectionClosed:
            pass


async def main():
    if len(sys.argv) != 3 or not sys.argv[1].startswith(("ws://", "wss://")):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    base, agent = sys.argv[1].rstrip("/"), sys.argv[2]
    started = time.monotonic()
    try:
        count = await get_case_count(base)
    except Exception as e:
        log(f"getCaseCount failed: {type(e).__name__}: {e}")
        return 1
    log(f"websockets {websockets.__version__}: {count} cases")
    for i in range(1, count + 1):
        await run_case(base, i, agent)
    try:
        await update_reports(base, agent)
    except Exception as e:
        log(f"updateReports failed: {type(e).__name__}: {e}")
        return 1
    log(f"done in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
