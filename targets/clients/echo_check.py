#!/usr/bin/python3
"""Checks that a WebSocket echo server echoes correctly, using Python `websockets` 10.4
(Debian python3-websockets; run with /usr/bin/python3).

usage: echo_check.py ws://HOST:PORT/PATH [--timeout SECONDS]

Each check runs on its own connection under a hard deadline. Prints one line per check,
"ok   NAME  detail" or "FAIL NAME  detail"; exits 0 only if every check passed
(1 if some failed, 2 on usage errors).
"""
import asyncio
import hashlib
import os
import sys
import time

import websockets

import checklist

MAX_SIZE = 2**26


def describe(data) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
        kind = "text"
    else:
        kind = "binary"
    return f"{kind} {len(data)} B sha256 {hashlib.sha256(data).hexdigest()[:12]}"


class CheckFailed(Exception):
    pass


def connect(url, timeout):
    return websockets.connect(
        url,
        compression="deflate",
        max_size=MAX_SIZE,
        max_queue=None,
        ping_interval=None,
        ping_timeout=None,
        open_timeout=timeout,
        close_timeout=min(timeout, 5),
    )


async def expect_echo(ws, message):
    await ws.send(message)
    got = await ws.recv()
    if type(got) is not type(message if not isinstance(message, list) else message[0]):
        raise CheckFailed(f"sent {describe(message)}, got {describe(got)} (wrong type)")
    want = "".join(message) if isinstance(message, list) else message
    if got != want:
        raise CheckFailed(f"sent {describe(want)}, got {describe(got)} (content differs)")
    return describe(got)


def echo_check(message, show_extensions=False):
    async def run(url, timeout):
        async with connect(url, timeout) as ws:
            detail = await expect_echo(ws, message)
            if show_extensions:
                ext = ws.response_headers.get("Sec-WebSocket-Extensions")
                detail += f"; extensions: {ext or 'none'}"
            return detail
    return run


async def ping_check(url, timeout):
    async with connect(url, timeout) as ws:
        payload = b"wsconform-ping\x00\xff"
        pong = await ws.ping(payload)  # resolves when a pong with this payload arrives
        await pong
        return f"pong echoed {payload!r}"


async def close_check(url, timeout):
    ws = await connect(url, timeout)
    await ws.close(1000, "bye")
    if ws.close_rcvd is None:
        raise CheckFailed(f"no close frame from the server (code {ws.close_code})")
    if ws.close_rcvd.code != 1000:
        raise CheckFailed(f"server answered close with {ws.close_rcvd.code} {ws.close_rcvd.reason!r}")
    return f"server close code {ws.close_rcvd.code} reason {ws.close_rcvd.reason!r}"


def checks():
    rnd = os.urandom
    yield "text", echo_check("Hello, wsconform! \u00e9\u263a\U0001F600", show_extensions=True), 1
    for n in (0, 125, 126, 65535, 65536):
        yield f"binary-{n}", echo_check(rnd(n)), 1
    # 16 MiB each way through a Python deflate: give it three deadlines.
    yield "binary-16MiB", echo_check(rnd(16 * 2**20)), 3
    yield "fragmented-text-3", echo_check(["Hello, ", "fragmented \u263a ", "world"]), 1
    yield "ping-pong", ping_check, 1
    yield "close-1000", close_check, 1


async def main() -> int:
    args = checklist.parse_args(__doc__, "--timeout", 10.0, "hard deadline per check (default 10 s)")
    report = checklist.Report(f"# python websockets {websockets.__version__} -> {args.url}", 18)
    for name, check, factor in checks():
        t0 = time.monotonic()
        deadline = args.timeout * factor
        try:
            detail = await asyncio.wait_for(check(args.url, args.timeout), deadline)
            ok = True
        except asyncio.TimeoutError:
            ok, detail = False, f"timed out after {deadline:g} s"
        except CheckFailed as e:
            ok, detail = False, str(e)
        except Exception as e:  # connection refused, closed early, protocol error...
            ok, detail = False, f"{type(e).__name__}: {e}"
        report.line(ok, name, detail, f"[{time.monotonic() - t0:.2f}s]")
    return report.status()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
