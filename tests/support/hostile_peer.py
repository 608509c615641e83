#!/usr/bin/env python3
"""Hostile WebSocket peers for the memory tests (tests/integration/hostile_memory.sh) and
scripts/robustness. Standard library only; every peer completes a correct opening handshake,
then misbehaves:

  server flood  PORTFILE          after the 101, sends small valid text frames forever
  server big    PORTFILE [MB]     answers every message with one binary message of MB MiB (100)
  server stall  PORTFILE          after the 101, never reads or writes again
  server bomb   PORTFILE [MB]     agrees to permessage-deflate when offered and answers every
                                  message with a deflate bomb: about MB/1024 MiB of compressed
                                  octets that inflate to MB MiB of zeros (1024)
  client flood  URL AGENT [N]     a test-client driver: N connections at a time (16), each
                                  sending small valid text frames until the server drops it
  server h2-continuation PORTFILE HTTP/2 with prior knowledge (h2c), SETTINGS_ENABLE_CONNECT_
                                  PROTOCOL = 1; answers every request with HEADERS without
                                  END_HEADERS, then CONTINUATION frames forever
  server h2-flood PORTFILE        the same, but answers 200 and then sends 4 MiB text messages
                                  on the stream forever, as fast as our flow-control windows let
                                  it (a flood a receiver that keeps reopening them must take)
  server h2-overrun PORTFILE      the same, whatever our flow-control windows say (RFC 9113
                                  §6.9.1 forbids it)
  server h2-bad-ping PORTFILE     the same server, but it answers each extended CONNECT with
                                  200 and then a PING of 7 octets (RFC 9113 §6.7: 8 only)
  client h2-continuation URL AGENT  a test-client --http2 driver: asks /getCaseCount (over
                                  HTTP/1.1), then one h2c connection per case, on which it
                                  sends HEADERS without END_HEADERS and CONTINUATION frames
                                  until the server drops it
  client h2-overrun URL AGENT     the same driver, but on each connection a valid extended
                                  CONNECT for the case, and once it is answered a 16 KiB text
                                  message at once, whatever the server's windows say (RFC 9113
                                  §6.9.1 forbids it)
  client h2-requests URL AGENT    the same driver, but on each connection 1,000 GET requests
                                  at once, on streams 1, 3, 5 ..., then reads until a GOAWAY
  client h2-bad-settings URL AGENT  the same driver, but on each connection SETTINGS with
                                  MAX_FRAME_SIZE = 16,383, one below the least allowed (RFC
                                  9113 §6.5.2), then reads until a GOAWAY
  server backend426 PORTFILE      plain HTTP/1.1 with keep-alive (no opening handshake first):
                                  an upgrade with Sec-WebSocket-Version other than 13 gets 426
                                  and the connection stays open; any other GET gets 200
  proxy tunnel  PORTFILE BACKEND  a reverse proxy to 127.0.0.1:BACKEND that adds Via to what it
                                  relays, and tunnels raw octets as soon as a request carries
                                  Upgrade, whatever the answer (the planted websocket-smuggle
                                  flaw, section 15.6)
  proxy http    PORTFILE BACKEND  the same proxy, tunnelling only after a 101 (correct)
  server limits PORTFILE [FLAW]   an echo server with the limits section 15 (15.1-15.3) looks
                                  for: messages and inflated messages up to 1 MiB (then 1009),
                                  64 fragments a message (then 1009), RSV1 only when
                                  permessage-deflate was agreed (else 1002), the 64-bit length's
                                  top bit refused (1002), pongs written before it reads on. FLAW
                                  plants one weakness per probe group (none: the control):
                                    inflate-unagreed  inflates RSV1 frames nobody agreed to
                                                      (aiohttp GHSA-mq44-7p77-q5h7; 15.1)
                                    sign-bit-length   drops the 64-bit length's top bit and
                                                      reads on (gorilla CVE-2020-27813; 15.2)
                                    fragments-crash   keeps every fragment and exits after 1000
                                                      of one message (ws GHSA-96hv-2xvq-fx4p;
                                                      15.3; the run then reports the rest not run)
                                    inflate-unbounded inflates and echoes compressed messages
                                                      whatever their size (scripts/limits-bounds)
                                    deflate-echo-offer accepts any permessage-deflate offer by
                                                      echoing it back, invalid parameters and
                                                      all (15.1.3, 15.1.4)

A server listens on 127.0.0.1 (an ephemeral port, written to PORTFILE) until killed. The client
exits 0 once every case has been run and /updateReports was called.
"""
import asyncio
import base64
import hashlib
import os
import struct
import sys
import urllib.parse
import zlib

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
# 4096 text frames "hello" (FIN=1 op=text len=5, unmasked), written in one go.
FLOOD_UNMASKED = b"\x81\x05hello" * 4096
# The same frames masked with the key 00 00 00 00 (a client's frames must be masked).
FLOOD_MASKED = b"\x81\x85\x00\x00\x00\x00hello" * 4096
CHUNK = 1 << 20


async def read_head(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    return lines[0], headers


def accept_of(key):
    return base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()


def deflate_alternative_we_honour(alternative):
    name, *params = [part.strip().lower() for part in alternative.split(";")]
    if name != "permessage-deflate":
        return False
    seen = set()
    for param in params:
        key, _, value = param.partition("=")
        key, value = key.strip(), value.strip().strip('"')
        if key in seen:
            return False
        seen.add(key)
        if key == "client_no_context_takeover" and not value:
            continue
        if key == "client_max_window_bits" and (not value or value in map(str, range(8, 16))):
            continue
        return False
    return True


async def server_handshake(reader, writer, deflate=False, echo_offer=False):
    _, headers = await read_head(reader)
    offer = headers.get("sec-websocket-extensions", "")
    # An alternative is accepted when we honour each of its parameters (RFC 7692 7): the two
    # that only bind the client's compressor, valid and once each; any other offer is
    # declined. echo_offer is 15.1.3-15.1.4's planted flaw.
    offered = any(deflate_alternative_we_honour(alt) for alt in offer.split(","))
    extension = ("Sec-WebSocket-Extensions: permessage-deflate\r\n"
                 if deflate and offered else "")
    if echo_offer and "permessage-deflate" in offer:
        offered, extension = True, "Sec-WebSocket-Extensions: %s\r\n" % offer
    writer.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n%s\r\n" %
                  (accept_of(headers.get("sec-websocket-key", "")), extension)).encode())
    await writer.drain()
    return deflate and offered


async def frames(reader):
    """Yields (fin, opcode, payload) for each frame the peer sends; only control frames are
    unmasked (no peer here looks into a data frame)."""
    while True:
        b0, b1 = await reader.readexactly(2)
        length = b1 & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", await reader.readexactly(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", await reader.readexactly(8))
        key = await reader.readexactly(4) if b1 & 0x80 else b"\0\0\0\0"
        data = await reader.readexactly(length)
        if b0 & 0x08:
            data = bytes(b ^ key[i % 4] for i, b in enumerate(data))
        yield bool(b0 & 0x80), b0 & 0x0F, data


async def drain_forever(reader):
    while await reader.read(1 << 16):
        pass


async def flood(writer, frames_bytes):
    while True:
        writer.write(frames_bytes)
        await writer.drain()


async def serve_flood(reader, writer):
    asyncio.ensure_future(drain_forever(reader))
    await flood(writer, FLOOD_UNMASKED)


async def serve_stall(reader, writer):
    await asyncio.sleep(3600)


async def send_big(writer, lock, size):
    zeros = memoryview(bytes(CHUNK))
    async with lock:
        writer.write(b"\x82\x7f" + struct.pack("!Q", size))  # FIN=1 op=binary, 64-bit length
        left = size
        while left > 0:
            n = min(left, CHUNK)
            writer.write(zeros[:n])
            await writer.drain()
            left -= n


async def serve_big(reader, writer, size):
    lock = asyncio.Lock()
    tasks = []
    async for fin, opcode, payload in frames(reader):
        if opcode == 0x8:
            async with lock:
                writer.write(b"\x88\x02\x03\xe8")  # Close 1000
                await writer.drain()
            break
        if opcode == 0x9:
            async with lock:
                writer.write(bytes([0x8A, len(payload)]) + payload)  # Pong
        elif fin and opcode in (0x0, 0x1, 0x2):
            tasks.append(asyncio.ensure_future(send_big(writer, lock, size)))


H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def h2_frame(kind, flags, stream, payload):
    return struct.pack("!I", len(payload))[1:] + bytes([kind, flags]) + \
        struct.pack("!I", stream) + payload


# 64 CONTINUATION frames (type 9, no END_HEADERS) of 16 KiB each of an HPACK literal's bytes.
def h2_continuations(stream):
    return h2_frame(9, 0, stream, b"\x40" * 16384) * 64


async def h2_frames(reader):
    """Yields (type, flags, stream, payload) of each HTTP/2 frame the peer sends."""
    while True:
        head = await reader.readexactly(9)
        payload = await reader.readexactly(int.from_bytes(head[:3], "big"))
        yield head[3], head[4], int.from_bytes(head[5:9], "big") & 0x7FFFFFFF, payload


def h2_text_message(mib):
    """One unmasked text frame of MIB MiB."""
    return b"\x81\x7f" + struct.pack("!Q", mib << 20) + b"a" * (mib << 20)


async def quietly(coroutine):
    """Runs a sender until the connection breaks (or the task is cancelled)."""
    try:
        await coroutine
    except (ConnectionError, OSError):
        pass


async def send_within_windows(writer, stream, message, windows, opened):
    """Sends MESSAGE over and over in DATA frames of up to 16 KiB, as both windows allow."""
    at = 0
    while True:
        room = min(windows[0], windows[stream], 16384)
        if room <= 0:
            opened.clear()
            await opened.wait()
            continue
        chunk = message[at:at + room]
        windows[0] -= len(chunk)
        windows[stream] -= len(chunk)
        writer.write(h2_frame(0, 0, stream, chunk))
        at = (at + len(chunk)) % len(message)
        await writer.drain()


async def serve_h2(reader, writer, behaviour):
    if await reader.readexactly(len(H2_PREFACE)) != H2_PREFACE:
        return
    # SETTINGS: ENABLE_CONNECT_PROTOCOL (8) = 1.
    writer.write(h2_frame(4, 0, 0, struct.pack("!HI", 8, 1)))
    # What we may send (RFC 9113 §6.9): the connection's window and each stream's, which start
    # at the peer's SETTINGS_INITIAL_WINDOW_SIZE (4); `opened` is set by each WINDOW_UPDATE.
    windows, initial, opened, senders = {0: 65535}, 65535, asyncio.Event(), []
    try:
        async for kind, flags, stream, payload in h2_frames(reader):
            if kind == 4 and not flags & 1:
                for at in range(0, len(payload) - 5, 6):
                    key, value = struct.unpack("!HI", payload[at:at + 6])
                    if key == 4:
                        for s in windows:
                            if s:
                                windows[s] += value - initial
                        initial = value
                writer.write(h2_frame(4, 1, 0, b""))  # SETTINGS ACK
            if kind == 8 and len(payload) == 4:
                windows[stream] = windows.get(stream, initial) + \
                    (int.from_bytes(payload, "big") & 0x7FFFFFFF)
                opened.set()
            if kind != 1:
                continue
            if behaviour == "h2-continuation":
                writer.write(h2_frame(1, 0, stream, b"\x88"))  # :status 200, no END_HEADERS
                sender = flood(writer, h2_continuations(stream))
            elif behaviour == "h2-bad-ping":
                writer.write(h2_frame(1, 4, stream, b"\x88") + h2_frame(6, 0, 0, b"1234567"))
                continue
            elif behaviour == "h2-overrun":
                writer.write(h2_frame(1, 4, stream, b"\x88"))  # :status 200, END_HEADERS
                message = h2_text_message(4)
                sender = flood(writer, b"".join(h2_frame(0, 0, stream, message[i:i + 16384])
                                                for i in range(0, len(message), 16384)))
            else:
                writer.write(h2_frame(1, 4, stream, b"\x88"))
                windows[stream] = initial
                sender = send_within_windows(writer, stream, h2_text_message(4), windows, opened)
            senders.append(asyncio.ensure_future(quietly(sender)))
    finally:
        for sender in senders:
            sender.cancel()


def hpack_literals(fields):
    """A header block of literal fields without indexing, new names (RFC 7541 §6.2.2)."""
    block = b""
    for name, value in fields:
        block += b"\x00" + bytes([len(name)]) + name + bytes([len(value)]) + value
    return block


async def client_h2_overrun_case(url, case, agent):
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    writer.write(H2_PREFACE + h2_frame(4, 0, 0, b""))
    path = "/runCase?case=%d&agent=%s" % (case, urllib.parse.quote(agent))
    connect = hpack_literals([
        (b":method", b"CONNECT"), (b":protocol", b"websocket"), (b":scheme", b"http"),
        (b":path", path.encode()), (b":authority", url.netloc.encode()),
        (b"sec-websocket-version", b"13")])
    text = b"b" * 16384
    mask = os.urandom(4)
    message = b"\x81\xfe" + struct.pack("!H", len(text)) + mask + \
        bytes(c ^ mask[i % 4] for i, c in enumerate(text))
    asked = False
    try:
        async for kind, flags, stream, _ in h2_frames(reader):
            if kind == 4 and not flags & 1:
                writer.write(h2_frame(4, 1, 0, b""))  # SETTINGS ACK
                if not asked:
                    writer.write(h2_frame(1, 4, 1, connect))  # END_HEADERS
                    asked = True
            elif kind == 1 and stream == 1:
                # Answered: the whole message in DATA frames of 8 KiB, past any small window.
                writer.write(b"".join(h2_frame(0, 0, 1, message[i:i + 8192])
                                      for i in range(0, len(message), 8192)))
            elif kind == 7 or (stream == 1 and (kind == 3 or (kind == 0 and flags & 1))):
                break  # GOAWAY, or the case's stream reset or ended
            await writer.drain()
    finally:
        writer.close()


async def client_h2_cases(base, agent, one_case):
    count = int(await client_message(base, "/getCaseCount"))
    url = urllib.parse.urlsplit(base)
    for case in range(1, count + 1):
        try:
            await asyncio.wait_for(one_case(url, case, agent), timeout=30)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.TimeoutError, OSError):
            pass
    reader, writer = await client_connect(
        base, "/updateReports?agent=%s" % urllib.parse.quote(agent))
    writer.close()


async def client_h2_requests_case(url):
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    writer.write(H2_PREFACE + h2_frame(4, 0, 0, b""))
    get = hpack_literals([(b":method", b"GET"), (b":scheme", b"http"), (b":path", b"/"),
                          (b":authority", url.netloc.encode())])
    writer.write(b"".join(h2_frame(1, 5, stream, get)  # END_STREAM|END_HEADERS
                          for stream in range(1, 2001, 2)))
    try:
        async for kind, flags, _, _ in h2_frames(reader):
            if kind == 4 and not flags & 1:
                writer.write(h2_frame(4, 1, 0, b""))  # SETTINGS ACK
            elif kind == 7:
                break
            await writer.drain()
    finally:
        writer.close()


async def client_h2_bad_settings_case(url):
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    writer.write(H2_PREFACE + h2_frame(4, 0, 0, struct.pack(">HI", 5, 16383)))
    try:
        async for kind, _, _, _ in h2_frames(reader):
            if kind == 7:
                break
    finally:
        writer.close()


async def client_h2_continuation(base, agent):
    count = int(await client_message(base, "/getCaseCount"))
    url = urllib.parse.urlsplit(base)
    for _ in range(count):
        try:
            reader, writer = await asyncio.open_connection(url.hostname, url.port)
            writer.write(H2_PREFACE + h2_frame(4, 0, 0, b""))
            writer.write(h2_frame(1, 0, 1, b"\x82"))  # :method GET, no END_HEADERS
            asyncio.ensure_future(drain_forever(reader))
            await asyncio.wait_for(flood(writer, h2_continuations(1)), timeout=120)
        except (ConnectionError, asyncio.TimeoutError, OSError):
            pass
    reader, writer = await client_connect(
        base, "/updateReports?agent=%s" % urllib.parse.quote(agent))
    writer.close()


def deflate_bomb_frame(inflated_mib):
    """One compressed binary message (RSV1) whose payload inflates to `inflated_mib` MiB of
    zeros: raw DEFLATE, flushed with Z_SYNC_FLUSH and without its last 4 octets (RFC 7692
    7.2.1), so it decodes with or without context takeover."""
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(CHUNK)
    parts = [deflater.compress(zeros) for _ in range(inflated_mib)]
    parts.append(deflater.flush(zlib.Z_SYNC_FLUSH))
    payload = b"".join(parts)[:-4]
    return b"\xc2\x7f" + struct.pack("!Q", len(payload)) + payload


async def serve_bomb(reader, writer, bomb):
    async for fin, opcode, payload in frames(reader):
        if opcode == 0x8:
            writer.write(b"\x88\x02\x03\xe8")  # Close 1000
            await writer.drain()
            break
        if opcode == 0x9:
            writer.write(bytes([0x8A, len(payload)]) + payload)  # Pong
        elif fin and opcode in (0x0, 0x1, 0x2):
            writer.write(bomb)
            await writer.drain()


async def serve_listening(portfile, on_connection):
    """Serves on 127.0.0.1 (an ephemeral port, written to PORTFILE) until killed."""
    server = await asyncio.start_server(on_connection, "127.0.0.1", 0, limit=1 << 20)
    port = server.sockets[0].getsockname()[1]
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.replace(portfile + ".tmp", portfile)
    async with server:
        await server.serve_forever()


def run_server(portfile, behaviour, deflate=False, echo_offer=False):
    async def on_connection(reader, writer):
        try:
            writer.agreed_deflate = await server_handshake(reader, writer, deflate, echo_offer)
            await behaviour(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    asyncio.run(serve_listening(portfile, on_connection))


async def client_connect(base, path):
    url = urllib.parse.urlsplit(base)
    reader, writer = await asyncio.open_connection(url.hostname, url.port, limit=1 << 20)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(("GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n" %
                  (path, url.hostname, url.port, key)).encode())
    await writer.drain()
    status, _ = await read_head(reader)
    if " 101 " not in status + " ":
        raise ConnectionError(status)
    return reader, writer


async def client_message(base, path):
    """The first text message on `path` (getCaseCount)."""
    reader, writer = await client_connect(base, path)
    async for fin, opcode, payload in frames(reader):
        if opcode == 0x1:
            writer.close()
            return payload.decode()
    return ""


async def client_flood_case(base, case, agent):
    try:
        reader, writer = await client_connect(
            base, "/runCase?case=%d&agent=%s" % (case, urllib.parse.quote(agent)))
    except (ConnectionError, asyncio.IncompleteReadError, OSError):
        return
    reading = asyncio.ensure_future(drain_forever(reader))
    try:
        await asyncio.wait_for(flood(writer, FLOOD_MASKED), timeout=120)
    except (ConnectionError, asyncio.TimeoutError, OSError):
        pass
    reading.cancel()
    writer.close()


async def client_flood(base, agent, parallel):
    count = int(await client_message(base, "/getCaseCount"))
    queue = list(range(1, count + 1))

    async def worker():
        while queue:
            await client_flood_case(base, queue.pop(0), agent)

    await asyncio.gather(*(worker() for _ in range(parallel)))
    reader, writer = await client_connect(
        base, "/updateReports?agent=%s" % urllib.parse.quote(agent))
    writer.close()


async def backend426_connection(reader, writer):
    try:
        while True:
            _, headers = await read_head(reader)
            if "upgrade" in headers and headers.get("sec-websocket-version") != "13":
                writer.write(b"HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n"
                             b"Content-Length: 0\r\n\r\n")
            else:
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                             b"Content-Length: 8\r\n\r\nbackend\n")
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def pipe(reader, writer):
    try:
        while True:
            data = await reader.read(CHUNK)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


async def proxy_connection(reader, writer, backend_port, tunnel_on_request):
    b_reader, b_writer = await asyncio.open_connection("127.0.0.1", backend_port, limit=1 << 20)
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            upgrade = b"\r\nupgrade:" in head.lower()
            b_writer.write(head)
            await b_writer.drain()
            if upgrade and tunnel_on_request:  # the flaw: the answer's status is never read
                await asyncio.gather(pipe(reader, b_writer), pipe(b_reader, writer))
                return
            answer = await b_reader.readuntil(b"\r\n\r\n")
            if upgrade and answer.split(b" ", 2)[1] == b"101":
                writer.write(answer)
                await asyncio.gather(pipe(reader, b_writer), pipe(b_reader, writer))
                return
            length = 0
            for line in answer.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            body = await b_reader.readexactly(length)
            writer.write(answer[:-2] + b"Via: 1.1 wsconform-proxy\r\n\r\n" + body)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()
        b_writer.close()


LIMIT_MESSAGE = 1 << 20
LIMIT_FRAGMENTS = 64


def frame_out(opcode, payload, rsv1=False):
    """An unmasked frame from the server."""
    b0 = 0x80 | (0x40 if rsv1 else 0) | opcode
    n = len(payload)
    if n < 126:
        return bytes([b0, n]) + payload
    if n < 1 << 16:
        return bytes([b0, 126]) + struct.pack("!H", n) + payload
    return bytes([b0, 127]) + struct.pack("!Q", n) + payload


def close_out(code, reason=b""):
    return frame_out(0x8, struct.pack("!H", code) + reason)


async def serve_limits(reader, writer, flaw):
    """Section 15's limits, one of them possibly missing (see the module's help)."""
    deflate = getattr(writer, "agreed_deflate", False)
    message, opcode_of_message, fragments, compressed = bytearray(), 0, 0, False
    inflater = None

    async def fail(code):
        writer.write(close_out(code))
        await writer.drain()

    while True:
        b0, b1 = await reader.readexactly(2)
        fin, rsv, opcode, length = b0 & 0x80, b0 & 0x70, b0 & 0x0F, b1 & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", await reader.readexactly(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", await reader.readexactly(8))
            if length >> 63:
                if flaw != "sign-bit-length":
                    return await fail(1002)
                length &= (1 << 63) - 1
        if not b1 & 0x80:
            return await fail(1002)
        key = await reader.readexactly(4)
        agreed = deflate or flaw == "inflate-unagreed"
        if rsv & 0x30 or (rsv and (not agreed or opcode not in (0x1, 0x2))):
            return await fail(1002)
        unbounded = flaw == "inflate-unbounded" and (compressed or rsv)
        if opcode < 8 and length + len(message) > LIMIT_MESSAGE and not unbounded:
            return await fail(1009)
        if opcode >= 8 and (length > 125 or not fin):
            return await fail(1002)
        data = await reader.readexactly(length)
        mask = (key * (length // 4 + 1))[:length]
        data = (int.from_bytes(data, "big") ^ int.from_bytes(mask, "big")).to_bytes(length, "big")
        if opcode == 0x8:
            if len(data) > 2:
                try:
                    data[2:].decode("utf-8")
                except UnicodeDecodeError:
                    return await fail(1007)
            writer.write(close_out(1000))
            await writer.drain()
            return
        if opcode == 0x9:
            writer.write(frame_out(0xA, data))
            await writer.drain()  # a reader that does not read stops us reading too
            continue
        if opcode == 0xA:
            continue
        if opcode in (0x1, 0x2):
            opcode_of_message, compressed, fragments = opcode, bool(rsv), 0
            message.clear()
            if compressed:
                inflater = zlib.decompressobj(-15)
        fragments += 1
        if fragments > LIMIT_FRAGMENTS:
            if flaw != "fragments-crash":
                return await fail(1009)
            if fragments > 1000:
                os._exit(3)
        if compressed and flaw == "inflate-unbounded":
            message += inflater.decompress(data)
        elif compressed:
            message += inflater.decompress(data, LIMIT_MESSAGE + 1 - len(message))
            if len(message) > LIMIT_MESSAGE:
                return await fail(1009)
        else:
            message += data
        if fin:
            if compressed and flaw == "inflate-unbounded":
                message += inflater.decompress(b"\x00\x00\xff\xff")
            elif compressed:
                message += inflater.decompress(b"\x00\x00\xff\xff",
                                               LIMIT_MESSAGE + 1 - len(message))
                if len(message) > LIMIT_MESSAGE:
                    return await fail(1009)
            writer.write(frame_out(opcode_of_message, bytes(message)))
            await writer.drain()
            message.clear()


def main(argv):
    if len(argv) == 3 and argv[:2] == ["server", "backend426"]:
        asyncio.run(serve_listening(argv[2], backend426_connection))
        return 0
    if len(argv) == 4 and argv[0] == "proxy" and argv[1] in ("tunnel", "http"):
        backend, tunnel = int(argv[3]), argv[1] == "tunnel"
        asyncio.run(serve_listening(
            argv[2], lambda r, w: proxy_connection(r, w, backend, tunnel)))
        return 0
    if len(argv) >= 3 and argv[0] == "server":
        behaviours = {
            "flood": serve_flood,
            "stall": serve_stall,
            "big": lambda r, w: serve_big(r, w, int(argv[3] if len(argv) > 3 else 100) << 20),
        }
        if argv[1] in behaviours:
            run_server(argv[2], behaviours[argv[1]])
            return 0
        if argv[1] in ("h2-continuation", "h2-flood", "h2-overrun", "h2-bad-ping"):
            behaviour = argv[1]

            async def on_connection(reader, writer):
                try:
                    await serve_h2(reader, writer, behaviour)
                except (ConnectionError, asyncio.IncompleteReadError):
                    pass
                finally:
                    writer.close()

            asyncio.run(serve_listening(argv[2], on_connection))
            return 0
        if argv[1] == "limits":
            flaw = argv[3] if len(argv) > 3 else "none"
            if flaw not in ("none", "inflate-unagreed", "sign-bit-length", "fragments-crash",
                            "inflate-unbounded", "deflate-echo-offer"):
                print(__doc__, file=sys.stderr)
                return 2
            run_server(argv[2], lambda r, w: serve_limits(r, w, flaw), deflate=True,
                       echo_offer=flaw == "deflate-echo-offer")
            return 0
        if argv[1] == "bomb":
            bomb = deflate_bomb_frame(int(argv[3]) if len(argv) > 3 else 1024)
            run_server(argv[2], lambda r, w: serve_bomb(r, w, bomb), deflate=True)
            return 0
    if len(argv) >= 4 and argv[:2] == ["client", "h2-continuation"]:
        asyncio.run(client_h2_continuation(argv[2], argv[3]))
        return 0
    if len(argv) >= 4 and argv[:2] == ["client", "h2-overrun"]:
        asyncio.run(client_h2_cases(argv[2], argv[3], client_h2_overrun_case))
        return 0
    if len(argv) >= 4 and argv[:2] == ["client", "h2-requests"]:
        asyncio.run(client_h2_cases(
            argv[2], argv[3], lambda url, case, agent: client_h2_requests_case(url)))
        return 0
    if len(argv) >= 4 and argv[:2] == ["client", "h2-bad-settings"]:
        asyncio.run(client_h2_cases(
            argv[2], argv[3], lambda url, case, agent: client_h2_bad_settings_case(url)))
        return 0
    if len(argv) >= 4 and argv[:2] == ["client", "flood"]:
        asyncio.run(client_flood(argv[2], argv[3], int(argv[4]) if len(argv) > 4 else 16))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
