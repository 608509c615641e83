// Autobahn fuzzingserver client driver for Node's own `http2` client (RFC 8441: WebSocket over
// HTTP/2), against `wsconform test-client --http2`. Run through targets/clients/node-http2.
//
// usage: node node-http2.mjs URL AGENT      (URL ws://HOST:PORT for h2c, wss:// for h2 + ALPN)
//
// One HTTP/2 session (http2.connect) for the whole run, or with NODE_H2_SESSIONS=per-case one
// session per WebSocket (what section 17's 17.6 and 17.7.3-4 need: SETTINGS belong to a
// connection); each WebSocket is a request
// { ':method': 'CONNECT', ':protocol': 'websocket', ':path': ..., 'sec-websocket-version': '13' }
// on it, sent once the server's SETTINGS carry enableConnectProtocol.
// Node has no WebSocket-over-HTTP/2 client, so a tiny RFC 6455 client runs on the stream:
// messages echoed with their type (text checked as UTF-8), pings answered, the server's Close
// answered, protocol errors failed with 1002 and invalid UTF-8 with 1007; no extensions. Exits 0
// when the loop finished, 1 if getCaseCount or updateReports failed, 2 on usage errors.
// Environment: CASE_TIMEOUT (seconds per case, default 60); WSCONFORM_CA (wss://: a PEM CA);
// NODE_H2_SESSIONS (one, the default, or per-case).
import http2 from 'node:http2';
import { readFileSync } from 'node:fs';
import frames from './rfc6455_frames.cjs';

const log = (msg) => process.stderr.write(`[node-http2] ${msg}\n`);
const [base0, agent] = process.argv.slice(2);
if (process.argv.length !== 4 || !/^wss?:\/\//.test(base0)) {
  log('usage: node-http2.mjs URL AGENT');
  process.exit(2);
}
const url = new URL(base0);
const origin = (url.protocol === 'wss:' ? 'https://' : 'http://') + url.host;
const caseTimeoutMs = Number(process.env.CASE_TIMEOUT || 60) * 1000;
const options = {};
if (process.env.WSCONFORM_CA) options.ca = readFileSync(process.env.WSCONFORM_CA);
const perCase = process.env.NODE_H2_SESSIONS === 'per-case';
// A session, once its SETTINGS are in. RFC 8441 §3: no extended CONNECT before the server's
// SETTINGS allow it (Node refuses one): the caller checks enableConnectProtocol.
async function connect() {
  const s = http2.connect(origin, options);
  s.on('error', (e) => log(`session error: ${e.message}`));
  const settings = await new Promise((resolve) => {
    s.once('remoteSettings', resolve);
    s.once('close', () => resolve({}));
  });
  return { session: s, settings };
}
const utf8 = new TextDecoder('utf-8', { fatal: true });

// One WebSocket on one extended CONNECT stream; resolves with how it ended.
function websocket(session, path, onMessage) {
  return new Promise((resolve) => {
    const stream = session.request({
      ':method': 'CONNECT', ':protocol': 'websocket', ':scheme': url.protocol === 'wss:' ? 'https' : 'http',
      ':path': path, ':authority': url.host, 'sec-websocket-version': '13',
    }, { endStream: false });
    let buf = Buffer.alloc(0), parts = [], msgOpcode = 0, closed = false, failed = false;
    const timer = setTimeout(() => { stream.close(http2.constants.NGHTTP2_CANCEL); resolve({ error: 'timeout' }); }, caseTimeoutMs);
    const send = (op, payload) => { if (!stream.writableEnded && !stream.destroyed) stream.write(frames.encodeFrame(0x80 | op, payload, true)); };
    const fail = (code) => {
      failed = true;
      const p = Buffer.alloc(2); p.writeUInt16BE(code);
      if (!closed) { closed = true; send(8, p); }
      stream.end();
    };
    const ws = { send };
    stream.on('response', (h) => { if (!(h[':status'] >= 200 && h[':status'] < 300)) { clearTimeout(timer); resolve({ status: h[':status'] }); } });
    stream.on('data', (chunk) => {
      if (failed) return;
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const f = frames.takeFrame(buf);
        if (!f) return;
        buf = buf.subarray(f.size);
        const { fin, opcode: op, payload } = f, len = payload.length;
        if (f.rsv || f.masked) return fail(1002);  // reserved bits, or masked by the server
        if (op >= 8 && (!fin || len > 125)) return fail(1002);
        if (![0, 1, 2, 8, 9, 10].includes(op)) return fail(1002);
        if (op === 9) { send(10, payload); continue; }
        if (op === 10) continue;
        if (op === 8) {
          if (len === 1) return fail(1002);
          if (len >= 2) {
            const code = payload.readUInt16BE(0);
            const valid = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
            if (!valid) return fail(1002);
            try { utf8.decode(payload.subarray(2)); } catch { return fail(1007); }
          }
          if (!closed) { closed = true; send(8, payload.subarray(0, 2)); }
          stream.end();
          return;
        }
        if (op === 0 && !msgOpcode) return fail(1002);
        if (op !== 0 && msgOpcode) return fail(1002);
        if (op !== 0) msgOpcode = op;
        parts.push(payload);
        if (!fin) continue;
        const data = Buffer.concat(parts);
        const type = msgOpcode;
        parts = []; msgOpcode = 0;
        if (type === 1) { try { utf8.decode(data); } catch { return fail(1007); } }
        onMessage(ws, type, data);
      }
    });
    stream.on('close', () => { clearTimeout(timer); resolve({ rstCode: stream.rstCode }); });
    stream.on('error', () => {});
  });
}

const echo = (ws, type, data) => ws.send(type, data);
const first = await connect();
if (!first.settings.enableConnectProtocol) {
  log('the server does not offer RFC 8441 (enableConnectProtocol is not set)');
  first.session.destroy();
  process.exit(1);
}
// One WebSocket: on the shared session, or on a session of its own (closed afterwards); a
// session whose SETTINGS do not allow extended CONNECT gets none.
let spare = first;
async function open(path, onMessage) {
  if (!perCase) return websocket(first.session, path, onMessage);
  const c = spare || (await connect());
  spare = null;
  let r = { error: 'the server does not offer RFC 8441 on this connection' };
  if (c.settings.enableConnectProtocol) r = await websocket(c.session, path, onMessage);
  c.session.close();
  return r;
}
let count = null;
await open('/getCaseCount', (ws, type, data) => { count = Number(data.toString()); });
if (!Number.isInteger(count)) {
  log('getCaseCount failed');
  first.session.close();
  process.exit(1);
}
log(`${count} cases over HTTP/2 (${url.protocol === 'wss:' ? 'TLS, ALPN h2' : 'h2c'}, ` +
    `${perCase ? 'a session per case' : 'one session'})`);
for (let i = 1; i <= count; i++) {
  const r = await open(`/runCase?case=${i}&agent=${encodeURIComponent(agent)}`, echo);
  if (r.error || r.status) log(`case ${i}: ${JSON.stringify(r)}`);
}
const done = await open(`/updateReports?agent=${encodeURIComponent(agent)}`, () => {});
first.session.close();
process.exit(done.status ? 1 : 0);
