// RFC 6455 §5.2 framing for the small WebSocket endpoints we write in Node where Node has none:
// the HTTP/2 client driver (targets/clients/node-http2.mjs) and the planted HTTP/2 servers
// (tests/support/h2_planted_server.js). A CommonJS module, so that both kinds can load it.
'use strict';
const { randomBytes } = require('node:crypto');

// The first whole frame at the start of `buf`, or null while it is incomplete:
// { fin, rsv, opcode, masked, payload (unmasked, a copy), size (octets it took) }.
function takeFrame(buf) {
  if (buf.length < 2) return null;
  const b0 = buf[0], b1 = buf[1];
  let len = b1 & 0x7f, at = 2;
  if (len === 126) {
    if (buf.length < 4) return null;
    len = buf.readUInt16BE(2);
    at = 4;
  } else if (len === 127) {
    if (buf.length < 10) return null;
    len = Number(buf.readBigUInt64BE(2));
    at = 10;
  }
  const masked = (b1 & 0x80) !== 0;
  const key = masked ? buf.subarray(at, at + 4) : null;
  if (masked) at += 4;
  if (buf.length < at + len) return null;
  const payload = Buffer.from(buf.subarray(at, at + len));
  if (masked) for (let i = 0; i < len; ++i) payload[i] ^= key[i & 3];
  return { fin: (b0 & 0x80) !== 0, rsv: (b0 >> 4) & 0x7, opcode: b0 & 0x0f, masked, payload, size: at + len };
}

// A frame whose first octet is `b0` (FIN, RSV and opcode), masked with a fresh key when `mask`.
function encodeFrame(b0, payload, mask) {
  const len = payload.length;
  const head = Buffer.alloc(len < 126 ? 2 : len < 65536 ? 4 : 10);
  head[0] = b0;
  if (len < 126) head[1] = len;
  else if (len < 65536) { head[1] = 126; head.writeUInt16BE(len, 2); }
  else { head[1] = 127; head.writeBigUInt64BE(BigInt(len), 2); }
  const body = Buffer.from(payload);
  if (!mask) return Buffer.concat([head, body]);
  head[1] |= 0x80;
  const key = randomBytes(4);
  for (let i = 0; i < body.length; i++) body[i] ^= key[i & 3];
  return Buffer.concat([head, key, body]);
}

module.exports = { takeFrame, encodeFrame };
