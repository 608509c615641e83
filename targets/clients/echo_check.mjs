#!/usr/bin/env node
// Checks that a WebSocket echo server echoes correctly, using node's `ws` 8.23.0
// (from targets/node_modules; run targets/install-node-deps first).
//
// usage: node echo_check.mjs ws://HOST:PORT/PATH [--timeout SECONDS]
//
// Each check runs on its own connection under a hard deadline. Prints one line per
// check, "ok   NAME  detail" or "FAIL NAME  detail"; exits 0 only if every check
// passed (1 if some failed, 2 on usage errors).
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import WebSocket from 'ws';

const wsVersion = createRequire(import.meta.url)('ws/package.json').version;

const args = process.argv.slice(2);
let url = null;
let timeoutMs = 10_000;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--timeout') timeoutMs = Number(args[++i]) * 1000;
  else if (!url) url = args[i];
  else url = undefined;
}
if (!url || !/^wss?:\/\//.test(url) || !(timeoutMs > 0)) {
  console.error('usage: echo_check.mjs ws://HOST:PORT/PATH [--timeout SECONDS]');
  process.exit(2);
}

class CheckFailed extends Error {}

const describe = (data, isBinary) =>
  `${isBinary ? 'binary' : 'text'} ${data.length} B sha256 ${createHash('sha256').update(data).digest('hex').slice(0, 12)}`;

// A connection whose events are turned into awaitable queues.
class Conn {
  constructor() {
    this.waiters = [];
    this.messages = [];
    this.pongs = [];
    this.closed = null;
    this.error = null;
  }
  static open(url) {
    const c = new Conn();
    c.ws = new WebSocket(url, { perMessageDeflate: true, maxPayload: 64 * 1024 * 1024 });
    c.ws.on('upgrade', (res) => { c.extensions = res.headers['sec-websocket-extensions'] ?? ''; });
    c.ws.on('open', () => c.wake());
    c.ws.on('message', (data, isBinary) => { c.messages.push({ data, isBinary }); c.wake(); });
    c.ws.on('pong', (data) => { c.pongs.push(data); c.wake(); });
    c.ws.on('close', (code, reason) => { c.closed = { code, reason: reason.toString() }; c.wake(); });
    c.ws.on('error', (err) => { c.error = err; c.wake(); });
    return c.until(() => c.ws.readyState === WebSocket.OPEN, 'open').then(() => c);
  }
  wake() { for (const w of this.waiters.splice(0)) w(); }
  // Resolves when pred() is true; rejects if the connection errors or closes first.
  async until(pred, what) {
    for (;;) {
      if (pred()) return;
      if (this.error) throw new CheckFailed(`${what}: ${this.error.message}`);
      if (this.closed) throw new CheckFailed(`${what}: connection closed (code ${this.closed.code} ${JSON.stringify(this.closed.reason)})`);
      await new Promise((resolve) => this.waiters.push(resolve));
    }
  }
  async nextMessage() {
    await this.until(() => this.messages.length > 0, 'waiting for the echo');
    return this.messages.shift();
  }
  terminate() { try { this.ws.terminate(); } catch {} }
}

// sends: array of [data, options] handed to ws.send one after another.
function echoCheck(sends, want, wantBinary, { showExtensions = false } = {}) {
  return async (c) => {
    for (const [data, opts] of sends) c.ws.send(data, opts);
    const got = await c.nextMessage();
    const gotBuf = Buffer.isBuffer(got.data) ? got.data : Buffer.concat(got.data);
    if (got.isBinary !== wantBinary)
      throw new CheckFailed(`sent ${describe(want, wantBinary)}, got ${describe(gotBuf, got.isBinary)} (wrong type)`);
    if (!gotBuf.equals(want))
      throw new CheckFailed(`sent ${describe(want, wantBinary)}, got ${describe(gotBuf, got.isBinary)} (content differs)`);
    let detail = describe(gotBuf, got.isBinary);
    if (showExtensions) detail += `; extensions: ${c.extensions || 'none'}`;
    c.ws.close(1000);
    return detail;
  };
}

async function pingCheck(c) {
  const payload = Buffer.from('wsconform-ping\x00\xff', 'latin1');
  c.ws.ping(payload);
  await c.until(() => c.pongs.length > 0, 'waiting for the pong');
  const pong = c.pongs.shift();
  if (!pong.equals(payload)) throw new CheckFailed(`pong payload ${pong.toString('hex')} != ping payload ${payload.toString('hex')}`);
  c.ws.close(1000);
  return `pong echoed ${payload.toString('hex')}`;
}

async function closeCheck(c) {
  c.ws.close(1000, 'bye');
  await c.until(() => c.closed !== null || c.error !== null, 'waiting for the close');
  if (c.error) throw new CheckFailed(`error during close: ${c.error.message}`);
  // ws reports 1005 for a close frame without code and 1006 when no close frame came.
  if (c.closed.code !== 1000) throw new CheckFailed(`server close code ${c.closed.code} ${JSON.stringify(c.closed.reason)}`);
  return `server close code ${c.closed.code} reason ${JSON.stringify(c.closed.reason)}`;
}

function* checks() {
  const text = Buffer.from('Hello, wsconform! \u00e9\u263a\u{1F600}', 'utf8');
  yield ['text', echoCheck([[text.toString('utf8'), { binary: false }]], text, false, { showExtensions: true }), 1];
  for (const n of [0, 125, 126, 65535, 65536]) {
    const b = randomBytes(n);
    yield [`binary-${n}`, echoCheck([[b, { binary: true }]], b, true), 1];
  }
  const big = randomBytes(16 * 1024 * 1024);
  yield ['binary-16MiB', echoCheck([[big, { binary: true }]], big, true), 3];
  const parts = ['Hello, ', 'fragmented \u263a ', 'world'];
  yield ['fragmented-text-3', echoCheck(
    [[parts[0], { binary: false, fin: false }], [parts[1], { binary: false, fin: false }], [parts[2], { binary: false, fin: true }]],
    Buffer.from(parts.join(''), 'utf8'), false), 1];
  yield ['ping-pong', pingCheck, 1];
  yield ['close-1000', closeCheck, 1];
}

async function runOne(check, deadlineMs) {
  let conn = null;
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new CheckFailed(`timed out after ${deadlineMs / 1000} s`)), deadlineMs);
  });
  try {
    return await Promise.race([timeout, (async () => { conn = await Conn.open(url); return check(conn); })()]);
  } finally {
    clearTimeout(timer);
    if (conn) {
      // Give a clean close a moment, then drop the connection whatever happened.
      await Promise.race([conn.until(() => conn.closed !== null, 'close').catch(() => {}), new Promise((r) => setTimeout(r, 1000))]);
      conn.terminate();
    }
  }
}

console.log(`# node ws ${wsVersion} -> ${url}`);
let failed = 0;
for (const [name, check, factor] of checks()) {
  const t0 = performance.now();
  let ok = true;
  let detail;
  try {
    detail = await runOne(check, timeoutMs * factor);
  } catch (e) {
    ok = false;
    detail = e instanceof CheckFailed ? e.message : `${e?.name ?? 'Error'}: ${e?.message ?? e}`;
  }
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name.padEnd(18)} ${detail} [${((performance.now() - t0) / 1000).toFixed(2)}s]`);
}
console.log(failed ? `# ${failed} failed` : '# all passed');
process.exitCode = failed ? 1 : 0;
// Nothing should be left open, but never hang on a stray handle.
setTimeout(() => process.exit(process.exitCode), 2000).unref();
