// Planted RFC 8441 mistakes for section 17 (tests/integration/http2_section17.sh): an HTTP/2
// WebSocket echo server on node:http2 (nghttp2) with one mistake each. Usage:
//   node h2_planted_server.js MODE PORT
// MODE:
//   no-setting          answers extended CONNECT without having sent
//                       SETTINGS_ENABLE_CONNECT_PROTOCOL (the parameter is cut out of the
//                       server's first SETTINGS frame on its way out)
//   require-key         refuses (400) an extended CONNECT without sec-websocket-key
//   accept-connection   accepts a CONNECT carrying connection or upgrade (the fields are cut out
//                       of our literal header blocks on their way in, so nghttp2's own check
//                       never sees them)
//   no-echo             none of these, but an application rather than an echo server: it
//                       answers pings and the Close, never echoes a message (for the cases
//                       --profile protocol runs)
//   no-close-reply      ends a WebSocket's stream with END_STREAM on our Close, without a Close
//                       of its own (RFC 6455 §5.5.1)
//   bad-settings        adds SETTINGS_MAX_FRAME_SIZE = 16383, one below the least allowed
//                       (RFC 9113 §6.5.2), to its first SETTINGS frame on its way out
//   good                none of these (a control)
// Prints "listening PORT" once ready. Otherwise it serves as `wsconform serve --http2` does: 501
// for another :protocol, 400 for a plain CONNECT or a sec-websocket-key, 200 and a frame echo.
'use strict';
const http2 = require('node:http2');
const net = require('node:net');
const { Duplex } = require('node:stream');
const { takeFrame, encodeFrame } = require('../../targets/clients/rfc6455_frames.cjs');

const [mode, portArg] = process.argv.slice(2);
const port = Number(portArg || 0);
if (!['no-setting', 'require-key', 'accept-connection', 'no-echo', 'no-close-reply', 'bad-settings', 'good'].includes(mode)) {
  console.error('usage: node h2_planted_server.js no-setting|require-key|accept-connection|no-echo|no-close-reply|bad-settings|good PORT');
  process.exit(2);
}

// RFC 6455 frames of one stream: unmasked echoes of each data frame (none in no-echo mode),
// Pings and the Close answered, then END_STREAM.
function echoWebSocket(stream) {
  let buf = Buffer.alloc(0);
  stream.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (let f; (f = takeFrame(buf));) {
      buf = buf.subarray(f.size);
      if (f.opcode === 0x9) { stream.write(encodeFrame(0x8a, f.payload)); continue; }
      if (f.opcode === 0xa) continue;
      if (f.opcode === 0x8) {
        if (!stream.closed) stream.end(mode === 'no-close-reply' ? undefined : encodeFrame(0x88, f.payload.subarray(0, 2)));
        return;
      }
      if (mode !== 'no-echo') stream.write(encodeFrame(firstOctet(f), f.payload));
    }
  });
  stream.on('error', () => {});
}

// The first octet of an echo: the frame's own FIN, RSV bits and opcode.
const firstOctet = (f) => (f.fin ? 0x80 : 0) | (f.rsv << 4) | f.opcode;

const server = http2.createServer({ settings: { enableConnectProtocol: true } });
server.on('stream', (stream, headers) => {
  stream.on('error', () => {});
  // A client that fails the connection (as it must in bad-settings mode) can destroy a stream
  // before we answer it: that is no reason to stop serving.
  try { answer(stream, headers); } catch (e) { if (e.code !== 'ERR_HTTP2_INVALID_STREAM') throw e; }
});

function answer(stream, headers) {
  const method = headers[':method'];
  const protocol = headers[':protocol'];
  if (method !== 'CONNECT') {
    stream.respond({ ':status': 200, 'content-type': 'text/plain' });
    stream.end('a WebSocket echo over HTTP/2 (planted: ' + mode + ')\n');
    return;
  }
  if (protocol === undefined) { stream.respond({ ':status': 400 }, { endStream: true }); return; }
  if (protocol !== 'websocket') { stream.respond({ ':status': 501 }, { endStream: true }); return; }
  if (!headers[':scheme'] || !headers[':path'] || !headers[':authority'] ||
      headers['sec-websocket-version'] !== '13') {
    stream.respond({ ':status': 400 }, { endStream: true });
    return;
  }
  const key = headers['sec-websocket-key'];
  if (mode === 'require-key' ? key === undefined : key !== undefined) {
    stream.respond({ ':status': 400 }, { endStream: true });
    return;
  }
  stream.respond({ ':status': 200 });
  echoWebSocket(stream);
}
server.on('sessionError', () => {});

// The bytes between the socket and nghttp2, for the modes that change the first SETTINGS frame
// or cut fields out of our requests.
const rewritesSettings = mode === 'no-setting' || mode === 'bad-settings';
function spliced(socket) {
  let outFirst = Buffer.alloc(0), outDone = !rewritesSettings;
  let inBuf = Buffer.alloc(0), inPreface = mode === 'accept-connection' ? 24 : -1;
  const duplex = new Duplex({
    read() {},
    write(chunk, _enc, done) {
      if (outDone) return socket.write(chunk, done);
      outFirst = Buffer.concat([outFirst, chunk]);
      if (outFirst.length < 9) return done();
      const len = outFirst.readUIntBE(0, 3);
      if (outFirst.length < 9 + len) return done();
      const kept = [];
      for (let at = 9; at + 6 <= 9 + len; at += 6)
        if (mode !== 'no-setting' || outFirst.readUInt16BE(at) !== 0x8) kept.push(outFirst.subarray(at, at + 6));
      if (mode === 'bad-settings') kept.push(Buffer.from([0x00, 0x05, 0x00, 0x00, 0x3f, 0xff]));
      const payload = Buffer.concat(kept);
      const head = Buffer.from(outFirst.subarray(0, 9));
      head.writeUIntBE(payload.length, 0, 3);
      outDone = true;
      socket.write(Buffer.concat([head, payload, outFirst.subarray(9 + len)]), done);
    },
    final(done) { socket.end(); done(); },
    destroy(err, done) { socket.destroy(); done(err); },
  });
  socket.on('data', (chunk) => {
    if (inPreface < 0) return duplex.push(chunk);
    inBuf = Buffer.concat([inBuf, chunk]);
    if (inPreface > 0) {
      if (inBuf.length < inPreface) return;
      duplex.push(inBuf.subarray(0, inPreface));
      inBuf = inBuf.subarray(inPreface);
      inPreface = 0;
    }
    while (inBuf.length >= 9) {
      const len = inBuf.readUIntBE(0, 3);
      if (inBuf.length < 9 + len) return;
      let f = inBuf.subarray(0, 9 + len);
      inBuf = inBuf.subarray(9 + len);
      if (f[3] === 0x1 && (f[4] & 0x4) && !(f[4] & 0x28)) f = withoutConnectionFields(f);
      duplex.push(f);
    }
  });
  socket.on('end', () => duplex.push(null));
  socket.on('error', () => duplex.destroy());
  socket.on('close', () => duplex.destroy());
  return duplex;
}

// A HEADERS frame of ours (literal fields, new names, raw strings) without connection/upgrade.
function withoutConnectionFields(f) {
  const block = f.subarray(9);
  const fields = [];
  let at = 0;
  const int7 = () => {
    let v = block[at++] & 0x7f;
    if (v < 0x7f) return v;
    let shift = 0, b;
    do { b = block[at++]; v += (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
    return v;
  };
  while (at < block.length) {
    if (block[at] !== 0x00) return f;  // not our encoding: leave it
    const start = at++;
    if (block[at] & 0x80) return f;
    const nlen = int7(); const name = block.subarray(at, at + nlen).toString('latin1'); at += nlen;
    if (block[at] & 0x80) return f;
    const vlen = int7(); at += vlen;
    if (name !== 'connection' && name !== 'upgrade') fields.push(block.subarray(start, at));
  }
  const payload = Buffer.concat(fields);
  const head = Buffer.from(f.subarray(0, 9));
  head.writeUIntBE(payload.length, 0, 3);
  return Buffer.concat([head, payload]);
}

const listener = net.createServer((socket) => {
  socket.on('error', () => {});
  server.emit('connection', rewritesSettings || mode === 'accept-connection' ? spliced(socket) : socket);
});
listener.listen(port, '127.0.0.1', () => {
  console.log('listening ' + listener.address().port);
});
