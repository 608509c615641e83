#!/usr/bin/python3
"""Protocol-violation probes against a WebSocket server, on plain sockets (no library).

usage: raw_probes.py ws://HOST:PORT/PATH [--deadline SECONDS]

Each probe opens a fresh connection, performs the opening handshake itself (random key,
Sec-WebSocket-Accept verified), sends one offending frame and then waits up to the
deadline for the server's close frame, whose status code must match. Prints one line per
probe ("ok   NAME  detail" / "FAIL NAME  detail"); exits 0 only if every probe passed
(1 if some failed, 2 on usage errors).
"""
import base64
import hashlib
import os
import socket
import struct
import sys
import time
import urllib.parse

import checklist

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class ProbeFailed(Exception):
    pass


def mask(payload: bytes, key: bytes) -> bytes:
    return bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def frame(opcode: int, payload: bytes, *, fin=True, rsv=0, masked=True, key=None,
          announced_len=None) -> bytes:
    """Encodes a frame. announced_len lets the header claim more bytes than follow."""
    n = len(payload) if announced_len is None else announced_len
    head = bytes([(0x80 if fin else 0) | (rsv << 4) | opcode])
    mbit = 0x80 if masked else 0
    if n < 126:
        head += bytes([mbit | n])
    elif n < 65536:
        head += bytes([mbit | 126]) + struct.pack("!H", n)
    else:
        head += bytes([mbit | 127]) + struct.pack("!Q", n)
    if not masked:
        return head + payload
    key = key or os.urandom(4)
    return head + key + mask(payload, key)


class Conn:
    def __init__(self, url: str, deadline: float):
        u = urllib.parse.urlsplit(url)
        if u.scheme != "ws" or not u.hostname:
            raise SystemExit(f"raw_probes: only ws:// URLs are supported, got {url!r}")
        self.deadline = deadline
        self.sock = socket.create_connection((u.hostname, u.port or 80), timeout=deadline)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        path = (u.path or "/") + (f"?{u.query}" if u.query else "")
        host = u.netloc
        key = base64.b64encode(os.urandom(16))
        req = (f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key.decode()}\r\nSec-WebSocket-Version: 13\r\n"
               f"Origin: http://{host}\r\n\r\n").encode()
        self.sock.sendall(req)
        end = time.monotonic() + deadline
        while b"\r\n\r\n" not in self.buf:
            chunk = self.recv(end)
            if not chunk:
                raise ProbeFailed(f"connection closed during the handshake; got {self.buf[:200]!r}")
            if len(self.buf) > 65536:
                raise ProbeFailed("handshake response larger than 64 KiB")
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = lines[0].split(" ", 2)
        if len(status) < 2 or status[1] != "101":
            raise ProbeFailed(f"handshake refused: {lines[0]!r}")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        want = base64.b64encode(hashlib.sha1(key + GUID).digest()).decode()
        if headers.get("sec-websocket-accept") != want:
            raise ProbeFailed(f"bad Sec-WebSocket-Accept {headers.get('sec-websocket-accept')!r}, want {want!r}")
        if headers.get("sec-websocket-extensions"):
            raise ProbeFailed(f"server accepted an extension nobody offered: {headers['sec-websocket-extensions']!r}")

    def recv(self, end: float) -> bytes:
        left = end - time.monotonic()
        if left <= 0:
            raise TimeoutError
        self.sock.settimeout(left)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            raise TimeoutError from None
        self.buf += chunk
        return chunk

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def read_frame(self, end: float):
        """Returns (opcode, payload) of the next server frame, or None on TCP close."""
        while True:
            b = self.buf
            if len(b) >= 2:
                opcode, masked, n = b[0] & 0x0F, b[1] & 0x80, b[1] & 0x7F
                pos = 2
                if n == 126 and len(b) >= 4:
                    n, pos = struct.unpack("!H", b[2:4])[0], 4
                elif n == 127 and len(b) >= 10:
                    n, pos = struct.unpack("!Q", b[2:10])[0], 10
                if n < 126 or pos > 2:
                    if n > 2**24:
                        raise ProbeFailed(f"server frame announces {n} bytes")
                    if masked:
                        pos += 4
                    if len(b) >= pos + n:
                        payload = b[pos:pos + n]
                        if masked:
                            payload = mask(payload, b[pos - 4:pos])
                        self.buf = b[pos + n:]
                        return opcode, payload
            try:
                if not self.recv(end):
                    return None
            except ConnectionResetError:
                return None

    def expect_close(self, want_code: int, started: float) -> str:
        end = started + self.deadline
        seen = []
        while True:
            try:
                f = self.read_frame(end)
            except TimeoutError:
                raise ProbeFailed(f"no close frame within {self.deadline:g} s"
                                  + (f" (saw {', '.join(seen)})" if seen else "")) from None
            if f is None:
                raise ProbeFailed("TCP closed without a close frame"
                                  + (f" (saw {', '.join(seen)})" if seen else ""))
            opcode, payload = f
            if opcode != 0x8:
                seen.append(f"opcode {opcode} {len(payload)} B")
                continue
            elapsed = time.monotonic() - started
            if len(payload) < 2:
                raise ProbeFailed(f"close frame without a status code, want {want_code}")
            code = struct.unpack("!H", payload[:2])[0]
            reason = payload[2:].decode("utf-8", "replace")
            detail = f"close {code} {reason!r} after {elapsed * 1000:.0f} ms"
            if code != want_code:
                raise ProbeFailed(f"{detail}, want {want_code}")
            return detail

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def probes():
    # (name, bytes to send after the handshake, expected close code, note)
    yield "rsv1-text", frame(0x1, b"Hello", rsv=0b100), 1002, "RSV1 without a negotiated extension"
    yield "opcode-3", frame(0x3, b"Hello"), 1002, "reserved non-control opcode"
    yield "ping-126", frame(0x9, b"*" * 126), 1002, "control frame payload > 125"
    yield "unmasked-text", frame(0x1, b"Hello", masked=False), 1002, "client frame without mask"
    # 20-byte text frame of which only the first 10 bytes are sent: ce ba e1 bd b9 is
    # valid ("κό"), then ed a0 80 is a UTF-16 surrogate, invalid in UTF-8. The rest
    # never comes, so only a fail-fast validator can answer in time.
    bad = bytes.fromhex("cebae1bdb9eda0806564")
    key = os.urandom(4)
    partial = frame(0x1, b"\x00" * 20, key=key)[:6] + mask(bad, key)
    yield "utf8-fail-fast", partial, 1007, "invalid UTF-8 in an unfinished frame"


def main() -> int:
    args = checklist.parse_args(__doc__, "--deadline", 3.0, "seconds to wait for each close (default 3)")
    report = checklist.Report(f"# raw probes -> {args.url}", 15)
    for name, data, want, note in probes():
        conn = None
        try:
            conn = Conn(args.url, args.deadline)
            started = time.monotonic()
            conn.send(data)
            detail = conn.expect_close(want, started)
            ok = True
        except ProbeFailed as e:
            ok, detail = False, str(e)
        except (OSError, TimeoutError) as e:
            ok, detail = False, f"{type(e).__name__}: {e}"
        finally:
            if conn:
                conn.close()
        report.line(ok, name, detail, f"({note})")
    return report.status()


if __name__ == "__main__":
    sys.exit(main())
